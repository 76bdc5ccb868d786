"""Explaining an exception raised on the student's own line, from the shapes of the values on it.

The tracer sends, with the line an exception passed in the traced function, that line's text
and the type and shape of every name on it. :func:`explain_raise` parses the line (never runs
it) and states what certainly fails for those values: a matrix product whose inner sizes
differ, two arrays combined element by element whose shapes do not fit, ``np.zeros(n, 1)``
(a size where the dtype goes), ``np.random.randn((n, m))``, ``"W" + l`` with ``l`` a number, a
key the dict does not have, a list read past its end. Each rule checks the exception's type
too, but the type alone never says anything.

Standard library and numpy only: ``grader generate`` puts this file unchanged beside the
notebook's checks.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np


def _sibling(name: str) -> Any:
    """The module ``name`` beside this one: ``grader.grading.<name>`` in the grader, the
    top-level ``<name>`` in the student folder (where this file sits next to it)."""
    return importlib.import_module(f"{__package__}.{name}" if __package__ else name)


if TYPE_CHECKING:
    from grader.grading import tracedata
else:
    tracedata = _sibling("tracedata")

Event = tracedata.Event
Finding = tracedata.Finding
Sketch = tracedata.Sketch
show_shape = tracedata.show_shape


_ELEMENTWISE = {"log", "exp", "abs", "sqrt", "square", "tanh", "negative"}
_MAKERS = {"zeros", "ones", "empty"}


def _np_call(node: ast.AST) -> str | None:
    """``name`` for a call written ``np.name(...)`` or ``numpy.name(...)``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Name) and owner.id in ("np", "numpy"):
            return node.func.attr
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr == "random"
            and isinstance(owner.value, ast.Name)
            and owner.value.id in ("np", "numpy")
        ):
            return "random." + node.func.attr
    return None


class _Shapes:
    """Shapes of the expressions on one line, from the shapes of the names on it."""

    def __init__(self, names: Mapping[str, Any]) -> None:
        self.names = names

    def of(self, node: ast.AST) -> tuple[int, ...] | None:
        if isinstance(node, ast.Name):
            value = self.names.get(node.id)
            if type(value) is Sketch:
                return value.shape
            if type(value) in (int, float):
                return ()
            return None
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return ()
        if isinstance(node, ast.Attribute) and node.attr == "T":
            inner = self.of(node.value)
            return inner[::-1] if inner is not None else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self.of(node.operand)
        if isinstance(node, ast.Call):
            return self.of_call(node)
        if isinstance(node, ast.BinOp):
            left, right = self.of(node.left), self.of(node.right)
            if isinstance(node.op, ast.MatMult):
                return _product(left, right)
            return _broadcast(left, right)
        return None

    def of_call(self, node: ast.Call) -> tuple[int, ...] | None:
        name = _np_call(node)
        if name in _ELEMENTWISE and len(node.args) == 1:
            return self.of(node.args[0])
        if name in ("dot", "matmul") and len(node.args) == 2:
            return _product(self.of(node.args[0]), self.of(node.args[1]))
        return None


