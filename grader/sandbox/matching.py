"""Matching a substituted helper's call against the calls the reference made (grader side).

When a function is re-run with correct helpers, each helper call the student's code makes is
sent to the grader, which answers it from the reference's recorded calls if the arguments
match one of them (:func:`find_recorded`), and refuses it otherwise. The recorded results
never enter the worker, so student code can only earn them by making the right calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _numbers_close(got: Any, recorded: Any) -> bool:
    a, b = np.asarray(got), np.asarray(recorded)
    if a.dtype.kind not in "iufc" or b.dtype.kind not in "iufc":
        return a.dtype.kind == b.dtype.kind and bool(np.array_equal(a, b))
    if a.shape == b.shape and bool((a == b).all()):  # the usual case, 20x cheaper
        return True
    return bool(np.allclose(a, b, rtol=1e-7, atol=1e-9, equal_nan=True))


def same_argument(got: Any, recorded: Any) -> bool:
    """Whether a helper argument matches the recorded one: same structure and types, arrays
    of the same shape and close (rtol 1e-7, atol 1e-9), strings equal.

    Python numbers and numpy scalars compare by value; bools only match bools; a tuple
    never matches a list. (Applied by the grader, on its side: see :class:`Consult`.)
    """
    if type(recorded) is np.ndarray:
        return (
            type(got) is np.ndarray
            and got.shape == recorded.shape
            and _numbers_close(got, recorded)
        )
    if isinstance(recorded, bool | np.bool_) or isinstance(got, bool | np.bool_):
        return type(got) is type(recorded) and bool(got == recorded)
    numeric = (int, float, complex, np.number)
    if isinstance(recorded, numeric):
        return isinstance(got, numeric) and _numbers_close(got, recorded)
    if type(recorded) in (tuple, list):
        return (
            type(got) is type(recorded)
            and len(got) == len(recorded)
            and all(same_argument(g, r) for g, r in zip(got, recorded, strict=True))
        )
    if type(recorded) is dict:
        return (
            type(got) is dict
            and set(got) == set(recorded)
            and all(same_argument(got[k], v) for k, v in recorded.items())
        )
    if recorded is None:
        return got is None
    return type(got) is type(recorded) and bool(got == recorded)


def find_recorded(
    recorded: Sequence[tuple[tuple[Any, ...], Any]], args: tuple[Any, ...]
) -> int | None:
    """Index of the recorded call whose arguments match ``args``, if any."""
    for index, (recorded_args, _result) in enumerate(recorded):
        if len(recorded_args) == len(args) and all(
            same_argument(g, r) for g, r in zip(args, recorded_args, strict=True)
        ):
            return index
    return None


def describe_arguments(args: Sequence[Any]) -> str:
    """Short, value-free description of call arguments (shapes, keys), for messages."""

    def one(value: Any) -> str:
        if type(value) is np.ndarray:
            return f"array{value.shape}"
        if type(value) in (tuple, list):
            inner = ", ".join(one(v) for v in value[:4]) + (", ..." if len(value) > 4 else "")
            return f"({inner})" if type(value) is tuple else f"[{inner}]"
        if type(value) is dict:
            return "{" + ", ".join(repr(k)[:30] for k in list(value)[:6]) + "}"
        if type(value) in (int, float, str, bool) or value is None:
            return repr(value)[:40]
        return type(value).__name__

    return ", ".join(one(a) for a in args)
