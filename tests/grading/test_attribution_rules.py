"""The rules that decide when a function keeps its points "on its own logic".

Hostile direction: a composite function that is wrong with right helpers must not earn its
points by catching the refusal of a substituted helper and trying other calls until one is
answered. Honest direction: a composite function whose own logic is right keeps its points
when a helper it calls is wrong, however it reaches that helper (through another helper, or
directly). Fixtures: ``tests/attribution_fixtures.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attribution_fixtures as fx
import nbformat
import pytest

from grader.bundle import BundleCase
from grader.grading.attribution import call_tree, full_substitutes
from grader.grading.engine import Grader, load_cases
from grader.grading.options import CheckOptions
from grader.grading.results import GradeReport
from grader.sandbox.codec import flatten
from grader.sandbox.matching import find_recorded

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "reference" / "solution.ipynb"


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    with Grader(CheckOptions()) as g:
        yield g


def grade(grader: Grader, tmp_path: Path, *functions: str) -> GradeReport:
    """The solution notebook with these functions' cells replaced."""
    nb = nbformat.read(str(SOLUTION), as_version=4)
    by_name = {src.split("def ", 1)[1].split("(", 1)[0]: src for src in functions}
    for cell in nb.cells:
        name = str(cell.get("id", "")).removeprefix("graded-")
        if name in by_name:
            cell.source = f"# GRADED FUNCTION: {name}\n{by_name.pop(name)}"
    assert not by_name
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, str(path))
    return grader.grade(path)


def points(report: GradeReport) -> dict[str, float]:
    return {f.name: f.points for f in report.functions}


# --- hostile ----------------------------------------------------------------------------


def test_guessing_with_right_helpers_earns_nothing(grader: Grader, tmp_path: Path) -> None:
    """Rule 1: every helper passes its checks, so the re-run with substituted helpers (where
    the guesses end up answered) does not count."""
    report = grade(grader, tmp_path, fx.FISHING_L_MODEL_FORWARD)
    assert report.function("L_model_forward").points == 0
    assert report.function("L_model_forward").status == "failed"
    assert report.score == report.max_score - 10


def test_guessing_past_a_refusal_fails_even_when_a_helper_is_wrong(
    grader: Grader, tmp_path: Path
) -> None:
    """Rule 2: a helper below is wrong, so the re-run counts; but the grader refused a call
    in it, and that fails the case whatever the function returned afterwards."""
    report = grade(grader, tmp_path, fx.FISHING_L_MODEL_FORWARD, fx.WRONG_LINEAR_FORWARD)
    assert points(report)["linear_forward"] == 0
    assert report.function("linear_activation_forward").status == "inherited"
    assert points(report)["L_model_forward"] == 0
    assert not any(c.passed_with_correct_helpers for c in report.function("L_model_forward").cases)


def test_guessing_one_level_down_fails_too(grader: Grader, tmp_path: Path) -> None:
    report = grade(
        grader, tmp_path, fx.FISHING_LINEAR_ACTIVATION_BACKWARD, fx.WRONG_LINEAR_BACKWARD
    )
    assert points(report)["linear_backward"] == 0
    assert points(report)["linear_activation_backward"] == 0
    # the reference's L_model_backward above them makes right calls only: it keeps its points
    assert report.function("L_model_backward").status == "inherited"


# --- honest -----------------------------------------------------------------------------


def test_composite_keeps_its_points_when_its_helper_is_wrong(
    grader: Grader, tmp_path: Path
) -> None:
    report = grade(grader, tmp_path, fx.WRONG_LINEAR_ACTIVATION_FORWARD)
    assert points(report)["linear_activation_forward"] == 0
    assert report.function("L_model_forward").status == "inherited"
    assert report.function("L_model_forward").blamed_helpers == ("linear_activation_forward",)
    assert report.score == report.max_score - 10


def test_composite_calling_a_lower_helper_directly_is_judged_on_its_own_logic(
    grader: Grader, tmp_path: Path
) -> None:
    """L_model_forward calls linear_forward itself: the substituted helpers answer that call
    too (it is one the reference makes, one level down), and the blame goes to linear_forward."""
    report = grade(grader, tmp_path, fx.DIRECT_L_MODEL_FORWARD, fx.WRONG_LINEAR_FORWARD)
    assert points(report)["linear_forward"] == 0
    forward = report.function("L_model_forward")
    assert forward.status == "inherited", forward.summary
    assert forward.blamed_helpers == ("linear_forward",)
    assert report.score == report.max_score - 10


# --- the pieces ---------------------------------------------------------------------------


def test_call_tree_reaches_every_depth() -> None:
    assert call_tree("L_model_backward") == ("linear_activation_backward", "linear_backward")
    assert call_tree("L_model_forward") == ("linear_activation_forward", "linear_forward")
    assert call_tree("linear_forward") == ()


def _composite(function: str) -> BundleCase:
    return next(c for c in load_cases("public") if c.function == function)


def test_full_substitutes_add_the_nested_calls_the_reference_makes() -> None:
    case = _composite("L_model_forward")
    recorded = full_substitutes(case)
    layers = len(case.args[1]) // 2
    assert len(recorded["linear_activation_forward"]) == layers
    assert len(recorded["linear_forward"]) == layers
    # each nested call's arguments are the ones the outer call passed down
    for (outer_args, _), (inner_args, _) in zip(
        recorded["linear_activation_forward"], recorded["linear_forward"]
    ):
        assert find_recorded([(inner_args, None)], tuple(outer_args[:3])) == 0


@pytest.mark.parametrize("function", ["L_model_forward", "L_model_backward"])
def test_derived_nested_calls_are_the_calls_the_reference_makes(
    function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Traced here by running the reference with its lower helper wrapped (the grader derives
    them from the recorded calls instead, without running reference code)."""
    import copy

    import numpy as np

    from reference import network

    for case in (c for c in load_cases("all") if c.function == function):
        lower = call_tree(function)[-1]
        real = getattr(network, lower)
        traced: list[tuple[tuple[object, ...], object]] = []

        def wrapper(*args: object, real=real, traced=traced) -> object:
            result = real(*args)
            traced.append((copy.deepcopy(args), result))
            return result

        monkeypatch.setattr(network, lower, wrapper)
        getattr(network, function)(*copy.deepcopy(case.args))
        derived = full_substitutes(case)[lower]
        assert len(derived) == len(traced)
        for (args, result), (want_args, want_result) in zip(derived, traced):
            assert find_recorded([(want_args, None)], tuple(args)) == 0
            for got, want in zip(flatten(result)[1], flatten(want_result)[1]):
                assert np.allclose(got, want, rtol=1e-12, atol=0)
