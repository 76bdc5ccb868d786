"""Fair attribution: which graded function a failure belongs to.

A function that calls other graded functions (``L_model_forward`` calls
``linear_activation_forward``, ...) is judged on its own logic. Each of its failed cases is
run again with those helpers replaced by oracles that answer as the reference would
(:func:`followup_calls`); the grader's process decides what every oracle answers
(:mod:`grader.sandbox.matching`). A case that passes that way failed only because of a helper,
and the blame follows the dependency chain down to the helper whose own logic is wrong
(:func:`culprits`). One bug costs one function's points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from grader.bundle import BundleCase
from grader.grading.comparison import DEPENDENCIES, compare_inputs, compare_output
from grader.grading.options import ORACLE_TIMEOUT
from grader.grading.results import CaseResult
from grader.sandbox.codec import Flat, same_flat
from grader.sandbox.outcomes import Call, CallOutcome

#: Key suffix of a case's re-run with correct helpers.
ORACLE_SUFFIX = "#with-correct-helpers"


def identical(outcome: CallOutcome | None, expected: Flat | None) -> bool:
    """The answer is the expected value bit for bit, inputs untouched: nothing to compare."""
    return (
        outcome is not None
        and outcome.status == "ok"
        and expected is not None
        and outcome.value_flat is not None
        and outcome.args_after is None
        and same_flat(outcome.value_flat, expected)
    )


def passes(case: BundleCase, outcome: CallOutcome | None, expected: Flat | None = None) -> bool:
    """Whether a call answered the case right, its inputs left as they were."""
    if identical(outcome, expected):
        return True
    if outcome is None or outcome.status != "ok" or outcome.value is None:
        return False
    return not compare_output(case.function, case.expected, outcome.value) and (
        outcome.args_after is None
        or not compare_inputs(case.function, case.args, outcome.args_after)
    )


def followup_calls(
    cases: Sequence[BundleCase],
    outcomes: Sequence[CallOutcome],
    flat_expected: Mapping[str, Flat],
) -> list[Call]:
    """The second round of calls: each failed case of a function that calls other graded
    functions, again, with those helpers answering as the reference would. A right
    submission needs none; a wrong one tells us whose bug each failure is."""
    by_key = {o.key: o for o in outcomes}
    return [
        Call(
            key=case.key + ORACLE_SUFFIX,
            function=case.function,
            args=case.args,
            substitutes=case.substitutes,
            timeout=ORACLE_TIMEOUT,
            args_ref=case.key,
        )
        for case in cases
        if case.substitutes and not passes(case, by_key.get(case.key), flat_expected.get(case.key))
    ]


def oracle_passed(case: BundleCase, oracle: CallOutcome | None) -> bool | None:
    """Did the re-run with correct helpers pass (None: there was none)?"""
    return None if oracle is None else passes(case, oracle)


def own_logic_right(results: Sequence[CaseResult]) -> bool:
    """Every case passes, with the student's own helpers or with correct ones."""
    return all(r.passed or r.passed_with_correct_helpers for r in results)


def culprits(name: str, all_results: Mapping[str, Sequence[CaseResult]]) -> tuple[str, ...]:
    """The graded helpers whose own bugs make ``name`` fail, followed down the dependency
    chain: L_model_backward's trouble is linear_backward's when linear_activation_backward
    only passes the bug on."""
    found: list[str] = []
    for helper in DEPENDENCIES.get(name, ()):
        results = all_results.get(helper, ())
        if all(r.passed for r in results):
            continue
        deeper = culprits(helper, all_results) if own_logic_right(results) else ()
        found += [h for h in deeper or (helper,) if h not in found]
    return tuple(found)
