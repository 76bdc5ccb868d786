"""Every case the grader runs: the published ones and the hidden ones.

A case is a graded function plus the positional arguments to call it with. Expected outputs are
not written here: ``grader build-cases`` computes them with the reference and stores both in
``public.h5`` / ``hidden.h5``.

The public cases are the published ones plus one or two per function of other sizes (appended,
so the published ones keep their names); students see them all in the notebook's checks.
Every case fails the trivial stubs (return None, return the first argument, return zeros of
the right shape): no learning rate of 0, no single ReLU unit that is off.
Hidden cases use their own ``np.random.default_rng(seed)`` so they never disturb (or depend on)
the legacy global generator that the published cases and the initialisers rely on. They cover
what the published cases do not: 1 to 5 layers, a single example (m = 1), very wide and very
narrow layers, pre-activations exactly 0 at some ReLU units, labels all 0 or all 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from testcases import published

PUBLIC = "public"
HIDDEN = "hidden"


@dataclass(frozen=True)
class Case:
    """One call of one graded function.

    function -- the graded function's name; name -- unique within the function ("public-1");
    visibility -- "public" or "hidden"; args -- positional arguments; note -- what it exercises.
    """

    function: str
    name: str
    visibility: str
    args: tuple[Any, ...]
    note: str


# --- public cases: the published ones (the assignment's own calls), then a few of other sizes ---


def public_cases() -> list[Case]:
    lin = published.linear_activation_forward_test_case
    back = published.linear_activation_backward_test_case
    y, al = published.compute_cost_test_case()
    specs: list[tuple[str, tuple[Any, ...], str]] = [
        ("initialize_parameters", (3, 2, 1), "the published call (3, 2, 1)"),
        ("initialize_parameters_deep", ([5, 4, 3],), "the published call [5, 4, 3]"),
        ("linear_forward", published.linear_forward_test_case(), "the published case"),
        ("linear_activation_forward", (*lin(), "sigmoid"), "the published case, sigmoid"),
        ("linear_activation_forward", (*lin(), "relu"), "the published case, relu"),
        ("L_model_forward", published.L_model_forward_test_case_2hidden(), "two hidden layers"),
        ("compute_cost", (al, y), "the published case"),
        ("linear_backward", published.linear_backward_test_case(), "the published case"),
        ("linear_activation_backward", (*back(), "sigmoid"), "the published case, sigmoid"),
        ("linear_activation_backward", (*back(), "relu"), "the published case, relu"),
        ("L_model_backward", published.L_model_backward_test_case(), "the published case"),
        ("update_parameters", (*published.update_parameters_test_case(), 0.1), "rate 0.1"),
    ]
    return _number(specs + _more_public_specs(), PUBLIC)


def _more_public_specs() -> list[tuple[str, tuple[Any, ...], str]]:
    """Public cases beyond the published ones, appended so the published ones keep their names.

    The published cases cannot see some common slips: the cost case has only 1-labels (a cost
    without its (1 - Y) term passes), m = 3 there (a hard-coded m passes), dZ has a single row
    (db summed over the whole array passes), and every network has the same depth. These use
    other sizes, several units, labels of both classes and other depths, each from its own
    seeded generator (never numpy's global one, which the published cases rely on).
    """
    rng = _rng(901)
    A, W, b = rng.standard_normal((4, 5)), rng.standard_normal((2, 4)), rng.standard_normal((2, 1))
    specs: list[tuple[str, tuple[Any, ...], str]] = [
        ("initialize_parameters", (4, 5, 2), "sizes (4, 5, 2)"),
        ("initialize_parameters_deep", ([4, 5, 3, 2],), "layer_dims [4, 5, 3, 2] (3 layers)"),
        ("linear_forward", (A, W, b), "n[l-1]=4, n[l]=2, m=5"),
    ]
    for seed, activation in ((902, "sigmoid"), (903, "relu")):
        rng = _rng(seed)
        A, W, b = (
            rng.standard_normal((4, 5)),
            rng.standard_normal((3, 4)),
            rng.standard_normal((3, 1)),
        )
        note = f"{activation}, n[l-1]=4, n[l]=3, m=5"
        specs.append(("linear_activation_forward", (A, W, b, activation), note))
    rng = _rng(904)
    X = rng.standard_normal((4, 5))
    specs.append(
        ("L_model_forward", (X, _network(rng, [4, 5, 3, 2, 1])), "4 layers [4, 5, 3, 2, 1], m=5")
    )
    rng = _rng(905)
    AL = rng.uniform(0.05, 0.95, size=(1, 5))
    Y = np.array([[1, 0, 0, 1, 0]])
    specs.append(("compute_cost", (AL, Y), "m=5, labels of both classes"))
    rng = _rng(906)
    dZ, A_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    W, b = rng.standard_normal((3, 5)), rng.standard_normal((3, 1))
    specs.append(("linear_backward", (dZ, (A_prev, W, b)), "n[l-1]=5, n[l]=3, m=4"))
    for seed, activation in ((907, "sigmoid"), (908, "relu")):
        rng = _rng(seed)
        dA, A_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
        W, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 1))
        Z = rng.standard_normal((3, 5))
        note = f"{activation}, n[l-1]=4, n[l]=3, m=5"
        specs.append(("linear_activation_backward", (dA, ((A_prev, W, b), Z), activation), note))
    rng = _rng(909)
    X = rng.standard_normal((5, 4))
    AL, caches = _forward_caches(X, _network(rng, [5, 4, 3, 1]))
    Y = np.array([[1, 0, 0, 1]])
    note = "3 layers [5, 4, 3, 1], m=4, labels of both classes"
    specs.append(("L_model_backward", (AL, Y, caches), note))
    rng = _rng(910)
    params = _network(rng, [3, 4, 2, 1])
    grads = {}
    for l in range(1, 4):
        grads["dW" + str(l)] = rng.standard_normal(params["W" + str(l)].shape)
        grads["db" + str(l)] = rng.standard_normal(params["b" + str(l)].shape)
    specs.append(("update_parameters", (params, grads, 0.05), "3 layers, learning_rate 0.05"))
    return specs + _square_public_specs()


def _square_public_specs() -> list[tuple[str, tuple[Any, ...], str]]:
    """Public cases of square sizes, on which the shape-dependent slips run instead of raising
    (W for its transpose, A times W, a loop that stops one layer early, A_prev not
    transposed): only where a slip runs can its output name it, from the public cases alone,
    in the notebook's checks as in the grader."""
    rng = _rng(911)
    A, W, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 1))
    specs: list[tuple[str, tuple[Any, ...], str]] = [
        ("linear_forward", (A, W, b), "n[l-1]=n[l]=m=3: a square W")
    ]
    rng = _rng(912)
    X = rng.standard_normal((4, 4))
    specs.append(
        ("L_model_forward", (X, _network(rng, [4, 3, 3, 1])), "3 layers [4, 3, 3, 1], m=4")
    )
    for seed, (n_prev, n, m), note in (
        (913, (4, 4, 3), "n[l-1]=n[l]=4, m=3: a square W"),
        (914, (3, 2, 3), "n[l-1]=3, n[l]=2, m=3: m equals n[l-1]"),
    ):
        rng = _rng(seed)
        dZ, A_prev = rng.standard_normal((n, m)), rng.standard_normal((n_prev, m))
        W, b = rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
        specs.append(("linear_backward", (dZ, (A_prev, W, b)), note))
    return specs


