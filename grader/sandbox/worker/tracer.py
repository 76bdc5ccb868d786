"""Following one call of a student's function: the values it computes, as plain bounded data.

When a graded function fails a case, it is run once more on that case under
:func:`trace_call`, which records, in the frame of that function only (its code comes from a
notebook cell), what a mentor would look at:

- every local name it binds or rebinds, and every new or replaced entry of a local dict, with
  the line that did it (``{"k": "assign", "line", "name", "v"}``);
- every call it makes to a watched helper (the graded functions and the provided activation
  helpers) or to any function defined in a notebook cell, with the callee's parameter names,
  the arguments, and the result or the type of what it raised (``{"k": "call", ...}``);
- when an exception passes through the function, the function's own line (where it raised, or
  where it called the helper that raised), that line's text, and the type and shape of every
  name on it (``{"k": "raise", ...}``).

Values are encoded by :func:`encode` (small arrays whole, larger ones as shape, dtype and a few
statistics; containers cut short), and the whole record is bounded (:data:`MAX_EVENTS`,
:data:`MAX_ELEMENTS`), so a trace costs little whatever the code does. Nothing here is trusted
by the grader: :mod:`grader.grading.valueflow` parses it strictly.

Standard library and numpy only: this module runs beside student code (in the sandbox's worker,
and in the notebook's own kernel, where ``grader generate`` copies it for the public checks).
"""

from __future__ import annotations

import itertools
import keyword
import linecache
import re
import sys
from collections.abc import Callable, Collection
from types import FrameType
from typing import Any

import numpy as np

#: Most events one trace records; past it the trace says ``truncated``.
MAX_EVENTS = 400
#: Arrays with at most this many elements travel whole; larger ones as a sketch.
MAX_WHOLE = 1024
#: Array elements one trace carries whole, in all; past it every array is a sketch.
MAX_ELEMENTS = 60_000
#: Values (containers, numbers, arrays...) one trace encodes, in all; past it, containers are
#: sent by type only.
MAX_NODES = 20_000
#: Items of a tuple, list or dict kept, and nesting depth followed.
MAX_ITEMS = 24
MAX_DEPTH = 5
#: Longest string (a value, a line of code) kept.
MAX_TEXT = 300
#: Values of the first elements a sketch keeps.
SKETCH_HEAD = 8

_CELL_PREFIX = "<cell "
#: Arrays up to this size are also watched for changes made in place (``W -= ...``).
MAX_WATCHED = 4096
_NAME = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
#: A line that binds plain names: ``x = ...``, ``a, b = ...`` (not ``==``, not ``x += ...``).
_BINDS = re.compile(r"^\s*\(?\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*,?\s*\)?\s*=(?!=)")


