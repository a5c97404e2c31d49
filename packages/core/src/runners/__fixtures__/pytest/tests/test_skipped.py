import sys

import pytest


@pytest.mark.skip(reason="later")
def test_is_skipped():
    assert False


@pytest.mark.skipif(sys.version_info > (3,), reason="condition")
def test_is_skipped_by_a_condition():
    pass


def test_is_skipped_at_run_time():
    pytest.skip("not today")


@pytest.mark.xfail(reason="pytest has no todo; an expected failure is the nearest")
def test_is_an_expected_failure():
    assert False
