"""Catalogue of known student mistakes ("mutants") for the ten graded functions.

Reference-side code, never shipped to students. Each :class:`Mistake` pairs a wrong version of
a graded function with a short explanation for the student. ``grader build-cases`` runs every
catalogued wrong version on every case and stores its outputs in the bundles; when a student's
function fails, the grader (``grader.grading.diagnose``) compares the student's outputs with
them, and if exactly one mistake reproduces the student's output on every case, its hint is
shown. So every mistake here must produce output (not just raise) on some cases, and its
output must tell it apart from the reference and from every other mistake of its function.

Mistakes that make the function raise (a key that does not exist, a call numpy refuses) cannot
be matched by outputs. They are kept apart, in ``RAISING``: each carries the exception type
it raises and a pattern of the line that raises, so that the diagnosis can name it from the
exception a student's code raised, its line and the case it raised on.

Mistakes are grouped by module: ``initialization``, ``forward``, ``cost``, ``backward``,
``update``. ``samples`` holds small argument sets on which all of them can be told apart.
"""

from __future__ import annotations

from reference.mutants import backward, cost, forward, initialization, update
from reference.mutants._catalogue import Mistake

#: Every catalogued mistake, grouped by graded function in the order the assignment teaches them.
MISTAKES: tuple[Mistake, ...] = (
    initialization.MISTAKES + forward.MISTAKES + cost.MISTAKES + backward.MISTAKES + update.MISTAKES
)

#: The mistakes that make the function raise, in the same order; never part of ``MISTAKES``.
RAISING: tuple[Mistake, ...] = (
    initialization.RAISING + forward.RAISING + cost.RAISING + backward.RAISING + update.RAISING
)

_BY_FUNCTION: dict[str, tuple[Mistake, ...]] = {}
for _mistake in MISTAKES:
    _BY_FUNCTION[_mistake.function] = (*_BY_FUNCTION.get(_mistake.function, ()), _mistake)
_RAISING_BY_FUNCTION: dict[str, tuple[Mistake, ...]] = {}
for _mistake in RAISING:
    _RAISING_BY_FUNCTION[_mistake.function] = (
        *_RAISING_BY_FUNCTION.get(_mistake.function, ()),
        _mistake,
    )
del _mistake


def mistakes_for(function: str) -> tuple[Mistake, ...]:
    """The catalogued mistakes of one graded function (empty for an unknown name)."""
    return _BY_FUNCTION.get(function, ())


def raising_mistakes_for(function: str) -> tuple[Mistake, ...]:
    """The catalogued mistakes that make ``function`` raise (empty for an unknown name)."""
    return _RAISING_BY_FUNCTION.get(function, ())


__all__ = ["MISTAKES", "RAISING", "Mistake", "mistakes_for", "raising_mistakes_for"]