def _number(specs: list[tuple[str, tuple[Any, ...], str]], visibility: str) -> list[Case]:
    counts: dict[str, int] = {}
    cases = []
    for function, args, note in specs:
        counts[function] = counts.get(function, 0) + 1
        cases.append(Case(function, f"{visibility}-{counts[function]}", visibility, args, note))
    return cases


# --- building blocks for hidden cases ---------------------------------------------------------


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _network(rng: np.random.Generator, dims: list[int], scale: float = 0.7) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for l in range(1, len(dims)):
        params["W" + str(l)] = rng.standard_normal((dims[l], dims[l - 1])) * scale
        params["b" + str(l)] = rng.standard_normal((dims[l], 1)) * 0.1
    return params


def _zero_column(X: np.ndarray, params: dict[str, Any], col: int) -> None:
    """Make every pre-activation of example ``col`` exactly 0 (the ReLU kink).

    Zero input and zero biases give Z = W.0 + 0 = 0 exactly in every layer for that example.
    """
    X[:, col] = 0.0
    for key in params:
        if key.startswith("b"):
            params[key][:] = 0.0


def _labels(rng: np.random.Generator, m: int, kind: str) -> np.ndarray:
    if kind == "zeros":
        return np.zeros((1, m), dtype=np.int64)
    if kind == "ones":
        return np.ones((1, m), dtype=np.int64)
    return rng.integers(0, 2, size=(1, m))


