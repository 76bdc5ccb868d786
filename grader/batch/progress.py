"""Progress of a batch, for a person watching: a live bar on a terminal, plain lines otherwise.

:class:`Progress` is the ``on_row`` callback of :func:`grader.batch.run.grade_batch`; the command
line creates it with the stream to write to (this module never chooses stdout or stderr).

Counts: *passed* = graded with full marks, *failed* = graded with fewer points, *errors* =
invalid or errored (no grade); *reused* = up to date from an earlier run, not graded again.
The rate counts submissions graded by this run, per second of wall time since the first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from grader.batch.rows import GRADED, StudentRow

BAR_WIDTH = 24
#: Seconds between two redraws of the live bar (the last one is always drawn).
REDRAW = 0.1
#: The rate is shown once this many seconds of grading have passed (before, it is noise).
RATE_AFTER = 0.5


class Progress:
    def __init__(
        self, total: int, stream: TextIO, live: bool, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.total = total
        self.stream = stream
        self.live = live
        self.clock = clock
        self.done = 0
        self.passed = 0
        self.failed = 0
        self.errors = 0
        self.reused = 0
        self._start: float | None = None
        self._graded_now = 0
        self._drawn = 0.0
        self._width = 0

    def __call__(self, row: StudentRow, done: int, total: int) -> None:
        now = self.clock()
        self.done, self.total = done, total
        if row.status != GRADED:
            self.errors += 1
        elif row.full_marks:
            self.passed += 1
        else:
            self.failed += 1
        if row.reused:
            self.reused += 1
        else:
            if self._start is None:
                self._start = now - row.seconds
            self._graded_now += 1
        if self.live:
            if row.status != GRADED and not row.reused:
                self._clear()
                self.stream.write(f"{row.student}: {row.status}: {row.message}\n")
            if now - self._drawn >= REDRAW or done == total or row.status != GRADED:
                self._draw(now)
        else:
            self.stream.write(self.line(row) + "\n")
            self.stream.flush()

    def rate(self, now: float | None = None) -> float:
        """Submissions graded by this run per second (0 until RATE_AFTER seconds, and while
        only one was graded: a lone submission's "rate" is only its own time)."""
        if self._start is None or self._graded_now < 2:
            return 0.0
        elapsed = (self.clock() if now is None else now) - self._start
        return self._graded_now / elapsed if elapsed >= RATE_AFTER else 0.0

    def counts(self) -> str:
        text = f"passed {self.passed}  failed {self.failed}  errors {self.errors}"
        return text + (f"  reused {self.reused}" if self.reused else "")

    def line(self, row: StudentRow) -> str:
        """The plain line for one finished submission."""
        width = len(str(self.total))
        head = f"[{self.done:>{width}}/{self.total}] {row.student}"
        if row.status == GRADED:
            what = f"{row.score:g}/{row.max_score:g}" if row.score is not None else "graded"
            if row.max_score is None:
                what = f"{row.score:g}"
        else:
            what = f"{row.status}: {row.message}"
        tail = " (reused)" if row.reused else f" ({row.seconds:.2f} s)"
        return f"{head}: {what}{tail}"

    def bar(self, now: float | None = None) -> str:
        """The live bar's text."""
        filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        rate = self.rate(now)
        text = f"[{bar}] {self.done}/{self.total}  {self.counts()}"
        if rate:
            text += f"  {rate:.1f}/s"
            left = self.total - self.done
            if left:
                text += f"  eta {left / rate:.0f} s"
        return text

    def _draw(self, now: float) -> None:
        text = self.bar(now)
        pad = max(self._width - len(text), 0)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)
        self._drawn = now

    def _clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0

    def close(self) -> None:
        """End the live bar's line (nothing to do for plain lines)."""
        if self.live and self._width:
            self._draw(self.clock())
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0
