"""The worker's tracer (grader/sandbox/worker/tracer.py): what it records, and its bounds."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path
from typing import Any

import numpy as np

from grader.sandbox.worker import tracer
from grader.sandbox.worker.tracer import MAX_EVENTS, MAX_WHOLE, trace_call


def cell_function(source: str, name: str, extra: dict[str, Any] | None = None) -> Any:
    filename = "<cell 3>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    names: dict[str, Any] = {"np": np, **(extra or {})}
    exec(compile(source, filename, "exec"), names)
    return names[name]


def helper(x: Any) -> Any:
    return x * 2


def test_assignments_calls_and_the_raising_line_are_recorded() -> None:
    source = (
        "def f(a):\n"
        "    b = helper(a)\n"
        "    d = {}\n"
        "    d['k'] = b + 1\n"
        "    return np.dot(b, np.ones((5, 2)))\n"
    )
    f = cell_function(source, "f", {"helper": helper})
    value, raised, trace = trace_call(f, (np.ones((2, 3)),), ["helper"])
    assert value is None and isinstance(raised, ValueError)
    events = trace["events"]
    assert events[0] == {"k": "start", "cell": 3, "first_line": 1}
    call = next(e for e in events if e["k"] == "call")
    assert (call["line"], call["callee"], call["params"]) == (2, "helper", ["x"])
    assert np.array_equal(call["result"]["a"], np.full((2, 3), 2.0))
    names = [(e["line"], e["name"]) for e in events if e["k"] == "assign"]
    assert names == [(2, "b"), (3, "d"), (4, "d['k']")]
    raise_event = events[-1]
    assert raise_event["k"] == "raise" and raise_event["line"] == 5
    assert raise_event["type"] == "ValueError"
    shapes = dict((n, v) for n, v in raise_event["names"])
    assert shapes["b"] == {"sk": [2, 3], "dt": "float64"}
    assert trace["truncated"] is False


def test_an_array_changed_in_place_is_a_new_value() -> None:
    source = "def f(p):\n    p['W'] -= 1.0\n    return p\n"
    f = cell_function(source, "f")
    _, _, trace = trace_call(f, ({"W": np.zeros((2, 2))},), [])
    changed = [e for e in trace["events"] if e["k"] == "assign"]
    assert [(e["line"], e["name"]) for e in changed] == [(2, "p['W']")]
    assert np.array_equal(changed[0]["v"]["a"], -np.ones((2, 2)))


def test_a_long_loop_is_cut_short_and_says_so() -> None:
    source = "def f(n):\n    for i in range(n):\n        x = i\n    return x\n"
    f = cell_function(source, "f")
    value, raised, trace = trace_call(f, (10_000,), [])
    assert value == 9_999 and raised is None
    assert len(trace["events"]) == MAX_EVENTS
    assert trace["truncated"] is True


def test_large_arrays_travel_as_a_sketch() -> None:
    source = "def f(a):\n    b = a + 1\n    return b\n"
    f = cell_function(source, "f")
    big = np.arange(MAX_WHOLE + 1, dtype=np.float64)
    _, _, trace = trace_call(f, (big,), [])
    b = next(e for e in trace["events"] if e.get("name") == "b")["v"]
    assert set(b) == {"sk", "dt", "st"} and b["sk"] == [MAX_WHOLE + 1]
    assert b["st"][0] == (big + 1).sum()


def test_odd_values_are_named_by_type_only() -> None:
    source = "def f():\n    g = (i for i in range(3))\n    o = object()\n    return 1\n"
    f = cell_function(source, "f")
    _, _, trace = trace_call(f, (), [])
    values = {e["name"]: e["v"] for e in trace["events"] if e["k"] == "assign"}
    assert values == {"g": {"o": "generator"}, "o": {"o": "object"}}


def test_code_that_turns_tracing_off_ends_only_the_trace() -> None:
    source = "def f():\n    import sys\n    sys.settrace(None)\n    x = 5\n    return x\n"
    f = cell_function(source, "f")
    before = sys.gettrace()
    value, raised, _ = trace_call(f, (), [])
    assert (value, raised) == (5, None)
    assert sys.gettrace() is before


def test_the_tracer_is_self_contained() -> None:
    """It is copied beside the notebook's checks: standard library and numpy only."""
    source = Path(tracer.__file__).read_text(encoding="utf-8")
    tops = [
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from ")) and "__future__" not in line
    ]
    assert "numpy" in tops
    assert all(top == "numpy" or top in sys.stdlib_module_names for top in tops), tops


def test_a_huge_nested_value_is_cut_to_the_node_budget() -> None:
    source = "def f(n):\n    x = [[[[[[0] * n] * n] * n] * n] * n] * n\n    return x\n"
    f = cell_function(source, "f")
    _, _, trace = trace_call(f, (30,), [])

    def nodes(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + sum(nodes(v) for v in value.values())
        if isinstance(value, list):
            return 1 + sum(nodes(v) for v in value)
        return 1

    assert nodes(trace["events"]) < 3 * tracer.MAX_NODES