def _forward_caches(X: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, list[Any]]:
    """Caches exactly as a correct forward pass makes them (computed here, not by the reference,
    so that the case inputs do not depend on the code under test)."""
    caches = []
    A = X
    L = len(params) // 2
    for l in range(1, L + 1):
        W, b = params["W" + str(l)], params["b" + str(l)]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = 1.0 / (1.0 + np.exp(-Z)) if l == L else np.maximum(0, Z)
    return A, caches


# --- hidden case generators: each yields (args, note) ----------------------------------------

Spec = tuple[tuple[Any, ...], str]


def _hidden_initialize_parameters() -> Iterator[Spec]:
    for dims in [
        (1, 1, 1),
        (2, 4, 1),
        (5, 3, 2),
        (10, 1, 1),
        (1, 7, 3),
        (30, 20, 5),
        (4, 4, 4),
        (300, 2, 1),
        (3, 200, 1),
    ]:
        yield dims, f"sizes {dims}"


def _hidden_initialize_parameters_deep() -> Iterator[Spec]:
    for dims in [
        [2, 1],
        [1, 1],
        [3, 5, 1],
        [10, 4, 3, 1],
        [6, 6, 6, 6, 1],
        [20, 7, 5, 3, 2, 1],
        [400, 2, 1],
        [2, 200, 1],
        [4, 3],
    ]:
        yield (dims,), f"layer_dims {dims} ({len(dims) - 1} layers)"


def _hidden_linear_forward() -> Iterator[Spec]:
    shapes = [
        (1, 1, 1),
        (4, 3, 1),
        (2, 5, 7),
        (300, 2, 3),
        (3, 1, 10),
        (6, 6, 6),
        (8, 4, 2),
        (1, 9, 4),
    ]
    for seed, (n_prev, n, m) in enumerate(shapes, start=101):
        rng = _rng(seed)
        A = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = rng.standard_normal((n, 1))
        yield (A, W, b), f"n[l-1]={n_prev}, n[l]={n}, m={m}"


def _hidden_linear_activation_forward() -> Iterator[Spec]:
    shapes = [
        (3, 2, 4, "sigmoid"),
        (3, 2, 4, "relu"),
        (1, 1, 1, "relu"),
        (5, 1, 1, "sigmoid"),
        (200, 3, 2, "relu"),
        (2, 6, 5, "sigmoid"),
        (4, 4, 4, "relu"),
        (3, 5, 6, "relu"),
        (6, 2, 3, "sigmoid"),
    ]
    for seed, (n_prev, n, m, activation) in enumerate(shapes, start=201):
        rng = _rng(seed)
        A = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = rng.standard_normal((n, 1))
        note = f"{activation}, n[l-1]={n_prev}, n[l]={n}, m={m}"
        if seed == 208:  # ReLU kink: Z exactly 0 for the first example
            A[:, 0] = 0.0
            b[:] = 0.0
            note += ", Z exactly 0 for example 0"
        yield (A, W, b, activation), note


_NETWORKS = [
    ([3, 1], 4, "1 layer"),
    ([4, 5, 1], 3, "2 layers"),
    ([2, 3, 3, 1], 5, "3 layers"),
    ([5, 4, 3, 2, 1], 6, "4 layers"),
    ([6, 5, 4, 3, 2, 1], 3, "5 layers"),
    ([4, 3, 2, 1], 1, "3 layers, m = 1"),
    ([200, 3, 1], 2, "very wide input"),
    ([3, 1, 1, 1], 4, "very narrow layers"),
    ([5, 4, 3, 1], 4, "3 layers, Z exactly 0 for example 1"),
]


def _hidden_L_model_forward() -> Iterator[Spec]:
    for seed, (dims, m, note) in enumerate(_NETWORKS, start=301):
        rng = _rng(seed)
        X = rng.standard_normal((dims[0], m))
        params = _network(rng, dims)
        if "Z exactly 0" in note:
            _zero_column(X, params, 1)
        yield (X, params), f"layer_dims {dims}, m={m}: {note}"


def _hidden_compute_cost() -> Iterator[Spec]:
    settings = [
        (5, "mixed"),
        (1, "ones"),
        (1, "zeros"),
        (8, "ones"),
        (8, "zeros"),
        (50, "mixed"),
        (2, "mixed"),
        (12, "mixed"),
    ]
    for seed, (m, kind) in enumerate(settings, start=401):
        rng = _rng(seed)
        AL = rng.uniform(0.02, 0.98, size=(1, m))
        Y = _labels(rng, m, kind)
        if seed == 408:
            Y = Y.astype(np.float64)  # float labels work the same
        yield (AL, Y), f"m={m}, labels {kind}"


