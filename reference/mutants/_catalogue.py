"""The record type of the mistake catalogue and the small registry each group module fills.

Kept apart from ``reference/mutants/__init__.py`` so the group modules can import it without
importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Mistake:
    """One known wrong way to write a graded function.

    name -- a unique slug ("db-missing-keepdims"), stable: reports and statistics key on it.
    function -- the graded function it is a wrong version of.
    title -- one line naming the mistake, for a report heading.
    hint -- 2 or 3 sentences for the student: what is wrong, why it matters, where to look.
        It must never contain the correct line of code.
    impl -- the wrong version itself, with the graded function's signature. ``grader
        build-cases`` runs it on every case and stores what it gives for the diagnosis.
    raises -- None for a mistake seen in its outputs. For a mistake that makes the function
        stop with an exception (so output replay cannot see it): the exception's type, which
        ``impl`` raises on the cases where the student's code would.
    line -- with ``raises``: a regular expression that the student's failing line matches
        (searched in the line with its spaces removed), so that the exception alone never
        names the mistake.
    """

    name: str
    function: str
    title: str
    hint: str
    impl: Callable[..., Any]
    raises: type[BaseException] | None = None
    line: str | None = None


class Registry:
    """Collects the mistakes of one group module, in the order they are written.

    Used as a decorator factory so each hint sits right next to the code it explains. Mistakes
    that raise are kept apart (:meth:`raising`): the output replay of the diagnosis never sees
    them, and every rule about outputs (runs on the published case, differs from the reference)
    does not apply to them.
    """

    def __init__(self) -> None:
        self._mistakes: list[Mistake] = []

    def add(
        self,
        function: str,
        name: str,
        title: str,
        hint: str,
        raises: type[BaseException] | None = None,
        line: str | None = None,
    ) -> Callable[[F], F]:
        """Register the decorated function as the wrong version ``name`` of ``function``.

        The hint may be written over several source lines; its whitespace is normalised.
        ``raises`` and ``line`` go together: a raising mistake needs both.
        """
        if (raises is None) != (line is None):
            raise ValueError(f"{name}: give both raises and line, or neither")

        def register(impl: F) -> F:
            text = " ".join(hint.split())
            self._mistakes.append(Mistake(name, function, title, text, impl, raises, line))
            return impl

        return register

    def mistakes(self) -> tuple[Mistake, ...]:
        """The mistakes seen in their outputs."""
        return tuple(m for m in self._mistakes if m.raises is None)

    def raising(self) -> tuple[Mistake, ...]:
        """The mistakes that make the function raise."""
        return tuple(m for m in self._mistakes if m.raises is not None)
