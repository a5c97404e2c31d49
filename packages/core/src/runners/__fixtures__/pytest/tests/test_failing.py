class TestFailing:
    def test_passes_first(self):
        assert True

    def test_fails_an_assertion(self):
        assert 1 + 1 == 3
