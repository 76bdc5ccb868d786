"""Small argument sets, per graded function, on which every catalogued mistake can be told apart.

The tests use them to check that each mutant really differs from the reference and that the
diagnosis names it and no other, independently of the grader's own case bundles. They mix the
published case with shapes chosen for what the mistakes need to show themselves: non-square
layers (so transposes show), square ones (so the shape-dependent mutants run at all), m = 1 and
m > 1, one to five layers, labels all 0, all 1 and mixed, and ReLU pre-activations exactly 0.

Every call returns freshly built arrays, so callers may mutate them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from reference import network as ref
from testcases import published

Args = tuple[Any, ...]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _network(rng: np.random.Generator, dims: list[int]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for l in range(1, len(dims)):
        params["W" + str(l)] = rng.standard_normal((dims[l], dims[l - 1]))
        params["b" + str(l)] = rng.standard_normal((dims[l], 1)) * 0.1
    return params


def _zero_example(X: Any, params: dict[str, Any], col: int) -> None:
    """Zero input and zero biases: every pre-activation of example ``col`` is exactly 0."""
    X[:, col] = 0.0
    for key in params:
        if key.startswith("b"):
            params[key][:] = 0.0


def _initialize_parameters() -> list[Args]:
    return [(3, 2, 1), (1, 1, 1), (4, 4, 4), (5, 3, 2), (2, 6, 1)]


def _initialize_parameters_deep() -> list[Args]:
    return [
        ([5, 4, 3],),
        ([3, 1],),
        ([2, 2],),
        ([4, 4, 4, 1],),
        ([6, 5, 4, 3, 2, 1],),
        ([3, 5, 1],),
    ]


def _linear_parts(seed: int, n_prev: int, n: int, m: int) -> Args:
    rng = _rng(seed)
    return (
        rng.standard_normal((n_prev, m)),
        rng.standard_normal((n, n_prev)),
        rng.standard_normal((n, 1)),
    )


# (n[l-1], n[l], m): square W, m equal to n, n = 1, m = 1, and a plain rectangular case.
_LINEAR_SHAPES = [(4, 4, 4), (1, 1, 1), (2, 3, 3), (5, 1, 3), (3, 2, 1), (2, 3, 5)]


def _linear_forward() -> list[Args]:
    cases = [published.linear_forward_test_case()]
    cases += [_linear_parts(10 + i, *shape) for i, shape in enumerate(_LINEAR_SHAPES)]
    return cases


def _linear_activation_forward() -> list[Args]:
    cases = [(*published.linear_activation_forward_test_case(), act) for act in ("sigmoid", "relu")]
    for i, (n_prev, n, m, act) in enumerate(
        [(4, 4, 4, "relu"), (2, 3, 5, "sigmoid"), (2, 3, 5, "relu"), (1, 1, 1, "relu")]
    ):
        A, W, b = _linear_parts(20 + i, n_prev, n, m)
        if i == 0:
            A[:, 0] = 0.0
            b[:] = 0.0
        cases.append((A, W, b, act))
    return cases


# (layer_dims, m): 1 to 5 layers; [4, 4, 4, 1] and [2, 3, 3, 1] have a square hidden layer.
_NETWORKS = [
    ([3, 1], 2),
    ([4, 4, 4, 1], 3),
    ([2, 3, 3, 1], 5),
    ([5, 4, 3, 2, 1], 1),
    ([3, 5, 1], 4),
    ([6, 5, 4, 3, 2, 1], 3),
]


def _L_model_forward() -> list[Args]:
    cases: list[Args] = [published.L_model_forward_test_case_2hidden()]
    for i, (dims, m) in enumerate(_NETWORKS):
        rng = _rng(30 + i)
        X = rng.standard_normal((dims[0], m))
        params = _network(rng, dims)
        if dims == [3, 5, 1]:
            _zero_example(X, params, 1)
        cases.append((X, params))
    return cases


def _compute_cost() -> list[Args]:
    Y, AL = published.compute_cost_test_case()
    cases: list[Args] = [(AL, Y)]
    for i, (m, kind) in enumerate(
        [(5, "mixed"), (1, "ones"), (4, "zeros"), (6, "mixed"), (1, "zeros")]
    ):
        rng = _rng(40 + i)
        AL = rng.uniform(0.05, 0.95, size=(1, m))
        if kind == "mixed":
            Y = (np.arange(m) % 2).reshape(1, m)
        else:
            Y = np.full((1, m), 1 if kind == "ones" else 0)
        cases.append((AL, Y.astype(np.float64) if i == 3 else Y))
    return cases


def _linear_backward() -> list[Args]:
    cases: list[Args] = [published.linear_backward_test_case()]
    for i, (n_prev, n, m) in enumerate(_LINEAR_SHAPES + [(3, 2, 3), (3, 3, 2)]):
        rng = _rng(50 + i)
        dZ = rng.standard_normal((n, m))
        A_prev, W, b = _linear_parts(60 + i, n_prev, n, m)
        cases.append((dZ, (A_prev, W, b)))
    return cases


def _linear_activation_backward() -> list[Args]:
    dA, cache = published.linear_activation_backward_test_case()
    cases: list[Args] = [(dA, cache, "sigmoid"), (dA, cache, "relu")]
    for i, (n_prev, n, m, act) in enumerate(
        [
            (3, 2, 4, "relu"),
            (3, 2, 4, "sigmoid"),
            (1, 1, 1, "relu"),
            (2, 5, 3, "sigmoid"),
            (4, 4, 4, "relu"),
        ]
    ):
        rng = _rng(70 + i)
        dA = rng.standard_normal((n, m))
        Z = rng.standard_normal((n, m))
        if act == "relu" and m > 1:
            Z[0, 0] = 0.0
        cases.append((dA, (_linear_parts(80 + i, n_prev, n, m), Z), act))
    return cases


def _L_model_backward() -> list[Args]:
    cases: list[Args] = [published.L_model_backward_test_case()]
    labels = ["mixed", "ones", "zeros", "mixed", "mixed", "ones"]
    forward_cases = _L_model_forward()[1:]  # the same networks, published case left out
    for (X, params), (_dims, m), kind in zip(forward_cases, _NETWORKS, labels):
        AL, caches = ref.L_model_forward(X, params)
        if kind == "mixed":
            Y = (np.arange(m) % 2).reshape(1, m)
        else:
            Y = np.full((1, m), 1 if kind == "ones" else 0)
        cases.append((AL, Y, caches))
    return cases


def _update_parameters() -> list[Args]:
    cases: list[Args] = [(*published.update_parameters_test_case(), 0.1)]
    # 1.0 and 1.2 are rates that some mistakes hard-code: there they agree with the reference.
    for i, (dims, rate) in enumerate(
        [
            ([3, 1], 0.5),
            ([4, 3, 2, 1], 0.01),
            ([2, 2], 1.0),
            ([5, 4, 1], 0.0),
            ([3, 3, 3, 3, 3, 1], 0.2),
            ([2, 3, 1], 1.2),
        ]
    ):
        rng = _rng(90 + i)
        params = _network(rng, dims)
        grads = {}
        for l in range(1, len(dims)):
            grads["dW" + str(l)] = rng.standard_normal(params["W" + str(l)].shape)
            grads["db" + str(l)] = rng.standard_normal(params["b" + str(l)].shape)
        cases.append((params, grads, rate))
    return cases


_SAMPLES: dict[str, Callable[[], list[Args]]] = {
    "initialize_parameters": _initialize_parameters,
    "initialize_parameters_deep": _initialize_parameters_deep,
    "linear_forward": _linear_forward,
    "linear_activation_forward": _linear_activation_forward,
    "L_model_forward": _L_model_forward,
    "compute_cost": _compute_cost,
    "linear_backward": _linear_backward,
    "linear_activation_backward": _linear_activation_backward,
    "L_model_backward": _L_model_backward,
    "update_parameters": _update_parameters,
}


def sample_args(function: str) -> list[Args]:
    """Fresh argument tuples for ``function``, the published case first."""
    return _SAMPLES[function]()
