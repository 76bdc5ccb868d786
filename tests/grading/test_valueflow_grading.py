"""Explanations through the whole grader: traced in the sandbox's worker, judged here, shown in
the reports; only failing functions are traced, on at most two cases each."""

from __future__ import annotations

from pathlib import Path

import crafted
import pytest

from grader.grading.engine import CheckOptions, Grader
from grader.grading.explain import MAX_TRACED, TRACE_SUFFIX
from grader.reports.gradescope import render_gradescope
from grader.reports.text import render_text

WHOLE_CACHE = """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, cache)
    return dA_prev, dW, db
"""


@pytest.fixture(scope="module")
def grader():
    with Grader(CheckOptions()) as g:
        yield g


def test_a_wrong_argument_is_explained_at_the_students_line(grader: Grader, tmp_path: Path) -> None:
    notebook = crafted.write(
        crafted.notebook(replace={"linear_activation_backward": WHOLE_CACHE}),
        tmp_path / "whole-cache.ipynb",
    )
    report = grader.grade(notebook)
    wrong = report.function("linear_activation_backward")
    assert wrong.status == "failed" and wrong.diagnosis is None
    assert wrong.explanation.startswith("cell ")
    said = ", line 5 and line 8: `linear_backward` receives the whole layer cache"
    assert said in wrong.explanation
    assert all(not f.explanation for f in report.functions if f is not wrong)
    assert "Where it goes wrong: cell " in render_text(report)
    assert "Where it goes wrong: cell " in str(render_gradescope(report))
    assert report.to_dict()["functions"][7]["explanation"] == wrong.explanation


def test_only_failing_functions_are_traced_on_at_most_two_cases(
    grader: Grader, tmp_path: Path
) -> None:
    calls: list[str] = []
    run = grader._sandbox.run

    def spy(submission, calls_made, files, followups=None):
        def recorded(outcomes):
            extra = list(followups(outcomes)) if followups else []
            calls.extend(c.key for c in extra)
            return extra

        return run(submission, calls_made, files, followups=recorded)

    grader._sandbox.run = spy  # type: ignore[method-assign,assignment]  # a spy in its place
    try:
        right = crafted.write(crafted.notebook(), tmp_path / "right.ipynb")
        assert all(not f.explanation for f in grader.grade(right).functions)
        assert [k for k in calls if k.endswith(TRACE_SUFFIX)] == []
        wrong = crafted.write(
            crafted.notebook(replace={"linear_activation_backward": WHOLE_CACHE}),
            tmp_path / "wrong.ipynb",
        )
        grader.grade(wrong)
    finally:
        del grader._sandbox.run
    traced = [k for k in calls if k.endswith(TRACE_SUFFIX)]
    assert len(traced) == MAX_TRACED
    assert all(k.startswith("linear_activation_backward/") for k in traced)
