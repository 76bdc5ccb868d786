"""The rows of a batch: one student's line of the gradebook, and what produces one.

Plain data shared by the batch's parts (:mod:`grader.batch.run`, :mod:`grader.batch.engines`,
:mod:`grader.batch.gradebook`, :mod:`grader.batch.progress`), so that none of them imports
another for its types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from grader.batch.inputs import Entry
from grader.grading.results import GradeReport

#: A row's status: graded; invalid (not a gradable notebook, scored 0); error (the grader
#: failed on it, no score, retried on the next run).
RowStatus = Literal["graded", "invalid", "error"]
GRADED: RowStatus = "graded"
INVALID: RowStatus = "invalid"
ERROR: RowStatus = "error"
ROW_STATUSES: tuple[RowStatus, ...] = (GRADED, INVALID, ERROR)


@dataclass(frozen=True)
class FunctionScore:
    """One graded function in a row. ``explanation``, for a function that lost points: its
    named mistake, else what its first failing case says (one sentence, for the instructor)."""

    name: str
    points: float
    max_points: float
    status: str
    explanation: str = ""


@dataclass(frozen=True)
class Mistake:
    """A named mistake the grader diagnosed in one function (see grading.diagnose)."""

    function: str
    name: str
    title: str


@dataclass(frozen=True)
class Note:
    """Something an instructor should look at in a row that graded anyway.

    kind -- ``timeout`` (a cell or call hit the time limit), ``cells`` (cells did not run
    cleanly), ``notebooks`` (several notebooks in the student's folder, one was picked) or
    ``kept`` (the row of an earlier run, read back from the gradebook because the student's
    ``grading.json`` was lost)
    """

    kind: str
    text: str


#: Note kinds that put a graded row on the class report's "needs attention" list.
ATTENTION_KINDS = ("timeout", "notebooks", "kept")


@dataclass(frozen=True)
class StudentRow:
    """One student's line of the gradebook.

    status -- ``graded``; ``invalid`` (not a gradable notebook: ``message`` says why, scores
    0); ``error`` (the grader failed on it: ``message`` says how, no score)
    """

    student: str
    path: str
    status: RowStatus
    score: float | None = None
    max_score: float | None = None
    functions: tuple[FunctionScore, ...] = ()
    message: str = ""
    seconds: float = 0.0
    #: True when read back from a previous run's grading.json instead of graded now.
    reused: bool = False
    mistakes: tuple[Mistake, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def attention(self) -> tuple[str, ...]:
        """Why an instructor should look at this row (empty: nothing to look at)."""
        reasons = [] if self.status == GRADED else [f"{self.status}: {self.message}"]
        return (*reasons, *(n.text for n in self.notes if n.kind in ATTENTION_KINDS))

    @property
    def lost(self) -> tuple[FunctionScore, ...]:
        """The functions that did not earn all their points."""
        return tuple(f for f in self.functions if f.points < f.max_points)

    @property
    def full_marks(self) -> bool:
        return (
            self.status == GRADED
            and self.score is not None
            and self.max_score is not None
            and self.score >= self.max_score
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["functions"] = [asdict(f) for f in self.functions]
        data["mistakes"] = [asdict(m) for m in self.mistakes]
        data["notes"] = [asdict(n) for n in self.notes]
        del data["reused"]
        return data

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> StudentRow:
        functions = tuple(
            FunctionScore(
                str(f["name"]),
                float(f["points"]),
                float(f["max_points"]),
                str(f["status"]),
                str(f.get("explanation", "")),
            )
            for f in data["functions"]
        )
        return StudentRow(
            student=str(data["student"]),
            path=str(data["path"]),
            status=_row_status(data["status"]),
            score=None if data["score"] is None else float(data["score"]),
            max_score=None if data["max_score"] is None else float(data["max_score"]),
            functions=functions,
            message=str(data["message"]),
            seconds=float(data["seconds"]),
            mistakes=tuple(
                Mistake(str(m["function"]), str(m["name"]), str(m["title"]))
                for m in data.get("mistakes", ())
            ),
            notes=tuple(Note(str(n["kind"]), str(n["text"])) for n in data.get("notes", ())),
        )


class GraderLike(Protocol):
    """What the batch needs of a grader (:class:`grader.grading.engine.Grader`, or a fake in tests).
    ``grade`` is called from several threads at once."""

    def grade(self, path: str | Path) -> GradeReport: ...

    def close(self) -> None: ...


#: Called in the batch's thread after each submission finishes: (row, done, total).
OnRow = Callable[[StudentRow, int, int], None]


@dataclass(frozen=True)
class Rendered:
    """The texts of one student's files: results.json (None: nothing to upload),
    feedback.txt, and feedback.html (None: not asked for)."""

    results: str | None
    feedback: str
    html: str | None = None


#: (entry, key, row, rendered files), in the batch's thread.
Finished = Callable[[Entry, "str | None", StudentRow, Rendered], None]


def _row_status(value: object) -> RowStatus:
    for status in ROW_STATUSES:
        if value == status:
            return status
    raise ValueError(f"unknown row status {value!r}")
