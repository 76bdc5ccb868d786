"""Wrong versions of the backward module: ``linear_backward``, ``linear_activation_backward``,
``L_model_backward``.

Some of these only run for particular shapes (a transpose forgotten where the matrix happens
to be square). They are still worth cataloguing: the student's code fails on the other cases
with a shape error, and on the cases where it runs it gives exactly these numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference import network as ref
from reference.activations import relu_backward, sigmoid_backward
from reference.mutants._catalogue import Registry

_registry = Registry()
add = _registry.add

LINEAR = "linear_backward"
LAYER = "linear_activation_backward"
MODEL = "L_model_backward"

Array = Any
Triple = tuple[Any, Any, Any]


# --- linear_backward -----------------------------------------------------------------------------


@add(LINEAR, "dw-missing-1-over-m",
     "dW not divided by m",
     """Your dW is m times too large. The cost is an average over the m examples, so its gradient
     is an average too, and that is what keeps the step size independent of m. Compare your dW
     with equation (8).""")
def lb_dw_missing_1_over_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(LINEAR, "dw-a-prev-not-transposed",
     "dW uses A_prev instead of its transpose (runs only when m equals n[l-1])",
     """Your dW multiplies dZ by A_prev itself; that only runs because m happens to equal the
     previous layer's size here. Each entry of dW pairs a unit of this layer with a unit of the
     previous one, summed over the examples, which needs the examples on the inner dimension.
     Look at the transpose in equation (8).""")
def lb_dw_a_prev_not_transposed(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(LINEAR, "db-missing-keepdims",
     "db summed without keepdims=True (shape (n,) instead of (n, 1))",
     """Your db has the right numbers but shape (n,) instead of (n, 1), the shape of b. A flat
     vector broadcasts the wrong way when you later subtract it from b. Ask numpy's sum to keep
     the summed axis, so that the result stays a column like b.""")
def lb_db_missing_keepdims(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(LINEAR, "db-wrong-axis",
     "db summed over the units (axis 0) instead of the examples",
     """Your db has one entry per example instead of one per unit: dZ was summed over the wrong
     axis. b has one value per unit, so its gradient adds up each unit's row over all the
     examples, which lie along the columns. Check the axis you sum over.""")
def lb_db_wrong_axis(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=0, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(LINEAR, "db-summed-over-everything",
     "db summed over the whole of dZ (a single number)",
     """Your db is a single number: all of dZ was added up. b has one value per unit, so db needs
     one sum per row of dZ, in a column shaped like b. Tell numpy's sum which axis to add over
     and to keep it.""")
def lb_db_summed_over_everything(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(LINEAR, "db-missing-1-over-m",
     "db not divided by m",
     """Your db is m times too large. Like dW, it is the gradient of a cost averaged over m
     examples, so it is an average too. Compare your db with equation (9).""")
def lb_db_missing_1_over_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(LINEAR, "da-prev-w-not-transposed",
     "dA_prev uses W instead of its transpose (runs only when W is square)",
     """Your dA_prev multiplies by W itself; that only runs because W happens to be square here.
     The gradient flows backwards through the layer, from its units to its inputs, which is the
     transpose of the forward direction. Look at equation (10).""")
def lb_da_prev_w_not_transposed(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W, dZ)
    return dA_prev, dW, db


@add(LINEAR, "da-prev-divided-by-m",
     "dA_prev divided by m as well",
     """Your dA_prev is divided by m, but only the parameter gradients dW and db carry that factor.
     dA_prev stays per example: it is passed to the previous layer, whose own dW and db will
     average over the examples. Compare your dA_prev with equation (10).""")
def lb_da_prev_divided_by_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ) / m
    return dA_prev, dW, db


# --- linear_activation_backward ------------------------------------------------------------------


def _layer_backward(dA: Array, cache: Any, activation: str, relu_step: Any,
                    sigmoid_step: Any) -> Triple:
    """linear_activation_backward with the given activation-gradient helper for each branch."""
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_step(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_step(dA, activation_cache)
    else:
        raise ValueError(activation)
    return ref.linear_backward(dZ, linear_cache)


def _skip(dA: Array, activation_cache: Array) -> Array:
    return dA


@add(LAYER, "layer-backward-sigmoid-derivative-for-relu",
     "sigmoid_backward used in the \"relu\" branch",
     """Your ReLU branch uses the sigmoid's gradient helper. dZ is dA times the slope of this
     layer's own activation at Z, and the ReLU slope is 1 or 0, nothing like the sigmoid's.
     Check which backward helper the relu branch calls.""")
def lab_sigmoid_derivative_for_relu(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, sigmoid_backward, sigmoid_backward)


@add(LAYER, "layer-backward-relu-derivative-for-sigmoid",
     "relu_backward used in the \"sigmoid\" branch",
     """Your sigmoid branch uses the ReLU gradient helper. dZ is dA times the slope of this
     layer's own activation at Z, and the sigmoid's slope is never exactly 1. Check which
     backward helper the sigmoid branch calls.""")
def lab_relu_derivative_for_sigmoid(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, relu_backward, relu_backward)


@add(LAYER, "layer-backward-derivatives-swapped",
     "relu_backward and sigmoid_backward swapped",
     """Your two branches use each other's gradient helper. dZ is dA times the slope of this
     layer's own activation, so the relu branch needs the ReLU helper and the sigmoid branch the
     sigmoid one. Swap the two helper calls.""")
def lab_derivatives_swapped(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, sigmoid_backward, relu_backward)


@add(LAYER, "layer-backward-activation-skipped",
     "dA passed to linear_backward as if it were dZ",
     """Your gradients skip the activation step: dA went straight into the linear backward step.
     The linear step needs dZ, which is dA times the activation's slope at Z, equation (11).
     Call the matching backward helper with the activation cache first.""")
def lab_activation_skipped(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, _skip, _skip)


# --- L_model_backward ----------------------------------------------------------------------------


def _model_backward(dAL: Array, caches: list[Any], hidden: str, output: str) -> dict[str, Any]:
    """The reference backward pass from a given dAL, with the given activation names."""
    grads = {}
    L = len(caches)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        ref.linear_activation_backward(dAL, caches[L - 1], output)
    )
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            ref.linear_activation_backward(grads["dA" + str(l + 1)], caches[l], hidden)
        )
    return grads


def _dAL(AL: Array, Y: Array) -> Array:
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


@add(MODEL, "model-backward-dal-sign",
     "dAL with the wrong sign",
     """Every gradient you return has the wrong sign, and the flip starts at dAL. dAL is the
     derivative of the cost, which carries a minus sign, with respect to AL; with the sign
     flipped, gradient descent would climb the cost instead of descending it. Compare your dAL
     with the formula given in the instructions.""")
def lmb_dal_sign(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(-_dAL(AL, Y), caches, "relu", "sigmoid")


@add(MODEL, "model-backward-dal-is-al-minus-y",
     "dAL computed as AL - Y (that is dZ of the output layer)",
     """Your dAL is AL minus Y, which is the gradient with respect to Z of the output layer, not
     with respect to AL. The sigmoid backward step multiplies by the sigmoid's slope again, so
     that slope gets counted twice. Use the formula for dAL given in the instructions.""")
def lmb_dal_is_al_minus_y(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(AL - Y, caches, "relu", "sigmoid")


@add(MODEL, "model-backward-dal-divided-by-m",
     "dAL divided by m (1/m applied twice)",
     """Your gradients are m times too small: dAL was divided by m, and the linear backward step
     divides by m again. dAL is per example; the averaging over examples happens once, in dW and
     db. Compare your dAL with the formula in the instructions.""")
def lmb_dal_divided_by_m(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    m = AL.shape[1]
    return _model_backward(_dAL(AL, Y) / m, caches, "relu", "sigmoid")


@add(MODEL, "model-backward-sigmoid-for-relu-layers",
     "\"sigmoid\" passed for the hidden (ReLU) layers",
     """Your hidden layers are backpropagated as if they were sigmoid layers. Each layer must use
     the gradient of the activation it used going forward, and the hidden layers used ReLU. Check
     the activation name you pass inside the loop.""")
def lmb_sigmoid_for_relu_layers(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(_dAL(AL, Y), caches, "sigmoid", "sigmoid")


@add(MODEL, "model-backward-relu-for-output",
     "\"relu\" passed for the output (sigmoid) layer",
     """Your output layer is backpropagated as if it were a ReLU layer, but going forward it used
     sigmoid. Each layer must use the gradient of its own activation. Check the activation name
     you pass for layer L, before the loop.""")
def lmb_relu_for_output(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(_dAL(AL, Y), caches, "relu", "relu")


@add(MODEL, "model-backward-da-keys-shifted",
     "dA keys shifted by one (dA1..dAL instead of dA0..dA{L-1})",
     """Your gradients are right but each dA is stored under a layer number one too high. The key
     dA followed by l must hold the gradient with respect to A[l], and layer l's backward step
     returns the gradient for A[l-1], the input it received. So the keys run from dA0 up to the
     one numbered L-1, as the docstring says; check the number you build each dA key from.""")
def lmb_da_keys_shifted(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    grads = {}
    L = len(caches)
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = (
        ref.linear_activation_backward(_dAL(AL, Y), caches[L - 1], "sigmoid")
    )
    for l in reversed(range(L - 1)):
        grads["dA" + str(l + 1)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            ref.linear_activation_backward(grads["dA" + str(l + 2)], caches[l], "relu")
        )
    return grads


MISTAKES = _registry.mistakes()
