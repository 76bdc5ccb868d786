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
from functools import cache
from typing import Any

from grader.bundle import BundleCase
from grader.grading.attribution import (
    ORACLE_SUFFIX,
    REFUSED,
    culprits,
    helper_failing,
    identical,
    oracle_passed,
    own_failures,
    own_logic_right,
    refusal,
)
from grader.grading.comparison import (
    GRADED_FUNCTIONS,
    Mismatch,
    compare_inputs,
    compare_output,
    looks_unimplemented,
    shape_hint,
    without_cue,
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
from grader.submission import (
    CompileFailure,
    Submission,
    compile_failures,
    defined_functions,
    uncompiled_definitions,
)

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
    failures = compile_failures(submission)
    uncompiled = uncompiled_definitions(submission, failures)
    conventions: dict[str, DAConvention] = {}
    if shifted_keys_allowed(cell.source for cell in submission.cells):
        outcomes = read_dA_keys(outcomes, cases, conventions)
    by_function: dict[str, list[CaseResult]] = {name: [] for name in GRADED_FUNCTIONS}
    observations: dict[str, list[Observation]] = {}
    reruns: dict[str, dict[str, CaseResult]] = {}
    for case in cases:
        outcome = outcomes.get(case.key)
        oracle = outcomes.get(case.key + ORACLE_SUFFIX)
        result = judge_case(case, outcome, oracle, (flat_expected or {}).get(case.key))
        by_function.setdefault(case.function, []).append(result)
        if oracle is not None and result.passed_with_correct_helpers is False:
            reruns.setdefault(case.function, {})[case.name] = _rerun(case, oracle)
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
        _uncompiled(
            _function_report(
                name,
                tuple(results),
                options,
                defined.get(name, []),
                observations.get(name, []),
                by_function,
                SHIFTED_NOTE if "shifted" in _conventions_of(name, cases, conventions) else "",
                reruns.get(name, {}),
            ),
            uncompiled.get(name),
        )
        for name, results in by_function.items()
    )
    functions = tuple(replace(f, summary=_sentence(f.summary)) for f in functions)
    functions = explain_functions(functions, cases, outcomes)
    return GradeReport(
        submission=str(submission.path),
        functions=functions,
        cells=tuple(_cell_report(c, defined, failures) for c in cells if c.status != "ok"),
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
    if hidden and outcome is not None and outcome.output:  # what it printed may be the inputs
        outcome = replace(outcome, output="")
    if outcome is not None and identical(outcome, expected):
        return CaseResult(
            case.function, case.name, case.visibility, True, output=outcome.output, note=note
        )
    if outcome is None:
        problem: Problem | None = Problem("not_run", f"{case.function} was not run on this case.")
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
        mismatches = [_redact(m, case.function) for m in mismatches]
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


def _rerun(case: BundleCase, oracle: CallOutcome) -> CaseResult:
    """One case as the function's re-run with correct helpers came out (shown when a helper is
    wrong too: attribution rule 4); a refused helper call is said as such."""
    exc = oracle.exception
    if oracle.refused and oracle.status == "error" and exc is not None and exc.type == REFUSED:
        problem = refusal(case.function, exc, case.visibility == HIDDEN)
        return CaseResult(case.function, case.name, case.visibility, False, problem=problem)
    return judge_case(case, oracle, None)


# --- why a call has no value ---------------------------------------------------------------

_NO_VALUE = {
    "timeout": "{f} did not finish within the time limit.",
    "crashed": "{f} crashed the Python process (os._exit, a segfault, or similar).",
    "memory": "{f} ran out of memory (an array far larger than this case needs?).",
    "not_run": "{f} was not run on this case.",
}
#: Statuses whose detail (from the sandbox) is the whole reason, said after the function's
#: name: how long it ran, whether its calls finished (slow) or not (an endless loop?), and
#: why later cases were not run. Said once.
_DETAIL_IS_THE_REASON = ("timeout", "not_run")


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
    if outcome.status in _DETAIL_IS_THE_REASON and outcome.detail:
        return Problem(outcome.status, f"{function} {outcome.detail.rstrip('.')}.")
    detail = f" {outcome.detail}" if outcome.detail else ""
    generic = f"{function} could not be run ({outcome.status})."
    message = (
        _NO_VALUE[outcome.status].format(f=function) if outcome.status in _NO_VALUE else generic
    )
    return Problem(outcome.status, message + detail)


def _raised(function: str, exc: ExceptionInfo, hidden: bool = False) -> Problem:
    """What an exception says to the student. For a hidden case its message is left out (it
    may show the inputs) and its type named only when it is Python's or numpy's own: a class
    the student defines can have any name, which could spell the inputs out."""
    where = _where(exc)
    kind = shown_exception_type(exc.type) if hidden else exc.type
    said = kind if hidden else f"{exc.type}: {exc.message}"
    if looks_unimplemented(exc.type, exc.message):
        return Problem(
            "not_implemented",
            f"{function} is not implemented yet: it raised {said}{where}. "
            "A stub that still says None cannot be used as a value.",
            kind,
            exc.cell,
            exc.lineno,
            exc.line or "",
        )
    return Problem(
        "error",
        f"{function} raised {said}{where}.",
        kind,
        exc.cell,
        exc.lineno,
        exc.line or "",
    )


def _where(exc: ExceptionInfo) -> str:
    """Where it happened (the line's code is :attr:`Problem.line`, shown apart by reports)."""
    if exc.lineno is None:
        return ""
    cell = f"cell {cell_number(exc.cell)}, " if exc.cell is not None else ""
    return f" ({cell}line {exc.lineno})"


#: Said for an exception of a class that is neither Python's nor numpy's.
OWN_EXCEPTION = "an exception class defined in your code"


def shown_exception_type(name: str) -> str:
    """``name`` (as the worker reports it) when it is a builtin or numpy exception, else
    :data:`OWN_EXCEPTION`."""
    return name if name in _known_exceptions() else OWN_EXCEPTION


@cache
def _known_exceptions() -> frozenset[str]:
    """The names of Python's and numpy's exception classes, spelled as the worker reports them
    (module-qualified unless builtin)."""
    import builtins
    import importlib

    names = {
        n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
    }
    for module in ("numpy.exceptions", "numpy.linalg", "numpy._core._exceptions"):
        try:
            found = vars(importlib.import_module(module)).values()
        except ImportError:  # numpy 1.x keeps its internal exceptions in numpy.core
            found = vars(importlib.import_module("numpy.core._exceptions")).values()
        for v in found:
            if isinstance(v, type) and issubclass(v, BaseException) and v.__module__ != "builtins":
                names.add(f"{v.__module__}.{v.__qualname__}")
    return frozenset(names)


def _redact(m: Mismatch, function: str) -> Mismatch:
    """A hidden case's mismatch, said in the same words as a public one but without anything
    taken from its inputs, expected values or the returned values: the student's own code
    shapes those, and could make them spell the inputs out. Sentences that hold only names
    (keys, parts) and the number-free cues stay as they are."""
    path = m.path
    kept = {k: v for k, v in m.details.items() if k in ("cue", "argument", "failing")}
    cue = ""
    if m.kind == "shape" and "expected_shape" in m.details:
        expected, got = tuple(m.details["expected_shape"]), tuple(m.details["got_shape"])
        cue = (
            shape_hint(expected, got, function=function, numbers=False)
            if m.details.get("cue")
            else ""
        )
        message = f"{path} does not have the expected shape."
    elif m.kind == "shape":  # a 0-d number was expected
        message = (
            f"{path} should be a single number (a 0-d value), but it is an array: squeeze it "
            "(np.squeeze)."
        )
    elif m.kind == "value":
        cue = m.details.get("cue", "")
        cue = "" if any(ch.isdigit() for ch in cue) else cue  # a factor may be the size m
        message = f"{path} has the right shape, but some of its values are wrong."
    elif m.kind == "nan":
        message = (
            f"{path} contains NaN or infinity where a finite number was expected: look for "
            "log(0), a division by zero, or an overflow in exp."
        )
    elif m.kind == "type":
        message = f"{path} is not of the expected type (it is {_shown_type(m.got)})."
    elif m.kind == "length":
        message = f"{path} does not have the expected number of items."
    elif m.kind == "missing_key":
        message = f"{path} is missing some of the expected keys."
    elif m.kind == "extra_key":
        message = (
            f"{path} has keys that do not belong there. Check the names (upper/lower "
            "case, layer numbers)."
        )
    elif m.kind in (
        "not_implemented",
        "modified_input",
        "dtype",
        "summary",
        "keys_shifted",
        "order",
    ):
        return replace(m, expected="", got="", details=kept)  # names, the course's dtypes
    else:
        message = f"{path} is wrong."
    kept["cue"] = cue
    return Mismatch(m.kind, path, f"{message} {cue}" if cue else message, "", "", kept)


def _shown_type(label: str) -> str:
    """A type as :func:`grader.grading.comparison.type_label` put it, when it is a plain one;
    a class of the student's own (its name could be anything) is not named."""
    head = label.split(" (", 1)[0]
    if label.startswith("numpy array") or head in ("numpy.ndarray", "numpy.matrix"):
        return "a numpy array"
    if head in _PLAIN_TYPES or label.startswith("numpy scalar "):
        return f"a {head}" if head != "None" else "None"
    return "an object of a class defined in your code"


_PLAIN_TYPES = frozenset(
    {"None", "int", "float", "bool", "str", "list", "tuple", "dict", "set", "complex", "bytes"}
    | {"function", "generator", "module", "type", "range", "frozenset", "bytearray"}
)


def _cues_once(results: Sequence[CaseResult]) -> tuple[CaseResult, ...]:
    """The cases with each cue (a guess at a cause) said at its first place only, among the
    public cases and among the hidden ones."""
    said: dict[bool, set[str]] = {True: set(), False: set()}
    out = []
    for r in results:
        seen = said[r.visibility == HIDDEN]
        mismatches = []
        for m in r.mismatches:
            cue = m.details.get("cue", "")
            mismatches.append(without_cue(m) if cue and cue in seen else m)
            seen.add(cue)
        out.append(replace(r, mismatches=tuple(mismatches)) if r.mismatches else r)
    return tuple(out)


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
    # Before the stub test: a right function handed None by a helper stub looks like a stub.
    if own_logic_right(results) and helpers_fail and not options.strict_dependencies:
        return "inherited"
    if all(_unimplemented(r) for r in results):
        return "not_implemented"
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
    reruns: Mapping[str, CaseResult] | None = None,
) -> FunctionReport:
    results = _cues_once(results)
    helpers_fail = helper_failing(name, all_results)
    status = status_of(results, options, helpers_fail)
    blamed: tuple[str, ...] = ()
    if status in ("inherited", "failed") and own_logic_right(results) and helpers_fail:
        blamed = culprits(name, all_results)
    also_wrong = ""
    if status == "failed" and helpers_fail and not blamed:  # both wrong: show its own problems
        shown = own_failures(results, reruns or {})
        if shown != results:
            also_wrong = _also_wrong(name, culprits(name, all_results))
        results = shown
    points = options.points_per_function if status in ("passed", "inherited") else 0.0
    diagnosis = None
    if options.diagnose and status == "failed" and not blamed:
        diagnosis = _diagnose(name, observations)
    n_failed = sum(not r.passed for r in results)
    slow_helpers = bool(blamed) and all(_only_time(all_results.get(h, ())) for h in blamed)
    summary = _summary(name, status, n_failed, len(results), blamed, slow_helpers)
    if status == "failed" and not blamed:
        if _only_time(results):
            summary += _time_reason(results)
        elif _only_hidden(results):
            summary += _ONLY_HIDDEN
    return FunctionReport(
        name=name,
        points=points,
        max_points=options.points_per_function,
        status=status,
        cases=results,
        summary=summary + also_wrong + (f" ({note})" if note else ""),
        diagnosis=diagnosis,
        blamed_helpers=blamed,
        cells=tuple(cells),
    )