def _hidden_linear_backward() -> Iterator[Spec]:
    shapes = [
        (1, 1, 1),
        (3, 2, 1),
        (4, 3, 5),
        (6, 6, 6),
        (250, 2, 3),
        (2, 1, 7),
        (1, 5, 2),
        (5, 3, 4),
    ]
    for seed, (n_prev, n, m) in enumerate(shapes, start=501):
        rng = _rng(seed)
        dZ = rng.standard_normal((n, m))
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = rng.standard_normal((n, 1))
        yield (dZ, (A_prev, W, b)), f"n[l-1]={n_prev}, n[l]={n}, m={m}"


def _hidden_linear_activation_backward() -> Iterator[Spec]:
    shapes = [
        (3, 2, 4, "relu"),
        (3, 2, 4, "sigmoid"),
        (1, 1, 1, "relu"),
        (4, 1, 1, "sigmoid"),
        (5, 3, 6, "relu"),
        (150, 2, 3, "relu"),
        (2, 5, 2, "sigmoid"),
        (4, 4, 4, "relu"),
        (3, 3, 5, "sigmoid"),
    ]
    for seed, (n_prev, n, m, activation) in enumerate(shapes, start=601):
        rng = _rng(seed)
        dA = rng.standard_normal((n, m))
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = rng.standard_normal((n, 1))
        Z = rng.standard_normal((n, m))
        note = f"{activation}, n[l-1]={n_prev}, n[l]={n}, m={m}"
        if activation == "relu" and m > 1:
            Z[0, 0] = 0.0  # exactly at the kink: relu_backward must give 0 there
            note += ", Z exactly 0 at [0, 0]"
        if activation == "relu" and m == 1:  # one unit: keep it active, else every output is 0
            Z = np.abs(Z) + 0.5
        yield (dA, ((A_prev, W, b), Z), activation), note


def _hidden_L_model_backward() -> Iterator[Spec]:
    labels = ["mixed", "ones", "zeros", "mixed", "mixed", "ones", "mixed", "zeros", "mixed"]
    for seed, ((dims, m, note), kind) in enumerate(zip(_NETWORKS, labels), start=701):
        rng = _rng(seed)
        X = rng.standard_normal((dims[0], m))
        params = _network(rng, dims)
        if "Z exactly 0" in note:
            _zero_column(X, params, 1)
        AL, caches = _forward_caches(X, params)
        Y = _labels(rng, m, kind)
        yield (AL, Y, caches), f"layer_dims {dims}, m={m}, labels {kind}: {note}"


def _hidden_update_parameters() -> Iterator[Spec]:
    settings = [
        ([3, 1], 0.1),
        ([4, 5, 1], 0.01),
        ([2, 3, 3, 1], 1.5),
        ([5, 4, 3, 2, 1], 0.005),
        ([6, 5, 4, 3, 2, 1], 0.05),
        ([200, 3, 1], 0.3),
        ([1, 1], 2.0),
        ([3, 4, 2, 1], 0.75),
    ]
    for seed, (dims, rate) in enumerate(settings, start=801):
        rng = _rng(seed)
        params = _network(rng, dims)
        grads = {}
        for l in range(1, len(dims)):
            grads["dW" + str(l)] = rng.standard_normal(params["W" + str(l)].shape)
            grads["db" + str(l)] = rng.standard_normal(params["b" + str(l)].shape)
        yield (params, grads, rate), f"layer_dims {dims}, learning_rate {rate}"


_HIDDEN: dict[str, Callable[[], Iterator[Spec]]] = {
    "initialize_parameters": _hidden_initialize_parameters,
    "initialize_parameters_deep": _hidden_initialize_parameters_deep,
    "linear_forward": _hidden_linear_forward,
    "linear_activation_forward": _hidden_linear_activation_forward,
    "L_model_forward": _hidden_L_model_forward,
    "compute_cost": _hidden_compute_cost,
    "linear_backward": _hidden_linear_backward,
    "linear_activation_backward": _hidden_linear_activation_backward,
    "L_model_backward": _hidden_L_model_backward,
    "update_parameters": _hidden_update_parameters,
}


def hidden_cases() -> list[Case]:
    specs = [(fn, args, note) for fn, make in _HIDDEN.items() for args, note in make()]
    return _number(specs, HIDDEN)


def all_cases() -> list[Case]:
    return public_cases() + hidden_cases()
