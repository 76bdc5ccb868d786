"""Fair attribution: which graded function a failure belongs to.

A function that calls other graded functions (``L_model_forward`` calls
``linear_activation_forward``, which calls ``linear_forward``, ...) is judged on its own logic.
Each of its failed cases is run again with the graded helpers of its whole call tree replaced
by oracles that answer as the reference would (:func:`followup_calls`): every call the
reference makes for that case, nested ones included (:func:`full_substitutes`), so a function
that calls a lower helper directly (``L_model_backward`` calling ``linear_backward`` itself) is
judged on its own logic too. The grader's process decides what every oracle answers
(:mod:`grader.sandbox.matching`) and counts what it refused (``CallOutcome.refused``).

Rules (what keeps a function's points "on its own logic"):

1. The re-run counts only where a graded helper in its call tree actually fails its own checks
   (:func:`helper_failing`): with right helpers, a function must pass as it is.
2. A re-run in which the grader refused any helper call fails that case, whatever the worker
   reports afterwards: a function cannot try guesses until one is answered.
3. Then, a case that passes with correct helpers failed only because of a helper, and the blame
   goes to the helpers of the call tree whose own logic is wrong (:func:`culprits`). One bug
   costs one function's points; a function whose own logic is right keeps its points.
4. A function wrong on its own logic while a helper of its call tree is wrong too shows, for
   each case that fails with correct helpers as well, that re-run (:func:`own_failures`): its
   own first problem, not the helper's, which the helper's report already shows. A refused
   helper call is shown as such, at the function's own line (:func:`refusal`). This changes
   what the report shows, never the points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from grader.bundle import BundleCase
from grader.grading.comparison import DEPENDENCIES, compare_inputs, compare_output
from grader.grading.options import ORACLE_TIMEOUT
from grader.grading.results import CaseResult, Problem, cell_number
from grader.sandbox.codec import Flat, same_flat
from grader.sandbox.outcomes import Call, CallOutcome, ExceptionInfo

#: Key suffix of a case's re-run with correct helpers.
ORACLE_SUFFIX = "#with-correct-helpers"
#: The type of the exception a substituted helper raises when the grader refuses a call
#: (the worker names an exception by its qualified class name).
REFUSED = "grader.sandbox.worker.runner.OracleRefused"

#: Recorded helper calls: helper name -> [(args, result), ...] as the reference made them.
Recorded = Mapping[str, Sequence[tuple[tuple[Any, ...], Any]]]


def call_tree(name: str) -> tuple[str, ...]:
    """Every graded helper ``name`` reaches, directly or through other helpers (nearest
    first): ``L_model_backward`` -> ``linear_activation_backward``, ``linear_backward``."""
    found: list[str] = []
    level = list(DEPENDENCIES.get(name, ()))
    while level:
        found += [h for h in level if h not in found]
        level = [d for h in level for d in DEPENDENCIES.get(h, ()) if d not in found]
    return tuple(found)


# --- what the reference's helpers answered, at every depth ---------------------------------


def _linear_forward_calls(
    calls: Sequence[tuple[tuple[Any, ...], Any]],
) -> list[tuple[tuple[Any, ...], Any]]:
    """The linear_forward call inside each recorded linear_activation_forward call: its
    arguments are the outer call's first three, and its answer, ``(Z, (A_prev, W, b))``, is
    in the outer answer ``(A, ((A_prev, W, b), Z))``."""
    nested = []
    for args, result in calls:
        linear_cache, z = result[1]
        nested.append((tuple(args[:3]), (z, linear_cache)))
    return nested


def _activation_gradient(dA: Any, z: Any, activation: Any) -> Any:
    """dZ from dA, as the assignment's provided relu_backward / sigmoid_backward give it."""
    if activation == "relu":
        return np.where(np.asarray(z) > 0, dA, 0.0)
    s = 1.0 / (1.0 + np.exp(-np.asarray(z)))
    return dA * s * (1 - s)


def _linear_backward_calls(
    calls: Sequence[tuple[tuple[Any, ...], Any]],
) -> list[tuple[tuple[Any, ...], Any]]:
    """The linear_backward call inside each recorded linear_activation_backward call: its
    arguments are ``(dZ, linear_cache)``, dZ the provided activation gradient of the outer
    ``dA`` at the cached Z, and its answer is the outer answer ``(dA_prev, dW, db)``."""
    nested = []
    for args, result in calls:
        dA, (linear_cache, z), activation = args
        nested.append(((_activation_gradient(dA, z, activation), linear_cache), result))
    return nested


#: Graded helpers whose calls follow from the recorded calls of the helper that makes them.
_NESTED: dict[str, tuple[str, Callable[..., list[tuple[tuple[Any, ...], Any]]]]] = {
    "linear_forward": ("linear_activation_forward", _linear_forward_calls),
    "linear_backward": ("linear_activation_backward", _linear_backward_calls),
}


