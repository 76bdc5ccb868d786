"""Attribution when more than one function is wrong, or a helper is wrong in a way that makes
its caller look unfinished: the points stay where the bugs are."""

from __future__ import annotations

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
