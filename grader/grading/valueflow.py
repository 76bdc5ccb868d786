"""Explaining a wrong function by following its values: the first place they leave the right ones.

A failing graded function is run again on a few of its failing cases with tracing on (the
worker's :mod:`grader.sandbox.worker.tracer`): what each line bound, each helper call's
arguments and result, and the line where an exception passed. :func:`explain_case` walks that
trace in order against the case's named correct values (``reference/named_values.py``, stored
in the case bundles) and states the first divergence at the student's own line:

- a helper receives the wrong value: named when it is another value of the computation ("the
  whole layer cache", "the cache of layer 3", "AL where dAL belongs"), else described by how
  it differs (a transpose, the opposite sign, a factor of m, a missing term, its shape);
- a variable named as in the assignment (``dZ``, ``db``, ``cost``) ends with a wrong value;
- an exception raised on the function's own line, explained from the shapes of the values on
  that line (a matrix product whose inner sizes differ, a shape given as two arguments).

A helper that gets the right arguments and still answers wrong (or raises) ends the walk with
nothing said: that is the helper's bug. An exception's type alone never explains anything.
:func:`agree` keeps a statement only when every traced case makes the same one (same rule, line
and roles of the values); no explanation is better than a wrong one. Statements name values and
give shapes, layer and line numbers, never the numbers of a case, so they are safe on hidden
cases.

The trace is read by :mod:`tracedata`, and an exception on the student's line is explained by
:mod:`raisedline`. Standard library and numpy only, and of the grader only those two and the
comparison (its tolerance and the list of graded functions), found beside this file:
``grader generate`` puts the three files unchanged next to ``comparison.py`` in the student
folder, so the notebook's checks explain the public cases the same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np


def _sibling(name: str) -> Any:
    """The module ``name`` beside this one: ``grader.grading.<name>`` in the grader, the
    top-level ``<name>`` in the student folder (where this file sits next to it)."""
    return importlib.import_module(f"{__package__}.{name}" if __package__ else name)


if TYPE_CHECKING:
    from grader.grading import raisedline, tracedata
else:
    tracedata = _sibling("tracedata")
    raisedline = _sibling("raisedline")

_comparison = _sibling("comparison")
RTOL: float = _comparison.RTOL
ATOL: float = _comparison.ATOL
GRADED_FUNCTIONS: tuple[str, ...] = _comparison.GRADED_FUNCTIONS

#: Parameter names of the helpers, as the assignment writes them.
HELPER_PARAMS: dict[str, tuple[str, ...]] = {
    "linear_forward": ("A", "W", "b"),
    "linear_activation_forward": ("A_prev", "W", "b", "activation"),
    "linear_backward": ("dZ", "cache"),
    "linear_activation_backward": ("dA", "cache", "activation"),
    "sigmoid": ("Z",),
    "relu": ("Z",),
    "sigmoid_backward": ("dA", "cache"),
    "relu_backward": ("dA", "cache"),
}
#: The helpers whose calls a trace records: every graded function and the provided ones.
WATCH = tuple(dict.fromkeys((*GRADED_FUNCTIONS, *HELPER_PARAMS)))
#: First elements a sketch keeps (``grader.sandbox.worker.tracer.SKETCH_HEAD``, checked by a test).
_SKETCH_HEAD = 8

#: What a variable of each role holds, said when its shape is wrong.
_SHAPE_HINTS = {
    "db": "one entry per unit, ",
    "b": "one entry per unit, ",
    "dW": "the shape of W, ",
    "W": "one row per unit of the layer and one column per unit of the layer before, ",
    "dA_prev": "the shape of A_prev, ",
    "dZ": "the shape of dA, ",
    "Z": "one row per unit and one column per example, ",
    "A": "one row per unit and one column per example, ",
    "dAL": "the shape of AL, ",
    "cost": "a single number, ",
}


Event = tracedata.Event
Finding = tracedata.Finding
Sketch = tracedata.Sketch
parse_trace = tracedata.parse_trace
show_shape = tracedata.show_shape
explain_raise = raisedline.explain_raise

# --- the correct computation -------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """One named value of the correct computation (see ``reference/named_values.py``)."""

    name: str
    role: str
    layer: int
    value: Any


@dataclass(frozen=True)
class RefCall:
    helper: str
    args: tuple[str, ...]
    result: str
    layer: int


class Computation:
    """A case's named correct values, and what can be asked of them."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.values = [
            Named(str(v["name"]), str(v["role"]), int(v["layer"]), v["v"]) for v in data["values"]
        ]
        self.by_name = {v.name: v for v in self.values}
        self.calls = [
            RefCall(str(c["helper"]), tuple(map(str, c["args"])), str(c["result"]), int(c["layer"]))
            for c in data["calls"]
        ]
        self.vars = {str(k): str(v) for k, v in dict(data["vars"]).items()}
        m = self.by_name.get("m, the number of examples")
        self.m = m.value if m is not None else None

    def calls_of(self, helper: str) -> list[RefCall]:
        return [c for c in self.calls if c.helper == helper]

    def identify(self, got: Any) -> list[Named]:
        """Every named value ``got`` equals (within the comparison's tolerance)."""
        return [v for v in self.values if same(got, v.value)]


