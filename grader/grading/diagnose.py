"""Naming the mistake behind a wrong answer, when it is one we know.

After a graded function failed, the engine hands :func:`diagnose` every (arguments, student
output) pair it has for that function. We rerun each catalogued wrong version of the function
(``reference.mutants``) on the same arguments. A mistake matches when it reproduces the
student's output on every observation, judged by the project's own comparison
(``grader.grading.comparison.compare``, the same tolerance as grading). Only a single match is
reported: with none we know nothing, and with several the evidence cannot tell which one the student
made, so a guess would risk sending them to fix the wrong line.

Pass every observation there is, including the cases the student got right: agreeing with the
reference on a case is evidence too. For instance "sigmoid's gradient used for ReLU" and "the
two gradients swapped" give the same numbers on ReLU cases and differ only on the sigmoid ones
that the first mistake gets right.

Replaying has to look like grading for the numbers to agree: numpy's legacy global generator
is seeded with ``CALL_SEED`` before each run, exactly as the grader seeds it before calling
student code, so a student who deleted ``np.random.seed(...)`` draws the same numbers as the
"seed not set" mutant. The generator state of the grader's process is restored afterwards.

A case on which the student's function raised is an observation too: its second item is then
the exception as the sandbox reported it (:class:`grader.sandbox.outcomes.ExceptionInfo`: type,
message, the student's line). A mistake explains such a case only when it raises there as well,
with the same exception type. The catalogue's mistakes that always raise (``RAISING``) are named
from exceptions only, never from outputs alone: each must raise its declared type on every case
the student's code raised on, the student's failing line must match the mistake's line pattern,
and the numbers in the two messages (the missing key's layer, the shapes numpy refused) must
agree.

This runs in the grader's process on reference-side code only (never student code), but it must
never break grading: every failure is swallowed and reported as "no diagnosis".
"""

from __future__ import annotations

import copy
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.grading.comparison import ATOL, RTOL, compare
from grader.sandbox.outcomes import ExceptionInfo
from grader.sandbox.protocol import CALL_SEED

Observation = tuple[tuple[Any, ...], object]


@dataclass(frozen=True)
class Diagnosis:
    """The one known mistake that explains a student's wrong outputs.

    name -- the mistake's slug (stable, for statistics); function -- the graded function;
    title -- one line naming the mistake; hint -- what to tell the student.
    """

    name: str
    function: str
    title: str
    hint: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "function": self.function,
            "title": self.title,
            "hint": self.hint,
        }


@contextmanager
def _quiet_and_restored() -> Iterator[None]:
    """Silence numpy warnings (a log of 0 is part of some mistakes) and, on exit, put numpy's
    legacy global generator back where the caller left it."""
    state = np.random.get_state()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield
    finally:
        np.random.set_state(state)


def _run(impl: Callable[..., Any], args: Sequence[Any]) -> Any:
    np.random.seed(CALL_SEED)
    return impl(*copy.deepcopy(tuple(args)))


def replay(impl: Callable[..., Any], args: Sequence[Any]) -> Any:
    """Run ``impl`` on a deep copy of ``args`` the way the grader runs student code.

    Seeds numpy's legacy global generator with ``CALL_SEED`` first and restores the caller's
    generator state afterwards; numpy floating-point warnings are silenced. Exceptions from
    ``impl`` propagate. Public so that tests produce outputs exactly as the diagnosis does.
    """
    with _quiet_and_restored():
        return _run(impl, args)


def _mistakes(function: str) -> tuple[Any, ...]:
    """The catalogued mistakes of ``function`` (``reference.mutants.Mistake`` records), those
    seen in outputs first, then those that raise.

    Loaded on first use, so grading runs that never fail never load it. This is the one place
    grading imports reference code (an import contract in ``pyproject.toml`` allows exactly
    this edge): the catalogue's wrong versions are replayed on the student's cases here.
    """
    from reference import mutants

    found: tuple[Any, ...] = mutants.mistakes_for(function) + mutants.raising_mistakes_for(function)
    return found


