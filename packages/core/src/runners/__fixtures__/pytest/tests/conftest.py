"""A short per-test timeout (pytest has none built in) so the slow fixture times out quickly."""
import signal

import pytest

PER_TEST_TIMEOUT_S = 0.2


@pytest.fixture(autouse=True)
def per_test_timeout():
    def fail(_signum, _frame):
        raise TimeoutError(f"test exceeded the {PER_TEST_TIMEOUT_S * 1000:.0f} ms per-test timeout")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.setitimer(signal.ITIMER_REAL, PER_TEST_TIMEOUT_S)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)