# --- comparing ---------------------------------------------------------------------------------


def _sketch(array: np.ndarray[Any, Any]) -> tuple[float, ...]:
    flat = np.asarray(array, dtype=np.float64).ravel()
    with np.errstate(all="ignore"):
        stats = [flat.sum(), np.abs(flat).sum(), (flat * flat).sum(), flat.min(), flat.max()]
    return tuple(float(x) for x in [*stats, *flat[:_SKETCH_HEAD]])


def _close(a: Any, b: Any) -> bool:
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


def same(got: Any, expected: Any) -> bool:
    """Whether a traced value is the expected one (arrays within the comparison's tolerance;
    a tuple and a list with the same items are the same here)."""
    if isinstance(expected, np.ndarray):
        if expected.ndim == 0 and isinstance(got, np.generic | int | float):
            got = np.asarray(got)
        if type(got) is Sketch:
            return (
                got.shape == expected.shape
                and got.stats is not None
                and expected.size > 0
                and _close(np.array(got.stats), np.array(_sketch(expected)))
            )
        if type(got) is not np.ndarray or got.shape != expected.shape:
            return False
        if got.dtype.kind not in "biuf" or expected.dtype.kind not in "biuf":
            return False
        return _close(got.astype(np.float64), expected.astype(np.float64))
    if isinstance(expected, bool | np.bool_) or isinstance(got, bool | np.bool_):
        return type(got) in (bool, np.bool_) and bool(got) == bool(expected)
    if isinstance(expected, int | float | np.integer | np.floating):
        if isinstance(got, np.ndarray) and got.ndim == 0:
            got = got.item()
        return isinstance(got, int | float) and _close(float(got), float(expected))
    if isinstance(expected, tuple | list):
        return (
            isinstance(got, tuple | list)
            and len(got) == len(expected)
            and all(same(g, e) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(expected)
            and all(same(got[k], v) for k, v in expected.items())
        )
    if expected is None:
        return got is None
    return type(got) is type(expected) and bool(got == expected)


def as_expected(got: Any, expected: Any) -> Any:
    """``got`` read as a single number when one is expected and it holds exactly one (the
    squeeze may come later, on the return line)."""
    if isinstance(got, np.ndarray) and got.size == 1 and np.ndim(expected) == 0:
        return got.reshape(())
    return got


def _shape(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_):
        return ()
    if isinstance(value, np.ndarray):
        return tuple(value.shape)
    if type(value) is Sketch:
        return value.shape
    return None


def relation(got: Any, expected: Named, table: Computation) -> str:
    """How ``got`` differs from the expected value, when it is that simple (a phrase that
    follows "it"/"your x"), else ""."""
    e = expected.value
    if type(got) is not np.ndarray or not isinstance(e, np.ndarray | float | int | np.number):
        if isinstance(e, int | float | np.number) and isinstance(got, int | float):
            return _scalar_relation(float(got), expected, table)
        return ""
    e = np.asarray(e)
    if e.ndim == 2 and got.shape == e.shape[::-1] and e.shape[0] != e.shape[1] and same(got.T, e):
        return f"is the transpose of the correct {expected.name}"
    if got.shape != np.shape(e):
        return ""
    if same(-got, e) and np.any(np.abs(np.asarray(e)) > ATOL):
        return f"has the opposite sign of the correct {expected.name}"
    m = table.m
    if isinstance(m, int) and m > 1:
        if same(got, np.asarray(e) * m):
            return (
                f"is m times the correct {expected.name}: the division by m, the number of "
                "examples, is missing"
            )
        if same(got, np.asarray(e) / m):
            return f"is the correct {expected.name} divided by m once more than it should be"
    return _term_relation(got, expected, table)


def _scalar_relation(got: float, expected: Named, table: Computation) -> str:
    if same(-got, expected.value) and abs(float(expected.value)) > ATOL:
        return f"has the opposite sign of the correct {expected.name}"
    return _term_relation(np.asarray(got), expected, table)


def _term_relation(got: Any, expected: Named, table: Computation) -> str:
    """A term left out, or added where it does not belong (b in Z, the (1 - Y) part of the
    cost): ``got`` plus or minus another named value (broadcast) gives the expected one."""
    e = np.asarray(expected.value, dtype=np.float64)
    for term in table.values:
        t = term.value
        if term.name == expected.name or not isinstance(t, np.ndarray | float | np.floating):
            continue
        t = np.asarray(t, dtype=np.float64)
        if t.size == 0 or not np.any(np.abs(t) > ATOL):
            continue
        try:
            with np.errstate(all="ignore"):
                plus, minus = got + t, got - t
        except ValueError:
            continue
        if plus.shape == e.shape and _close(plus, e):
            return f"leaves out {term.name}"
        if minus.shape == e.shape and _close(minus, e):
            return f"has {term.name} added once too often"
        with np.errstate(all="ignore"):
            flipped = [(got + 2 * t, "subtracts"), (got - 2 * t, "adds")]
        for value, does in flipped:
            if value.shape == e.shape and _close(value, e):
                return f"{does} {term.name} where the opposite sign belongs"
    return ""


# --- explaining one traced case ----------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """What the report says: the statement and every line of the student's it concerns."""

    lines: tuple[int, ...]
    body: str

    @property
    def text(self) -> str:
        if len(self.lines) == 1:
            return f"line {self.lines[0]}: {self.body}"
        shown = ", ".join(f"line {n}" for n in self.lines[:-1])
        return f"{shown} and line {self.lines[-1]}: {self.body}"


def _constant(value: Any) -> bool:
    """An array whose entries are all equal (zeros, ones) says nothing about where it came
    from: it equals every other such array of its shape."""
    if isinstance(value, np.ndarray) and value.size > 1 and value.dtype.kind in "biuf":
        return bool(np.all(value == value.flat[0]))
    return False


def _number(value: Any) -> bool:
    """A single number equals other numbers of a case by coincidence (m and L are both 3): it
    is never identified as another value."""
    return isinstance(value, int | float | np.number) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    )


