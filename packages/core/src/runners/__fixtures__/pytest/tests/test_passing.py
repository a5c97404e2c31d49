class TestMath:
    def test_adds(self):
        assert 1 + 1 == 2

    class TestNested:
        def test_multiplies(self):
            assert 2 * 3 == 6


def test_top_level():
    assert len("a") == 1
