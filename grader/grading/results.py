"""Results are data: what grading found, as frozen dataclasses with ``to_dict()``.

A crashed or empty submission still yields a full :class:`GradeReport`: every graded function
appears with its points and the reason it earned none. Renderers (text, Gradescope JSON, HTML)
read these objects and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from grader.grading.comparison import Mismatch
from grader.grading.diagnose import Diagnosis

PUBLIC = "public"
HIDDEN = "hidden"


#: The protections that keep student code away from the grader's files: either is enough
#: (README, "Student code is untrusted"); ``--require-confinement`` refuses to grade without.
FILE_CONFINEMENT = ("landlock_filesystem", "separate_user")


def has_file_confinement(protections: dict[str, bool]) -> bool:
    return any(protections.get(name) for name in FILE_CONFINEMENT)


def protections_line(protections: dict[str, bool]) -> str:
    """One line naming the protections that applied and those that did not ("" if none known)."""
    if not protections:
        return ""
    applied = ", ".join(sorted(k for k, v in protections.items() if v)) or "none"
    missing = ", ".join(sorted(k for k, v in protections.items() if not v))
    return f"Sandbox: {applied}" + (f" (not applied: {missing})" if missing else "")


def cell_number(index: int) -> int:
    """The number people read for the notebook cell at 0-based ``index``.

    The worker and the submission reader count cells from 0; every report (text, JSON, HTML)
    shows them from 1, counting every cell top to bottom, markdown included. This is the one
    place that converts.
    """
    return index + 1


#: A graded function's verdict: "passed"; "failed" (own logic wrong); "inherited" (own logic
#: right, a graded helper it calls is wrong); "not_implemented"; "missing" (not defined).
FunctionStatus = Literal["passed", "failed", "inherited", "not_implemented", "missing"]
#: Why a call gave no value to compare.
ProblemStatus = Literal[
    "error", "missing", "timeout", "crashed", "memory", "output", "not_run", "not_implemented"
]


@dataclass(frozen=True)
class Problem:
    """Why a call produced no value to compare: an exception, a time-out, a crash...

    status -- "error", "missing", "timeout", "crashed", "memory", "not_run", "not_implemented"
    message -- sentences for the student; line -- their own line of code, when known
    """

    status: ProblemStatus
    message: str
    exception_type: str = ""
    cell: int | None = None
    lineno: int | None = None
    line: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "exception_type": self.exception_type,
            "cell": None if self.cell is None else cell_number(self.cell),
            "lineno": self.lineno,
            "line": self.line,
        }


@dataclass(frozen=True)
class CaseResult:
    """One case of one function: passed, or what went wrong."""

    function: str
    name: str
    visibility: str
    passed: bool
    mismatches: tuple[Mismatch, ...] = ()
    problem: Problem | None = None
    #: With correct helpers substituted, did the function's own logic pass? (None: not tried)
    passed_with_correct_helpers: bool | None = None
    output: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        number = self.name.rsplit("-", 1)[-1]
        return f"{self.visibility} case {number}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "name": self.name,
            "visibility": self.visibility,
            "passed": self.passed,
            "mismatches": [m.to_dict() for m in self.mismatches],
            "problem": self.problem.to_dict() if self.problem else None,
            "passed_with_correct_helpers": self.passed_with_correct_helpers,
            "output": self.output,
            "note": self.note,
        }


@dataclass(frozen=True)
class FunctionReport:
    """A graded function: its points and every case behind them.

    status -- "passed"; "failed" (own logic wrong); "inherited" (own logic right, a graded
    helper it calls is wrong); "not_implemented"; "missing" (not defined in the notebook)
    """

    name: str
    points: float
    max_points: float
    status: FunctionStatus
    cases: tuple[CaseResult, ...]
    summary: str
    diagnosis: Diagnosis | None = None
    blamed_helpers: tuple[str, ...] = ()
    cells: tuple[int, ...] = ()
    #: Where the function's values first leave the correct computation, at the student's own
    #: line (:mod:`grader.grading.valueflow`); "" when that cannot be said surely.
    explanation: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "points": self.points,
            "max_points": self.max_points,
            "status": self.status,
            "summary": self.summary,
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "blamed_helpers": list(self.blamed_helpers),
            "explanation": self.explanation,
            "cells": [cell_number(i) for i in self.cells],
            "cases": [c.to_dict() for c in self.cases],
        }


@dataclass(frozen=True)
class CellReport:
    """A notebook cell that raised, hung or crashed while the notebook ran top to bottom."""

    index: int
    status: str
    message: str
    defines: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "cell": cell_number(self.index),
            "status": self.status,
            "message": self.message,
            "defines": list(self.defines),
        }


@dataclass(frozen=True)
class GradeReport:
    """Everything about one submission."""

    submission: str
    functions: tuple[FunctionReport, ...]
    cells: tuple[CellReport, ...] = ()
    execution_time: float = 0.0
    cases: str = "all"
    strict_dependencies: bool = False
    protections: dict[str, bool] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(f.points for f in self.functions)

    @property
    def max_score(self) -> float:
        return sum(f.max_points for f in self.functions)

    @property
    def all_passed(self) -> bool:
        return all(f.passed for f in self.functions)

    def function(self, name: str) -> FunctionReport:
        for report in self.functions:
            if report.name == name:
                return report
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": self.execution_time,
            "cases": self.cases,
            "strict_dependencies": self.strict_dependencies,
            "protections": dict(self.protections),
            "cells": [c.to_dict() for c in self.cells],
            "functions": [f.to_dict() for f in self.functions],
        }
