"""Writes a corpus of student notebooks in the formats of the course's own published versions.

Instructors grade notebooks written against the course's notebook, which exists in several
versions. They differ in what the first cell imports, in what the check cells after each graded
function call and print, and in one convention of ``L_model_backward``: where the gradient with
respect to A[l] is stored.

=========  =====================================  =============  ================================
version    helper modules                         dA convention  check cells
=========  =====================================  =============  ================================
oldest     ``testCases``, ``dnn_utils``           shifted        print; one-hidden-layer forward
v2         ``testCases_v2``, ``dnn_utils_v2``     shifted        as oldest
v3         ``testCases_v3``, ``dnn_utils_v2``     shifted        two-hidden forward, print_grads
v4         ``testCases_v4``, ``dnn_utils_v2``     ours           as v3
v4a        ``testCases_v4a``, ``dnn_utils_v2``    ours           as v3
newest     ``testCases``, ``dnn_utils``,          ours           ``t_`` variables, then
           ``public_tests`` and ``copy``                         ``<function>_test(<function>)``
=========  =====================================  =============  ================================

"shifted" is ``grads["dA" + str(l + 1)]`` for the gradient with respect to A[l] (the output
layer's ``dA_prev`` under ``dA<L>``); "ours" is this project's ``grads["dA" + str(l)]``.

Per version it writes ``notebooks/<version>/correct.ipynb`` (every function right, in that
version's style and convention) and notebooks with typical mistakes, each with a JSON record
beside it (``<name>.json``): which functions are right, which mistake each wrong one has, the
diagnosis the grader should name (``null`` when no single catalogued mistake fits) and the dA
convention the notebook follows. Run it after changing it; a test checks the output is fresh:

    python tests/course_formats/make_corpus.py

:func:`graded_sources` is also what the tests use to write the same functions in this project's
own notebook format, to check that both grade alike.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from reference import GRADED_FUNCTIONS

HERE = Path(__file__).resolve().parent
OUT = HERE / "notebooks"

GRADED = GRADED_FUNCTIONS

SHIFTED = "shifted"  # grads["dA" + str(l + 1)] holds the gradient with respect to A[l]
OURS = "ours"  # grads["dA" + str(l)] holds it


@dataclass(frozen=True)
class Version:
    name: str
    testcases: str
    utils: str
    convention: str
    newest: bool = False
    two_hidden: bool = False  # forward check on L_model_forward_test_case_2hidden
    print_grads: bool = False  # backward check through print_grads
    dal_name: str = "AL"  # variable name of the linear_activation_backward check cell


VERSIONS = (
    Version("oldest", "testCases", "dnn_utils", SHIFTED),
    Version("v2", "testCases_v2", "dnn_utils_v2", SHIFTED),
    Version("v3", "testCases_v3", "dnn_utils_v2", SHIFTED, two_hidden=True, print_grads=True),
    Version(
        "v4",
        "testCases_v4",
        "dnn_utils_v2",
        OURS,
        two_hidden=True,
        print_grads=True,
        dal_name="dAL",
    ),
    Version(
        "v4a",
        "testCases_v4a",
        "dnn_utils_v2",
        OURS,
        two_hidden=True,
        print_grads=True,
        dal_name="dAL",
    ),
    Version(
        "newest", "testCases", "dnn_utils", OURS, newest=True, two_hidden=True, dal_name="t_dAL"
    ),
)


@dataclass(frozen=True)
class Mistake:
    """One wrong function of a notebook: the slug of the mistake, the diagnosis expected."""

    function: str
    slug: str
    diagnosis: str | None


@dataclass(frozen=True)
class Submission:
    name: str
    mistakes: tuple[Mistake, ...] = ()
    direct_backward: bool = False  # L_model_backward calls linear_backward itself
    extra_imports: tuple[str, ...] = ()
    notes: str = ""
    only: tuple[str, ...] = field(default=())  # versions it is written for (all when empty)


SUBMISSIONS = (
    Submission("correct", notes="every function right, in the version's own style"),
    Submission(
        "helper_bug_direct_call",
        (Mistake("linear_backward", "dW without 1/m", "dw-missing-1-over-m"),),
        direct_backward=True,
        notes="linear_backward is wrong; L_model_backward skips linear_activation_backward and "
        "calls linear_backward itself, and is right on its own logic",
    ),
    Submission(
        "mixed_keys_and_cost",
        (
            Mistake(
                "L_model_backward",
                "dA keys: one convention for the output layer, the other in the loop",
                None,
            ),
            Mistake("compute_cost", "no 1/m", "cost-missing-1-over-m"),
        ),
        notes="the dA convention is not applied consistently to every layer",
    ),
    Submission(
        "sign_and_relu_output",
        (
            Mistake("L_model_backward", "dAL with the wrong sign", "model-backward-dal-sign"),
            Mistake("L_model_forward", "relu on the output layer", "model-forward-relu-output"),
        ),
    ),
    Submission(
        "extra_imports",
        extra_imports=("import scipy", "from PIL import Image", "from scipy import ndimage"),
        notes="right, with the application notebook's PIL and scipy imports copied in",
        only=("v4a",),
    ),
    Submission(
        "test_utils_import",
        extra_imports=("from test_utils import single_test, multiple_test",),
        notes="right, importing the course's test_utils helpers",
        only=("newest",),
    ),
)


# --- the graded functions, in the course's style ------------------------------------------------


def _header(version: Version, function: str) -> str:
    """The course marks graded cells; the newest version dropped the mark from later cells."""
    late = GRADED.index(function) >= GRADED.index("linear_backward")
    return "" if version.newest and late else f"# GRADED FUNCTION: {function}\n\n"


def graded_sources(
    convention: str,
    mistakes: tuple[Mistake, ...] = (),
    direct_backward: bool = False,
    newest: bool = False,
) -> dict[str, str]:
    """The source of each graded function (without a cell header), for one notebook."""
    wrong = {m.function: m.slug for m in mistakes}
    src: dict[str, str] = {}
    src["initialize_parameters"] = '''def initialize_parameters(n_x, n_h, n_y):
    """Parameters of a LINEAR->RELU->LINEAR->SIGMOID network: W1, b1, W2, b2."""
    np.random.seed(1)

    ### START CODE HERE ### (≈ 4 lines of code)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    ### END CODE HERE ###

    assert W1.shape == (n_h, n_x)
    assert b1.shape == (n_h, 1)
    assert W2.shape == (n_y, n_h)
    assert b2.shape == (n_y, 1)

    parameters = {"W1": W1,
                  "b1": b1,
                  "W2": W2,
                  "b2": b2}
    return parameters
'''
    src["initialize_parameters_deep"] = '''def initialize_parameters_deep(layer_dims):
    """W1, b1, ..., WL, bL for the layer sizes in layer_dims (input first)."""
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)            # number of layers in the network

    for l in range(1, L):
        ### START CODE HERE ### (≈ 2 lines of code)
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
        ### END CODE HERE ###

        assert parameters['W' + str(l)].shape == (layer_dims[l], layer_dims[l - 1])
        assert parameters['b' + str(l)].shape == (layer_dims[l], 1)

    return parameters
'''
    src["linear_forward"] = '''def linear_forward(A, W, b):
    """Z = W A + b, and the cache (A, W, b) kept for the backward pass."""
    ### START CODE HERE ### (≈ 1 line of code)
    Z = np.dot(W, A) + b
    ### END CODE HERE ###

    assert Z.shape == (W.shape[0], A.shape[1])
    cache = (A, W, b)
    return Z, cache
'''
    src["linear_activation_forward"] = '''def linear_activation_forward(A_prev, W, b, activation):
    """One LINEAR->ACTIVATION layer; cache = (linear_cache, activation_cache)."""
    if activation == "sigmoid":
        ### START CODE HERE ### (≈ 2 lines of code)
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
        ### END CODE HERE ###

    elif activation == "relu":
        ### START CODE HERE ### (≈ 2 lines of code)
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
        ### END CODE HERE ###

    assert A.shape == (W.shape[0], A_prev.shape[1])
    cache = (linear_cache, activation_cache)
    return A, cache
'''
    output_activation = "relu" if "L_model_forward" in wrong else "sigmoid"
    src["L_model_forward"] = f'''def L_model_forward(X, parameters):
    """[LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID; returns AL and the list of caches."""
    caches = []
    A = X
    L = len(parameters) // 2                  # number of layers in the neural network

    for l in range(1, L):
        A_prev = A
        ### START CODE HERE ### (≈ 2 lines of code)
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)],
                                             parameters['b' + str(l)], activation="relu")
        caches.append(cache)
        ### END CODE HERE ###

    ### START CODE HERE ### (≈ 2 lines of code)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)],
                                          activation="{output_activation}")
    caches.append(cache)
    ### END CODE HERE ###

    assert AL.shape == (1, X.shape[1])
    return AL, caches
'''
    scale = "-" if "compute_cost" in wrong else "(-1 / m) * "
    src["compute_cost"] = f'''def compute_cost(AL, Y):
    """Cross-entropy cost of the predictions AL against the labels Y."""
    m = Y.shape[1]

    ### START CODE HERE ### (≈ 1 lines of code)
    cost = {scale}np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    ### END CODE HERE ###

    cost = np.squeeze(cost)      # turns [[17]] into 17
    assert cost.shape == ()
    return cost
'''
    dw = "np.dot(dZ, A_prev.T)" if "linear_backward" in wrong else "np.dot(dZ, A_prev.T) / m"
    src["linear_backward"] = f'''def linear_backward(dZ, cache):
    """dA_prev, dW, db of one layer's linear step, from dZ and the cache (A_prev, W, b)."""
    A_prev, W, b = cache
    m = A_prev.shape[1]

    ### START CODE HERE ### (≈ 3 lines of code)
    dW = {dw}
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    ### END CODE HERE ###

    assert dA_prev.shape == A_prev.shape
    assert dW.shape == W.shape
    assert db.shape == b.shape
    return dA_prev, dW, db
'''
    src["linear_activation_backward"] = '''def linear_activation_backward(dA, cache, activation):
    """Backward through one LINEAR->ACTIVATION layer."""
    linear_cache, activation_cache = cache

    if activation == "relu":
        ### START CODE HERE ### (≈ 2 lines of code)
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        ### END CODE HERE ###

    elif activation == "sigmoid":
        ### START CODE HERE ### (≈ 2 lines of code)
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        ### END CODE HERE ###

    return dA_prev, dW, db
'''
    src["L_model_backward"] = _L_model_backward(
        convention, wrong.get("L_model_backward"), direct_backward
    )
    if newest:
        src["update_parameters"] = '''def update_parameters(params, grads, learning_rate):
    """One gradient-descent step on a copy of params."""
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2 # number of layers in the neural network

    ### START CODE HERE ### (≈ 2 lines of code)
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    ### END CODE HERE ###
    return parameters
'''
    else:
        src["update_parameters"] = '''def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step on every W and b."""
    L = len(parameters) // 2 # number of layers in the neural network

    ### START CODE HERE ### (≈ 3 lines of code)
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    ### END CODE HERE ###
    return parameters
'''
    return src


def _L_model_backward(convention: str, mistake: str | None, direct: bool) -> str:
    """L_model_backward with the dA keys of ``convention`` (or mixed, for that mistake)."""
    shift = 1 if convention == SHIFTED else 0
    out_key = f'"dA" + str(L - 1 + {shift})' if shift else '"dA" + str(L - 1)'
    in_key = f'"dA" + str(l + 1 + {shift})' if shift else '"dA" + str(l + 1)'
    store_key = f'"dA" + str(l + {shift})' if shift else '"dA" + str(l)'
    if mistake is not None and mistake.startswith("dA keys"):
        # the output layer under the shifted key, the loop reading it and storing ours
        out_key, in_key, store_key = '"dA" + str(L)', '"dA" + str(l + 2)', '"dA" + str(l)'
    sign = "" if mistake == "dAL with the wrong sign" else "-"
    dal = f"dAL = {sign}(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))"
    if direct:
        output = f"""    linear_cache, activation_cache = caches[L - 1]
    dZ = sigmoid_backward(dAL, activation_cache)
    grads[{out_key}], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(
        dZ, linear_cache)"""
        loop = f"""        linear_cache, activation_cache = caches[l]
        dZ = relu_backward(grads[{in_key}], activation_cache)
        dA_prev_temp, dW_temp, db_temp = linear_backward(dZ, linear_cache)"""
    else:
        output = f"""    current_cache = caches[L - 1]
    grads[{out_key}], grads["dW" + str(L)], grads["db" + str(L)] = \\
        linear_activation_backward(dAL, current_cache, activation="sigmoid")"""
        loop = f"""        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads[{in_key}], current_cache, activation="relu")"""
    return f'''def L_model_backward(AL, Y, caches):
    """Gradients of [LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID: every dA, dW and db."""
    grads = {{}}
    L = len(caches) # the number of layers
    m = AL.shape[1]
    Y = Y.reshape(AL.shape) # after this line, Y is the same shape as AL

    ### START CODE HERE ### (1 line of code)
    {dal}
    ### END CODE HERE ###

    ### START CODE HERE ### (approx. 2 lines)
{output}
    ### END CODE HERE ###

    for l in reversed(range(L - 1)):
        ### START CODE HERE ### (approx. 5 lines)
{loop}
        grads[{store_key}] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
        ### END CODE HERE ###

    return grads
'''


# --- the cells around them ------------------------------------------------------------------


def import_cell(version: Version, extra: tuple[str, ...] = ()) -> str:
    """The version's first code cell: packages, helper modules, plot settings, magics, seed."""
    lines = ["import numpy as np", "import h5py", "import matplotlib.pyplot as plt"]
    lines.append(f"from {version.testcases} import *")
    lines.append(f"from {version.utils} import sigmoid, sigmoid_backward, relu, relu_backward")
    if version.newest:
        lines += ["from public_tests import *", "", "import copy"]
    lines += list(extra)
    if not version.newest:
        lines.append("")
    lines += [
        "%matplotlib inline",
        "plt.rcParams['figure.figsize'] = (5.0, 4.0) # set default size of plots",
        "plt.rcParams['image.interpolation'] = 'nearest'",
        "plt.rcParams['image.cmap'] = 'gray'",
        "",
        "%load_ext autoreload",
        "%autoreload 2",
        "",
        "np.random.seed(1)",
    ]
    return "\n".join(lines)


def check_cell(version: Version, function: str) -> str:
    """What the version runs after ``function``: the published case, printed (then, in the
    newest version, the ``public_tests`` check)."""
    if version.newest and function in _NEWEST_INIT:
        return _newest_init(function, *_NEWEST_INIT[function])
    lines = _CHECKS[function](version, "t_" if version.newest else "")
    if version.newest:
        lines += ["", f"{function}_test({function})"]
    return "\n".join(lines)


_NEWEST_INIT = {
    "initialize_parameters": ("3,2,1", "4,3,2"),
    "initialize_parameters_deep": ("[5,4,3]", "[4,3,2]"),
}


def _check_initialize_parameters(version: Version, t: str) -> list[str]:
    return ["parameters = initialize_parameters(3,2,1)", *_print_params("parameters")]


def _check_initialize_parameters_deep(version: Version, t: str) -> list[str]:
    return ["parameters = initialize_parameters_deep([5,4,3])", *_print_params("parameters")]


def _check_linear_forward(version: Version, t: str) -> list[str]:
    return [
        f"{t}A, {t}W, {t}b = linear_forward_test_case()",
        f"{t}Z, {t}linear_cache = linear_forward({t}A, {t}W, {t}b)",
        f'print("Z = " + str({t}Z))',
    ]


def _check_linear_activation_forward(version: Version, t: str) -> list[str]:
    lines = [f"{t}A_prev, {t}W, {t}b = linear_activation_forward_test_case()", ""]
    for act, label in (("sigmoid", "sigmoid"), ("relu", "ReLU")):
        lines += [
            f"{t}A, {t}linear_activation_cache = linear_activation_forward("
            f'{t}A_prev, {t}W, {t}b, activation = "{act}")',
            f'print("With {label}: A = " + str({t}A))',
        ]
    return lines


def _check_L_model_forward(version: Version, t: str) -> list[str]:
    case = (
        "L_model_forward_test_case_2hidden" if version.two_hidden else ("L_model_forward_test_case")
    )
    lines = [
        f"{t}X, {t}parameters = {case}()",
        f"{t}AL, {t}caches = L_model_forward({t}X, {t}parameters)",
        f'print("AL = " + str({t}AL))',
    ]
    if not version.newest:
        lines.append('print("Length of caches list = " + str(len(caches)))')
    return lines


def _check_compute_cost(version: Version, t: str) -> list[str]:
    if version.newest:
        return [
            f"{t}Y, {t}AL = compute_cost_test_case()",
            f"{t}cost = compute_cost({t}AL, {t}Y)",
            f'print("Cost: " + str({t}cost))',
        ]
    return ["Y, AL = compute_cost_test_case()", 'print("cost = " + str(compute_cost(AL, Y)))']


def _check_linear_backward(version: Version, t: str) -> list[str]:
    return [
        f"{t}dZ, {t}linear_cache = linear_backward_test_case()",
        f"{t}dA_prev, {t}dW, {t}db = linear_backward({t}dZ, {t}linear_cache)",
        f'print("dA_prev = " + str({t}dA_prev))',
        f'print("dW = " + str({t}dW))',
        f'print("db = " + str({t}db))',
    ]


def _check_linear_activation_backward(version: Version, t: str) -> list[str]:
    d = version.dal_name
    lines = [f"{d}, {t}linear_activation_cache = linear_activation_backward_test_case()", ""]
    for act in ("sigmoid", "relu"):
        lines += [
            f"{t}dA_prev, {t}dW, {t}db = linear_activation_backward("
            f'{d}, {t}linear_activation_cache, activation = "{act}")',
            f'print("{act}:")',
            f'print("dA_prev = " + str({t}dA_prev))',
            f'print("dW = " + str({t}dW))',
            f'print("db = " + str({t}db))',
        ]
    return lines


def _check_L_model_backward(version: Version, t: str) -> list[str]:
    lines = [
        f"{t}AL, {t}Y_assess, {t}caches = L_model_backward_test_case()",
        f"grads = L_model_backward({t}AL, {t}Y_assess, {t}caches)",
    ]
    if version.newest:
        keys: tuple[str, ...] = ("dA0", "dA1", "dW1", "dW2", "db1", "db2")
    elif version.print_grads:
        return [*lines, "print_grads(grads)"]
    else:
        keys = ("dW1", "db1", "dA1")
    return lines + [f'print("{k} = " + str(grads["{k}"]))' for k in keys]


def _check_update_parameters(version: Version, t: str) -> list[str]:
    return [
        f"{t}parameters, grads = update_parameters_test_case()",
        f"{t}parameters = update_parameters({t}parameters, grads, 0.1)",
        *_print_params(f"{t}parameters"),
    ]


_CHECKS = {
    "initialize_parameters": _check_initialize_parameters,
    "initialize_parameters_deep": _check_initialize_parameters_deep,
    "linear_forward": _check_linear_forward,
    "linear_activation_forward": _check_linear_activation_forward,
    "L_model_forward": _check_L_model_forward,
    "compute_cost": _check_compute_cost,
    "linear_backward": _check_linear_backward,
    "linear_activation_backward": _check_linear_activation_backward,
    "L_model_backward": _check_L_model_backward,
    "update_parameters": _check_update_parameters,
}


def _print_params(var: str) -> list[str]:
    return [f'print("{k} = " + str({var}["{k}"]))' for k in ("W1", "b1", "W2", "b2")]


def _newest_init(function: str, first: str, second: str) -> str:
    lines = ['print("Test Case 1:\\n")', f"parameters = {function}({first})", ""]
    lines += [*_print_params("parameters"), "", f"{function}_test_1({function})", ""]
    lines += ['print("\\033[90m\\nTest Case 2:\\n")', f"parameters = {function}({second})", ""]
    lines += [*_print_params("parameters"), "", f"{function}_test_2({function})"]
    return "\n".join(lines)


_EXERCISE = {
    "initialize_parameters": "Create and initialise the parameters of a 2-layer network: "
    "weights from `np.random.randn(...) * 0.01`, biases from `np.zeros(...)`.",
    "initialize_parameters_deep": "Initialise every layer of an L-layer network from `layer_dims`.",
    "linear_forward": "Compute the linear part of a layer, $Z = WA + b$.",
    "linear_activation_forward": "Combine `linear_forward` with `sigmoid` or `relu`.",
    "L_model_forward": "Stack L-1 LINEAR->RELU layers and one LINEAR->SIGMOID layer.",
    "compute_cost": "Compute the cross-entropy cost.",
    "linear_backward": "From $dZ$, compute $dW$, $db$ and $dA^{[l-1]}$.",
    "linear_activation_backward": "Combine the activation's backward step with `linear_backward`.",
    "L_model_backward": "Backpropagate through the whole network and store every gradient in "
    "`grads`.",
    "update_parameters": "Take one step of gradient descent.",
}


def build(version: Version, submission: Submission) -> nbformat.NotebookNode:
    """One notebook of the corpus."""
    sources = graded_sources(
        version.convention, submission.mistakes, submission.direct_backward, version.newest
    )
    cells: list[nbformat.NotebookNode] = [
        nbformat.v4.new_markdown_cell(
            "# Building your Deep Neural Network: Step by Step\n\n"
            "You will implement every function a deep network needs, one step at a time.\n\n"
            "## 1 - Packages"
        ),
        nbformat.v4.new_code_cell(import_cell(version, submission.extra_imports)),
    ]
    for number, function in enumerate(GRADED, start=1):
        cells.append(
            nbformat.v4.new_markdown_cell(
                f"### Exercise {number} - {function}\n\n{_EXERCISE[function]}"
            )
        )
        cells.append(nbformat.v4.new_code_cell(_header(version, function) + sources[function]))
        cells.append(nbformat.v4.new_code_cell(check_cell(version, function)))
    for index, cell in enumerate(cells):
        cell["id"] = f"{version.name}-{index:02d}"
    nb: nbformat.NotebookNode = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def record(version: Version, submission: Submission) -> dict[str, Any]:
    """The machine-readable truth about one notebook."""
    wrong = {m.function: m for m in submission.mistakes}
    functions: dict[str, Any] = {}
    for function in GRADED:
        mistake = wrong.get(function)
        functions[function] = (
            {"right": True}
            if mistake is None
            else {"right": False, "mistake": mistake.slug, "diagnosis": mistake.diagnosis}
        )
    return {
        "version": version.name,
        "helper_modules": [version.testcases, version.utils]
        + (["public_tests"] if version.newest else []),
        "dA_convention": version.convention,
        "direct_backward": submission.direct_backward,
        "notes": submission.notes,
        "functions": functions,
    }


def corpus() -> dict[str, str]:
    """Every file of the corpus, by path relative to ``notebooks/``."""
    files: dict[str, str] = {}
    for version in VERSIONS:
        for submission in SUBMISSIONS:
            if submission.only and version.name not in submission.only:
                continue
            stem = f"{version.name}/{submission.name}"
            files[stem + ".ipynb"] = nbformat.writes(build(version, submission)) + "\n"
            files[stem + ".json"] = json.dumps(record(version, submission), indent=2) + "\n"
    return files


def main() -> int:
    files = corpus()
    for stale in sorted(OUT.glob("*/*.*")):
        if stale.suffix in (".ipynb", ".json") and str(stale.relative_to(OUT)) not in files:
            stale.unlink()
    for relative, text in files.items():
        path = OUT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files under {OUT.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
