"""The notebook's checks explain a failure by its values the way the grader does: the same
statement on the public cases, at the student's own line, also when the traceback is in a
provided helper; none for a named (catalogued) mistake or a right function."""

from __future__ import annotations

import contextlib
import importlib
import io
import shutil
import sys
import textwrap
import warnings
from typing import Any

import numpy as np
import pytest
from valueflow_support import explain_source, namespace

from grader import paths

STUDENT_MODULES = (
    "public_tests",
    "public_cases",
    "public_named",
    "comparison",
    "dnn_utils",
    "testCases",
    "tracer",
    "valueflow",
    "tracedata",
    "raisedline",
)

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
        "line 5 and line 8: linear_backward receives the whole layer cache",
    ),
    "linear-cache-to-the-provided-relu-backward": (
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, linear_cache)
            else:
                dZ = sigmoid_backward(dA, activation_cache)
            return linear_backward(dZ, linear_cache)
        """,
        "line 4: relu_backward receives the linear_cache as cache",
    ),
    "AL-where-dAL-belongs": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            dA, dW, db = linear_activation_backward(AL, caches[L - 1], "sigmoid")
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA, dW, db
            for l in reversed(range(L - 1)):
                dA, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
                grads["dA" + str(l)] = dA
                grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dW, db
            return grads
        """,
        "line 6: linear_activation_backward for layer 2 receives AL as dA",
    ),
    "dot-of-two-rows": (
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = (-1 / m) * (np.dot(Y, np.log(AL)) + np.dot(1 - Y, np.log(1 - AL)))
            return np.squeeze(cost)
        """,
        "line 3: np.dot(Y, np.log(AL)) multiplies two (1, 3) arrays",
    ),
}


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """The generated ``public_tests``, imported from a copy of the student folder."""
    folder = tmp_path_factory.mktemp("student") / "step_by_step"
    shutil.copytree(paths.student_folder(), folder)
    saved = {name: sys.modules.pop(name, None) for name in STUDENT_MODULES}
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("public_tests")
    finally:
        sys.path.remove(str(folder))
        for name, module in saved.items():
            sys.modules.pop(name, None)
            if module is not None:
                sys.modules[name] = module


def check(student: Any, function: str, source: str) -> str:
    """What the notebook's check prints for ``source`` (written as a notebook cell)."""
    target = namespace(textwrap.dedent(source))[function]
    out = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        getattr(student, f"{function}_test")(target)
    return out.getvalue()


def explanation_in(report: str) -> str | None:
    prefix = "Where it goes wrong: "
    found = [line[len(prefix) :] for line in report.splitlines() if line.startswith(prefix)]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_check_explains_as_the_grader_does_on_the_public_cases(student, name):
    function, source, said = EXAMPLES[name]
    shown = explanation_in(check(student, function, source))
    assert shown is not None and shown.startswith(said), shown
    grader, _ = explain_source(function, source, visibility="public")
    assert grader is not None and grader.text.replace("`", "") == shown


def test_a_catalogued_mistake_is_named_not_explained(student):
    source = """
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[1]
        dW = np.dot(dZ, A_prev.T)
        db = np.sum(dZ, axis=1, keepdims=True) / m
        dA_prev = np.dot(W.T, dZ)
        return dA_prev, dW, db
    """
    report = check(student, "linear_backward", source)
    assert "Likely mistake: " in report
    assert explanation_in(report) is None


def test_a_right_function_gets_no_explanation(student):
    import crafted

    for function in ("linear_activation_backward", "L_model_backward", "compute_cost"):
        report = check(student, function, crafted.reference_source(function))
        assert report.strip() == "All tests passed.", report
