"""Which failing cases are traced, and the explanation their traces give (grader side).

After the first round of calls, each graded function that failed is run again, traced, on at
most :data:`MAX_TRACED` of its failing cases (:func:`trace_calls`): only failing functions pay,
and only a little. The judge then asks :func:`explain_functions` to explain every function that
failed on its own logic and has no catalogued diagnosis: each traced case is explained by
:func:`grader.grading.valueflow.explain_case`, and the statement is kept only when every traced
case makes it (:func:`grader.grading.valueflow.agree`). A catalogued diagnosis wins; a function
that passed, inherited its failure from a helper or was never traced gets nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from grader.bundle import BundleCase
from grader.grading.attribution import call_tree, passes
from grader.grading.comparison import looks_unimplemented
from grader.grading.options import ORACLE_TIMEOUT
from grader.grading.results import FunctionReport, cell_number
from grader.grading.valueflow import WATCH, agree, explain_case
from grader.sandbox.codec import Flat
from grader.sandbox.outcomes import Call, CallOutcome

#: Key suffix of a case's traced re-run.
TRACE_SUFFIX = "#traced"
#: Failing cases traced per function (the first ones, public cases first).
MAX_TRACED = 2


def _traceable(outcome: CallOutcome | None) -> bool:
    """A failure a trace can say something about: a value, or an exception that is not a
    stub's (a time-out or a crash would only cost its time again)."""
    if outcome is None:
        return False
    if outcome.status == "ok":
        return outcome.value is not None
    exc = outcome.exception
    return (
        outcome.status == "error"
        and exc is not None
        and not looks_unimplemented(exc.type, exc.message)
    )


def trace_calls(
    cases: Sequence[BundleCase],
    outcomes: Sequence[CallOutcome],
    flat_expected: Mapping[str, Flat],
) -> list[Call]:
    """The traced re-runs: the first :data:`MAX_TRACED` failing cases of each function whose
    graded helpers all pass (one whose helper fails most likely only passes that bug on, and
    its trace would stop at the helper's wrong answer)."""
    by_key = {o.key: o for o in outcomes}
    failing: dict[str, list[BundleCase]] = {}
    for case in cases:
        if _fails(case, by_key.get(case.key), flat_expected.get(case.key)):
            failing.setdefault(case.function, []).append(case)
    calls = []
    for function, wrong in failing.items():
        if any(helper in failing for helper in call_tree(function)):
            continue
        chosen = [c for c in wrong if c.named is not None and _traceable(by_key.get(c.key))]
        calls += [_traced(case) for case in chosen[:MAX_TRACED]]
    return calls


def _fails(case: BundleCase, outcome: CallOutcome | None, expected: Flat | None) -> bool:
    try:
        return not passes(case, outcome, expected)
    except Exception:  # a value no comparison takes (an int too large for a float) is wrong
        return True


def _traced(case: BundleCase) -> Call:
    return Call(
        key=case.key + TRACE_SUFFIX,
        function=case.function,
        args=case.args,
        timeout=ORACLE_TIMEOUT,
        args_ref=case.key,
        trace=WATCH,
    )


def _cell_of(trace: object) -> int | None:
    """The notebook cell the traced function was defined in, as the trace says."""
    if not isinstance(trace, dict) or not isinstance(trace.get("events"), list):
        return None
    for event in trace["events"][:1]:
        if isinstance(event, dict) and event.get("k") == "start":
            cell = event.get("cell")
            return cell if type(cell) is int and cell >= 0 else None
    return None


def explanation(
    function: str, cases: Sequence[BundleCase], outcomes: Mapping[str, CallOutcome]
) -> str:
    """The value-flow statement every traced case of ``function`` agrees on ("" if none)."""
    traced = [
        (case, outcomes[case.key + TRACE_SUFFIX])
        for case in cases
        if case.function == function and case.key + TRACE_SUFFIX in outcomes
    ]
    if not traced:
        return ""
    findings = []
    for case, outcome in traced:
        named = case.named.get() if case.named is not None else None
        if outcome.status != "ok" or named is None:
            return ""
        findings.append(explain_case(function, named, outcome.value))
    agreed = agree(findings)
    if agreed is None:
        return ""
    cell = _cell_of(traced[0][1].value)
    return (f"cell {cell_number(cell)}, " if cell is not None else "") + agreed.text


def explain_functions(
    functions: Sequence[FunctionReport],
    cases: Sequence[BundleCase],
    outcomes: Mapping[str, CallOutcome],
) -> tuple[FunctionReport, ...]:
    """The reports, each failed one without a catalogued diagnosis explained when it can be."""
    explained = []
    for report in functions:
        text = ""
        if report.status == "failed" and report.diagnosis is None and not report.blamed_helpers:
            try:
                text = explanation(report.name, cases, outcomes)
            except Exception:  # explaining must never break grading: no explanation then
                text = ""
        explained.append(replace(report, explanation=text) if text else report)
    return tuple(explained)
