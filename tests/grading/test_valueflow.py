"""Explanations by value flow (grader/grading/valueflow.py): the issue's examples, each at its
own line; none for a correct function; none from an exception's type alone; none that
disagrees across cases; no numbers on hidden cases; forged traces read as nothing."""

from __future__ import annotations

import re
from pathlib import Path

import crafted
import nbformat
import numpy as np
import pytest
from valueflow_support import explain_source, namespace, trace_case

from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.valueflow import Finding, agree, explain_case, parse_trace
from reference.named_values import named_values
from testcases.cases import all_cases

ROOT = Path(__file__).resolve().parents[2]

# (function, source, the line the explanation must name, words it must contain)
EXAMPLES = {
    "whole-cache-to-linear-backward": (
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, cache)
            return dA_prev, dW, db
        """,
        5,
        ["`linear_backward` receives the whole layer cache", "it expects the linear_cache"],
    ),
    "AL-where-dAL-belongs": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(AL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)],
                                                             current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        7,
        ["receives AL as `dA`", "it expects dAL"],
    ),
    "cache-of-the-layer-above": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
            for l in reversed(range(L - 1)):
                dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)],
                                                             current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        10,
        ["this is the cache of layer 2", "used for layer 1"],
    ),
    "dAL-for-every-relu-layer": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        11,
        ["receives dAL as `dA`", "it expects dA1"],
    ),
    "output-layer-reads-the-loop-variable": (
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(cache)
            W, b = parameters["W" + str(l)], parameters["b" + str(l)]
            AL, cache = linear_activation_forward(A, W, b, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        11,
        ["receives W2 as `W`", "it expects W3"],
    ),
    "A-prev-fed-to-the-output-layer": (
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)],
                                                     parameters["b" + str(l)], "relu")
                caches.append(cache)
            AL, cache = linear_activation_forward(A_prev, parameters["W" + str(L)],
                                                  parameters["b" + str(L)], "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        10,
        ["receives A1 as `A_prev`", "it expects A2"],
    ),
    "db-without-an-axis": (
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = np.dot(dZ, A_prev.T) / m
            db = np.sum(dZ, keepdims=True) / m
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        5,
        ["your `db` has shape (1, 1)", "one entry per unit, shape (3, 1)"],
    ),
    "dot-of-two-rows": (
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = (-1 / m) * (np.dot(Y, np.log(AL)) + np.dot(1 - Y, np.log(1 - AL)))
            cost = np.squeeze(cost)
            return cost
        """,
        3,
        ["`np.dot(Y, np.log(AL))` multiplies two (1, 3) arrays", "needs transposing"],
    ),
    "zeros-given-two-sizes": (
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * 0.01
            b1 = np.zeros(n_h, 1)
            W2 = np.random.randn(n_y, n_h) * 0.01
            b2 = np.zeros((n_y, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        4,
        ["`np.zeros(n_h, 1)`: the shape goes in as one tuple", "the second argument is the dtype"],
    ),
    "bias-stepped-uphill": (
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {k: v.copy() for k, v in parameters.items()}
            L = len(parameters) // 2
            for l in range(1, L + 1):
                parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
                parameters["b" + str(l)] += learning_rate * grads["db" + str(l)]
            return parameters
        """,
        6,
        ["parameters['b1']", "learning_rate * db1", "opposite sign"],
    ),
    "gradient-keys-without-d": (
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {k: v.copy() for k, v in parameters.items()}
            L = len(parameters) // 2
            for l in range(1, L + 1):
                step = learning_rate * grads["W" + str(l)]
                parameters["W" + str(l)] = parameters["W" + str(l)] - step
                step = learning_rate * grads["b" + str(l)]
                parameters["b" + str(l)] = parameters["b" + str(l)] - step
            return parameters
        """,
        5,
        ["asks `grads` for the key 'W1'", "'dW1'"],
    ),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_is_explained_at_its_own_line(name: str) -> None:
    function, source, line, words = EXAMPLES[name]
    explanation, failing = explain_source(function, source)
    assert failing, "the example must be wrong"
    assert explanation is not None, name
    assert line in explanation.lines, explanation.text
    assert f"line {line}" in explanation.text.split(": ")[0], explanation.text
    for word in words:
        assert word in explanation.body, (word, explanation.text)


def test_a_slip_made_in_both_branches_names_both_lines() -> None:
    function, source, _, _ = EXAMPLES["whole-cache-to-linear-backward"]
    explanation, _ = explain_source(function, source)
    assert explanation is not None
    assert explanation.lines == (5, 8)
    assert explanation.text.startswith("line 5 and line 8: ")


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_the_reference_is_never_explained_on_any_case(function: str) -> None:
    """Traced as a student's cell, the right code leaves the correct values nowhere."""
    target = namespace(crafted.reference_source(function))[function]
    cases = [c for c in all_cases() if c.function == function]
    assert cases
    assert [trace_case(function, target, case) for case in cases] == [None] * len(cases)


def _sample_cells() -> dict[str, str]:
    notebook = nbformat.read(ROOT / "exercises" / "examples" / "sample_submission.ipynb", 4)
    cells = {}
    for cell in notebook.cells:
        found = re.search(r"^def (\w+)\(", cell.source, re.M)
        if cell.cell_type == "code" and found and found.group(1) in GRADED_FUNCTIONS:
            cells[found.group(1)] = cell.source
    return cells


def test_the_sample_submissions_right_functions_are_never_explained() -> None:
    wrong = {"initialize_parameters", "compute_cost", "linear_backward"}
    checked = 0
    for function, source in _sample_cells().items():
        if function in wrong:
            continue
        target = namespace(source)[function]
        for case in (c for c in all_cases() if c.function == function):
            assert trace_case(function, target, case) is None, (function, case.name)
            checked += 1
    assert checked > 50


RAISES_WITHOUT_THE_CAUSE = {
    # The same exception types as the explained slips, raised where the values are right.
    "value-error-by-hand": (
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + b
            raise ValueError("shapes (1,3) and (1,3) not aligned")
        """,
    ),
    "type-error-by-hand": (
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            b1 = np.zeros((n_h, 1)); raise TypeError("Cannot interpret '1' as a data type")
        """,
    ),
    "key-error-by-hand": (
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            L = len(parameters) // 2
            raise KeyError("W1")
        """,
    ),
    "index-error-by-hand": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            L = len(caches)
            last = caches[L - 1]; raise IndexError("list index out of range")
        """,
    ),
    "a-right-call-to-a-wrong-helper": (
        "linear_activation_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            return np.dot(W, dZ), dZ, dZ

        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, activation_cache)
            else:
                dZ = sigmoid_backward(dA, activation_cache)
            return linear_backward(dZ, linear_cache)
        """,
    ),
}


@pytest.mark.parametrize("name", list(RAISES_WITHOUT_THE_CAUSE))
def test_an_exception_alone_is_never_explained(name: str) -> None:
    function, source = RAISES_WITHOUT_THE_CAUSE[name]
    explanation, failing = explain_source(function, source)
    assert failing
    assert explanation is None, explanation


def test_findings_must_agree_on_every_traced_case() -> None:
    one = Finding(("variable-shape", "db", "db"), 5, "your `db` has shape (1, 1)")
    other = Finding(("variable-values", "db"), 5, "your `db` has the right shape")
    assert agree([one, one]) is not None
    assert agree([one, other]) is None
    assert agree([one, None]) is None
    assert agree([]) is None


#: What an explanation may contain that has digits: the student's own code (quoted in
#: backticks), shapes, line and layer numbers, names of per-layer values (W3, dA1, caches[2],
#: grads keys), list items numbered by layer.
_ALLOWED = [
    r"`[^`]*`",
    r"\((\d+, )*\d+,?\)",
    r"\(\)",
    r"line \d+",
    r"layers? \d+",
    r"\b(d?[WbAZ]|dA|dW|db)\d+\b",
    r"caches\[\d+\]",
    r"item \d+",
    r"\d+ items, numbered \d+ to \d+",
]


def _digits_left(text: str) -> str:
    for pattern in _ALLOWED:
        text = re.sub(pattern, "", text)
    return "".join(ch for ch in text if ch.isdigit())


def test_hidden_case_explanations_give_no_numbers() -> None:
    texts = []
    for function, source, _, _ in EXAMPLES.values():
        explanation, failing = explain_source(function, source, visibility="hidden")
        if explanation is not None:
            texts.append(explanation.text)
    assert len(texts) >= 6
    for text in texts:
        assert _digits_left(text) == "", text


def test_the_digit_check_can_fail() -> None:
    assert _digits_left("line 4: your `cost` is 0.6931 where 0.5 belongs") != ""


FORGED = [
    None,
    "events",
    {"events": [], "truncated": True},
    {"events": [{"k": "assign", "line": 3, "name": "db"}], "truncated": False},
    {"events": [{"k": "assign", "line": "3", "name": "db", "v": {"n": 1}}], "truncated": False},
    {"events": [{"k": "assign", "line": 3, "name": 5, "v": {"n": 1}}], "truncated": False},
    {
        "events": [{"k": "call", "line": 3, "callee": "relu", "params": "Z", "args": []}],
        "truncated": False,
    },
    {"events": [{"k": "teleport", "line": 3}], "truncated": False},
    {
        "events": [{"k": "assign", "line": 3, "name": "x", "v": {"a": "not an array"}}],
        "truncated": False,
    },
    {
        "events": [
            {
                "k": "raise",
                "line": 3,
                "type": "KeyError",
                "text": "x",
                "names": [],
                "key": ["a", "list"],
            }
        ],
        "truncated": False,
    },
    {
        "events": [{"k": "assign", "line": 3, "name": "x", "v": {"a": np.array(["text"])}}],
        "truncated": False,
    },
]


@pytest.mark.parametrize("raw", FORGED, ids=range(len(FORGED)))
def test_a_forged_or_cut_trace_explains_nothing(raw: object) -> None:
    assert not parse_trace(raw)
    case = next(c for c in all_cases() if c.function == "linear_backward")
    assert explain_case("linear_backward", named_values(case.function, case.args), raw) is None


def test_a_deeply_nested_value_is_refused() -> None:
    value: dict[str, object] = {"n": 1}
    for _ in range(50):
        value = {"t": [value]}
    raw = {"events": [{"k": "assign", "line": 3, "name": "db", "v": value}], "truncated": False}
    assert parse_trace(raw) is None


def test_valueflow_and_the_tracer_work_beside_comparison_alone(tmp_path: Path) -> None:
    """The notebook's checks use these files as they are, next to comparison.py."""
    import shutil
    import subprocess
    import sys

    from grader.grading import comparison, raisedline, tracedata, valueflow
    from grader.sandbox.worker import tracer

    for module in (comparison, valueflow, tracedata, raisedline, tracer):
        assert module.__file__ is not None
        shutil.copy(module.__file__, tmp_path / Path(module.__file__).name)
    code = (
        "import sys, linecache\n"
        "sys.path.insert(0, '.')\n"
        "import numpy as np, tracer, valueflow\n"
        "src = 'def f(a):\\n    return np.dot(a, a)\\n'\n"
        "linecache.cache['<cell 1>'] = (1, None, src.splitlines(True), '<cell 1>')\n"
        "ns = {'np': np}\n"
        "exec(compile(src, '<cell 1>', 'exec'), ns)\n"
        "trace = tracer.trace_call(ns['f'], (np.ones((1, 3)),), valueflow.WATCH)[2]\n"
        "named = {'values': [], 'calls': [], 'vars': {}}\n"
        "print(valueflow.explain_case('f', named, trace).text)\n"
        "assert not [m for m in sys.modules if m.startswith('grader')]\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "line 2: `np.dot(a, a)` multiplies two (1, 3) arrays; one of them needs transposing"
    )


def test_a_sketch_is_taken_alike_on_both_sides() -> None:
    from grader.grading import valueflow
    from grader.sandbox.worker import tracer

    array = np.arange(30.0).reshape(5, 6) - 7.5
    assert valueflow._SKETCH_HEAD == tracer.SKETCH_HEAD
    assert valueflow._sketch(array) == tuple(tracer.sketch_of(array))
