"""The grading engine: run a submission on the cases, judge in this process, score.

One obvious entry point: :func:`check_notebook`. Batch grading reuses :class:`Grader`, which
loads the case bundles and the student helper files once and keeps one sandbox zygote warm.

Flow for one submission: load and clean the notebook (:mod:`grader.submission`); ask the
sandbox (:mod:`grader.sandbox.api`) to run its cells and call each graded function on every case;
then, in the same worker, re-run each failed case of a function that calls other graded
functions with those helpers replaced by oracles that answer from the reference's recorded
calls; compare every returned value here in the grader's process (:mod:`grader.grading.comparison`);
diagnose named mistakes (:mod:`grader.grading.diagnose`); score. A bit-for-bit right answer is
recognised by comparing flat forms, before any detailed comparison.

Scoring policy (documented in the README): each graded function is worth
``CheckOptions.points_per_function`` points (10), earned only when every one of its cases
passes. By default a function is judged on its own logic: if it fails only because a graded
helper it calls is wrong, and passes every case with correct helpers substituted, it keeps its
points and the report names the helper. ``strict_dependencies=True`` restores the
all-together rule (it must pass with the student's own helpers too).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.bundle import BundleCase, read_bundle
from grader.grading.comparison import (
    DEPENDENCIES,
    GRADED_FUNCTIONS,
    Mismatch,
    compare_inputs,
    compare_output,
    looks_unimplemented,
)
from grader.grading.diagnose import Diagnosis
from grader.grading.results import (
    HIDDEN,
    CaseResult,
    CellReport,
    FunctionReport,
    GradeReport,
    Problem,
)
from grader.paths import bundle_paths, load_student_files
from grader.sandbox.api import Call, CallOutcome, Limits, Sandbox
from grader.sandbox.codec import NONE_IN_ARRAY, Flat, flatten, same_flat
from grader.sandbox.zygote import Zygote
from grader.submission import Submission, defined_functions, load_submission

ORACLE_SUFFIX = "#with-correct-helpers"

#: Time limit of a re-run with correct helpers substituted. The helpers then answer at once,
#: so a function whose own logic is right finishes in milliseconds; a short limit keeps a
#: submission where everything hangs at about one time limit per function.
ORACLE_TIMEOUT = 1.0


@dataclass(frozen=True)
class CheckOptions:
    """Every knob of a grading run, in one place (the CLI fills it from its flags)."""

    cases: str = "all"  # "public" or "all"
    timeout: float = 5.0  # seconds per function call (and per notebook cell)
    submission_timeout: float = 120.0
    memory_mb: int = 1024
    strict_dependencies: bool = False
    points_per_function: float = 10.0
    diagnose: bool = True


def load_cases(which: str) -> list[BundleCase]:
    paths = bundle_paths()
    cases = read_bundle(paths["public"])
    if which == "all":
        cases += read_bundle(paths["hidden"])
    return cases


class Grader:
    """Grades submissions against one set of cases; reusable across many submissions."""

    def __init__(self, options: CheckOptions | None = None,
                 cases: Sequence[BundleCase] | None = None,
                 student_files: Mapping[str, bytes] | None = None,
                 zygote: Zygote | None = None, preload_inputs: bool = True) -> None:
        """``zygote``: one already started with these student files (the ``check`` command
        starts it before importing numpy); the grader takes it over and stops it.
        ``preload_inputs``: hand the case inputs to the zygote once, so that calls need not
        carry them; it pays from the second submission on (one-off checks skip it)."""
        self.options = options or CheckOptions()
        self.student_files = dict(student_files or load_student_files())
        self._limits = Limits(
            call_timeout=self.options.timeout,
            submission_timeout=self.options.submission_timeout,
            memory_mb=self.options.memory_mb,
        )
        # Start the clean zygote first: it warms up while we read the bundles.
        self._sandbox = Sandbox(self._limits, modules=self.student_files, zygote=zygote)
        self.cases = list(cases) if cases is not None else load_cases(self.options.cases)
        #: The expected values flattened: a bit-for-bit right answer needs no comparing.
        self.flat_expected = {case.key: flatten(case.expected, strict=True)
                              for case in self.cases}
        self._calls = [Call(key=case.key, function=case.function, args=case.args,
                            args_ref=case.key) for case in self.cases]
        if preload_inputs:
            self._sandbox.preload_args({case.key: case.args for case in self.cases})

    def close(self) -> None:
        self._sandbox.close()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def grade(self, path: str | Path | Submission) -> GradeReport:
        """Grade one notebook; raises ``InvalidSubmission`` for a file that is not one."""
        start = time.perf_counter()
        submission = path if isinstance(path, Submission) else load_submission(path)
        result = self._sandbox.run(submission, self._calls, self.student_files,
                                   followups=self._with_correct_helpers)
        outcomes = {o.key: o for o in result.calls}
        report = judge(submission, self.cases, outcomes, result.cells, self.options,
                       self.flat_expected)
        return _with_time(report, time.perf_counter() - start, self._sandbox.protections())

    def _with_correct_helpers(self, outcomes: Sequence[CallOutcome]) -> list[Call]:
        """The second round of calls: each failed case of a function that calls other graded
        functions, again, with those helpers answering as the reference would. A right
        submission needs none; a wrong one tells us whose bug each failure is."""
        by_key = {o.key: o for o in outcomes}
        return [
            Call(key=case.key + ORACLE_SUFFIX, function=case.function, args=case.args,
                 substitutes=case.substitutes, timeout=ORACLE_TIMEOUT, args_ref=case.key)
            for case in self.cases
            if case.substitutes
            and not _passes(case, by_key.get(case.key), self.flat_expected.get(case.key))
        ]


def check_notebook(path: str | Path | Submission, options: CheckOptions | None = None,
                   **grader_args: Any) -> GradeReport:
    """Grade one notebook (the engine of ``grader check``); ``grader_args`` go to
    :class:`Grader`."""
    with Grader(options, **grader_args) as grader:
        return grader.grade(path)


# --- judging -----------------------------------------------------------------------------------


def judge(submission: Submission, cases: Sequence[BundleCase], outcomes: Mapping[str, Any],
          cells: Sequence[Any], options: CheckOptions,
          flat_expected: Mapping[str, Flat] | None = None) -> GradeReport:
    """Turn raw call outcomes into a full report (pure: no I/O, no student code).
    ``flat_expected`` are the expected values flattened, by case key, when known."""
    defined = defined_functions(submission)
    by_function: dict[str, list[CaseResult]] = {name: [] for name in GRADED_FUNCTIONS}
    observations: dict[str, list[tuple[tuple[Any, ...], Any]]] = {}
    for case in cases:
        outcome = outcomes.get(case.key)
        oracle = outcomes.get(case.key + ORACLE_SUFFIX)
        result = _judge_case(case, outcome, oracle, (flat_expected or {}).get(case.key))
        by_function.setdefault(case.function, []).append(result)
        # What the function's own logic returned: with correct helpers when that run answered;
        # else its own run (a wrong call to a helper makes the oracle refuse, and then the
        # student's helpers are usually right, or the mistake is in how they are called).
        for run in (oracle, outcome):
            if run is not None and run.status == "ok":
                observations.setdefault(case.function, []).append((case.args, run.value))
                break
    statuses = {name: _status(results, options) for name, results in by_function.items()}
    functions = []
    for name, results in by_function.items():
        functions.append(_function_report(
            name, tuple(results), statuses, options, defined.get(name, []), observations,
            by_function,
        ))
    cell_reports = tuple(_cell_report(c, defined) for c in cells if c.status != "ok")
    return GradeReport(
        submission=str(submission.path),
        functions=tuple(functions),
        cells=cell_reports,
        cases=options.cases,
        strict_dependencies=options.strict_dependencies,
    )


def _judge_case(case: BundleCase, outcome: Any, oracle: Any,
                expected: Flat | None = None) -> CaseResult:
    hidden = case.visibility == HIDDEN
    note = "" if hidden else case.note
    if _identical(outcome, expected):
        return CaseResult(case.function, case.name, case.visibility, True,
                          output=outcome.output, note=note)
    if outcome is None:
        problem: Problem | None = Problem(
            "not_run", "This case was not run (the submission ran out of time).")
        return CaseResult(case.function, case.name, case.visibility, False, problem=problem,
                          note=note)
    problem = _problem(case.function, outcome)
    if problem is not None:
        return CaseResult(case.function, case.name, case.visibility, False, problem=problem,
                          passed_with_correct_helpers=_oracle_passed(case, oracle),
                          output=outcome.output, note=note)
    mismatches = compare_output(case.function, case.expected, outcome.value)
    if outcome.args_after is not None:  # None: the inputs came back unchanged
        mismatches += compare_inputs(case.function, case.args, outcome.args_after)
    if hidden:
        mismatches = [_redact(m) for m in mismatches]
    passed = not mismatches
    return CaseResult(
        case.function, case.name, case.visibility, passed, mismatches=tuple(mismatches),
        passed_with_correct_helpers=None if passed else _oracle_passed(case, oracle),
        output=outcome.output, note=note,
    )


def _identical(outcome: CallOutcome | None, expected: Flat | None) -> bool:
    """The answer is the expected value bit for bit, inputs untouched: nothing to compare."""
    return (outcome is not None and outcome.status == "ok" and expected is not None
            and outcome.value_flat is not None and outcome.args_after is None
            and same_flat(outcome.value_flat, expected))


def _passes(case: BundleCase, outcome: CallOutcome | None,
            expected: Flat | None = None) -> bool:
    if _identical(outcome, expected):
        return True
    if outcome is None or outcome.status != "ok" or outcome.value is None:
        return False
    return not compare_output(case.function, case.expected, outcome.value) and (
        outcome.args_after is None
        or not compare_inputs(case.function, case.args, outcome.args_after)
    )


def _oracle_passed(case: BundleCase, oracle: CallOutcome | None) -> bool | None:
    return None if oracle is None else _passes(case, oracle)


def _problem(function: str, outcome: Any) -> Problem | None:
    """The reason a call has no value to compare, in words for the student."""
    status = outcome.status
    exc = outcome.exception
    if status == "ok":
        if outcome.value is None or getattr(outcome.value, "why", None) == NONE_IN_ARRAY:
            return Problem("not_implemented", f"{function} returned None: it is not implemented "
                           "yet (fill in the code between ### START CODE HERE ### and "
                           "### END CODE HERE ###), or its return statement is missing.")
        return None
    if status == "missing":
        return Problem("missing", f"There is no function named {function} in the notebook "
                       "(was its cell deleted or the function renamed?).")
    if status == "error" and exc is not None:
        where = _where(exc)
        if looks_unimplemented(exc.type, exc.message):
            return Problem("not_implemented",
                           f"{function} is not implemented yet: {exc.type}: {exc.message}{where}. "
                           "A stub that still says None cannot be used as a value.",
                           exc.type, exc.cell, exc.lineno, exc.line)
        return Problem("error", f"{function} raised {exc.type}: {exc.message}{where}.",
                       exc.type, exc.cell, exc.lineno, exc.line)
    messages = {
        "timeout": f"{function} did not finish within the time limit (an endless loop?).",
        "crashed": f"{function} crashed the Python process (os._exit, a segfault, or similar).",
        "memory": f"{function} ran out of memory (an array far larger than this case needs?).",
        "not_run": f"{function} was not run: the whole submission ran out of time.",
    }
    detail = f" {outcome.detail}" if getattr(outcome, "detail", "") else ""
    message = messages.get(status, f"{function} could not be run ({status}).") + detail
    return Problem(status, message)


def _where(exc: Any) -> str:
    if exc.lineno is None:
        return ""
    cell = f"cell {exc.cell}, " if exc.cell is not None else ""
    line = f": {exc.line.strip()}" if exc.line else ""
    return f" ({cell}line {exc.lineno}{line})"


def _redact(m: Mismatch) -> Mismatch:
    """Hidden cases never reveal their inputs or expected values: keep what and where only."""
    generic = {
        "value": "has the right shape but wrong values",
        "shape": f"has the wrong shape ({m.got})",
        "dtype": f"has the wrong dtype ({m.got})",
        "nan": "contains NaN or infinity where a finite number was expected",
        "type": f"has the wrong type ({m.got})",
        "length": f"has the wrong number of items ({m.got})",
        "missing_key": "is missing some keys",
        "extra_key": "has unexpected keys",
        "not_implemented": "is None (not computed yet)",
        "modified_input": "was changed in place by the function",
    }
    text = f"{m.path} {generic.get(m.kind, 'is wrong')}."
    details = {k: v for k, v in m.details.items() if k in ("max_rel_error", "mismatched", "total")}
    return Mismatch(m.kind, m.path, text, "", m.got if m.kind != "value" else "", details)


# --- per function ------------------------------------------------------------------------------

def _status(results: Sequence[CaseResult], options: CheckOptions) -> str:
    if not results:
        return "failed"
    if all(r.passed for r in results):
        return "passed"
    problems = [r.problem for r in results if r.problem is not None]
    if problems and all(p.status == "missing" for p in problems):
        return "missing"
    if all(_unimplemented(r) for r in results):
        return "not_implemented"
    if _own_logic_right(results):
        return "failed" if options.strict_dependencies else "inherited"
    return "failed"


def _unimplemented(result: CaseResult) -> bool:
    """A stub's result: None, an exception a None stub causes, or None in every wrong part."""
    if result.problem is not None:
        return result.problem.status == "not_implemented"
    return bool(result.mismatches) and all(m.kind == "not_implemented"
                                           for m in result.mismatches)


