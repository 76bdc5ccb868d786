"""Attribution when more than one function is wrong, or a helper is wrong in a way that makes
its caller look unfinished: the points stay where the bugs are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import crafted
import pytest

from grader.grading.engine import CheckOptions, Grader
from grader.grading.results import GradeReport

#: Returns only from its relu branch: a sigmoid layer gives None to its caller.
RETURNS_NONE_FOR_SIGMOID = """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        return dA_prev, dW, db
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
"""


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    with Grader(CheckOptions(timeout=2.0)) as g:
        yield g


def grade(grader: Grader, tmp_path: Path, **functions: str) -> GradeReport:
    path = tmp_path / "submission.ipynb"
    return grader.grade(crafted.write(crafted.notebook(replace=functions), path))


def test_a_right_caller_handed_none_by_its_helper_keeps_its_points(
    grader: Grader, tmp_path: Path
) -> None:
    """L_model_backward unpacking the None of a wrong helper looks like an unfinished stub;
    it is right on its own logic, so it keeps its points and the helper is named."""
    report = grade(grader, tmp_path, linear_activation_backward=RETURNS_NONE_FOR_SIGMOID)
    caller = report.function("L_model_backward")
    assert caller.status == "inherited", caller.summary
    assert caller.points == caller.max_points
    assert caller.blamed_helpers == ("linear_activation_backward",)
    assert report.function("linear_activation_backward").points == 0


def test_a_stub_over_a_wrong_helper_is_still_a_stub(grader: Grader, tmp_path: Path) -> None:
    stub = """
        def L_model_backward(AL, Y, caches):
            grads = {}
            dAL = None
            return grads
        """
    report = grade(
        grader,
        tmp_path,
        linear_activation_backward=RETURNS_NONE_FOR_SIGMOID,
        L_model_backward=stub,
    )
    assert report.function("L_model_backward").points == 0
    assert report.function("L_model_backward").status in ("failed", "not_implemented")


# --- a function and a helper of its call tree both wrong (attribution rule 4) ---------------

#: db summed without keepdims: a shape every gradient dict built on it inherits.
WRONG_LINEAR_BACKWARD = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
"""

_BACKWARD = """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dW, db
    return grads
"""
#: Forgets to store dA of the hidden layers (its own bug: dA0 missing, or a KeyError).
FORGETS_HIDDEN_DA = _BACKWARD.replace('        grads["dA" + str(l)] = dA_prev\n', "")
#: Hands AL where dAL belongs (line 6): with correct helpers, that call is refused.
AL_FOR_DAL = _BACKWARD.replace("(dAL, caches[L - 1]", "(AL, caches[L - 1]")
#: Skips linear_activation_backward and calls linear_backward itself; dA of the hidden layers
#: stored one layer too high (its own bug).
DIRECT_WITH_SHIFTED_DA = """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(L)):
        linear_cache, Z = caches[l]
        dZ = sigmoid_backward(dA, Z) if l == L - 1 else relu_backward(dA, Z)
        dA, dW, db = linear_backward(dZ, linear_cache)
        grads["dA" + str(l + 1)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA, dW, db
    return grads
"""


#: linear_backward's own symptom (a 1-D db), seen in its callers' cases when they run on it.
ONE_D = re.compile(r"shape \(\d+,\)")


def messages(report: GradeReport, function: str) -> list[str]:
    """What each failing case of a function says, problem and mismatches."""
    found = []
    for case in report.function(function).cases:
        if not case.passed:
            said = [case.problem.message] if case.problem else []
            found.append(" ".join(said + [m.message for m in case.mismatches]))
    return found


def points(report: GradeReport) -> dict[str, float]:
    return {f.name: f.points for f in report.functions}


def own_cases(report: GradeReport, function: str) -> list[str]:
    """The failing cases that fail with correct helpers too: those show the function's own."""
    cases = report.function(function).cases
    said = messages(report, function)
    failing = [c for c in cases if not c.passed]
    return [m for c, m in zip(failing, said) if c.passed_with_correct_helpers is False]


def test_both_wrong_shows_the_functions_own_problem(grader: Grader, tmp_path: Path) -> None:
    report = grade(
        grader,
        tmp_path,
        linear_backward=WRONG_LINEAR_BACKWARD,
        L_model_backward=FORGETS_HIDDEN_DA,
    )
    backward = report.function("L_model_backward")
    assert "linear_backward is wrong too" in backward.summary
    own = own_cases(report, "L_model_backward")
    assert own and not any(ONE_D.search(said) for said in own), own
    assert any("'dA0'" in said for said in own), own
    # the points are what they were: each bug costs its own function
    full = {f.name: f.max_points for f in report.functions}
    assert points(report) == {**full, "linear_backward": 0.0, "L_model_backward": 0.0}


def test_a_refused_call_is_shown_at_the_functions_own_line(grader: Grader, tmp_path: Path) -> None:
    report = grade(
        grader, tmp_path, linear_backward=WRONG_LINEAR_BACKWARD, L_model_backward=AL_FOR_DAL
    )
    backward = report.function("L_model_backward")
    own = [c for c in backward.cases if c.passed_with_correct_helpers is False]
    assert own
    for case in own:
        assert case.problem is not None and case.problem.lineno == 6, case.problem
        said = case.problem.message
        assert "linear_activation_backward" in said and "OracleRefused" not in said
        assert ("array(" in said) == (case.visibility == "public"), said  # hidden: no values
    full = {f.name: f.max_points for f in report.functions}
    assert points(report) == {**full, "linear_backward": 0.0, "L_model_backward": 0.0}


def test_a_direct_call_to_a_wrong_lower_helper_is_replaced_too(
    grader: Grader, tmp_path: Path
) -> None:
    report = grade(
        grader,
        tmp_path,
        linear_backward=WRONG_LINEAR_BACKWARD,
        L_model_backward=DIRECT_WITH_SHIFTED_DA,
    )
    own = own_cases(report, "L_model_backward")
    assert own and not any(ONE_D.search(said) for said in own), own
    assert report.function("L_model_backward").points == 0


def test_with_right_helpers_the_report_is_the_functions_own_run(
    grader: Grader, tmp_path: Path
) -> None:
    """Rule 4 applies only where a helper is wrong too: with right helpers, a wrong call to
    one is shown by what came of it, as before."""
    report = grade(grader, tmp_path, L_model_backward=AL_FOR_DAL)
    backward = report.function("L_model_backward")
    assert "wrong too" not in backward.summary
    assert all(c.problem is None for c in backward.cases if not c.passed)
    assert all("grads" in said for said in messages(report, "L_model_backward"))
