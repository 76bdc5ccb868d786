"""Catalogued mistakes that make a graded function raise (``reference.mutants.RAISING``).

Output replay cannot see them, so they live apart from ``MISTAKES``. What makes them usable for
a diagnosis is checked here: each raises its declared exception type on every case it is
written for, from a line that its own ``line`` pattern recognises, and its hint names the
exception and gives no code.
"""

from __future__ import annotations

import functools
import inspect
import re
import traceback
from typing import Any

import pytest
from test_mutants import CODE_PATTERNS, _sentences

import reference
from grader.authoring.catalogue_table import replay
from reference.mutants import MISTAKES, RAISING, Mistake, mistakes_for, raising_mistakes_for
from reference.mutants.samples import sample_args


@functools.cache
def _grader_cases() -> tuple[Any, ...]:
    from testcases.cases import all_cases

    return tuple(all_cases())


def _cases(function: str) -> list[tuple[Any, ...]]:
    return sample_args(function) + [c.args for c in _grader_cases() if c.function == function]


def _raising_line(mistake: Mistake, exc: BaseException) -> str:
    """The text of the innermost line of the mistake's own function that the exception passed
    through (the student's line, as the sandbox reports it)."""
    code = mistake.impl.__code__
    frames = [f for f, _ in traceback.walk_tb(exc.__traceback__) if f.f_code is code]
    assert frames, "the exception did not pass through the mistake's own code"
    lineno = frames[-1].f_lineno
    lines, start = inspect.getsourcelines(mistake.impl)
    return lines[lineno - start]


def test_there_are_raising_mistakes_and_they_are_kept_apart() -> None:
    assert len(RAISING) >= 5
    assert not set(RAISING) & set(MISTAKES)
    names = [m.name for m in MISTAKES + RAISING]
    assert len(set(names)) == len(names)
    for function in reference.GRADED_FUNCTIONS:
        assert all(m.raises is None for m in mistakes_for(function))
        assert raising_mistakes_for(function) == tuple(m for m in RAISING if m.function == function)
    assert raising_mistakes_for("no_such_function") == ()


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_declares_an_exception_type_and_a_line_pattern(mistake: Mistake) -> None:
    assert isinstance(mistake.raises, type) and issubclass(mistake.raises, Exception)
    assert mistake.line and re.compile(mistake.line)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mistake.name)
    expected = inspect.signature(getattr(reference, mistake.function)).parameters
    assert list(inspect.signature(mistake.impl).parameters) == list(expected)


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_raises_its_type_on_every_case_from_a_line_its_pattern_matches(mistake: Mistake) -> None:
    ref = getattr(reference, mistake.function)
    assert mistake.raises is not None and mistake.line is not None
    for args in _cases(mistake.function):
        replay(ref, args)  # the case itself is fine: the reference runs on it
        with pytest.raises(mistake.raises) as caught:
            replay(mistake.impl, args)
        assert type(caught.value) is mistake.raises, "a subclass would not be named by type"
        line = _raising_line(mistake, caught.value)
        assert re.search(mistake.line, "".join(line.split())), line


def _signature(mistake: Mistake, args: tuple[Any, ...]) -> tuple[str, str, tuple[str, ...]]:
    """What a raising run shows: the exception type, the raising line without spaces, and the
    numbers in the message (the missing key's layer, the shapes numpy refused)."""
    try:
        replay(mistake.impl, args)
    except Exception as exc:
        line = "".join(_raising_line(mistake, exc).split())
        return type(exc).__name__, line, tuple(re.findall(r"\d+", str(exc)))
    raise AssertionError(f"{mistake.name} did not raise")


@pytest.mark.parametrize("function", sorted({m.function for m in RAISING}))
def test_raising_mistakes_of_a_function_can_be_told_apart(function: str) -> None:
    """Two raising mistakes of one function differ in type, line or message on some case."""
    mistakes = raising_mistakes_for(function)
    cases = _cases(function)
    for i, first in enumerate(mistakes):
        for second in mistakes[i + 1 :]:
            assert any(_signature(first, a) != _signature(second, a) for a in cases), (
                first.name,
                second.name,
            )


@pytest.mark.parametrize("mistake", RAISING, ids=lambda m: m.name)
def test_hint_names_the_exception_and_gives_no_code(mistake: Mistake) -> None:
    assert mistake.raises is not None
    assert mistake.raises.__name__ in mistake.hint
    assert mistake.title and "\n" not in mistake.title and len(mistake.title) <= 100
    assert 2 <= len(_sentences(mistake.hint)) <= 3 and mistake.hint.endswith(".")
    for pattern in CODE_PATTERNS:
        assert not re.search(pattern, mistake.hint), (pattern, mistake.hint)
