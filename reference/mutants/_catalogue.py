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
    impl -- the wrong version itself, with the graded function's signature. The diagnosis runs
        it on the same arguments the student's function got and compares outputs.
    """

    name: str
    function: str
    title: str
    hint: str
    impl: Callable[..., Any]


class Registry:
    """Collects the mistakes of one group module, in the order they are written.

    Used as a decorator factory so each hint sits right next to the code it explains.
    """

    def __init__(self) -> None:
        self._mistakes: list[Mistake] = []

    def add(self, function: str, name: str, title: str, hint: str) -> Callable[[F], F]:
        """Register the decorated function as the wrong version ``name`` of ``function``.

        The hint may be written over several source lines; its whitespace is normalised.
        """

        def register(impl: F) -> F:
            text = " ".join(hint.split())
            self._mistakes.append(Mistake(name, function, title, text, impl))
            return impl

        return register

    def mistakes(self) -> tuple[Mistake, ...]:
        return tuple(self._mistakes)