def full_substitutes(case: BundleCase) -> Recorded:
    """The case's recorded helper calls, completed with the nested ones.

    The bundle records the calls a function makes to the graded helpers it calls directly.
    The calls those helpers make in turn follow from them (:data:`_NESTED`), so they are
    derived here, in the grader's process, without running any reference code.
    """
    recorded = dict(case.substitutes)
    for helper in call_tree(case.function):
        if helper in recorded or helper not in _NESTED:
            continue
        source, derive = _NESTED[helper]
        if source in recorded:
            recorded[helper] = derive(recorded[source])
    return recorded


# --- the second round of calls -------------------------------------------------------------


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
    substitutes: Mapping[str, Recorded] | None = None,
) -> list[Call]:
    """The second round of calls: each failed case of a function that calls other graded
    functions, again, with the helpers of its call tree answering as the reference would.
    A right submission needs none; a wrong one tells us whose bug each failure is.

    ``substitutes``: the recorded calls by case key (default: the bundle's, direct helpers
    only)."""
    by_key = {o.key: o for o in outcomes}
    calls = []
    for case in cases:
        if not case.substitutes or passes(case, by_key.get(case.key), flat_expected.get(case.key)):
            continue
        calls.append(
            Call(
                key=case.key + ORACLE_SUFFIX,
                function=case.function,
                args=case.args,
                substitutes=(substitutes or {}).get(case.key, case.substitutes),
                timeout=ORACLE_TIMEOUT,
                args_ref=case.key,
            )
        )
    return calls


def oracle_passed(case: BundleCase, oracle: CallOutcome | None) -> bool | None:
    """Did the re-run with correct helpers pass (None: there was none)? A re-run in which the
    grader refused a helper call never passes (rule 2)."""
    if oracle is None:
        return None
    return not oracle.refused and passes(case, oracle)


def own_logic_right(results: Sequence[CaseResult]) -> bool:
    """Every case passes, with the student's own helpers or with correct ones."""
    return all(r.passed or r.passed_with_correct_helpers for r in results)


def helper_failing(name: str, all_results: Mapping[str, Sequence[CaseResult]]) -> bool:
    """Whether a graded helper in ``name``'s call tree fails its own checks (rule 1)."""
    return any(not all(r.passed for r in all_results.get(helper, ())) for helper in call_tree(name))


def culprits(name: str, all_results: Mapping[str, Sequence[CaseResult]]) -> tuple[str, ...]:
    """The graded helpers of ``name``'s call tree whose own logic is wrong, nearest first:
    L_model_backward's trouble is linear_backward's when linear_activation_backward only
    passes the bug on, or when L_model_backward calls linear_backward itself."""
    found: list[str] = []
    for helper in call_tree(name):
        results = all_results.get(helper, ())
        if all(r.passed for r in results):
            continue
        if own_logic_right(results) and helper_failing(helper, all_results):
            continue  # it only passes a deeper helper's bug on
        found.append(helper)
    return tuple(found)


# --- what a failing function's report shows (rule 4) ----------------------------------------


def refusal(function: str, exc: ExceptionInfo, hidden: bool) -> Problem:
    """The problem of a re-run in which a substituted helper refused a call: where the
    function's own values first leave the correct computation, at its own calling line. On a
    hidden case the call's description (which may show numbers) is left out."""
    named = re.match(r"(\w+)\(", exc.message)
    helper = named.group(1) if named and named.group(1) in call_tree(function) else ""
    where = ""
    if exc.lineno is not None:
        cell = f"cell {cell_number(exc.cell)}, " if exc.cell is not None else ""
        line = f": {exc.line.strip()}" if exc.line else ""
        where = f" ({cell}line {exc.lineno}{line})"
    called = helper or "a graded helper"
    message = (
        f"With correct answers from the graded helpers it calls, {function} called {called} "
        f"with arguments the correct computation never passes here{where}: check what you "
        f"hand to {called}."
    )
    call = exc.message.partition(" is not a call")[0]
    if not hidden and helper and call != exc.message:
        message += f" The call was {call}."
    return Problem("error", message, "", exc.cell, exc.lineno, exc.line or "")


def own_failures(
    results: Sequence[CaseResult], reruns: Mapping[str, CaseResult]
) -> tuple[CaseResult, ...]:
    """The function's cases as its report shows them when a helper of its call tree is wrong
    too (rule 4): each failed case that also fails with correct helpers shows that re-run's
    problem or mismatches (``reruns``: by case name); every other case is left as it is."""
    shown = []
    for result in results:
        rerun = reruns.get(result.name)
        if (
            rerun is not None
            and not result.passed
            and result.passed_with_correct_helpers is False
            and not rerun.passed
        ):
            own = rerun.problem, rerun.mismatches, rerun.output
            shown.append(replace(result, problem=own[0], mismatches=own[1], output=own[2]))
        else:
            shown.append(result)
    return tuple(shown)