def _identity(got: Any, expected: Named, table: Computation) -> Named | None:
    """The one named value ``got`` is, when it is a single other value of the computation."""
    if same(got, expected.value) or _constant(got) or _number(got):
        return None
    found = table.identify(got)
    if not found:
        return None
    roles = {(v.role, v.layer) for v in found}
    return found[0] if len(roles) == 1 else None


#: Local names and the value each holds, with the line that bound it (as far as the trace went).
Bound = dict[str, tuple[Any, int]]


def _origin(got: Any, bound: Bound, line: int) -> str:
    """ " (your `x`, set on line 6)" when exactly one local name holds the value ``got`` and
    another line bound it: where the value came from."""
    if _constant(got):
        return ""
    holders = [(name, at) for name, (value, at) in bound.items() if same(got, value)]
    if len(holders) != 1 or holders[0][1] == line:
        return ""
    return f" (your `{holders[0][0]}`, set on line {holders[0][1]})"


def _argument(
    event: Event, ref: RefCall, position: int, table: Computation, bound: Bound | None = None
) -> Finding | None:
    finding = _argument_finding(event, ref, position, table)
    if finding is None or bound is None:
        return finding
    origin = _origin(event.args[position], bound, event.line)
    return replace(finding, body=finding.body + origin) if origin else finding


