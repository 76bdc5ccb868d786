"""Gradescope's ``results.json``: https://gradescope-autograders.readthedocs.io/en/latest/specs/

Two tests per graded function. "<function>: public cases" is ``visible`` and scores nothing
(``max_score`` 0): its status and output say how the public cases went, at once. "<function>"
carries the function's points (all or nothing) with its verdict; it is ``after_published``
when the function has hidden cases, so that neither its status nor its score reveals them
before the instructor publishes the grades, and ``visible`` when only public cases were run.
So no test ever shows "passed" with points missing. A public case that fails only because of a
graded helper, in a function that keeps its points, is said to pass with correct versions of
that helper (and what the student's own helper made of it follows). The top-level ``output``
is always visible: while there are hidden cases it shows only the public cases' outcome and
the notebook's cells, no score. Hidden cases never show inputs or expected values (the engine
has already redacted their messages). Control characters never reach any text.
"""

from __future__ import annotations

from typing import Any

from grader.grading.results import (
    HIDDEN,
    PUBLIC,
    CaseResult,
    FunctionReport,
    GradeReport,
    cell_number,
)
from grader.reports.text import printable_lines

_VISIBILITY = {PUBLIC: "visible", HIDDEN: "after_published"}


def render_gradescope(report: GradeReport) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for function in report.functions:
        public = [c for c in function.cases if c.visibility == PUBLIC]
        hidden = [c for c in function.cases if c.visibility == HIDDEN]
        tests.append(_public_test(function, public))
        tests.append(_scored_test(function, hidden))
    return {
        "score": report.score,
        "execution_time": report.execution_time,
        "output": printable_lines("\n".join(_overview(report))),
        "stdout_visibility": "hidden",
        # For the instructor (students do not see extra_data): which protections applied.
        "extra_data": {"protections": dict(report.protections)},
        "tests": tests,
    }


def _overview(report: GradeReport) -> list[str]:
    """The top-level ``output``, which students always see: while hidden cases are graded
    (their tests are ``after_published``), only what the public cases and the notebook's cells
    show, never a score or a verdict that depends on a hidden case."""
    if not any(c.visibility == HIDDEN for f in report.functions for c in f.cases):
        lines = [f"{f.name}: {f.points:g}/{f.max_points:g}. {f.summary}" for f in report.functions]
    else:
        lines = [
            "Public cases (the scores, and the hidden cases behind them, appear when the "
            "grades are published):"
        ]
        for function in report.functions:
            public = [c for c in function.cases if c.visibility == PUBLIC]
            lines.append(f"{function.name}: {_public_count(function, public)}")
    for cell in report.cells:
        lines.append(f"cell {cell_number(cell.index)}: {cell.message}")
    return lines


def _rescued(function: FunctionReport, case: CaseResult) -> bool:
    """A case that fails only because of a graded helper, in a function that keeps its points
    for its own logic."""
    return not case.passed and function.points > 0 and bool(case.passed_with_correct_helpers)


def _helpers(function: FunctionReport) -> str:
    return " and ".join(function.blamed_helpers) or "the graded helpers it calls"


def _public_count(function: FunctionReport, cases: list[CaseResult]) -> str:
    """How many public cases pass, truthfully: cases that pass only with correct helpers in
    place of the student's are counted apart."""
    passed = sum(c.passed for c in cases)
    rescued = sum(_rescued(function, c) for c in cases)
    if not rescued:
        return f"{passed} of {len(cases)} public case(s) pass."
    return (
        f"{passed + rescued} of {len(cases)} public case(s) pass with correct versions of "
        f"{_helpers(function)} in place of yours (your own logic is right); with yours, "
        f"{passed} pass."
    )


def _public_test(function: FunctionReport, cases: list[CaseResult]) -> dict[str, Any]:
    ok = all(c.passed or _rescued(function, c) for c in cases)
    head = f"{function.name}: {_public_count(function, cases)}"
    if function.diagnosis is not None:
        head += f"\nLikely mistake: {function.diagnosis.title}. {function.diagnosis.hint}"
    if function.explanation:
        head += f"\nWhere it goes wrong: {function.explanation}"
    return {
        "name": f"{function.name}: public cases",
        "score": 0.0,
        "max_score": 0.0,
        "status": "passed" if ok else "failed",
        "output": printable_lines("\n".join([head, *_case_lines(function, cases)])),
        "visibility": _VISIBILITY[PUBLIC],
    }


def _scored_test(function: FunctionReport, hidden: list[CaseResult]) -> dict[str, Any]:
    out = [f"{function.name}: {function.points:g}/{function.max_points:g}. {function.summary}."]
    if function.diagnosis is not None:
        out.append(f"Likely mistake: {function.diagnosis.title}. {function.diagnosis.hint}")
    if function.explanation:
        out.append(f"Where it goes wrong: {function.explanation}")
    out += _case_lines(function, hidden)
    return {
        "name": function.name,
        "score": function.points,
        "max_score": function.max_points,
        "status": "passed" if function.points > 0 else "failed",
        "output": printable_lines("\n".join(out)),
        "visibility": _VISIBILITY[HIDDEN] if hidden else _VISIBILITY[PUBLIC],
    }


def _case_lines(function: FunctionReport, cases: list[CaseResult]) -> list[str]:
    out = []
    for case in cases:
        if case.passed:
            out.append(f"{case.label}: passed")
            continue
        if _rescued(function, case):
            out.append(
                f"{case.label}: passes with correct versions of {_helpers(function)} in place "
                "of yours; with yours:"
            )
        else:
            out.append(f"{case.label}: failed")
        if case.problem is not None:
            out.append(f"  {case.problem.message}")
            if case.problem.line:
                out.append(f"    > {case.problem.line.strip()}")
        out.extend(f"  {m.message}" for m in case.mismatches)
        if case.passed_with_correct_helpers and not _rescued(function, case):
            out.append("  (passes when the graded helpers it calls are replaced by correct ones)")
    return out
