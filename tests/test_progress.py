"""The progress line: no wild early estimates, and it ends at 100%."""

import io

from kaocha.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_estimate_waits_then_follows_the_average_rate_and_ends_at_100():
    clock, stream = Clock(), io.StringIO()
    progress = Progress(reports=100, work=100_000, stream=stream, enabled=True, clock=clock)
    clock.now = 0.5
    progress.advance(5_000)  # a first batch arriving fast says little
    assert progress.estimate() is None and "estimating" in progress.line()
    for n in range(1, 99):
        clock.now += 1.0
        progress.advance(900 + 50 * (n % 3))  # uneven report sizes, steady rate
        if progress.estimate() is not None:
            left = progress.work - progress.done_work
            assert abs(progress.estimate() - left * clock.now / progress.done_work) < 1e-6
    clock.now += 1.0
    progress.advance(progress.work - progress.done_work)
    progress.finish()
    last = stream.getvalue().split("\r")[-1]
    assert "100/100 reports" in last and "100%" in last and "done in" in last and last.endswith("\n")


def test_disabled_progress_writes_nothing():
    stream = io.StringIO()
    progress = Progress(reports=2, work=10, stream=stream, enabled=False)
    progress.advance(5)
    progress.advance(5)
    progress.finish()
    assert stream.getvalue() == ""