def _argument_finding(
    event: Event, ref: RefCall, position: int, table: Computation
) -> Finding | None:
    helper = event.name
    params = HELPER_PARAMS.get(helper, event.params)
    param = params[position] if position < len(params) else f"argument {position + 1}"
    expected = table.by_name[ref.args[position]]
    got = event.args[position]
    layer = f" for layer {ref.layer}" if ref.layer else ""
    line = event.line
    key: tuple[Any, ...]
    who = _identity(got, expected, table)
    if who is not None:
        key = ("argument", helper, param, who.role, expected.role)
        if who.role == expected.role == "cache" and who.layer and expected.layer:
            return Finding(
                key,
                line,
                f"this is {who.name}, used for layer "
                f"{expected.layer}: `{helper}` receives it as `{param}`",
            )
        return Finding(
            key,
            line,
            f"`{helper}`{layer} receives {who.name} as `{param}`; it expects {expected.name}",
        )
    how = relation(got, expected, table)
    if how:
        key = ("argument", helper, param, tuple(how.split(" ")[0:3]), expected.role)
        return Finding(key, line, f"the `{param}` you pass to `{helper}`{layer} {how}")
    if type(got) is str and type(expected.value) is str:
        key = ("argument-text", helper, param, expected.role)
        return Finding(
            key,
            line,
            f'`{helper}`{layer} receives "{got[:40]}" as `{param}`; it expects {expected.name}',
        )
    got_shape, want_shape = _shape(got), _shape(expected.value)
    if got_shape is not None and want_shape is not None and got_shape != want_shape:
        key = ("argument-shape", helper, param, expected.role)
        return Finding(
            key,
            line,
            f"the `{param}` you pass to `{helper}`{layer} has shape "
            f"{show_shape(got_shape)}; it should be {expected.name}, of shape "
            f"{show_shape(want_shape)}",
        )
    if got_shape is not None and got_shape == want_shape:
        key = ("argument-values", helper, param, expected.role)
        return Finding(
            key,
            line,
            f"the `{param}` you pass to `{helper}`{layer} has the "
            f"right shape but not the right values; it should be {expected.name}",
        )
    return None


def _short_name(value: Any, table: Computation) -> str | None:
    """The one name a part of a tuple goes by (the shortest of the names it equals, when they
    all name the same kind of value)."""
    if _constant(value):
        return None
    found = table.identify(value)
    if not found or len({(v.role, v.layer) for v in found}) != 1:
        return None
    return min((v.name for v in found), key=len)


def _parts(value: Any, table: Computation) -> str:
    """``(A, b, W)``: a short tuple by the names of its parts, when every part has one."""
    if type(value) is not tuple or not 2 <= len(value) <= 4:
        return ""
    names = [_short_name(item, table) for item in value]
    if any(name is None for name in names):
        return ""
    return "(" + ", ".join(str(name) for name in names) + ")"


def _variable(event: Event, expected: Named, table: Computation) -> Finding | None:
    got, var, line = event.value, event.name, event.line
    key: tuple[Any, ...]
    who = _identity(got, expected, table)
    if who is not None:
        key = ("variable", var, who.role, expected.role)
        return Finding(key, line, f"your `{var}` equals {who.name}, where {expected.name} belongs")
    how = relation(got, expected, table)
    if how:
        key = ("variable-relation", var, tuple(how.split(" ")[0:3]))
        return Finding(key, line, f"your `{var}` {how}")
    parts = _parts(got, table), _parts(expected.value, table)
    if parts[0] and parts[1]:
        key = ("variable-parts", var, parts[0], parts[1])
        return Finding(key, line, f"your `{var}` is {parts[0]}; it should be {parts[1]}")
    got_shape, want_shape = _shape(got), _shape(expected.value)
    if want_shape is not None and got_shape is not None and got_shape != want_shape:
        hint = _SHAPE_HINTS.get(expected.role, "")
        key = ("variable-shape", var, expected.role)
        return Finding(
            key,
            line,
            f"your `{var}` has shape {show_shape(got_shape)}; it should "
            f"have {hint}shape {show_shape(want_shape)}",
        )
    if want_shape is not None and got_shape == want_shape:
        key = ("variable-values", var)
        return Finding(
            key,
            line,
            f"your `{var}` {_WRONG_VALUES if want_shape else 'is not the right number'}; this "
            f"is the first value that differs from {expected.name}",
        )
    return None