def _also_wrong(name: str, helpers: Sequence[str]) -> str:
    """Said of a function wrong on its own while a helper it relies on is wrong too."""
    names = " and ".join(helpers) or "a graded helper it calls"
    one = len(helpers) <= 1
    return (
        f"; {names} {'is' if one else 'are'} wrong too, so its failing cases show what your "
        f"{name} does with correct answers in place of {'it' if one else 'them'}"
    )


#: Said when a function passes every public case and fails hidden ones: the usual causes.
_ONLY_HIDDEN = (
    "; every public case passes, so it goes wrong only on inputs of other sizes: look for a "
    "size written as a number (m = 3, a number of layers), a variable taken from the notebook "
    "instead of from the function's arguments, or code that only works for two layers"
)


def _only_hidden(results: Sequence[CaseResult]) -> bool:
    """Every public case passes, some hidden case fails (other than for time)."""
    public = [r for r in results if r.visibility != HIDDEN]
    return all(r.passed for r in public) and any(
        not r.passed and not _out_of_time(r) for r in results
    )


def _out_of_time(result: CaseResult) -> bool:
    return result.problem is not None and result.problem.status in _DETAIL_IS_THE_REASON


def _only_time(results: Sequence[CaseResult]) -> bool:
    """Some case fails, and every failing case failed for time (no wrong value seen)."""
    failing = [r for r in results if not r.passed]
    return bool(failing) and all(_out_of_time(r) for r in failing)


