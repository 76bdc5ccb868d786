"""A fake grader for batch tests: scores a notebook's text, so a class grades in milliseconds.

Each graded function named in the file's text earns its 10 points; an empty file is an invalid
submission, a file containing ``boom`` makes the grader fail. ``fake_batch`` grades a folder
with it (three threads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.batch.inputs import expand_inputs
from grader.batch.run import BatchOptions, BatchResult, grade_batch
from grader.errors import InvalidSubmission
from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions
from grader.grading.results import FunctionReport, GradeReport

OPTIONS = CheckOptions(cases="public", timeout=1.0, memory_mb=600)


class FakeGrader:
    """Scores a notebook by its text: each graded function named in it earns its points."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def grade(self, path: str | Path) -> GradeReport:
        self.calls.append(Path(path).stem)
        text = Path(path).read_text()
        if not text:
            raise InvalidSubmission(f"{path} is empty.")
        if "boom" in text:
            raise RuntimeError("the grader broke\non two lines")
        functions = tuple(
            FunctionReport(
                name,
                10.0 if name in text else 0.0,
                10.0,
                "passed" if name in text else "failed",
                (),
                "",
            )
            for name in GRADED_FUNCTIONS
        )
        return GradeReport(str(path), functions)

    def close(self) -> None:
        pass


def fake_batch(
    inputs: Any,
    out: Path,
    calls: list[str],
    *,
    known: set[str] | frozenset[str] = frozenset(),
    **options: Any,
) -> BatchResult:
    """Grade ``inputs`` (a folder, or a list of inputs) into ``out`` with :class:`FakeGrader`."""
    items = inputs if isinstance(inputs, list) else [inputs]
    return grade_batch(
        expand_inputs(items, exclude=out, known=known),
        out,
        BatchOptions(OPTIONS, **{"jobs": 3, **options}),
        make_grader=lambda: FakeGrader(calls),
        grader_fingerprint="v1",
    )
