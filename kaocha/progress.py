"""A progress line for long batch runs: reports done, percent, time left.

Work is counted in bytes of the input files, not in files, because reports
differ in length by a factor of a hundred; the time left is the total time
so far per byte times the bytes left (reports arrive in batches, so a rate
over the last few reports swings wildly). No estimate is shown before 3% of
the work and two seconds have passed, and the line ends at 100% when the
run is complete.
"""

from __future__ import annotations

import sys
import time

MIN_FRACTION = 0.03
MIN_SECONDS = 2.0
REDRAW_SECONDS = 0.2


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    def __init__(self, reports: int, work: int, stream=None, enabled: bool | None = None, clock=time.monotonic,
                 label: str = "scoring"):
        self.reports, self.work = reports, max(work, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled if enabled is not None else self.stream.isatty()
        self.clock, self.label = clock, label
        self.started = clock()
        self.done_reports = self.done_work = 0
        self.last_draw = None

    def fraction(self) -> float:
        return min(1.0, self.done_work / self.work)

    def estimate(self) -> float | None:
        """Seconds left, or None while too little is done to tell."""
        elapsed = self.clock() - self.started
        if self.fraction() < MIN_FRACTION or elapsed < MIN_SECONDS:
            return None
        return elapsed / self.done_work * max(self.work - self.done_work, 0)

    def line(self) -> str:
        text = f"{self.label} {self.done_reports:,}/{self.reports:,} reports {self.fraction():4.0%}"
        if self.done_reports >= self.reports:
            return text + f" done in {duration(self.clock() - self.started)}"
        left = self.estimate()
        return text + (f" about {duration(left)} left" if left is not None else " (estimating time left)")

    def advance(self, work: int, reports: int = 1) -> None:
        self.done_reports += reports
        self.done_work += work
        now = self.clock()
        if self.enabled and (self.last_draw is None or now - self.last_draw >= REDRAW_SECONDS
                             or self.done_reports >= self.reports):
            self._draw()
            self.last_draw = now

    def _draw(self) -> None:
        self.stream.write("\r\033[K" + self.line())
        self.stream.flush()

    def message(self, text: str) -> None:
        """Print a line of its own (an error, say) above the progress line."""
        if self.enabled and self.last_draw is not None:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        if self.enabled and self.last_draw is not None:
            self._draw()
        self.stream.flush()

    def finish(self) -> None:
        """End the line (at 100% when every report was done)."""
        if self.enabled and self.last_draw is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