_WRONG_VALUES = "has the right shape but not the right values"


def _final_assignments(events: Sequence[Event], table: Computation) -> dict[str, int]:
    """For each variable the assignment names (``dZ``, ``db``...), the index of the event that
    gave it its last value: that value is the one checked."""
    final = {}
    for index, event in enumerate(events):
        if event.kind == "assign" and event.name in table.vars:
            final[event.name] = index
    return final


def _first_line_of(events: Sequence[Event], index: int, expected: Any) -> int:
    """The line where a variable's wrong final value (event ``index``) was first computed:
    earlier assignments of the same name that already held it (before a squeeze, say)."""
    name = events[index].name
    final = as_expected(events[index].value, expected)
    line = events[index].line
    for event in reversed(events[:index]):
        if event.kind != "assign" or event.name != name:
            continue
        if not same(as_expected(event.value, expected), final):
            break
        line = event.line
    return line


def explain_case(function: str, named: Mapping[str, Any], raw_trace: Any) -> Finding | None:
    """The first place the traced values of ``function`` leave the correct computation of one
    case (its named values), or None when the trace shows none that can be stated surely."""
    events = parse_trace(raw_trace)
    if not events:
        return None
    try:
        table = Computation(named)
    except (KeyError, TypeError, ValueError):
        return None
    final = _final_assignments(events, table)
    seen: dict[str, int] = {}
    bound: Bound = {}
    for index, event in enumerate(events):
        if event.kind == "assign":
            bound[event.name] = (event.value, event.line)
        if event.kind == "call":
            stop, finding = _check_call(event, table, seen, bound)
            if stop:
                return finding
        elif event.kind == "assign" and final.get(event.name) == index:
            expected = table.by_name.get(table.vars[event.name])
            if expected is None:
                continue
            got = as_expected(event.value, expected.value)
            if not same(got, expected.value):
                line = _first_line_of(events, index, expected.value)
                return _variable(replace(event, value=got, line=line), expected, table)
        elif event.kind == "raise":
            return explain_raise(event)
    return None


def _check_call(
    event: Event, table: Computation, seen: dict[str, int], bound: Bound
) -> tuple[bool, Finding | None]:
    """A helper call against the reference's call of the same rank: ``(stop, finding)``.

    It stops the walk with a finding when an argument is wrong, and without one when the
    arguments are right and the helper still answers wrong (or raises): the helper's own bug.
    """
    refs = table.calls_of(event.name)
    if not refs:
        return False, None
    k = seen.get(event.name, 0)
    seen[event.name] = k + 1
    if k >= len(refs) or len(event.args) != len(refs[k].args):
        return True, None
    ref = refs[k]
    for position, name in enumerate(ref.args):
        if not same(event.args[position], table.by_name[name].value):
            return True, _argument(event, ref, position, table, bound)
    if event.raised is not None or not same(event.result, table.by_name[ref.result].value):
        return True, None
    return False, None


# --- across cases ------------------------------------------------------------------------------


def agree(findings: Sequence[Finding | None]) -> Explanation | None:
    """The statement every traced case makes (in the first case's words, at every line the
    cases name), else None."""
    if not findings or any(f is None for f in findings):
        return None
    first = findings[0]
    if first is None or not all(f is not None and f.key == first.key for f in findings):
        return None
    lines = sorted({f.line for f in findings if f is not None})
    return Explanation(tuple(lines), first.body)
