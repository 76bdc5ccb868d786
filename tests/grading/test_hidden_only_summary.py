"""A function that passes every public case and fails hidden ones is told the usual causes."""

from __future__ import annotations

import crafted
import pytest

from grader.grading.engine import CheckOptions, Grader

CLIPPED_COST = """
def compute_cost(AL, Y):
    m = Y.shape[1]
    AL = np.clip(AL, 0.05, 0.95)  # right on the public cases, whose AL lie inside
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
"""

NEGATIVE_COST = """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return np.squeeze(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
"""


@pytest.fixture(scope="module")
def grader():
    with Grader(CheckOptions(timeout=10, memory_mb=600)) as g:
        yield g


def cost_report(grader, tmp_path, source):
    path = crafted.write(
        crafted.notebook(replace={"compute_cost": source}), tmp_path / "submission.ipynb"
    )
    return grader.grade(path).function("compute_cost")


def test_failing_only_hidden_cases_names_the_usual_causes(grader, tmp_path):
    report = cost_report(grader, tmp_path, CLIPPED_COST)
    assert all(c.passed for c in report.cases if c.visibility == "public")
    assert report.points == 0
    assert "every public case passes" in report.summary
    assert "size written as a number" in report.summary


def test_failing_public_cases_does_not(grader, tmp_path):
    report = cost_report(grader, tmp_path, NEGATIVE_COST)
    assert report.points == 0
    assert "every public case passes" not in report.summary
