"""Gradescope's ``results.json``: https://gradescope-autograders.readthedocs.io/en/latest/specs/

Two tests per graded function. "<function>: public cases" is ``visible`` and scores nothing
(``max_score`` 0): its status and output say how the public cases went, at once. "<function>"
carries the function's points (all or nothing) with its verdict; it is ``after_published``
when the function has hidden cases, so that neither its status nor its score reveals them
before the instructor publishes the grades, and ``visible`` when only public cases were run.
So no test ever shows "passed" with points missing. Hidden cases never show inputs or expected
values (the engine has already redacted their messages).
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
        public = [c for c in function.cases if c.visibility == PUBLIC]
        hidden = [c for c in function.cases if c.visibility == HIDDEN]
        tests.append(_public_test(function, public))
        tests.append(_scored_test(function, hidden))
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


def _passed(function: FunctionReport, case: CaseResult) -> bool:
    # A function scored on its own logic passes here even when a helper's bug shows in it.
    return case.passed or bool(function.points > 0 and case.passed_with_correct_helpers)


def _public_test(function: FunctionReport, cases: list[CaseResult]) -> dict[str, Any]:
    passed = sum(_passed(function, c) for c in cases)
    head = f"{function.name}: {passed} of {len(cases)} public case(s) pass."
    if function.diagnosis is not None:
        head += f"\nLikely mistake: {function.diagnosis.title}. {function.diagnosis.hint}"
    if function.explanation:
        head += f"\nWhere it goes wrong: {function.explanation}"
    return {
        "name": f"{function.name}: public cases",
        "score": 0.0,
        "max_score": 0.0,
        "status": "passed" if passed == len(cases) else "failed",
        "output": "\n".join([head, *_case_lines(cases)]),
        "visibility": _VISIBILITY[PUBLIC],
    }


def _scored_test(function: FunctionReport, hidden: list[CaseResult]) -> dict[str, Any]:
    out = [f"{function.name}: {function.points:g}/{function.max_points:g}, {function.summary}."]
    if function.diagnosis is not None:
        out.append(f"Likely mistake: {function.diagnosis.title}. {function.diagnosis.hint}")
    if function.explanation:
        out.append(f"Where it goes wrong: {function.explanation}")
    out += _case_lines(hidden)
    return {
        "name": function.name,
        "score": function.points,
        "max_score": function.max_points,
        "status": "passed" if function.points > 0 else "failed",
        "output": "\n".join(out),
        "visibility": _VISIBILITY[HIDDEN] if hidden else _VISIBILITY[PUBLIC],
    }


def _case_lines(cases: list[CaseResult]) -> list[str]:
    out = []
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
    return out
