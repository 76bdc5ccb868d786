"""The notebook's checks judge a function on its own logic through its whole call tree, as the
grader does: with correct answers in place of every graded helper below it, nested ones
included, so a function that calls a lower helper itself is not charged with that helper's
bug (attribution rule 4, grader.grading.attribution)."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import shutil
import sys
import warnings

import numpy as np
import pytest

from grader import paths
from grader.authoring.stubs import graded_functions, reference_namespace
from reference import GRADED_FUNCTIONS, mutants

STUDENT_MODULES = ("public_tests", "public_cases", "comparison", "dnn_utils", "testCases")
SOLUTIONS = {g.name: g.solution for g in graded_functions()}
WRONG_LINEAR_BACKWARD = next(m for m in mutants.MISTAKES if m.name == "db-missing-keepdims")
#: linear_backward's own symptom (a 1-D db), seen in its callers when they run on it.
ONE_D = re.compile(r"shape \(\d+,\)")

#: Skips linear_activation_backward and calls linear_backward itself; right on its own logic.
DIRECT = """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(L)):
        linear_cache, Z = caches[l]
        dZ = sigmoid_backward(dA, Z) if l == L - 1 else relu_backward(dA, Z)
        dA, dW, db = linear_backward(dZ, linear_cache)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA, dW, db
    return grads
"""
#: The same, wrong on its own: dA stored one layer number too high.
DIRECT_SHIFTED = DIRECT.replace('grads["dA" + str(l)]', 'grads["dA" + str(l + 1)]')


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


def check(student, source: str) -> str:
    """What L_model_backward's check prints for ``source`` in a notebook whose other graded
    functions are the solution's, but for a wrong linear_backward."""
    namespace = reference_namespace()
    for name in GRADED_FUNCTIONS:
        exec(SOLUTIONS[name], namespace)
    namespace["linear_backward"] = WRONG_LINEAR_BACKWARD.impl
    exec(source, namespace)
    out = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        student.L_model_backward_test(namespace["L_model_backward"])
    return out.getvalue()


def test_a_right_function_calling_a_lower_helper_itself_passes_on_its_own(student):
    text = check(student, DIRECT)
    assert text.startswith("L_model_backward: fix linear_backward first")
    assert "passes every case here" in text, text


def test_its_own_problems_are_its_own_not_the_lower_helpers(student):
    text = check(student, DIRECT_SHIFTED)
    assert text.startswith("L_model_backward: fix linear_backward first")
    assert "problem(s) of its own" in text, text
    own = text.split("problem(s) of its own", 1)[1]
    assert not ONE_D.search(own), own
