"""Diagnosis from exceptions: a student's function that raises is named after the catalogued
mistake that raises the same way (type, line, the numbers in the message), and only then.

Observations here carry an :class:`ExceptionInfo` where the function raised, built the way the
sandbox builds it: the exception's type name, its message, and the innermost line of the
function's own code.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from replayed_diagnosis import diagnose_anywhere

import reference
from grader.authoring.catalogue_table import replay
from grader.grading.diagnose import diagnose
from grader.sandbox.outcomes import ExceptionInfo
from reference.mutants import MISTAKES, RAISING, Mistake
from reference.mutants.samples import sample_args

Observations = list[tuple[tuple[Any, ...], Any]]


def _line(func: Callable[..., Any], exc: BaseException) -> str | None:
    frames = [f for f, _ in traceback.walk_tb(exc.__traceback__) if f.f_code is func.__code__]
    if not frames:
        return None
    lines, start = inspect.getsourcelines(func)
    return lines[frames[-1].f_lineno - start].strip()


def _observe(func: Callable[..., Any], cases: list[tuple[Any, ...]]) -> Observations:
    """(args, output or ExceptionInfo) for every case, as the engine hands them over."""
    observed: Observations = []
    for args in cases:
        try:
            observed.append((args, replay(func, args)))
        except Exception as exc:
            info = ExceptionInfo(
                type(exc).__name__, str(exc), line=_line(func, exc), function=func.__name__
            )
            observed.append((args, info))
    return observed


@functools.cache
def _all_grader_cases() -> tuple[Any, ...]:
    from testcases.cases import all_cases

    return tuple(all_cases())


def _grader_cases(function: str) -> list[tuple[Any, ...]]:
    return [case.args for case in _all_grader_cases() if case.function == function]


def _both(function: str) -> list[tuple[list[tuple[Any, ...]], Callable[..., Any]]]:
    """The samples (diagnosed with outcomes built on them) and the grader's cases (diagnosed
    from the bundles), each with its diagnosis."""
    return [(sample_args(function), diagnose_anywhere), (_grader_cases(function), diagnose)]


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_each_raising_mistake_is_named_from_its_exceptions(mistake: Mistake) -> None:
    for cases, diagnose_on in _both(mistake.function):
        found = diagnose_on(mistake.function, _observe(mistake.impl, cases))
        assert found is not None and found.name == mistake.name


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_output_mistakes_are_still_named_when_exceptions_are_observations(mistake: Mistake) -> None:
    """Shape-dependent mistakes raise on some cases: those cases now count as evidence too."""
    found = diagnose(mistake.function, _observe(mistake.impl, _grader_cases(mistake.function)))
    assert found is not None and found.name == mistake.name


@pytest.mark.parametrize("function", reference.GRADED_FUNCTIONS)
def test_a_correct_function_gets_no_diagnosis(function: str) -> None:
    for cases, diagnose_on in _both(function):
        assert diagnose_on(function, _observe(getattr(reference, function), cases)) is None


def _edited(observed: Observations, **changes: Any) -> Observations:
    return [
        (a, dataclasses.replace(o, **changes) if isinstance(o, ExceptionInfo) else o)
        for a, o in observed
    ]


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_the_exception_type_alone_never_names_it(mistake: Mistake) -> None:
    observed = _observe(mistake.impl, sample_args(mistake.function))
    assert diagnose_anywhere(mistake.function, _edited(observed, line=None)) is None
    edited = _edited(observed, line="result = compute(things)")
    assert diagnose_anywhere(mistake.function, edited) is None


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_another_exception_type_is_not_named(mistake: Mistake) -> None:
    observed = _observe(mistake.impl, sample_args(mistake.function))
    assert diagnose_anywhere(mistake.function, _edited(observed, type="ZeroDivisionError")) is None


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_other_numbers_in_the_message_are_not_named(mistake: Mistake) -> None:
    """A KeyError on another layer, or numpy refusing other shapes, is another mistake."""
    observed = _observe(mistake.impl, sample_args(mistake.function))
    found = diagnose_anywhere(mistake.function, _edited(observed, message="'W97' (97, 98)"))
    assert found is None or found.name != mistake.name


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_raising_on_only_some_cases_of_the_right_kind_is_not_enough(mistake: Mistake) -> None:
    """A student who raised like the mistake on one case but returned the right answer on
    another did not make it (the mistake raises on every one of these cases)."""
    ref = getattr(reference, mistake.function)
    cases = sample_args(mistake.function)
    observed = _observe(mistake.impl, cases[:1]) + _observe(ref, cases[1:])
    assert diagnose_anywhere(mistake.function, observed) is None


def test_an_exception_from_a_correct_line_with_other_numbers_is_not_named() -> None:
    """update_parameters raising KeyError on layer 0 is the loop-from-0 mistake, not the
    not-halved one, although both raise KeyError from the same kind of line."""
    by_name = {m.name: m for m in RAISING}
    cases = sample_args("update_parameters")
    zero = diagnose_anywhere(
        "update_parameters", _observe(by_name["update-loop-from-layer-0"].impl, cases)
    )
    twice = diagnose_anywhere(
        "update_parameters", _observe(by_name["update-layer-count-not-halved"].impl, cases)
    )
    assert zero is not None and zero.name == "update-loop-from-layer-0"
    assert twice is not None and twice.name == "update-layer-count-not-halved"
