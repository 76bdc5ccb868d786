"""Gradescope's ``results.json``: https://gradescope-autograders.readthedocs.io/en/latest/specs/

One test per graded function and visibility: "<function>: public cases" is ``visible``,
"<function>: hidden cases" is ``after_published``. A function's points are all or nothing, so
both of its tests carry a share of them (half each when both exist) and earn it only when the
function earns its points. Hidden tests never show inputs or expected values (the engine has
already redacted their messages).
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

_VISIBILITY = {PUBLIC: "visible", HIDDEN: "after_published"}


def render_gradescope(report: GradeReport) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for function in report.functions:
        groups = [(v, [c for c in function.cases if c.visibility == v]) for v in (PUBLIC, HIDDEN)]
        groups = [(v, cases) for v, cases in groups if cases]
        share = function.max_points / len(groups) if groups else function.max_points
        for visibility, cases in groups:
            tests.append(_test(function, visibility, cases, share))
    lines = [f"{f.name}: {f.points:g}/{f.max_points:g} - {f.summary}" for f in report.functions]
    for cell in report.cells:
        lines.append(f"cell {cell_number(cell.index)}: {cell.message}")
    return {
        "score": report.score,
        "execution_time": report.execution_time,
        "output": "\n".join(lines),
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _test(
    function: FunctionReport, visibility: str, cases: list[CaseResult], share: float
) -> dict[str, Any]:
    earned = share if function.points > 0 else 0.0
    # A function scored on its own logic passes here even when a helper's bug shows in it.
    passed = all(c.passed or (function.points > 0 and c.passed_with_correct_helpers) for c in cases)
    out = [f"{function.name}: {function.summary}."]
    if function.diagnosis is not None:
        out.append(f"Likely mistake: {function.diagnosis.title}. {function.diagnosis.hint}")
    for case in cases:
        if case.passed:
            out.append(f"{case.label}: passed")
            continue
        out.append(f"{case.label}: failed")
        if case.problem is not None:
            out.append(f"  {case.problem.message}")
        out.extend(f"  {m.message}" for m in case.mismatches)
        if case.passed_with_correct_helpers:
            out.append("  (passes when the graded helpers it calls are replaced by correct ones)")
    return {
        "name": f"{function.name}: {visibility} cases",
        "score": earned,
        "max_score": share,
        "status": "passed" if passed else "failed",
        "output": "\n".join(out),
        "visibility": _VISIBILITY[visibility],
    }