def _time_reason(results: Sequence[CaseResult]) -> str:
    """Why a function failed only for time: too slow (its calls finished), or a call that
    did not finish."""
    if any(r.problem is not None and r.problem.status == "timeout" and " is slow:"
           in r.problem.message for r in results):  # fmt: skip
        return ", all for time: it is too slow (its calls finish, but use up its time)"
    return ", all for time: a call did not finish within the time limit"


def _summary(
    name: str,
    status: FunctionStatus,
    n_failed: int,
    total: int,
    blamed: Sequence[str],
    slow_helpers: bool = False,
) -> str:
    helpers = " and ".join(blamed) or "a graded helper it calls"
    if slow_helpers:
        helpers += " is too slow" if len(blamed) == 1 else " are too slow"
    else:
        helpers += " is wrong" if len(blamed) <= 1 else " are wrong"
    if status == "passed":
        return f"all {total} cases pass"
    if status == "inherited":
        return (
            f"your {name} is right; it fails {n_failed} of {total} cases only because "
            f"{helpers} (points kept: each bug costs one function)"
        )
    if status == "missing":
        return "not defined in the notebook"
    if status == "not_implemented":
        return "not implemented yet"
    if blamed:
        return (
            f"fails {n_failed} of {total} cases because {helpers}; its own logic "
            "is right (strict dependency scoring: no points)"
        )
    return f"fails {n_failed} of {total} cases"