def _broadcast(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if a is None or b is None:
        return None
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


def _product(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if a is None or b is None or len(a) != 2 or len(b) != 2 or a[1] != b[0]:
        return None
    return (a[0], b[1])


def _not_a_dtype(node: ast.AST) -> bool:
    """A size where a dtype belongs: a number, or a name that is no type."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    return isinstance(node, ast.Name) and node.id not in ("float", "int", "bool", "complex")


def _segment(text: str, node: ast.AST) -> str:
    return ast.get_source_segment(text, node) or ast.unparse(node)


def _dot_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """A matrix product whose inner sizes differ (numpy raises ValueError)."""
    if event.name != "ValueError":
        return None
    if _np_call(node) in ("dot", "matmul") and isinstance(node, ast.Call) and len(node.args) == 2:
        a, b = shapes.of(node.args[0]), shapes.of(node.args[1])
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        a, b = shapes.of(node.left), shapes.of(node.right)
    else:
        return None
    if a is None or b is None or len(a) != 2 or len(b) != 2 or a[1] == b[0]:
        return None
    what = _segment(event.text, node)
    if a == b:
        says = f"multiplies two {show_shape(a)} arrays; one of them needs transposing"
    else:
        says = (
            f"multiplies a {show_shape(a)} array by a {show_shape(b)} array: the columns of "
            "the first must match the rows of the second"
        )
        if a[0] == b[0] or a[1] == b[1]:
            says += "; one of them needs transposing"
    return Finding(("dot", a == b), event.line, f"`{what}` {says}")


def _maker_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """``np.zeros(n, 1)``: a size where numpy takes the dtype (numpy raises TypeError)."""
    if (
        _np_call(node) in _MAKERS
        and isinstance(node, ast.Call)
        and len(node.args) >= 2
        and event.name == "TypeError"
        and _not_a_dtype(node.args[1])
    ):
        what = _segment(event.text, node)
        return Finding(
            ("maker",),
            event.line,
            f"`{what}`: the shape goes in as one tuple; the second argument is the dtype",
        )
    return None


def _randn_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """``np.random.randn((n, m))``: randn takes the sizes one by one (numpy raises TypeError)."""
    name = _np_call(node)
    if (
        name in ("random.randn", "random.rand")
        and isinstance(node, ast.Call)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Tuple)
        and event.name == "TypeError"
    ):
        what = _segment(event.text, node)
        return Finding(
            ("randn",),
            event.line,
            f"`{what}`: `np.{name}` takes each size as its own argument, not one tuple",
        )
    return None


def _operands(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """The two operands of an element-by-element operation (``a * b``, ``np.multiply(a, b)``)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        return node.left, node.right
    if (
        _np_call(node) in ("multiply", "add", "subtract", "divide")
        and isinstance(node, ast.Call)
        and len(node.args) == 2
    ):
        return node.args[0], node.args[1]
    return None


def _broadcast_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """Two arrays combined element by element whose shapes cannot broadcast (ValueError)."""
    pair = _operands(node)
    if pair is None or event.name != "ValueError":
        return None
    a, b = shapes.of(pair[0]), shapes.of(pair[1])
    if a is None or b is None or _broadcast(a, b) is not None:
        return None
    what = _segment(event.text, node)
    return Finding(
        ("broadcast",),
        event.line,
        f"`{what}` combines a {show_shape(a)} array with a {show_shape(b)} array element by "
        "element; those shapes do not fit together",
    )


def _text_plus_number_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """``"W" + l`` with ``l`` a number (TypeError): the number must become text first."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
        return None
    if event.name != "TypeError":
        return None
    text_side = isinstance(node.left, ast.Constant) and type(node.left.value) is str
    other = node.right if text_side else node.left
    if not text_side and not (
        isinstance(node.right, ast.Constant) and type(node.right.value) is str
    ):
        return None
    if not isinstance(other, ast.Name) or type(shapes.names.get(other.id)) is not int:
        return None
    what = _segment(event.text, node)
    return Finding(
        ("text-plus-number",),
        event.line,
        f"`{what}` adds the number `{other.id}` to a piece of text; Python does not turn a "
        "number into text by itself, so the key is never built",
    )


def _keys_of(value: Any) -> list[str] | None:
    if not isinstance(value, dict):
        return None
    return [str(k) for k in value]


def _key_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """A dict asked for a key it does not have (KeyError): name the key and the keys it has."""
    if event.name != "KeyError" or event.key is None or not isinstance(node, ast.Subscript):
        return None
    if not isinstance(node.value, ast.Name):
        return None
    keys = _keys_of(shapes.names.get(node.value.id))
    if keys is None or str(event.key) in keys:
        return None
    shown = ", ".join(repr(k) for k in keys[:8]) + (", ..." if len(keys) > 8 else "")
    has = f"its keys are {shown}" if keys else "it is empty"
    what = _segment(event.text, node)
    return Finding(
        ("key", node.value.id),
        event.line,
        f"`{what}` asks `{node.value.id}` for the key {event.key!r}, which it does not have "
        f"at this point: {has}",
    )


def _index_of(node: ast.AST, names: Mapping[str, Any]) -> int | None:
    """The value of a simple index expression (a name, a number, or either plus or minus a
    number), from the values of the names on the line."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        value = names.get(node.id)
        return value if type(value) is int else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        left, right = _index_of(node.left, names), _index_of(node.right, names)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left - right
    return None


def _index_rule(node: ast.AST, shapes: _Shapes, event: Event) -> Finding | None:
    """A list read past its end (IndexError): say which item, and how many there are."""
    if event.name != "IndexError" or not isinstance(node, ast.Subscript):
        return None
    if not isinstance(node.value, ast.Name):
        return None
    items = shapes.names.get(node.value.id)
    index = _index_of(node.slice, shapes.names)
    if not isinstance(items, list | tuple) or index is None or index < len(items):
        return None
    what = _segment(event.text, node)
    name = node.value.id
    return Finding(
        ("index", name),
        event.line,
        f"`{what}` reads item {index} of `{name}`, which has {len(items)} items, numbered "
        f"0 to {len(items) - 1}",
    )


_RAISE_RULES = (
    _dot_rule,
    _maker_rule,
    _randn_rule,
    _broadcast_rule,
    _text_plus_number_rule,
    _key_rule,
    _index_rule,
)


def explain_raise(event: Event) -> Finding | None:
    """An exception raised on the function's own line, explained from the shapes of the values
    on it; None unless one operation on the line certainly fails for those shapes."""
    text = event.text
    try:
        tree = ast.parse(text.rstrip(":").rstrip() if text.endswith(":") else text)
    except (SyntaxError, ValueError, RecursionError):
        return None
    shapes = _Shapes(event.names or {})
    for node in ast.walk(tree):
        for rule in _RAISE_RULES:
            finding = rule(node, shapes, event)
            if finding is not None:
                return finding
    return None
