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


@add(
    LINEAR,
    "dw-missing-1-over-m",
    "dW not divided by m",
    """Your dW is m times too large. The cost is an average over the m examples, so its gradient
     is an average too, and that is what keeps the step size independent of m. Compare your dW
     with equation (8).""",
)
def lb_dw_missing_1_over_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "dw-a-prev-not-transposed",
    "dW uses A_prev instead of its transpose (runs only when m equals n[l-1])",
    """Your dW multiplies dZ by A_prev itself; that only runs because m happens to equal the
     previous layer's size here. Each entry of dW pairs a unit of this layer with a unit of the
     previous one, summed over the examples, which needs the examples on the inner dimension.
     Look at the transpose in equation (8).""",
)
def lb_dw_a_prev_not_transposed(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "db-missing-keepdims",
    "db summed without keepdims=True (shape (n,) instead of (n, 1))",
    """Your db has the right numbers but shape (n,) instead of (n, 1), the shape of b. A flat
     vector broadcasts the wrong way when you later subtract it from b. Ask numpy's sum to keep
     the summed axis, so that the result stays a column like b.""",
)
def lb_db_missing_keepdims(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "db-wrong-axis",
    "db summed over the units (axis 0) instead of the examples",
    """Your db has one entry per example instead of one per unit: dZ was summed over the wrong
     axis. b has one value per unit, so its gradient adds up each unit's row over all the
     examples, which lie along the columns. Check the axis you sum over.""",
)
def lb_db_wrong_axis(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=0, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "db-summed-over-everything",
    "db summed over the whole of dZ (a single number)",
    """Your db is a single number: all of dZ was added up. b has one value per unit, so db needs
     one sum per row of dZ, in a column shaped like b. Tell numpy's sum which axis to add over
     and to keep it.""",
)
def lb_db_summed_over_everything(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "db-missing-1-over-m",
    "db not divided by m",
    """Your db is m times too large. Like dW, it is the gradient of a cost averaged over m
     examples, so it is an average too. Compare your db with equation (9).""",
)
def lb_db_missing_1_over_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "da-prev-w-not-transposed",
    "dA_prev uses W instead of its transpose (runs only when W is square)",
    """Your dA_prev multiplies by W itself; that only runs because W happens to be square here.
     The gradient flows backwards through the layer, from its units to its inputs, which is the
     transpose of the forward direction. Look at equation (10).""",
)
def lb_da_prev_w_not_transposed(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "da-prev-divided-by-m",
    "dA_prev divided by m as well",
    """Your dA_prev is divided by m, but only the parameter gradients dW and db carry that factor.
     dA_prev stays per example: it is passed to the previous layer, whose own dW and db will
     average over the examples. Compare your dA_prev with equation (10).""",
)
def lb_da_prev_divided_by_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ) / m
    return dA_prev, dW, db


