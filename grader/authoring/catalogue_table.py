"""The mistake catalogue as data: its entries and what each mistake gives on each case.

``grader build-cases`` stores this table in the bundles (:class:`grader.bundle.MistakeData`),
and the notebook's fingerprints of the mistakes (:mod:`grader.authoring.public_checks`) are
computed from the stored table, so that grading and the notebook's checks see the same
outcomes, and grading needs none of the catalogue's code (the solution with one slip each).

Checkout-only, like everything that runs the reference: each mistake runs on a deep copy of
the case's arguments, after numpy's legacy global generator was seeded with ``CALL_SEED``
(as the grader seeds it before calling student code, so a student who deleted
``np.random.seed(...)`` draws the same numbers as the "seed not set" mutant), with numpy's
warnings silenced (a log of 0 is part of some mistakes). A mistake that raises on a case is
stored as :class:`grader.bundle.Raised`: the exception type's name and the numbers of its
message.
"""

from __future__ import annotations

import copy
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from grader.bundle import CatalogueEntry, MistakeData, MistakeTable, Outcome, Raised, lookup_key
from grader.errors import SetupError
from grader.sandbox.protocol import CALL_SEED


def reference_module(name: str) -> Any:
    """Import ``name`` (``reference...`` or ``testcases...``), which only a source checkout
    has; a clear :class:`SetupError` (exit status 3) from an install."""
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in ("reference", "testcases"):
            raise
        raise SetupError(
            f"the reference code ({name}) is not importable: this command runs only from the "
            "project's source checkout (git clone, then `pip install -e .`)"
        ) from None


@contextmanager
def _quiet_and_restored() -> Iterator[None]:
    """Silence numpy warnings and, on exit, put numpy's legacy global generator back where
    the caller left it."""
    state = np.random.get_state()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield
    finally:
        np.random.set_state(state)


def replay(impl: Callable[..., Any], args: Sequence[Any]) -> Any:
    """Run ``impl`` on a deep copy of ``args`` the way the grader runs student code.

    Seeds numpy's legacy global generator with ``CALL_SEED`` first and restores the caller's
    generator state afterwards; numpy floating-point warnings are silenced. Exceptions from
    ``impl`` propagate. Not thread-safe (global generator, warning filters): build time only.
    """
    with _quiet_and_restored():
        np.random.seed(CALL_SEED)
        return impl(*copy.deepcopy(tuple(args)))


def numbers(message: str) -> tuple[str, ...]:
    """The numbers in an exception message, in order (the wording around them depends on the
    operator, dot, @ or matmul, and is not compared)."""
    return tuple(re.findall(r"\d+", message))


def outcome(impl: Callable[..., Any], args: Sequence[Any]) -> Outcome:
    """What ``impl`` gives on ``args`` (:func:`replay`): its output, or :class:`Raised`."""
    try:
        return replay(impl, args)
    except Exception as exc:
        return Raised(type(exc).__name__, numbers(str(exc)))


def _mistakes(function: str) -> tuple[Any, ...]:
    """The catalogue's records of ``function``: those seen in outputs, then those that raise."""
    mutants = reference_module("reference.mutants")
    found: tuple[Any, ...] = mutants.mistakes_for(function) + mutants.raising_mistakes_for(function)
    return found


def catalogue() -> tuple[CatalogueEntry, ...]:
    """Every catalogued mistake, function by function in the order the assignment teaches
    them, those seen in outputs before those that raise."""
    functions = reference_module("reference").GRADED_FUNCTIONS
    return tuple(
        CatalogueEntry(
            name=str(m.name),
            function=str(m.function),
            title=str(m.title),
            hint=str(m.hint),
            raises=None if m.raises is None else m.raises.__name__,
            line=None if m.line is None else str(m.line),
        )
        for function in functions
        for m in _mistakes(function)
    )


def outcomes_on(function: str, args: Sequence[Any]) -> dict[str, Outcome]:
    """Every catalogued mistake of ``function``'s outcome on ``args``, by mistake name."""
    return {str(m.name): outcome(m.impl, args) for m in _mistakes(function)}


def mistake_data(cases: Sequence[Any]) -> MistakeData:
    """The table stored in a bundle: the catalogue and the outcomes on each of ``cases``
    (anything with ``function`` and ``args``, in the bundle's order)."""
    return MistakeData(catalogue(), tuple(outcomes_on(c.function, c.args) for c in cases))


def table_for(function: str, args_list: Sequence[Sequence[Any]]) -> MistakeTable:
    """A lookup table over arbitrary arguments of ``function`` (the same outcomes a bundle
    stores), for tests and tools that diagnose outside the bundles' cases."""
    return MistakeTable(
        catalogue(),
        {lookup_key(function, a): outcomes_on(function, a) for a in args_list},
    )
