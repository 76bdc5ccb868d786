"""A traced call as data: what the worker's tracer sends, read strictly, and the statements
made about it.

:mod:`grader.sandbox.worker.tracer` records a failing call as plain data; nothing in it is
trusted. :func:`parse_trace` reads it back into :class:`Event` s (an assignment, a helper call,
an exception passing the function's own line) and refuses anything malformed or cut short, and
:func:`decode` turns each traced value back into a Python value (:class:`Sketch` for a large
array that travelled as a few statistics, :class:`Unknown` for what did not travel at all).
A :class:`Finding` is one statement about one traced case (see :mod:`valueflow`).

Standard library and numpy only: ``grader generate`` puts this file unchanged beside the
notebook's checks, with ``valueflow.py`` and ``raisedline.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Most events and most characters of a line an explanation reads from a trace.
MAX_EVENTS = 400
MAX_LINE = 300


@dataclass(frozen=True)
class Sketch:
    """A large array as the tracer sent it: shape, dtype and a few statistics."""

    shape: tuple[int, ...]
    dtype: str
    stats: tuple[float, ...] | None


class Unknown:
    """A value the tracer did not send (a custom object, a container cut short)."""

    def __init__(self, what: str) -> None:
        self.what = what


class Malformed(ValueError):
    """A trace that does not follow the tracer's format (never trusted, never guessed at)."""


def _decode_array(node: Mapping[str, Any]) -> Any:
    if "a" in node:
        array = node["a"]
        if len(node) != 1 or type(array) is not np.ndarray or array.dtype.kind not in "biuf":
            raise Malformed("bad array")
        return array
    shape, stats = node["sk"], node.get("st")
    if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise Malformed("bad shape")
    if stats is not None and (type(stats) is not np.ndarray or stats.dtype.kind != "f"):
        raise Malformed("bad sketch")
    kept = tuple(float(x) for x in stats) if stats is not None else None
    return Sketch(tuple(shape), str(node.get("dt", ""))[:40], kept)


def _decode_leaf(node: Mapping[str, Any]) -> Any:
    if "n" in node:
        if type(node["n"]) not in (int, float, bool):
            raise Malformed("bad number")
        return node["n"]
    if "s" in node:
        if type(node["s"]) is not str:
            raise Malformed("bad text")
        return node["s"][:MAX_LINE]
    if "none" in node:
        return None
    return Unknown(str(node["o"])[:80])


def _decode_container(node: Mapping[str, Any], depth: int) -> Any:
    if "more" in node:
        return Unknown("a long container")
    tag = next(iter(node))
    items = node[tag]
    if type(items) is not list or tag not in ("t", "l", "d"):
        raise Malformed("bad container")
    if tag != "d":
        values = [decode(v, depth + 1) for v in items]
        return tuple(values) if tag == "t" else values
    out: dict[Any, Any] = {}
    for pair in items:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
            raise Malformed("bad dict item")
        out[pair[0]] = decode(pair[1], depth + 1)
    return out


def decode(node: Any, depth: int = 0) -> Any:
    """A traced value back as a Python value (:class:`Sketch` / :class:`Unknown` for parts
    that did not travel whole). Raises :class:`Malformed` for anything else."""
    if depth > 8 or type(node) is not dict or not node or len(node) > 3:
        raise Malformed("bad value")
    if "a" in node or "sk" in node:
        return _decode_array(node)
    if len(node) == 1 and next(iter(node)) in ("n", "s", "none", "o"):
        return _decode_leaf(node)
    return _decode_container(node, depth)


@dataclass(frozen=True)
class Event:
    """One step of a traced call: ``kind`` is "assign", "call" or "raise"."""

    kind: str
    line: int
    name: str = ""
    value: Any = None
    args: tuple[Any, ...] = ()
    params: tuple[str, ...] = ()
    result: Any = None
    raised: str | None = None
    text: str = ""
    names: Mapping[str, Any] | None = None
    #: The key a KeyError was raised for (a short string or an int), when it was one.
    key: str | int | None = None


def _line(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise Malformed("bad line")
    return value


def _assign(item: Mapping[str, Any]) -> Event | None:
    if item.get("line") is None:
        return None  # bound before the first line ran: the arguments
    name = item["name"]
    if type(name) is not str:
        raise Malformed("bad name")
    return Event("assign", _line(item["line"]), name[:80], decode(item["v"]))


def _call(item: Mapping[str, Any]) -> Event:
    params, args, callee = item["params"], item["args"], item["callee"]
    if type(params) is not list or type(args) is not list or type(callee) is not str:
        raise Malformed("bad call")
    if not all(type(p) is str for p in params):
        raise Malformed("bad parameter")
    raised, result = item.get("raised"), item.get("result")
    return Event(
        "call",
        _line(item.get("line")),
        callee[:80],
        args=tuple(decode(a) for a in args),
        params=tuple(p[:80] for p in params),
        result=decode(result) if result is not None else None,
        raised=str(raised)[:80] if raised is not None else None,
    )


def _raise(item: Mapping[str, Any]) -> Event:
    text, names = item["text"], item["names"]
    if type(text) is not str or type(names) is not list:
        raise Malformed("bad raise")
    table: dict[str, Any] = {}
    for pair in names:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
            raise Malformed("bad name")
        table[pair[0]] = decode(pair[1])
    kind = str(item.get("type"))[:80]
    key = item.get("key")
    if key is not None and not (type(key) is str and len(key) <= 40 or type(key) is int):
        raise Malformed("bad key")
    line = _line(item.get("line"))
    return Event("raise", line, kind, text=text[:MAX_LINE], names=table, key=key)


_PARSERS = {"assign": _assign, "call": _call, "raise": _raise}


def parse_trace(raw: Any) -> list[Event] | None:
    """The events of a trace, checked strictly; None for anything malformed or cut short."""
    if type(raw) is not dict or raw.get("truncated") is not False:
        return None
    items = raw.get("events")
    if type(items) is not list or len(items) > MAX_EVENTS:
        return None
    events: list[Event] = []
    try:
        for item in items:
            if type(item) is not dict:
                return None
            if item.get("k") == "start":
                continue
            event = _PARSERS[item["k"]](item)
            if event is not None:
                events.append(event)
    except (Malformed, KeyError, TypeError, ValueError, RecursionError):
        return None
    return events


def show_shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


@dataclass(frozen=True)
class Finding:
    """One statement about one traced case, at the student's ``line`` (``body`` is what is said
    there). ``key`` is what must agree across cases: the rule, the names and the roles of the
    values, not the line (the same slip in an if and an else branch is one slip)."""

    key: tuple[Any, ...]
    line: int
    body: str

    @property
    def text(self) -> str:
        return f"line {self.line}: {self.body}"