@add(
    LINEAR,
    "dw-db-m-hard-coded",
    "m written as 3 instead of the number of examples (dW and db)",
    """Your dW and db are averaged over 3 examples whatever the batch size is. The number of
     examples changes from call to call, so it has to be read from the data. Use the m that the
     template computes from the shape of A_prev.""",
)
def lb_m_hard_coded(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    dW = np.dot(dZ, A_prev.T) / 3
    db = np.sum(dZ, axis=1, keepdims=True) / 3
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "dw-db-missing-1-over-m",
    "Neither dW nor db divided by m",
    """Your dW and db are both m times too large: neither is averaged over the examples. The cost
     is an average over m examples, so the gradients of the parameters are averages too, while
     dA_prev stays per example. Compare your dW and db with equations (8) and (9).""",
)
def lb_no_1_over_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "db-mean-and-1-over-m",
    "db as a mean over the examples, then divided by m again",
    """Your db is m times too small: it was averaged twice. A mean already divides by the number
     of examples, so dividing by m afterwards counts it again. Use either a sum divided by m, as
     in equation (9), or a mean on its own.""",
)
def lb_db_mean_and_1_over_m(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.mean(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "dw-transposed",
    "dW computed as A_prev times dZ transposed (shape of W transposed)",
    """Your dW has the shape of W turned on its side: the two factors of the product are swapped
     (and both transposed). dW must have exactly the shape of W, one row per unit of this layer,
     so that W can be updated with it. Compare the order of your factors with equation (8).""",
)
def lb_dw_transposed(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(A_prev, dZ.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@add(
    LINEAR,
    "da-prev-transposed",
    "dA_prev computed as dZ transposed times W (shape (m, n[l-1]))",
    """Your dA_prev has one row per example instead of one row per unit of the previous layer:
     it is the transpose of what is expected. It must have the shape of A_prev, since it is the
     gradient with respect to A_prev. Compare the order of your factors with equation (10).""",
)
def lb_da_prev_transposed(dZ: Array, cache: Triple) -> Triple:
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(dZ.T, W)
    return dA_prev, dW, db


@add(
    LINEAR,
    "linear-backward-returns-wrong-order",
    "Returns (dW, db, dA_prev) instead of (dA_prev, dW, db)",
    """Your three gradients are right but they come back in the order you computed them, not in
     the order the function promises. The callers unpack the result by position, the gradient
     of A_prev first. Check the order of the return values against the docstring.""",
)
def lb_returns_dw_db_da_prev(dZ: Array, cache: Triple) -> Triple:
    dA_prev, dW, db = ref.linear_backward(dZ, cache)
    return dW, db, dA_prev


# --- linear_activation_backward ------------------------------------------------------------------


def _layer_backward(
    dA: Array, cache: Any, activation: str, relu_step: Any, sigmoid_step: Any
) -> Triple:
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


@add(
    LAYER,
    "layer-backward-sigmoid-derivative-for-relu",
    'sigmoid_backward used in the "relu" branch',
    """Your ReLU branch uses the sigmoid's gradient helper. dZ is dA times the slope of this
     layer's own activation at Z, and the ReLU slope is 1 or 0, nothing like the sigmoid's.
     Check which backward helper the relu branch calls.""",
)
def lab_sigmoid_derivative_for_relu(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, sigmoid_backward, sigmoid_backward)


@add(
    LAYER,
    "layer-backward-relu-derivative-for-sigmoid",
    'relu_backward used in the "sigmoid" branch',
    """Your sigmoid branch uses the ReLU gradient helper. dZ is dA times the slope of this
     layer's own activation at Z, and the sigmoid's slope is never exactly 1. Check which
     backward helper the sigmoid branch calls.""",
)
def lab_relu_derivative_for_sigmoid(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, relu_backward, relu_backward)


@add(
    LAYER,
    "layer-backward-derivatives-swapped",
    "relu_backward and sigmoid_backward swapped",
    """Your two branches use each other's gradient helper. dZ is dA times the slope of this
     layer's own activation, so the relu branch needs the ReLU helper and the sigmoid branch the
     sigmoid one. Swap the two helper calls.""",
)
def lab_derivatives_swapped(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, sigmoid_backward, relu_backward)


@add(
    LAYER,
    "layer-backward-activation-skipped",
    "dA passed to linear_backward as if it were dZ",
    """Your gradients skip the activation step: dA went straight into the linear backward step.
     The linear step needs dZ, which is dA times the activation's slope at Z, equation (11).
     Call the matching backward helper with the activation cache first.""",
)
def lab_activation_skipped(dA: Array, cache: Any, activation: str) -> Triple:
    return _layer_backward(dA, cache, activation, _skip, _skip)


@add(
    LAYER,
    "layer-backward-da-multiplied-again",
    "dZ multiplied by dA a second time (the helper already includes dA)",
    """Your dZ is dA times what the backward helper returned, but the helper's result already is
     dA times the activation's slope, so dA counts twice. Equation (11) is what the helper
     computes for you. Use its result as dZ directly.""",
)
def lab_da_multiplied_again(dA: Array, cache: Any, activation: str) -> Triple:
    def relu_step(dA: Array, Z: Array) -> Array:
        return dA * relu_backward(dA, Z)

    def sigmoid_step(dA: Array, Z: Array) -> Array:
        return dA * sigmoid_backward(dA, Z)

    return _layer_backward(dA, cache, activation, relu_step, sigmoid_step)


@add(
    LAYER,
    "layer-backward-sigmoid-slope-at-z",
    "Sigmoid's slope written by hand as Z (1 - Z), forgetting to apply sigmoid to Z first",
    """Your sigmoid branch computes the slope as Z times one minus Z, but the slope formula uses
     the sigmoid's output: s times one minus s, where s is the sigmoid of Z. The activation cache
     holds Z, the input of the sigmoid, not its output; apply the sigmoid to Z first, or call the
     provided backward helper.""",
)
def lab_sigmoid_slope_at_z(dA: Array, cache: Any, activation: str) -> Triple:
    def sigmoid_step(dA: Array, Z: Array) -> Array:
        return dA * Z * (1 - Z)

    return _layer_backward(dA, cache, activation, relu_backward, sigmoid_step)


@add(
    LAYER,
    "layer-backward-relu-slope-1-at-0",
    "ReLU slope written by hand as 1 where Z is 0 (Z >= 0 instead of Z > 0)",
    """Your ReLU gradient lets dA through where Z is exactly 0, which is where the expected
     result blocks it. The assignment takes ReLU's slope at 0 to be 0, as the provided backward
     helper does; a strict inequality is what gives that. Check the comparison in your mask, or
     call the helper.""",
)
def lab_relu_slope_1_at_0(dA: Array, cache: Any, activation: str) -> Triple:
    def relu_step(dA: Array, Z: Array) -> Array:
        return dA * (Z >= 0)

    return _layer_backward(dA, cache, activation, relu_step, sigmoid_backward)


@add(
    LAYER,
    "layer-backward-unpacked-in-wrong-order",
    "linear_backward's result unpacked as dW, db, dA_prev",
    """Your three gradients are right but each is returned in another one's place: the result of
     the linear backward step was unpacked into the names in the wrong order. That step returns
     the gradient of A_prev first, then dW, then db. Check the order of the names you unpack
     into.""",
)
def lab_unpacked_in_wrong_order(dA: Array, cache: Any, activation: str) -> Triple:
    dW, db, dA_prev = ref.linear_activation_backward(dA, cache, activation)
    return dA_prev, dW, db


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


@add(
    MODEL,
    "model-backward-dal-sign",
    "dAL with the wrong sign",
    """Every gradient you return has the wrong sign, and the flip starts at dAL. dAL is the
     derivative of the cost, which carries a minus sign, with respect to AL; with the sign
     flipped, gradient descent would climb the cost instead of descending it. Compare your dAL
     with the formula given in the instructions.""",
)
def lmb_dal_sign(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(-_dAL(AL, Y), caches, "relu", "sigmoid")


@add(
    MODEL,
    "model-backward-dal-is-al-minus-y",
    "dAL computed as AL - Y (that is dZ of the output layer)",
    """Your dAL is AL minus Y, which is the gradient with respect to Z of the output layer, not
     with respect to AL. The sigmoid backward step multiplies by the sigmoid's slope again, so
     that slope gets counted twice. Use the formula for dAL given in the instructions.""",
)
def lmb_dal_is_al_minus_y(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(AL - Y, caches, "relu", "sigmoid")


@add(
    MODEL,
    "model-backward-dal-divided-by-m",
    "dAL divided by m (1/m applied twice)",
    """Your gradients are m times too small: dAL was divided by m, and the linear backward step
     divides by m again. dAL is per example; the averaging over examples happens once, in dW and
     db. Compare your dAL with the formula in the instructions.""",
)
def lmb_dal_divided_by_m(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    m = AL.shape[1]
    return _model_backward(_dAL(AL, Y) / m, caches, "relu", "sigmoid")


@add(
    MODEL,
    "model-backward-sigmoid-for-relu-layers",
    '"sigmoid" passed for the hidden (ReLU) layers',
    """Your hidden layers are backpropagated as if they were sigmoid layers. Each layer must use
     the gradient of the activation it used going forward, and the hidden layers used ReLU. Check
     the activation name you pass inside the loop.""",
)
def lmb_sigmoid_for_relu_layers(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(_dAL(AL, Y), caches, "sigmoid", "sigmoid")


@add(
    MODEL,
    "model-backward-relu-for-output",
    '"relu" passed for the output (sigmoid) layer',
    """Your output layer is backpropagated as if it were a ReLU layer, but going forward it used
     sigmoid. Each layer must use the gradient of its own activation. Check the activation name
     you pass for layer L, before the loop.""",
)
def lmb_relu_for_output(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(_dAL(AL, Y), caches, "relu", "relu")


@add(
    MODEL,
    "model-backward-da-keys-shifted",
    "dA keys shifted by one (dA1..dAL instead of dA0..dA{L-1})",
    """Your gradients are right but each dA is stored under a layer number one too high. The key
     dA followed by l must hold the gradient with respect to A[l], and layer l's backward step
     returns the gradient for A[l-1], the input it received. So the keys run from dA0 up to the
     one numbered L-1, as the docstring says; check the number you build each dA key from.""",
)
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


@add(
    MODEL,
    "model-backward-dal-second-term-sign",
    "dAL with the sign of its second term flipped",
    """Your gradients are wrong wherever a label is 0: the second term of dAL has the wrong sign.
     Expanding the minus in front of the brackets changes the sign of both terms, and only one of
     them was flipped. Compare each sign of your dAL with the formula in the instructions.""",
)
def lmb_dal_second_term_sign(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    dAL = -np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
    return _model_backward(dAL, caches, "relu", "sigmoid")


@add(
    MODEL,
    "model-backward-dal-first-term-sign",
    "dAL with the sign of its first term flipped",
    """Your gradients are wrong wherever a label is 1: the first term of dAL has the wrong sign.
     The minus in front of the brackets applies to both terms. Compare each sign of your dAL with
     the formula in the instructions.""",
)
def lmb_dal_first_term_sign(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    dAL = np.divide(Y, AL) + np.divide(1 - Y, 1 - AL)
    return _model_backward(dAL, caches, "relu", "sigmoid")


@add(
    MODEL,
    "model-backward-dal-missing-second-term",
    "dAL without its (1 - Y) / (1 - AL) term",
    """Your dAL leaves out the term for the examples labelled 0, so those examples give no
     gradient at all. The derivative of the cost has one term for each of the two logs in the
     cost. Compare your dAL with the formula in the instructions.""",
)
def lmb_dal_missing_second_term(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    return _model_backward(-np.divide(Y, AL), caches, "relu", "sigmoid")


@add(
    MODEL,
    "model-backward-dw-db-keys-shifted",
    "dW and db of the hidden layers stored one layer number too low",
    """Your gradients are right but, inside the loop, dW and db are stored under the loop index
     instead of the layer number, which is one higher (the loop counts from 0, layers from 1).
     Layer l's gradients belong under the keys numbered l. Check the number you build the dW and
     db keys from in the loop.""",
)
def lmb_dw_db_keys_shifted(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    grads = {}
    L = len(caches)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        ref.linear_activation_backward(_dAL(AL, Y), caches[L - 1], "sigmoid")
    )
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l)], grads["db" + str(l)] = (
            ref.linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        )
    return grads


@add(
    MODEL,
    "model-backward-two-layers-hard-coded",
    "Backward pass written for two layers only (layer count fixed)",
    """Your backward pass handles exactly two layers, the depth of the published example (whether
     the count is typed in or the two layers are written out by hand). Deeper networks lose the
     gradients of their first layers and a one-layer network fails. Take the number of layers
     from the caches list and loop over all of them.""",
)
def lmb_two_layers_hard_coded(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    grads = {}
    L = 2
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        ref.linear_activation_backward(_dAL(AL, Y), caches[L - 1], "sigmoid")
    )
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            ref.linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        )
    return grads


# --- mistakes that raise -------------------------------------------------------------------------


@add(
    MODEL,
    "model-backward-loop-one-layer-too-many",
    "Hidden-layer loop also visits the output layer (KeyError on a dA key)",
    """Your code stops with a KeyError on a dA that was never stored: the loop starts at the
     output layer, which was already handled before the loop, and looks for a gradient above
     it. The loop covers only the ReLU layers, one fewer than the number of caches. Check the
     range your loop goes over.""",
    raises=KeyError,
    line=r"grads\[",
)
def lmb_loop_one_layer_too_many(AL: Array, Y: Array, caches: list[Any]) -> dict[str, Any]:
    Y = Y.reshape(AL.shape)
    grads = {}
    L = len(caches)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        ref.linear_activation_backward(_dAL(AL, Y), caches[L - 1], "sigmoid")
    )
    for l in reversed(range(L)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            ref.linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        )
    return grads


MISTAKES = _registry.mistakes()
RAISING = _registry.raising()
