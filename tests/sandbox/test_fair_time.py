"""Same notebook, same score: each graded function on its own time (issue 17 item 5).

A slow or endless function costs itself and the functions that call it, never the others,
whatever order they are graded in and however loaded the machine is; a recursion bomb ends
in milliseconds; time-out messages say once what happened, and "slow" when every call ended.
Limits are scaled down from the defaults so that the tests take seconds, with wide margins.
"""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import crafted
import pytest

from grader.grading.engine import Grader
from grader.grading.options import CheckOptions
from grader.grading.results import GradeReport

RECURSION_BOMB = """
import sys
sys.setrecursionlimit(10**6)

def linear_forward(A, W, b):
    return linear_forward(A, W, b)
"""


def sleeping(function: str, seconds: float, wrong: tuple[str, str] | None = None) -> str:
    """The reference's ``function``, sleeping ``seconds`` at each call (and made wrong)."""
    source = crafted.reference_source(function)
    head, _, body = source.partition("):\n")
    source = f"import time\n{head}):\n    time.sleep({seconds})\n{body}"
    if wrong is not None:
        assert wrong[0] in source
        source = source.replace(*wrong)
    return source


def write(tmp_path: Path, name: str, **replace: str) -> Path:
    edits = {k: textwrap.dedent(v).lstrip("\n") for k, v in replace.items()}
    return crafted.write(crafted.notebook(replace=edits), tmp_path / f"{name}.ipynb")


def summary(report: GradeReport) -> list[Any]:
    """Everything a repeated run must give again: points, verdicts, each case's outcome."""
    return [
        (
            f.name,
            f.points,
            f.status,
            [(c.name, c.passed, c.problem.status if c.problem else None) for c in f.cases],
        )
        for f in report.functions
    ]


def failed(report: GradeReport) -> set[str]:
    return {f.name for f in report.functions if f.points == 0}


def problems(report: GradeReport, function: str) -> list[str]:
    cases = next(f for f in report.functions if f.name == function).cases
    return [c.problem.message for c in cases if c.problem is not None]


@pytest.mark.slow
def test_a_recursion_bomb_grades_in_seconds_with_the_same_report_every_time(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "bomb", linear_forward=RECURSION_BOMB)
    reports = []
    with Grader(CheckOptions()) as grader:
        for _ in range(5):
            started = time.monotonic()
            reports.append(grader.grade(path))
            assert time.monotonic() - started < 15.0
    assert [r.score for r in reports] == [90.0] * 5
    assert failed(reports[0]) == {"linear_forward"}
    assert all(summary(r) == summary(reports[0]) for r in reports)

    concurrent: list[GradeReport] = []

    def grade_once() -> None:
        with Grader(CheckOptions()) as grader:
            concurrent.append(grader.grade(path))

    threads = [threading.Thread(target=grade_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [summary(r) for r in concurrent] == [summary(reports[0])] * 2


@pytest.mark.slow
def test_a_slow_wrong_helper_costs_no_function_that_does_not_call_it(tmp_path: Path) -> None:
    """Each call of the wrong linear_backward ends well within the per-call limit, but they
    add up: on one shared deadline, update_parameters (graded last, never calling it) and
    L_model_backward were left without time."""
    source = sleeping(
        "linear_backward", 1.2, ("dA_prev = np.dot(W.T, dZ)", "dA_prev = 2 * np.dot(W.T, dZ)")
    )
    path = write(tmp_path, "slow_wrong", linear_backward=source)
    with Grader(CheckOptions(timeout=2.5, submission_timeout=24.0)) as grader:
        report = grader.grade(path)
    assert failed(report) == {"linear_backward"}, summary(report)
    assert report.score == 90.0
    said = problems(report, "linear_backward")
    assert any("is slow" in m for m in said)
    assert not any("endless" in m or "ran out of time" in m for m in said)


@pytest.mark.slow
def test_a_slow_right_helper_does_not_cost_its_right_callers(tmp_path: Path) -> None:
    """linear_forward is right and slow: L_model_forward's calls stay within their own limit
    (at most 5 layers x 0.5 s), so L_model_forward keeps its points, and so does every
    function graded after it."""
    path = write(tmp_path, "slow_right", linear_forward=sleeping("linear_forward", 0.5))
    with Grader(CheckOptions(timeout=3.5, submission_timeout=24.0)) as grader:
        report = grader.grade(path)
    by_name = {f.name: f for f in report.functions}
    assert by_name["L_model_forward"].points == 10.0, summary(report)
    assert failed(report) <= {"linear_forward"}
    for message in problems(report, "linear_forward"):
        assert "slow" in message and "endless" not in message
    assert "too slow" in by_name["linear_activation_forward"].summary


def test_a_time_out_is_said_once_and_explains_the_cases_after_it(tmp_path: Path) -> None:
    hang = "def compute_cost(AL, Y):\n    while True:\n        pass\n"
    path = write(tmp_path, "hang", compute_cost=hang)
    with Grader(CheckOptions(timeout=1.0, cases="public")) as grader:
        report = grader.grade(path)
    first, *others = problems(report, "compute_cost")
    assert first.count("did not finish") == 1 and first.count("1 s") == 1, first
    assert others
    for message in others:
        assert "ran out of time" not in message and "earlier case" in message, message
    assert failed(report) == {"compute_cost"}


def test_student_code_cannot_raise_the_recursion_limit_past_the_cap(tmp_path: Path) -> None:
    from grader.sandbox.api import Call, Limits, run_submission
    from grader.sandbox.worker.runner import MAX_RECURSION
    from grader.submission import load_submission

    source = (
        "import sys\nsys.setrecursionlimit(10**6)\n"
        "def limit():\n    return sys.getrecursionlimit()\n"
        "def lower():\n    sys.setrecursionlimit(500)\n    return sys.getrecursionlimit()\n"
        "def deep(n):\n    return deep(n + 1)\n"
    )
    nb = crafted.notebook(drop=tuple(crafted.GRADED_FUNCTIONS), extra=[source])
    submission = load_submission(crafted.write(nb, tmp_path / "limit.ipynb"))
    calls = [Call("limit", "limit", ()), Call("deep", "deep", (0,)), Call("lower", "lower", ())]
    started = time.monotonic()
    result = run_submission(submission, calls, Limits(call_timeout=5.0))
    assert time.monotonic() - started < 10.0
    limit, deep, lower = result.calls
    assert limit.status == "ok" and limit.value == MAX_RECURSION <= 10_000
    assert deep.status == "error" and deep.exception is not None
    assert deep.exception.type == "RecursionError" and deep.exception.function == "deep"
    assert lower.status == "ok" and lower.value == 500