def sketch_of(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """What a sketch keeps of a numeric array: sum, sum of |x|, sum of squares, min, max,
    then the first elements in C order (the grader sketches expected values the same way)."""
    flat = np.asarray(array, dtype=np.float64).ravel()
    with np.errstate(all="ignore"):
        stats = [flat.sum(), np.abs(flat).sum(), (flat * flat).sum(), flat.min(), flat.max()]
    head = flat[:SKETCH_HEAD]
    return np.concatenate([np.array(stats, dtype=np.float64), head])


class _Budget:
    """What one trace may still carry: array elements sent whole, and values encoded."""

    def __init__(self) -> None:
        self.elements = MAX_ELEMENTS
        self.nodes = MAX_NODES


def _encode_array(value: Any, budget: _Budget, shapes: bool) -> dict[str, Any]:
    if value.dtype.kind not in "biuf":
        return {"o": f"ndarray of {value.dtype.kind}"[:MAX_TEXT]}
    shape = [int(n) for n in value.shape]
    if shapes:
        return {"sk": shape, "dt": str(value.dtype)}
    if value.size <= MAX_WHOLE and value.size <= budget.elements:
        budget.elements -= value.size
        return {"a": np.array(value, copy=True)}
    return {"sk": shape, "dt": str(value.dtype), "st": sketch_of(value)}


def encode(value: Any, budget: _Budget, depth: int = 0, shapes: bool = False) -> Any:
    """A value as plain data: ``{"a": array}``, ``{"sk": shape, "dt": dtype, "st": stats}``,
    ``{"n": number}``, ``{"s": text}``, ``{"none": 1}``, ``{"t": [...]}`` (tuple),
    ``{"l": [...]}`` (list), ``{"d": [[key, value], ...]}``, ``{"o": type name}``, with
    ``"more": k`` on a container cut short. ``shapes``: arrays as shape and dtype only."""
    budget.nodes -= 1
    kind = type(value)
    if kind is np.ndarray:
        return _encode_array(value, budget, shapes)
    if value is None:
        return {"none": 1}
    if kind in (bool, int, float) or isinstance(value, np.bool_ | np.integer | np.floating):
        number = value.item() if isinstance(value, np.generic) else value
        if kind is int and abs(number) > 10**15:
            return {"o": "int"}
        return {"n": number}
    if kind is str:
        return {"s": value[:MAX_TEXT]}
    if kind in (tuple, list, dict):
        if depth >= MAX_DEPTH or budget.nodes <= 0:
            return {"o": kind.__name__}
        kept = list(itertools.islice(value.items() if kind is dict else value, MAX_ITEMS))
        if kind is dict:
            out: dict[str, Any] = {
                "d": [
                    [k, encode(v, budget, depth + 1, shapes)]
                    for k, v in kept
                    if type(k) in (str, int)
                ]
            }
        else:
            out = {
                "t" if kind is tuple else "l": [encode(v, budget, depth + 1, shapes) for v in kept]
            }
        if len(value) > len(kept):
            out["more"] = len(value) - len(kept)
        return out
    name = getattr(kind, "__qualname__", "object")
    return {"o": str(name)[:MAX_TEXT] if isinstance(name, str) else "object"}


def _state(value: Any) -> tuple[Any, int | None]:
    """What identifies a value's current state: the object itself (kept, so that its id is
    not reused), and for a small array a hash of its bytes (an in-place change keeps the
    object)."""
    if type(value) is np.ndarray and value.size <= MAX_WATCHED:
        return (value, hash(value.tobytes()))
    return (value, None)


def _changed(old: Any, state: tuple[Any, int | None]) -> bool:
    return old is _NOTHING or old[0] is not state[0] or old[1] != state[1]


def _cell_of(filename: str) -> int | None:
    if filename.startswith(_CELL_PREFIX) and filename.endswith(">"):
        digits = filename[len(_CELL_PREFIX) : -1]
        if digits.isdigit():
            return int(digits)
    return None


class Tracer:
    """The trace function of one traced call (see :func:`trace_call`)."""

    def __init__(self, code: Any, watch: Collection[str]) -> None:
        self.code = code
        self.watch = frozenset(watch)
        self.frame: FrameType | None = None
        self.events: list[dict[str, Any]] = []
        self.truncated = False
        self.budget = _Budget()
        self.seen: dict[str, Any] = {}
        self.entries: dict[str, dict[Any, Any]] = {}
        self.line: int | None = None
        self.exceptions: set[int] = set()
        self.binds: dict[tuple[str, int], frozenset[str]] = {}
        self.broken = False

    # --- recording -------------------------------------------------------------------------

    def add(self, event: dict[str, Any]) -> dict[str, Any]:
        if len(self.events) >= MAX_EVENTS:
            self.truncated = True
        else:
            self.events.append(event)
        return event

    def bound_on(self, frame: FrameType, line: int | None) -> frozenset[str]:
        """The plain names a line binds (so that binding a name to the object it already held
        is recorded too)."""
        if line is None:
            return frozenset()
        key = (frame.f_code.co_filename, line)
        if key not in self.binds:
            text = linecache.getline(key[0], line)
            found = _BINDS.match(text)
            names = found.group(1).replace(" ", "").split(",") if found else []
            self.binds[key] = frozenset(names)
        return self.binds[key]

    def snapshot(self, frame: FrameType, line: int | None) -> None:
        """Record the names (and local dict entries) that changed since the last look, and
        the names the last line bound even to the object they held."""
        rebound = self.bound_on(frame, line)
        for name, value in list(frame.f_locals.items()):
            state = _state(value)
            if _changed(self.seen.get(name, _NOTHING), state) or name in rebound:
                self.seen[name] = state
                self.add({"k": "assign", "line": line, "name": name,
                          "v": encode(value, self.budget)})  # fmt: skip
                self.entries.pop(name, None)
            if type(value) is dict and len(value) <= 4 * MAX_ITEMS:
                old = self.entries.get(name)
                now = {k: _state(v) for k, v in value.items() if type(k) is str}
                if old is not None:
                    for key, item in value.items():
                        if type(key) is str and _changed(old.get(key, _NOTHING), now[key]):
                            self.add({"k": "assign", "line": line, "name": f"{name}[{key!r}]",
                                      "v": encode(item, self.budget)})  # fmt: skip
                self.entries[name] = now

    def names_on(self, frame: FrameType, text: str) -> list[list[Any]]:
        found: list[list[Any]] = []
        budget = _Budget()
        for name in dict.fromkeys(_NAME.findall(text)):
            if keyword.iskeyword(name) or len(found) >= MAX_ITEMS:
                continue
            if name in frame.f_locals:
                value = frame.f_locals[name]
            elif name in frame.f_globals:
                value = frame.f_globals[name]
            else:
                continue
            if callable(value) or type(value).__name__ == "module":
                continue
            found.append([name, encode(value, budget, shapes=True)])
        return found

    # --- the trace functions -----------------------------------------------------------------

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        """The global trace function: the traced function's frame, and the calls it makes."""
        if self.broken or self.truncated:
            return None
        try:
            if self.frame is None and frame.f_code is self.code:
                self.frame = frame
                values = dict(frame.f_locals)
                self.seen = {k: _state(v) for k, v in values.items()}
                self.entries = {
                    k: {kk: _state(vv) for kk, vv in v.items() if type(kk) is str}
                    for k, v in values.items()
                    if type(v) is dict and len(v) <= 4 * MAX_ITEMS
                }
                self.add({"k": "start", "cell": _cell_of(frame.f_code.co_filename),
                          "first_line": frame.f_code.co_firstlineno})  # fmt: skip
                return self.local
            if frame.f_back is not None and frame.f_back is self.frame:
                return self.callee(frame)
        except Exception:
            self.broken = True
        return None

    def local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if self.broken or self.truncated or frame is not self.frame:
            return None  # tracing stops here: the rest of the call runs at full speed
        try:
            if event == "line":
                self.snapshot(frame, self.line)
                self.line = frame.f_lineno
            elif event == "return":
                self.snapshot(frame, self.line)
            elif event == "exception" and id(arg[1]) not in self.exceptions:
                self.snapshot(frame, self.line)
                self.exceptions.add(id(arg[1]))
                line = frame.f_lineno
                text = linecache.getline(frame.f_code.co_filename, line).strip()[:MAX_TEXT]
                self.add({"k": "raise", "line": line, "type": arg[0].__name__[:MAX_TEXT],
                          "text": text, "names": self.names_on(frame, text),
                          "key": _missing_key(arg[1])})  # fmt: skip
        except Exception:
            self.broken = True
        return self.local

    def callee(self, frame: FrameType) -> Callable[..., Any] | None:
        code = frame.f_code
        if code.co_name not in self.watch and _cell_of(code.co_filename) is None:
            return None
        count = code.co_argcount + code.co_kwonlyargcount
        params = list(code.co_varnames[:count])
        values = frame.f_locals
        record = self.add(
            {
                "k": "call",
                "line": self.frame.f_lineno if self.frame is not None else None,
                "callee": code.co_name[:MAX_TEXT],
                "params": params,
                "args": [encode(values.get(p), self.budget) for p in params],
                "result": None,
                "raised": None,
            }
        )
        frame.f_trace_lines = False

        def watch_return(inner: FrameType, event: str, arg: Any) -> Any:
            try:
                if event == "exception" and record["raised"] is None:
                    record["raised"] = arg[0].__name__[:MAX_TEXT]
                elif event == "return" and record["raised"] is None:
                    record["result"] = encode(arg, self.budget)
            except Exception:
                self.broken = True
            return watch_return

        return watch_return


_NOTHING = object()


def _missing_key(exc: BaseException) -> Any:
    """The key a KeyError was raised for, when it is a short string or an int."""
    if type(exc) is KeyError and len(exc.args) == 1:
        key = exc.args[0]
        if type(key) is str and len(key) <= 40 or type(key) is int:
            return key
    return None


def trace_call(
    target: Callable[..., Any], args: tuple[Any, ...], watch: Collection[str]
) -> tuple[Any, BaseException | None, dict[str, Any]]:
    """Call ``target(*args)`` with tracing on; returns ``(value, exception, trace)``, the
    exception being what the call raised (None if it returned). ``trace`` is
    ``{"events": [...], "truncated": bool}``, plain data (see the module's docstring)."""
    code = getattr(target, "__code__", None)
    tracer = Tracer(code, watch)
    value, raised = None, None
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        value = target(*args)
    except BaseException as exc:  # the student's exception is the trace's last event
        raised = exc
    finally:
        sys.settrace(previous)
    truncated = tracer.truncated or tracer.broken
    return value, raised, {"events": tracer.events, "truncated": truncated}
