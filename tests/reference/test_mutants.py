"""The mistake catalogue is only useful if every entry is a real, visible, explained mistake.

A mutant identical to the reference could never be diagnosed, and one that never runs could
never match a student's output; a hint that gives the solution line defeats the purpose.
"""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

import numpy as np
import pytest

import reference
from grader.authoring.catalogue_table import replay
from grader.grading.comparison import compare
from reference.mutants import MISTAKES, Mistake, mistakes_for
from reference.mutants.samples import sample_args

#: Mistakes that only run for particular shapes; the published case is not one of them.
#: (A student's code with such a mistake fails on the other cases with a shape error.)
SHAPE_DEPENDENT = {
    "linear-forward-w-transposed": "needs a square W",
    "linear-forward-elementwise-product": "needs W and A to broadcast",
    "linear-forward-a-times-w": "needs m equal to n[l]",
    "model-forward-loop-stops-early": "needs the skipped hidden layer to be square",
    "dw-a-prev-not-transposed": "needs m equal to n[l-1]",
    "da-prev-w-not-transposed": "needs a square W",
}

BY_NAME = {m.name: m for m in MISTAKES}


def _run(func: Any, args: tuple[Any, ...]) -> tuple[bool, Any]:
    try:
        return True, replay(func, args)
    except Exception as exc:  # a mutant may legitimately fail on some shapes
        return False, exc


def test_catalogue_is_large_enough() -> None:
    assert len(MISTAKES) >= 30


def test_names_are_unique_slugs() -> None:
    names = [m.name for m in MISTAKES]
    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name


def test_every_graded_function_has_at_least_two() -> None:
    for function in reference.GRADED_FUNCTIONS:
        assert len(mistakes_for(function)) >= 2, function
    assert {m.function for m in MISTAKES} == set(reference.GRADED_FUNCTIONS)


def test_mistakes_for_selects_in_catalogue_order() -> None:
    for function in reference.GRADED_FUNCTIONS:
        assert mistakes_for(function) == tuple(m for m in MISTAKES if m.function == function)
    assert mistakes_for("no_such_function") == ()


def test_mistake_is_frozen() -> None:
    with pytest.raises(AttributeError):
        MISTAKES[0].name = "x"  # type: ignore[misc]


def test_shape_dependent_names_exist() -> None:
    assert set(SHAPE_DEPENDENT) <= set(BY_NAME)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_signature_matches_the_reference(mistake: Mistake) -> None:
    expected = inspect.signature(getattr(reference, mistake.function)).parameters
    assert list(inspect.signature(mistake.impl).parameters) == list(expected)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_runs_and_differs_from_the_reference(mistake: Mistake) -> None:
    ref = getattr(reference, mistake.function)
    cases = sample_args(mistake.function)
    ran = []
    for args in cases:
        ok, out = _run(mistake.impl, args)
        if ok:
            ran.append(bool(compare(replay(ref, args), out)))
    published_ok, _ = _run(mistake.impl, cases[0])
    if mistake.name in SHAPE_DEPENDENT:
        assert not published_ok, "runs on the published case: drop it from SHAPE_DEPENDENT"
        assert len(ran) >= 2, "should run on several of the sample cases"
    else:
        assert published_ok, "should run on the published case"
    assert any(ran), "gives the reference's output on every case it runs on"


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_leaves_its_arguments_alone(mistake: Mistake) -> None:
    for args in sample_args(mistake.function):
        before = copy.deepcopy(args)
        with np.errstate(all="ignore"):
            try:
                mistake.impl(*args)
            except (ValueError, KeyError, IndexError, NameError):
                continue  # a shape error or a missing name, as the student's code would give
        assert not compare(before, args, "arguments")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_title_and_hint_are_well_formed(mistake: Mistake) -> None:
    assert mistake.title and "\n" not in mistake.title and len(mistake.title) <= 100
    assert 2 <= len(_sentences(mistake.hint)) <= 3, mistake.hint
    assert mistake.hint.endswith(".")
    assert "  " not in mistake.hint and "\n" not in mistake.hint


# Code-like fragments a hint must not contain: numpy calls, assignments, function calls,
# and the solution expressions themselves.
CODE_PATTERNS = [
    r"np\.",
    r"=",
    r"[A-Za-z_]\(",
    r"\.T\b",
    r"\*\s*0\.01",
    r"axis\s*\d",
    r"\bW\s*@",
    r"1\s*/\s*m\b",
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_hint_gives_no_solution_code(mistake: Mistake) -> None:
    for pattern in CODE_PATTERNS:
        assert not re.search(pattern, mistake.hint), (pattern, mistake.hint)


def test_no_two_hints_are_the_same_within_a_function() -> None:
    for function in reference.GRADED_FUNCTIONS:
        hints = [m.hint for m in mistakes_for(function)]
        assert len(set(hints)) == len(hints), function
