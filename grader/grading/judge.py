"""Judging: the outcomes of a submission's calls and the cases -> a full report.

Pure: no I/O, no student code, no sandbox. Every returned value is compared here, in the
grader's process (:mod:`grader.grading.comparison`); hidden cases are redacted; each function
gets its status, points, blame (:mod:`grader.grading.attribution`) and, when one catalogued
mistake explains every case, a diagnosis (:mod:`grader.grading.diagnose`).

Scoring policy (documented in the README): each graded function is worth
``CheckOptions.points_per_function`` points, earned only when every one of its cases passes.
By default a function is judged on its own logic: if it fails only because a graded helper it
calls is wrong, and passes every case with correct helpers substituted, it keeps its points
and the report names the helper. ``strict_dependencies=True`` restores the all-together rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from grader.bundle import BundleCase
from grader.grading.attribution import (
    ORACLE_SUFFIX,
    culprits,
    helper_failing,
    identical,
    oracle_passed,
    own_logic_right,
)
from grader.grading.comparison import (
    GRADED_FUNCTIONS,
    Mismatch,
    compare_inputs,
    compare_output,
    looks_unimplemented,
)
from grader.grading.diagnose import Diagnosis
from grader.grading.explain import explain_functions
from grader.grading.formats import SHIFTED_NOTE, DAConvention, read_shifted, shifted_keys_allowed
from grader.grading.options import CheckOptions
from grader.grading.results import (
    HIDDEN,
    CaseResult,
    CellReport,
    FunctionReport,
    FunctionStatus,
    GradeReport,
    Problem,
    cell_number,
)
from grader.sandbox.codec import NONE_IN_ARRAY, Flat
from grader.sandbox.outcomes import CallOutcome, CellOutcome, ExceptionInfo
from grader.submission import Submission, defined_functions

#: What a function's own logic returned on one case: (the case's arguments, the value).
Observation = tuple[tuple[Any, ...], Any]


def judge(
    submission: Submission,
    cases: Sequence[BundleCase],
    outcomes: Mapping[str, CallOutcome],
    cells: Sequence[CellOutcome],
    options: CheckOptions,
    flat_expected: Mapping[str, Flat] | None = None,
) -> GradeReport:
    """Turn raw call outcomes into a full report. ``flat_expected`` are the expected values
    flattened, by case key, when known (a bit-for-bit right answer needs no comparing). A
    re-run with correct helpers in which the grader refused a helper call
    (``CallOutcome.refused``) counts for nothing."""
    defined = defined_functions(submission)
    conventions: dict[str, DAConvention] = {}
    if shifted_keys_allowed(cell.source for cell in submission.cells):
        outcomes = read_dA_keys(outcomes, cases, conventions)
    by_function: dict[str, list[CaseResult]] = {name: [] for name in GRADED_FUNCTIONS}
    observations: dict[str, list[Observation]] = {}
    for case in cases:
        outcome = outcomes.get(case.key)
        oracle = outcomes.get(case.key + ORACLE_SUFFIX)
        result = judge_case(case, outcome, oracle, (flat_expected or {}).get(case.key))
        by_function.setdefault(case.function, []).append(result)
        # What the function's own logic returned: with correct helpers when that run answered;
        # else its own run (a wrong call to a helper makes the oracle refuse, and then the
        # student's helpers are usually right, or the mistake is in how they are called).
        for run in (None if oracle and oracle.refused else oracle, outcome):
            if run is not None and run.status == "ok":
                observations.setdefault(case.function, []).append((case.args, run.value))
                break
        else:  # it raised: what it raised is evidence too (the diagnosis names raising slips)
            if outcome is not None and outcome.status == "error" and outcome.exception:
                observations.setdefault(case.function, []).append((case.args, outcome.exception))
    functions = tuple(
        _function_report(
            name,
            tuple(results),
            options,
            defined.get(name, []),
            observations.get(name, []),
            by_function,
            SHIFTED_NOTE if "shifted" in _conventions_of(name, cases, conventions) else "",
        )
        for name, results in by_function.items()
    )
    functions = explain_functions(functions, cases, outcomes)
    return GradeReport(
        submission=str(submission.path),
        functions=functions,
        cells=tuple(_cell_report(c, defined) for c in cells if c.status != "ok"),
        cases=options.cases,
        strict_dependencies=options.strict_dependencies,
    )


def judge_case(
    case: BundleCase,
    outcome: CallOutcome | None,
    oracle: CallOutcome | None,
    expected: Flat | None = None,
) -> CaseResult:
    """One case: passed, or what went wrong and whether correct helpers would have helped
    (never, when the grader refused a helper call in that re-run)."""
    hidden = case.visibility == HIDDEN
    note = "" if hidden else case.note
    if outcome is not None and identical(outcome, expected):
        return CaseResult(
            case.function, case.name, case.visibility, True, output=outcome.output, note=note
        )
    if outcome is None:
        problem: Problem | None = Problem(
            "not_run", "This case was not run (the submission ran out of time)."
        )
        return CaseResult(
            case.function, case.name, case.visibility, False, problem=problem, note=note
        )
    problem = _problem(case.function, outcome, hidden)
    if problem is not None:
        return CaseResult(
            case.function,
            case.name,
            case.visibility,
            False,
            problem=problem,
            passed_with_correct_helpers=oracle_passed(case, oracle),
            output=outcome.output,
            note=note,
        )
    try:
        mismatches = compare_output(case.function, case.expected, outcome.value)
        if outcome.args_after is not None:  # None: the inputs came back unchanged
            mismatches += compare_inputs(case.function, case.args, outcome.args_after)
    except Exception as exc:  # a value no comparison takes (an int too large for a float)
        message = (
            f"{case.function} returned a value that cannot be compared ({type(exc).__name__})."
        )
        return CaseResult(
            case.function, case.name, case.visibility, False,
            problem=Problem("crashed", message), output=outcome.output, note=note,
        )  # fmt: skip
    if hidden:
        mismatches = [_redact(m) for m in mismatches]
    passed = not mismatches
    return CaseResult(
        case.function,
        case.name,
        case.visibility,
        passed,
        mismatches=tuple(mismatches),
        passed_with_correct_helpers=None if passed else oracle_passed(case, oracle),
        output=outcome.output,
        note=note,
    )


# --- why a call has no value ---------------------------------------------------------------

_NO_VALUE = {
    "timeout": "{f} did not finish within the time limit (an endless loop?).",
    "crashed": "{f} crashed the Python process (os._exit, a segfault, or similar).",
    "memory": "{f} ran out of memory (an array far larger than this case needs?).",
    "not_run": "{f} was not run: the whole submission ran out of time.",
}


def _problem(function: str, outcome: CallOutcome, hidden: bool = False) -> Problem | None:
    """The reason a call has no value to compare, in words for the student (for a hidden
    case, an exception's type and line without its message, which may show the inputs)."""
    if outcome.status == "ok":
        if outcome.value is None or getattr(outcome.value, "why", None) == NONE_IN_ARRAY:
            return Problem(
                "not_implemented",
                f"{function} returned None: it is not implemented "
                "yet (fill in the code between ### START CODE HERE ### and "
                "### END CODE HERE ###), or its return statement is missing.",
            )
        return None
    if outcome.status == "missing":
        return Problem(
            "missing",
            f"There is no function named {function} in the notebook "
            "(was its cell deleted or the function renamed?).",
        )
    exc = outcome.exception
    if outcome.status == "error" and exc is not None:
        return _raised(function, exc, hidden)
    detail = f" {outcome.detail}" if outcome.detail else ""
    generic = f"{function} could not be run ({outcome.status})."
    message = (
        _NO_VALUE[outcome.status].format(f=function) if outcome.status in _NO_VALUE else generic
    )
    return Problem(outcome.status, message + detail)


def _raised(function: str, exc: ExceptionInfo, hidden: bool = False) -> Problem:
    where = _where(exc)
    said = exc.type if hidden else f"{exc.type}: {exc.message}"
    if looks_unimplemented(exc.type, exc.message):
        return Problem(
            "not_implemented",
            f"{function} is not implemented yet: {said}{where}. "
            "A stub that still says None cannot be used as a value.",
            exc.type,
            exc.cell,
            exc.lineno,
            exc.line or "",
        )
    return Problem(
        "error",
        f"{function} raised {said}{where}.",
        exc.type,
        exc.cell,
        exc.lineno,
        exc.line or "",
    )


def _where(exc: ExceptionInfo) -> str:
    if exc.lineno is None:
        return ""
    cell = f"cell {cell_number(exc.cell)}, " if exc.cell is not None else ""
    line = f": {exc.line.strip()}" if exc.line else ""
    return f" ({cell}line {exc.lineno}{line})"


_REDACTED = {
    "value": "has the right shape but wrong values",
    "nan": "contains NaN or infinity where a finite number was expected",
    "missing_key": "is missing some keys",
    "extra_key": "has unexpected keys",
    "not_implemented": "is None (not computed yet)",
    "modified_input": "was changed in place by the function",
}
_REDACTED_WITH_GOT = {
    "shape": "has the wrong shape ({got})",
    "dtype": "has the wrong dtype ({got})",
    "type": "has the wrong type ({got})",
    "length": "has the wrong number of items ({got})",
}


def _redact(m: Mismatch) -> Mismatch:
    """Hidden cases never reveal their inputs or expected values: keep what and where only."""
    if m.kind in _REDACTED_WITH_GOT:
        what = _REDACTED_WITH_GOT[m.kind].format(got=m.got)
    else:
        what = _REDACTED.get(m.kind, "is wrong")
    details = {k: v for k, v in m.details.items() if k in ("max_rel_error", "mismatched", "total")}
    return Mismatch(
        m.kind, m.path, f"{m.path} {what}.", "", m.got if m.kind != "value" else "", details
    )


# --- the course's older dA convention (see grader.grading.formats) -------------------------


def read_dA_keys(
    outcomes: Mapping[str, CallOutcome],
    cases: Sequence[BundleCase],
    conventions: dict[str, DAConvention],
) -> dict[str, CallOutcome]:
    """The outcomes with L_model_backward's grads in our dA convention when they came in the
    shifted one; ``conventions`` gets the convention read, by call key."""
    keys = {c.key for c in cases if c.function == "L_model_backward"}
    keys |= {k + ORACLE_SUFFIX for k in keys}
    read = dict(outcomes)
    for key in keys & set(outcomes):
        outcome = outcomes[key]
        if outcome.status != "ok":
            continue
        value, convention = read_shifted(outcome.value)
        if convention is not None:
            conventions[key] = convention
        if convention == "shifted":
            read[key] = replace(outcome, value=value, value_flat=None)
    return read


def _conventions_of(
    name: str, cases: Sequence[BundleCase], conventions: Mapping[str, DAConvention]
) -> set[DAConvention]:
    return {conventions[c.key] for c in cases if c.function == name and c.key in conventions}


# --- per function --------------------------------------------------------------------------


def status_of(
    results: Sequence[CaseResult], options: CheckOptions, helpers_fail: bool = True
) -> FunctionStatus:
    """A function's verdict from its cases (the one place pass/fail is decided).
    ``helpers_fail``: whether a graded helper in its call tree fails its own checks; only
    then do its re-runs with correct helpers count (attribution rule 1)."""
    if not results:
        return "failed"
    if all(r.passed for r in results):
        return "passed"
    problems = [r.problem for r in results if r.problem is not None]
    if problems and all(p.status == "missing" for p in problems):
        return "missing"
    if all(_unimplemented(r) for r in results):
        return "not_implemented"
    if own_logic_right(results) and helpers_fail and not options.strict_dependencies:
        return "inherited"
    return "failed"


def _unimplemented(result: CaseResult) -> bool:
    """A stub's result: None, an exception a None stub causes, or None in every wrong part."""
    if result.problem is not None:
        return result.problem.status == "not_implemented"
    return bool(result.mismatches) and all(m.kind == "not_implemented" for m in result.mismatches)


def _function_report(
    name: str,
    results: tuple[CaseResult, ...],
    options: CheckOptions,
    cells: Sequence[int],
    observations: Sequence[Observation],
    all_results: Mapping[str, Sequence[CaseResult]],
    note: str = "",
) -> FunctionReport:
    helpers_fail = helper_failing(name, all_results)
    status = status_of(results, options, helpers_fail)
    blamed: tuple[str, ...] = ()
    if status in ("inherited", "failed") and own_logic_right(results) and helpers_fail:
        blamed = culprits(name, all_results)
    points = options.points_per_function if status in ("passed", "inherited") else 0.0
    diagnosis = None
    if options.diagnose and status == "failed" and not blamed:
        diagnosis = _diagnose(name, observations)
    n_failed = sum(not r.passed for r in results)
    return FunctionReport(
        name=name,
        points=points,
        max_points=options.points_per_function,
        status=status,
        cases=results,
        summary=_summary(name, status, n_failed, len(results), blamed)
        + (_ONLY_HIDDEN if status == "failed" and not blamed and _only_hidden(results) else "")
        + (f" ({note})" if note else ""),
        diagnosis=diagnosis,
        blamed_helpers=blamed,
        cells=tuple(cells),
    )


#: Said when a function passes every public case and fails hidden ones: the usual causes.
_ONLY_HIDDEN = (
    "; every public case passes, so it goes wrong only on inputs of other sizes: look for a "
    "size written as a number (m = 3, a number of layers), a variable taken from the notebook "
    "instead of from the function's arguments, or code that only works for two layers"
)


def _only_hidden(results: Sequence[CaseResult]) -> bool:
    """Every public case passes, some hidden case fails."""
    public = [r for r in results if r.visibility != HIDDEN]
    return all(r.passed for r in public) and any(not r.passed for r in results)


def _summary(
    name: str, status: FunctionStatus, n_failed: int, total: int, blamed: Sequence[str]
) -> str:
    helpers = " and ".join(blamed) or "a graded helper it calls"
    if status == "passed":
        return f"all {total} cases pass"
    if status == "inherited":
        return (
            f"your {name} is right; it fails {n_failed} of {total} cases only because "
            f"{helpers} is wrong (points kept: each bug costs one function)"
        )
    if status == "missing":
        return "not defined in the notebook"
    if status == "not_implemented":
        return "not implemented yet"
    if blamed:
        return (
            f"fails {n_failed} of {total} cases because {helpers} is wrong; its own logic "
            "is right (strict dependency scoring: no points)"
        )
    return f"fails {n_failed} of {total} cases"


def _diagnose(function: str, observations: Sequence[Observation]) -> Diagnosis | None:
    if not observations:
        return None
    from grader.grading.diagnose import diagnose  # the catalogue loads only when needed

    return diagnose(function, observations)


def _cell_report(cell: CellOutcome, defined: Mapping[str, Sequence[int]]) -> CellReport:
    names = tuple(n for n, idx in defined.items() if cell.index in idx)
    if cell.exception is not None:
        exc = cell.exception
        # The line may be in another cell (a function defined there and called here).
        other = exc.cell is not None and exc.cell != cell.index
        where = f"cell {cell_number(exc.cell)}, " if other and exc.cell is not None else ""
        line = (
            f" ({where}line {exc.lineno}: {(exc.line or '').strip()})"
            if exc.lineno is not None
            else ""
        )
        message = f"{exc.type}: {exc.message}{line}"
    else:
        message = {
            "timeout": "did not finish within the time limit",
            "crashed": "crashed the Python process",
            "skipped": "skipped",
        }.get(cell.status, cell.status)
    return CellReport(cell.index, cell.status, message, names)
