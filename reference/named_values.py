"""The correct computation of one case as named values, the way a mentor would name them.

``grader build-cases`` stores, with every case, the values the reference computes on it: the
inputs and their parts (``W3``, ``caches[1]``, the linear_cache of layer 2), the intermediates
(``Z``, ``dZ`` of layer 2, ``dAL``) and every helper call the computation makes, graded or
provided, with its arguments and result named. The grader matches a failing student's traced
values against them (``grader.grading.valueflow``) without running any reference code.

:func:`named_values` returns plain data::

    {"values": [{"name": display name, "role": what it is, "layer": l or 0, "v": value}, ...],
     "calls": [{"helper": name, "args": [value name, ...], "result": value name,
                "layer": l or 0}, ...],
     "vars": {student variable name: value name}}

``role`` is the kind of value without its layer ("cache", "dA", "W"): explanations that agree
on roles agree across cases of different depths. ``calls`` are in the order the reference
makes them, nested calls included (``linear_backward`` inside ``linear_activation_backward``).
``vars`` maps the names the assignment's own code uses for a function's single-assignment
variables (``dZ``, ``db``, ``cost``) to their values, so a student's ``db`` can be checked.

Everything is computed by the reference functions themselves, on copies of the arguments.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from reference import activations, network


class _Named:
    def __init__(self) -> None:
        self.values: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.vars: dict[str, str] = {}
        self._names: set[str] = set()

    def value(self, name: str, role: str, value: Any, layer: int = 0) -> str:
        if name not in self._names:
            self._names.add(name)
            self.values.append(
                {"name": name, "role": role, "layer": layer, "v": copy.deepcopy(value)}
            )
        return name

    def call(self, helper: str, args: list[str], result: str, layer: int = 0) -> None:
        self.calls.append({"helper": helper, "args": args, "result": result, "layer": layer})

    def data(self) -> dict[str, Any]:
        return {"values": self.values, "calls": self.calls, "vars": dict(self.vars)}


def _activation_names(n: _Named, activation: str) -> str:
    return n.value(f'"{activation}"', "activation", activation)


def _initialize_parameters(n: _Named, n_x: int, n_h: int, n_y: int) -> None:
    params = network.initialize_parameters(n_x, n_h, n_y)
    np.random.seed(1)
    raw1 = np.random.randn(n_h, n_x)
    raw2 = np.random.randn(n_y, n_h)
    n.value("W1 before scaling", "randn", raw1, 1)
    n.value("W2 before scaling", "randn", raw2, 2)
    for key, value in params.items():
        n.vars[key] = n.value(key, key.rstrip("0123456789"), value, int(key[1:]))


def _initialize_parameters_deep(n: _Named, layer_dims: list[int]) -> None:
    params = network.initialize_parameters_deep(list(layer_dims))
    n.value("L, the number of entries of layer_dims", "len", len(layer_dims))
    for key, value in params.items():
        n.vars[f"parameters[{key!r}]"] = n.value(key, key.rstrip("0123456789"), value, int(key[1:]))
    n.value("parameters", "parameters", params)


def _linear_forward(n: _Named, A: Any, W: Any, b: Any) -> None:
    n.value("A", "A", A)
    n.value("W", "W", W)
    n.value("b", "b", b)
    Z, cache = network.linear_forward(A, W, b)
    n.vars["Z"] = n.value("Z", "Z", Z)
    n.vars["cache"] = n.value("the linear cache (A, W, b)", "linear_cache", cache)


def _linear_activation_forward(n: _Named, A_prev: Any, W: Any, b: Any, activation: str) -> None:
    n.value("A_prev", "A_prev", A_prev)
    n.value("W", "W", W)
    n.value("b", "b", b)
    _activation_names(n, activation)
    A, cache = network.linear_activation_forward(A_prev, W, b, activation)
    linear_cache, Z = cache
    n.vars["Z"] = n.value("Z", "Z", Z)
    n.vars["linear_cache"] = n.value(
        "the linear_cache (A_prev, W, b)", "linear_cache", linear_cache
    )
    n.value("(Z, linear_cache)", "linear_forward result", (Z, linear_cache))
    n.call("linear_forward", ["A_prev", "W", "b"], "(Z, linear_cache)")
    n.vars["A"] = n.value("A", "A", A)
    n.value("(A, activation_cache)", "activation result", (A, Z))
    n.call(activation, ["Z"], "(A, activation_cache)")
    n.vars["cache"] = n.value("the layer cache (linear_cache, activation_cache)", "cache", cache)


def _forward_layers(n: _Named, X: Any, parameters: dict[str, Any]) -> None:
    L = len(parameters) // 2
    n.value("X", "X", X)
    n.value("parameters", "parameters", parameters)
    n.vars["L"] = n.value("L, the number of layers", "L", L)
    relu, sigmoid = _activation_names(n, "relu"), _activation_names(n, "sigmoid")
    A = X
    for l in range(1, L + 1):
        a_prev = "X" if l == 1 else f"A{l - 1}"
        W, b = (
            n.value(f"W{l}", "W", parameters[f"W{l}"], l),
            n.value(f"b{l}", "b", parameters[f"b{l}"], l),
        )
        activation = "sigmoid" if l == L else "relu"
        out, cache = network.linear_activation_forward(A, parameters[f"W{l}"],
                                                       parameters[f"b{l}"], activation)  # fmt: skip
        linear_cache, Z = cache
        n.value(f"Z{l}", "Z", Z, l)
        n.value(f"the linear_cache of layer {l}", "linear_cache", linear_cache, l)
        n.value(
            f"(Z{l}, the linear_cache of layer {l})", "linear_forward result", (Z, linear_cache), l
        )
        n.call("linear_forward", [a_prev, W, b], f"(Z{l}, the linear_cache of layer {l})", l)
        a_name = "AL" if l == L else f"A{l}"
        n.value(a_name, "A", out, l)
        n.value(f"({a_name}, Z{l})", "activation result", (out, Z), l)
        n.call(activation, [f"Z{l}"], f"({a_name}, Z{l})", l)
        n.value(f"the cache of layer {l} (caches[{l - 1}])", "cache", cache, l)
        n.value(f"({a_name}, the cache of layer {l})", "layer result", (out, cache), l)
        n.call(
            "linear_activation_forward",
            [a_prev, W, b, sigmoid if l == L else relu],
            f"({a_name}, the cache of layer {l})",
            l,
        )
        A = out
    n.vars["AL"] = "AL"


def _compute_cost(n: _Named, AL: Any, Y: Any) -> None:
    n.value("AL", "AL", AL)
    n.value("Y", "Y", Y)
    m = Y.shape[1]
    n.vars["m"] = n.value("m, the number of examples", "m", m)
    n.value("np.log(AL)", "logAL", np.log(AL))
    n.value("np.log(1 - AL)", "log1mAL", np.log(1 - AL))
    with np.errstate(all="ignore"):
        n.value("the Y term of the cost", "Yterm", np.squeeze(-np.dot(Y, np.log(AL).T) / m))
        n.value("the (1 - Y) term of the cost", "1mYterm",
                np.squeeze(-np.dot(1 - Y, np.log(1 - AL).T) / m))  # fmt: skip
    cost = network.compute_cost(AL, Y)
    n.value("the cost as a (1, 1) array", "cost2d", np.reshape(cost, (1, 1)))
    n.vars["cost"] = n.value("cost", "cost", cost)


def _linear_backward(n: _Named, dZ: Any, cache: Any) -> None:
    A_prev, W, b = cache
    n.value("dZ", "dZ", dZ)
    n.value("the linear_cache (A_prev, W, b)", "linear_cache", cache)
    n.value("A_prev", "A_prev", A_prev)
    n.value("W", "W", W)
    n.value("b", "b", b)
    n.vars["m"] = n.value("m, the number of examples", "m", A_prev.shape[1])
    dA_prev, dW, db = network.linear_backward(dZ, cache)
    n.vars["dW"] = n.value("dW", "dW", dW)
    n.vars["db"] = n.value("db", "db", db)
    n.vars["dA_prev"] = n.value("dA_prev", "dA_prev", dA_prev)


def _linear_activation_backward(n: _Named, dA: Any, cache: Any, activation: str) -> None:
    linear_cache, Z = cache
    n.value("dA", "dA", dA)
    n.value("the whole layer cache (linear_cache, activation_cache)", "cache", cache)
    n.vars["linear_cache"] = n.value("the linear_cache", "linear_cache", linear_cache)
    n.vars["activation_cache"] = n.value("the activation_cache (Z)", "activation_cache", Z)
    _activation_names(n, activation)
    backward = activations.relu_backward if activation == "relu" else activations.sigmoid_backward
    dZ = backward(dA, Z)
    n.vars["dZ"] = n.value("dZ", "dZ", dZ)
    n.call(f"{activation}_backward", ["dA", "the activation_cache (Z)"], "dZ")
    result = network.linear_activation_backward(dA, cache, activation)
    n.vars["dA_prev"] = n.value("dA_prev", "dA_prev", result[0])
    n.vars["dW"] = n.value("dW", "dW", result[1])
    n.vars["db"] = n.value("db", "db", result[2])
    n.value("(dA_prev, dW, db)", "linear_backward result", result)
    n.call("linear_backward", ["dZ", "the linear_cache"], "(dA_prev, dW, db)")


def _L_model_backward(n: _Named, AL: Any, Y: Any, caches: list[Any]) -> None:
    L = len(caches)
    n.value("AL", "AL", AL)
    n.value("Y", "Y", Y)
    n.value("caches", "caches", caches)
    n.vars["L"] = n.value("L, the number of layers", "L", L)
    relu, sigmoid = _activation_names(n, "relu"), _activation_names(n, "sigmoid")
    grads = network.L_model_backward(AL, Y, caches)
    Y = Y.reshape(AL.shape)
    with np.errstate(all="ignore"):
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    n.vars["dAL"] = n.value("dAL", "dAL", dAL)
    with np.errstate(all="ignore"):
        n.value("the term Y / AL of dAL", "dAL term", np.divide(Y, AL))
        n.value("the term (1 - Y) / (1 - AL) of dAL", "dAL term", np.divide(1 - Y, 1 - AL))
    for l in range(1, L + 1):
        linear_cache, Z = caches[l - 1]
        n.value(f"the cache of layer {l} (caches[{l - 1}])", "cache", caches[l - 1], l)
        n.value(f"the linear_cache of layer {l}", "linear_cache", linear_cache, l)
        n.value(f"the activation_cache of layer {l} (Z{l})", "activation_cache", Z, l)
    for l in range(L, 0, -1):
        dA_name = "dAL" if l == L else f"dA{l}"
        if l < L:
            n.value(dA_name, "dA", grads[f"dA{l}"], l)
        activation = "sigmoid" if l == L else "relu"
        backward = activations.sigmoid_backward if l == L else activations.relu_backward
        dZ = backward(dAL if l == L else grads[f"dA{l}"], caches[l - 1][1])
        n.value(f"dZ of layer {l}", "dZ", dZ, l)
        n.value(f"dW{l}", "dW", grads[f"dW{l}"], l)
        n.value(f"db{l}", "db", grads[f"db{l}"], l)
        below = f"dA{l - 1}"
        n.value(below, "dA", grads[below], l - 1)
        result = (grads[below], grads[f"dW{l}"], grads[f"db{l}"])
        res_name = f"({below}, dW{l}, db{l})"
        n.value(res_name, "layer gradients", result, l)
        cache_name = f"the cache of layer {l} (caches[{l - 1}])"
        z_name = f"the activation_cache of layer {l} (Z{l})"
        n.call(f"{activation}_backward", [dA_name, z_name], f"dZ of layer {l}", l)
        n.call("linear_backward", [f"dZ of layer {l}", f"the linear_cache of layer {l}"],
               res_name, l)  # fmt: skip
        n.call("linear_activation_backward", [dA_name, cache_name, sigmoid if l == L else relu],
               res_name, l)  # fmt: skip
        for key in (below, f"dW{l}", f"db{l}"):
            n.vars[f"grads[{key!r}]"] = key
    n.value("grads", "grads", grads)


def _update_parameters(n: _Named, parameters: dict[str, Any], grads: dict[str, Any],
                       learning_rate: float) -> None:  # fmt: skip
    L = len(parameters) // 2
    n.value("learning_rate", "learning_rate", learning_rate)
    n.vars["L"] = n.value("L, the number of layers", "L", L)
    new = network.update_parameters(parameters, grads, learning_rate)
    for l in range(1, L + 1):
        for p in ("W", "b"):
            n.value(f"{p}{l} before the update", p, parameters[f"{p}{l}"], l)
            n.value(f"d{p}{l}", f"d{p}", grads[f"d{p}{l}"], l)
            n.value(f"learning_rate * d{p}{l}", f"step{p}", learning_rate * grads[f"d{p}{l}"], l)
            updated = n.value(f"the updated {p}{l}", p, new[f"{p}{l}"], l)
            n.vars[f"parameters['{p}{l}']"] = updated


_BUILDERS: dict[str, Callable[..., None]] = {
    "initialize_parameters": _initialize_parameters,
    "initialize_parameters_deep": _initialize_parameters_deep,
    "linear_forward": _linear_forward,
    "linear_activation_forward": _linear_activation_forward,
    "L_model_forward": _forward_layers,
    "compute_cost": _compute_cost,
    "linear_backward": _linear_backward,
    "linear_activation_backward": _linear_activation_backward,
    "L_model_backward": _L_model_backward,
    "update_parameters": _update_parameters,
}


def named_values(function: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """The named values of the reference's computation of ``function(*args)`` (see above)."""
    named = _Named()
    state = np.random.get_state()
    try:
        _BUILDERS[function](named, *copy.deepcopy(args))
    finally:
        np.random.set_state(state)
    return named.data()