def _numbers(message: str) -> list[str]:
    """The numbers in an exception message: the missing key's layer, the sizes numpy refused.
    The wording around them depends on the operator (dot, @, matmul) and is not compared."""
    return re.findall(r"\d+", message)


def _explains_exception(mistake: Any, args: Sequence[Any], seen: ExceptionInfo) -> bool:
    """Whether ``mistake`` raises on ``args`` the way the student's code did (caller silences
    warnings and restores the generator)."""
    try:
        _run(mistake.impl, args)
    except Exception as exc:
        if type(exc).__name__ != seen.type:
            return False
        declared = getattr(mistake, "raises", None)
        if declared is None:
            return True  # a shape-dependent mistake: it stops on this case like the student's
        if seen.line is None or type(exc) is not declared:
            return False
        line = "".join(seen.line.split())
        if re.search(str(mistake.line), line) is None:
            return False
        return _numbers(str(exc)) == _numbers(seen.message)
    return False


def _surely_differs(expected: Any, actual: Any) -> bool:
    """A cheap test for the obvious differences (container, length, keys, shape, values).

    Most (mistake, observation) pairs differ, and ``compare`` spends most of its time writing
    the explanation of a difference that we do not need. Only differences that ``compare``
    would certainly report count here; anything unsure is left to ``compare``, which has the
    final word.
    """
    if isinstance(expected, (tuple, list)):
        return (
            type(actual) is not type(expected)
            or len(actual) != len(expected)
            or any(_surely_differs(e, a) for e, a in zip(expected, actual))
        )
    if isinstance(expected, dict):
        return (
            type(actual) is not dict
            or actual.keys() != expected.keys()
            or any(_surely_differs(v, actual[k]) for k, v in expected.items())
        )
    if (
        isinstance(expected, np.ndarray)
        and isinstance(actual, np.ndarray)
        and expected.dtype.kind == "f"
        and actual.dtype.kind == "f"
    ):
        if actual.shape != expected.shape:
            return True
        close = np.isclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
        return not bool(close.all())
    return False


def _reproduces(impl: Callable[..., Any], observations: Sequence[Observation]) -> bool:
    """Whether ``impl`` gives the student's output on every observation (caller silences
    warnings and restores the generator)."""
    for args, student_output in observations:
        try:
            output = _run(impl, args)
        except Exception:
            return False  # the student's code returned here, this mistake would not have
        if _surely_differs(output, student_output) or compare(output, student_output):
            return False
    return True


def _explains(mistake: Any, observations: Sequence[Observation]) -> bool:
    """Whether ``mistake`` explains every observation: the student's output where the student's
    code returned, the student's exception where it raised. A mistake that raises is named
    only from exceptions: it needs at least one (caller silences warnings and restores the
    generator)."""
    returned = [(a, out) for a, out in observations if not isinstance(out, ExceptionInfo)]
    raised = [(a, out) for a, out in observations if isinstance(out, ExceptionInfo)]
    if getattr(mistake, "raises", None) is not None and not raised:
        return False
    if not _reproduces(mistake.impl, returned):
        return False
    return all(_explains_exception(mistake, a, seen) for a, seen in raised)


def diagnose(function: str, observations: Sequence[Observation]) -> Diagnosis | None:
    """The catalogued mistake of ``function`` that reproduces every observation, if exactly one.

    observations -- (args, student_output) pairs: the arguments as the case gave them (they are
    copied before use, never modified) and what the student's function returned for them, or
    the :class:`ExceptionInfo` of what it raised.
    Returns None when there are no observations, when no mistake matches, when several do, or
    when anything goes wrong. Never raises.
    """
    try:
        observed = list(observations)
        if not observed:
            return None  # every mistake would match vacuously
        with _quiet_and_restored():
            matches = [m for m in _mistakes(function) if _explains(m, observed)]
        if len(matches) != 1:
            return None
        found = matches[0]
        return Diagnosis(str(found.name), str(found.function), str(found.title), str(found.hint))
    except Exception:
        return None