def _own_logic_right(results: Sequence[CaseResult]) -> bool:
    return all(r.passed or r.passed_with_correct_helpers for r in results)


def _culprits(name: str, all_results: Mapping[str, Sequence[CaseResult]]) -> tuple[str, ...]:
    """The graded helpers whose own bugs make ``name`` fail, followed down the dependency
    chain: L_model_backward's trouble is linear_backward's when linear_activation_backward
    only passes the bug on."""
    found: list[str] = []
    for helper in DEPENDENCIES.get(name, ()):
        results = all_results.get(helper, ())
        if all(r.passed for r in results):
            continue
        deeper = _culprits(helper, all_results) if _own_logic_right(results) else ()
        found += [h for h in deeper or (helper,) if h not in found]
    return tuple(found)


def _function_report(name: str, results: tuple[CaseResult, ...], statuses: Mapping[str, str],
                     options: CheckOptions, cells: Sequence[int],
                     observations: Mapping[str, Sequence[tuple[tuple[Any, ...], Any]]],
                     all_results: Mapping[str, Sequence[CaseResult]]) -> FunctionReport:
    status = statuses[name]
    blamed: tuple[str, ...] = ()
    if status == "inherited" or (status == "failed" and _own_logic_right(results)):
        blamed = _culprits(name, all_results)
    earns = status in ("passed", "inherited")
    points = options.points_per_function if earns else 0.0
    diagnosis = None
    if options.diagnose and status == "failed" and not blamed:
        diagnosis = _diagnose(name, observations.get(name, []))
    n_failed = sum(not r.passed for r in results)
    summary = _summary(name, status, n_failed, len(results), blamed)
    return FunctionReport(
        name=name, points=points, max_points=options.points_per_function, status=status,
        cases=results, summary=summary, diagnosis=diagnosis, blamed_helpers=blamed,
        cells=tuple(cells),
    )


