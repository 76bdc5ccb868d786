"""Inputs the course says a function must not change, and cases no trivial stub can pass.

Judged in the grader's process (``judge_case``) from what the worker sends back: the
arguments as the call left them. Each graded function, each argument it must leave alone:
a right answer that changed that argument in place fails. ``update_parameters`` may update
``parameters`` in place (some course versions do) but not ``grads``. One end-to-end run per
kind through the sandbox shows the worker's side sends what the judge needs.
"""

from __future__ import annotations

import copy
from typing import Any

import crafted
import numpy as np
import pytest

from grader.bundle import BundleCase, read_bundle
from grader.grading.comparison import ARG_NAMES, GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions, Grader
from grader.grading.judge import judge_case
from grader.paths import bundle_paths
from grader.sandbox.outcomes import CallOutcome

CASES: list[BundleCase] = [c for path in bundle_paths().values() for c in read_bundle(path)]


def _arg_name(function: str, index: int) -> str:
    spec = ARG_NAMES[function][index]
    return spec if isinstance(spec, str) else str(spec[0])


def _mutable(value: Any) -> bool:
    """Whether a function could change this argument in place (arrays, or containers)."""
    return isinstance(value, (np.ndarray, dict, list)) or (
        isinstance(value, tuple) and any(_mutable(v) for v in value)
    )


def _changed(value: Any) -> Any:
    """A copy of ``value`` as an in-place edit would leave it: one number of its first array
    changed, or a list that lost an item."""
    value = copy.deepcopy(value)
    if isinstance(value, np.ndarray):
        value.flat[0] = value.flat[0] * 2 + 1  # never equal to the original, also at 0
        return value
    if isinstance(value, list) and not any(_mutable(v) for v in value):
        return value[:-1]
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    key, first = next((k, v) for k, v in items if _mutable(v))
    if isinstance(value, tuple):
        return tuple(_changed(v) if i == key else v for i, v in enumerate(value))
    value[key] = _changed(first)
    return value


def _first_case(function: str) -> BundleCase:
    return next(c for c in CASES if c.function == function)


#: (function, argument index) for every argument of every graded function that could be
#: changed in place, except the one the course allows (update_parameters' parameters).
MUST_NOT_CHANGE = [
    (function, i)
    for function in GRADED_FUNCTIONS
    for i, value in enumerate(_first_case(function).args)
    if _mutable(value) and (function, i) != ("update_parameters", 0)
]


def test_every_mutable_argument_is_covered():
    covered = {f"{f}:{_arg_name(f, i)}" for f, i in MUST_NOT_CHANGE}
    assert "update_parameters:grads" in covered
    assert "initialize_parameters_deep:layer_dims" in covered
    assert "L_model_backward:caches" in covered
    assert {f for f, _ in MUST_NOT_CHANGE} == set(GRADED_FUNCTIONS) - {"initialize_parameters"}


@pytest.mark.parametrize(
    ("function", "index"),
    MUST_NOT_CHANGE,
    ids=[f"{f}-{_arg_name(f, i)}" for f, i in MUST_NOT_CHANGE],
)
def test_a_right_answer_that_changed_an_input_fails(function, index):
    for case in (c for c in CASES if c.function == function):
        after = tuple(_changed(a) if i == index else a for i, a in enumerate(case.args))
        outcome = CallOutcome(case.key, "ok", value=case.expected, args_after=after)
        result = judge_case(case, outcome, None)
        assert not result.passed, case.key
        kinds = {m.kind for m in result.mismatches}
        assert kinds == {"modified_input"}, (case.key, kinds)
        if case.visibility == "public":
            assert f"changed its input {_arg_name(function, index)}" in (
                result.mismatches[0].message
            )


def test_update_parameters_may_update_parameters_in_place():
    for case in (c for c in CASES if c.function == "update_parameters"):
        params, grads, rate = case.args
        after = (copy.deepcopy(case.expected), grads, rate)  # as an in-place update leaves it
        outcome = CallOutcome(case.key, "ok", value=case.expected, args_after=after)
        assert judge_case(case, outcome, None).passed, case.key


# --- no trivial stub passes any case ----------------------------------------------------


def _zeros(value: Any) -> Any:
    """``value``'s structure with every number 0 (arrays keep their shape and dtype)."""
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    if isinstance(value, dict):
        return {k: _zeros(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_zeros(v) for v in value)
    if isinstance(value, (bool, str)) or value is None:
        return value
    return type(value)(0)


STUBS = {
    "returns None": lambda case: None,
    "returns its first input": lambda case: case.args[0],
    "returns zeros of the right shape": lambda case: _zeros(case.expected),
}


@pytest.mark.parametrize("stub", STUBS)
def test_every_case_fails_each_trivial_stub(stub):
    assert {c.visibility for c in CASES} == {"public", "hidden"}
    assert {c.function for c in CASES} == set(GRADED_FUNCTIONS)
    passed = []
    for case in CASES:
        outcome = CallOutcome(case.key, "ok", value=STUBS[stub](case))
        if judge_case(case, outcome, None).passed:
            passed.append(f"{case.key} ({case.note})")
    assert not passed


# --- through the sandbox -----------------------------------------------------------------

GRADS_SCALED_IN_PLACE = """
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        grads["dW" + str(l + 1)] *= learning_rate
        grads["db" + str(l + 1)] *= learning_rate
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - grads["db" + str(l + 1)]
    return parameters
"""

PARAMETERS_IN_PLACE = """
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters
"""


@pytest.fixture(scope="module")
def grader():
    with Grader(CheckOptions(timeout=10, memory_mb=600)) as g:
        yield g


def _update_parameters(grader, tmp_path, source):
    nb = crafted.notebook(replace={"update_parameters": source})
    return grader.grade(crafted.write(nb, tmp_path / "submission.ipynb")).function(
        "update_parameters"
    )


def test_scaling_grads_in_place_fails_every_case(grader, tmp_path):
    report = _update_parameters(grader, tmp_path, GRADS_SCALED_IN_PLACE)
    assert report.points == 0 and report.status == "failed"
    assert all(not c.passed for c in report.cases)
    public = next(c for c in report.cases if c.visibility == "public")
    assert "changed its input grads" in public.mismatches[0].message


def test_updating_parameters_in_place_passes(grader, tmp_path):
    report = _update_parameters(grader, tmp_path, PARAMETERS_IN_PLACE)
    assert report.status == "passed", report.summary
