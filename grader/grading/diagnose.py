"""Naming the mistake behind a wrong answer, when it is one we know.

After a graded function failed, the engine hands :func:`diagnose` every (arguments, student
output) pair it has for that function. ``grader build-cases`` stored, for every case of the
bundles, what each catalogued wrong version of the function gives on that case
(:class:`grader.bundle.MistakeTable`): the diagnosis looks the observations' cases up there and
compares. A mistake matches when its stored outputs are the student's on every observation,
judged by the project's own comparison (``grader.grading.comparison.compare``, the same
tolerance as grading). Only a single match is reported: with none we know nothing, and with
several the evidence cannot tell which one the student made, so a guess would risk sending
them to fix the wrong line. Observations on arguments of no stored case give no diagnosis.

Pass every observation there is, including the cases the student got right: agreeing with the
reference on a case is evidence too. For instance "sigmoid's gradient used for ReLU" and "the
two gradients swapped" give the same numbers on ReLU cases and differ only on the sigmoid ones
that the first mistake gets right.

A case on which the student's function raised is an observation too: its second item is then
the exception as the sandbox reported it (:class:`grader.sandbox.outcomes.ExceptionInfo`: type,
message, the student's line). A mistake explains such a case only when it raised there as
well, with the same exception type. The catalogue's mistakes that always raise are named from
exceptions only, never from outputs alone: each must have raised its declared type on every
case the student's code raised on, the student's failing line must match the mistake's line
pattern, and the numbers in the two messages (the missing key's layer, the shapes numpy
refused) must agree.

No code runs here, only comparisons of stored values: no random generator, no warning
filters (numpy's error state, silenced while comparing, is per thread), nothing global is
touched, so any number of threads may diagnose at once. The table
is read from the installed bundles on first use (a lock makes it one read). A diagnosis never
breaks grading: every failure is swallowed and reported as "no diagnosis".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.bundle import CatalogueEntry, MistakeTable, Outcome, Raised
from grader.grading.comparison import ATOL, RTOL, compare
from grader.sandbox.outcomes import ExceptionInfo

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


_lock = threading.Lock()
_installed: list[MistakeTable] = []


def installed_table() -> MistakeTable:
    """The mistake outcomes of the installed bundles (public and hidden), read once."""
    with _lock:
        if not _installed:
            from grader.bundle import read_mistakes
            from grader.paths import bundle_paths

            paths = bundle_paths()
            table = read_mistakes(paths["public"])
            if paths["hidden"].is_file():
                table = table.merged(read_mistakes(paths["hidden"]))
            _installed.append(table)
        return _installed[0]


def diagnose(
    function: str, observations: Sequence[Observation], table: MistakeTable | None = None
) -> Diagnosis | None:
    """The catalogued mistake of ``function`` that explains every observation, if exactly one.

    observations -- (args, student_output) pairs: the arguments of a case and what the
    student's function returned for them, or the :class:`ExceptionInfo` of what it raised.
    table -- where the mistakes' outcomes are looked up (default: the installed bundles').
    Returns None when there are no observations, when one is on arguments the table does not
    hold, when no mistake matches, when several do, or when anything goes wrong. Never raises.
    """
    try:
        observed = list(observations)
        if not observed:
            return None  # every mistake would match vacuously
        table = table if table is not None else installed_table()
        rows = []
        for args, seen in observed:
            outcomes = table.on_case(function, args)
            if outcomes is None:
                return None  # not a case we know: nothing to compare with
            rows.append((outcomes, seen))
        with np.errstate(all="ignore"):  # per thread (a context variable), unlike warnings
            matches = [m for m in table.mistakes_of(function) if _explains(m, rows)]
        if len(matches) != 1:
            return None
        found = matches[0]
        return Diagnosis(found.name, found.function, found.title, found.hint)
    except Exception:
        return None


def _explains(
    mistake: CatalogueEntry, rows: Sequence[tuple[Mapping[str, Outcome], object]]
) -> bool:
    """The rule: ``mistake`` explains every observation, the student's output where the
    student's code returned, the student's exception where it raised. A mistake that raises is
    named only from exceptions: it needs at least one."""
    if mistake.raises is not None and not any(isinstance(s, ExceptionInfo) for _, s in rows):
        return False
    for outcomes, seen in rows:
        if mistake.name not in outcomes:
            return False
        if isinstance(seen, ExceptionInfo):
            if not _raised_like(mistake, outcomes[mistake.name], seen):
                return False
        elif not _returned_like(outcomes[mistake.name], seen):
            return False
    return True


def _returned_like(stored: Outcome, student_output: object) -> bool:
    """The student's output is the mistake's, by the grader's comparison."""
    if isinstance(stored, Raised):
        return False  # the student's code returned here, this mistake would not have
    return not (_surely_differs(stored, student_output) or compare(stored, student_output))


def _raised_like(mistake: CatalogueEntry, stored: Outcome, seen: ExceptionInfo) -> bool:
    """The mistake raised on this case the way the student's code did."""
    if not isinstance(stored, Raised) or stored.type != seen.type:
        return False
    if mistake.raises is None:
        return True  # a shape-dependent mistake: it stops on this case like the student's
    if seen.line is None or stored.type != mistake.raises or mistake.line is None:
        return False
    if re.search(mistake.line, "".join(seen.line.split())) is None:
        return False
    return stored.numbers == tuple(re.findall(r"\d+", seen.message))


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