def _sentence(text: str) -> str:
    """``text`` as a sentence: its first letter a capital (a function's name stays as it is)."""
    first = text.split(" ", 1)[0]
    if not text or first in GRADED_FUNCTIONS:
        return text
    return text[0].upper() + text[1:]


def _diagnose(function: str, observations: Sequence[Observation]) -> Diagnosis | None:
    if not observations:
        return None
    from grader.grading.diagnose import diagnose  # its data is read only when needed

    return diagnose(function, observations)


def _did_not_compile(failure: CompileFailure) -> str:
    """``did not compile: IndentationError at line 41`` (the line counted in its cell)."""
    at = f" at line {failure.lineno}" if failure.lineno is not None else ""
    return f"did not compile: {failure.type}{at}"


def _uncompiled(report: FunctionReport, failure: CompileFailure | None) -> FunctionReport:
    """A function not defined because the cell that defines it does not compile: said so,
    with that cell's number, rather than "not defined in the notebook"."""
    if failure is None or report.status != "missing":
        return report
    its_cell = f"its cell ({cell_number(failure.index)}) {_did_not_compile(failure)}"
    reason = f" ({failure.reason})" if failure.reason else ""
    message = (
        f"{report.name} is not defined: {its_cell}{reason}. Fix that line and run the cell again."
    )
    problem = Problem(
        "missing",
        message,
        exception_type=failure.type,
        cell=failure.index,
        lineno=failure.lineno,
        line=failure.line,
    )
    cases = tuple(
        replace(c, problem=problem) if c.problem and c.problem.status == "missing" else c
        for c in report.cases
    )
    return replace(report, summary=its_cell, cases=cases, cells=(failure.index,))


#: The exceptions of code that does not compile.
_COMPILE_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})


def _compile_error_of(cell: CellOutcome) -> CompileFailure | None:
    """The cell's own code did not compile in the worker although it parses (``return``
    outside a function...): Python's words without their ``(<cell 46>, line 3)``, which
    counts cells from 0."""
    exc = cell.exception
    if exc is None or exc.type not in _COMPILE_ERRORS or exc.cell != cell.index:
        return None
    reason = exc.message
    cut = reason.rfind(" (<cell ")
    if cut >= 0 and reason.endswith(")"):
        reason = reason[:cut]
    return CompileFailure(cell.index, exc.type, exc.lineno, reason, (exc.line or "").strip())


def _cell_report(
    cell: CellOutcome,
    defined: Mapping[str, Sequence[int]],
    failures: Mapping[int, CompileFailure],
) -> CellReport:
    names = tuple(n for n, idx in defined.items() if cell.index in idx)
    failure = failures.get(cell.index) or _compile_error_of(cell)
    if failure is not None and cell.status == "error":
        reason = f" ({failure.reason})" if failure.reason else ""
        line = f": {failure.line}" if failure.line else ""
        return CellReport(
            cell.index, cell.status, f"{_did_not_compile(failure)}{reason}{line}", names
        )
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
