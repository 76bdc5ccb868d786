"""Python literals that rebuild values exactly, in lines of at most :data:`WIDTH` characters.

Arrays and numpy scalars are written as calls of ``_array(dtype, shape, flat)`` and
``_scalar(dtype, value)``, which the module holding the literals defines; every float is
written by its ``repr`` (which reads back to the same bits), NaN and infinities by name.
"""

from __future__ import annotations

import math
from typing import Any

from grader.errors import SetupError

#: Longest line written.
WIDTH = 100
_INDENT = 4


def literal(value: Any) -> str:
    """Python source that rebuilds ``value`` exactly (types, dtypes, shapes, every float bit).

    Arrays and numpy scalars use the ``_array``/``_scalar`` helpers of the check runtime.
    """
    import numpy as np

    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, np.ndarray):
        items = ", ".join(_element(x) for x in value.ravel().tolist())
        return f"_array({value.dtype.str!r}, {value.shape!r}, [{items}])"
    if isinstance(value, np.generic):
        return f"_scalar({value.dtype.str!r}, {_element(value.item())})"
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return "{" + ", ".join(f"{k!r}: {literal(v)}" for k, v in value.items()) + "}"
    raise SetupError(f"cannot write a {type(value).__name__} into public_cases.py")


def _element(x: Any) -> str:
    if isinstance(x, (bool, int)):
        return repr(x)
    if isinstance(x, float):
        return _float(x)
    raise SetupError(f"cannot write an array element of type {type(x).__name__}")


def _float(x: float) -> str:
    if math.isnan(x):
        return 'float("nan")'
    if math.isinf(x):
        return 'float("inf")' if x > 0 else '-float("inf")'
    return repr(x)


def literal_lines(value: Any, indent: int = 0, prefix: str = "", suffix: str = ",") -> list[str]:
    """``prefix + literal(value) + suffix``, indented by ``indent`` spaces, on one line when it
    fits in :data:`WIDTH` characters, else wrapped: one item of a container per line, the
    numbers of an array packed, a long string split into adjacent literals in parentheses."""
    import numpy as np

    pad = " " * indent
    flat = f"{pad}{prefix}{literal(value)}{suffix}"
    if len(flat) <= WIDTH:
        return [flat]
    inner = indent + _INDENT
    if isinstance(value, dict):
        lines = [f"{pad}{prefix}{{"]
        for key, item in value.items():
            lines += literal_lines(item, inner, f"{key!r}: ")
        return [*lines, f"{pad}}}{suffix}"]
    if isinstance(value, (tuple, list)):
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        lines = [f"{pad}{prefix}{opening}"]
        for item in value:
            lines += literal_lines(item, inner)
        return [*lines, f"{pad}{closing}{suffix}"]
    if isinstance(value, np.ndarray):
        head = f"{pad}{prefix}_array({value.dtype.str!r}, {value.shape!r}, ["
        numbers = [_element(x) + "," for x in value.ravel().tolist()]
        return [head, *_packed(numbers, inner), f"{pad}]){suffix}"]
    if isinstance(value, str):
        pieces = [f"{' ' * inner}{piece!r}" for piece in _pieces(value, WIDTH - inner - 3)]
        return [f"{pad}{prefix}(", *pieces, f"{pad}){suffix}"]
    raise SetupError(f"cannot write {flat.strip()[:60]}... in lines of {WIDTH} characters")


def _packed(words: list[str], indent: int) -> list[str]:
    """``words`` separated by spaces, as many on a line as fit."""
    lines: list[str] = []
    line = ""
    for word in words:
        if line and indent + len(line) + 1 + len(word) > WIDTH:
            lines.append(" " * indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, " " * indent + line] if line else lines


def _pieces(text: str, width: int) -> list[str]:
    """``text`` cut after spaces into pieces whose ``repr`` is at most ``width`` characters."""
    import re

    pieces: list[str] = []
    piece = ""
    for word in re.split("(?<= )", text):
        if piece and len(repr(piece + word)) > width:
            pieces.append(piece)
            piece = ""
        piece += word
        while len(repr(piece)) > width:  # one word longer than a line: cut it
            cut = width // 2
            pieces.append(piece[:cut])
            piece = piece[cut:]
    return [*pieces, piece] if piece else pieces
