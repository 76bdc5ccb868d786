"""The settings of a batch, in one frozen object handed to every part of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.options import CheckOptions


@dataclass(frozen=True)
class BatchOptions:
    check: CheckOptions = field(default_factory=CheckOptions)
    #: Submissions graded at the same time (0: one per CPU this process may use).
    jobs: int = 0
    #: Grade every submission, even those whose results are up to date.
    force: bool = False
    #: Write DIR/<student>/feedback.html too (costs ~40 ms a submission; see the README).
    #: None: as the output folder was made (its summary.json says), else no.
    html: bool | None = None

    @property
    def max_score(self) -> float:
        """The most a submission can score (what an invalid one scores 0 out of)."""
        return self.check.points_per_function * len(GRADED_FUNCTIONS)

    @property
    def pages(self) -> bool:
        """Whether feedback.html is written (``html`` decided)."""
        return bool(self.html)