def _summary(name: str, status: str, n_failed: int, total: int, blamed: Sequence[str]) -> str:
    helpers = " and ".join(blamed) or "a graded helper it calls"
    if status == "passed":
        return f"all {total} cases pass"
    if status == "inherited":
        return (f"your {name} is right; it fails {n_failed} of {total} cases only because "
                f"{helpers} is wrong (points kept: each bug costs one function)")
    if status == "missing":
        return "not defined in the notebook"
    if status == "not_implemented":
        return "not implemented yet"
    if blamed:
        return (f"fails {n_failed} of {total} cases because {helpers} is wrong; its own logic "
                "is right (strict dependency scoring: no points)")
    return f"fails {n_failed} of {total} cases"


def _diagnose(function: str, observations: Sequence[tuple[tuple[Any, ...], Any]]
              ) -> Diagnosis | None:
    if not observations:
        return None
    from grader.grading.diagnose import diagnose

    return diagnose(function, observations)


def _cell_report(cell: Any, defined: Mapping[str, Sequence[int]]) -> CellReport:
    names = tuple(n for n, idx in defined.items() if cell.index in idx)
    if cell.exception is not None:
        exc = cell.exception
        line = f" (line {exc.lineno}: {exc.line.strip()})" if exc.lineno is not None else ""
        message = f"{exc.type}: {exc.message}{line}"
    else:
        message = {"timeout": "did not finish within the time limit",
                   "crashed": "crashed the Python process",
                   "skipped": "skipped"}.get(cell.status, cell.status)
    return CellReport(cell.index, cell.status, message, names)


def _with_time(report: GradeReport, seconds: float, protections: Mapping[str, bool]
               ) -> GradeReport:
    from dataclasses import replace

    return replace(report, execution_time=round(seconds, 3), protections=dict(protections))
