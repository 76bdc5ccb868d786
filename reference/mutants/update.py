"""Wrong versions of ``update_parameters``.

Like the reference, every mutant works on a copy: mutating the caller's arrays in place is not
a mistake the grader can see in the returned value, so it is not catalogued here.
"""

from __future__ import annotations

from typing import Any

from reference.mutants._catalogue import Registry

_registry = Registry()
add = _registry.add

UPDATE = "update_parameters"

Params = dict[str, Any]


def _copy(parameters: Params) -> Params:
    return {name: value.copy() for name, value in parameters.items()}


@add(
    UPDATE,
    "update-b-not-updated",
    "Only the weights updated; the biases left unchanged",
    """Your weights are updated but every bias is returned unchanged. Gradient descent moves every
     parameter against its own gradient, and the biases are parameters too. Add the update of b
     to your loop, using db.""",
)
def update_b_not_updated(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-plus-instead-of-minus",
    "Gradients added instead of subtracted",
    """Your parameters move in the direction of the gradient, which makes the cost go up. The
     gradient points uphill, so descent steps the opposite way. Check the sign in equations (16)
     and (17).""",
)
def update_plus_instead_of_minus(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] + learning_rate * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-learning-rate-ignored",
    "Full gradient subtracted; learning_rate not used",
    """Your update subtracts the whole gradient, ignoring learning_rate. The learning rate sets
     the step size; too large a step overshoots the minimum and training can diverge. Multiply
     each gradient by the learning rate, as in equations (16) and (17).""",
)
def update_learning_rate_ignored(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-last-layer-skipped",
    "Loop stops one layer early: layer L not updated",
    """Your update leaves the last layer's parameters unchanged. Layers are numbered from 1 to L,
     and a range stops just before its end value. Check where your loop range stops.""",
)
def update_last_layer_skipped(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-b-uses-dw",
    "Biases updated with dW instead of db",
    """Your biases are updated with the weight gradient dW, which by broadcasting can even change
     the shape of b. Each parameter moves against its own gradient: W with dW, b with db. Check
     the gradient key in your bias update.""",
)
def update_b_uses_dw(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["dW" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-learning-rate-fixed-0-1",
    "learning_rate replaced by 0.1 (the published example's rate)",
    """Your update uses a step size of 0.1 whatever learning rate is passed in. That matches the
     published example only; the caller chooses the rate, and the hidden tests use others. Use
     the learning_rate argument in both updates.""",
)
def update_learning_rate_fixed_0_1(
    parameters: Params, grads: Params, learning_rate: float
) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - 0.1 * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - 0.1 * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-learning-rate-fixed-1-2",
    "learning_rate replaced by 1.2 (the rate of last week's planar model)",
    """Your update uses a step size of 1.2, the rate of last week's planar data model, whatever
     learning rate is passed in. The caller chooses the rate, and a fixed one cannot be tuned.
     Use the learning_rate argument in both updates.""",
)
def update_learning_rate_fixed_1_2(
    parameters: Params, grads: Params, learning_rate: float
) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - 1.2 * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - 1.2 * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-w-not-updated",
    "Only the biases updated; the weights left unchanged",
    """Your biases are updated but every weight matrix is returned unchanged. Gradient descent
     moves every parameter against its own gradient, and the weights are where most of the
     learning happens. Add the update of W to your loop, using dW.""",
)
def update_w_not_updated(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-w-uses-db",
    "Weights updated with db instead of dW",
    """Your weights are updated with the bias gradient db, which broadcasts across each row of W
     without complaint. Each parameter moves against its own gradient: W with dW, b with db.
     Check the gradient key in your weight update.""",
)
def update_w_uses_db(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["db" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-layer-count-hard-coded",
    "Only layers 1 and 2 updated (the published example's depth)",
    """Your loop updates two layers whatever the depth of the network: the count was typed in
     instead of taken from the parameters. A deeper network keeps its later layers unchanged and
     a one-layer network fails. Use the number of layers the template computes.""",
)
def update_layer_count_hard_coded(
    parameters: Params, grads: Params, learning_rate: float
) -> Params:
    parameters = _copy(parameters)
    for l in range(1, 3):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


# --- mistakes that raise -------------------------------------------------------------------------


@add(
    UPDATE,
    "update-layer-count-not-halved",
    "Loop over as many layers as there are parameters (KeyError)",
    """Your code stops with a KeyError on a layer that does not exist: the loop runs over twice
     as many layers as the network has. The dictionary holds a W and a b for each layer, so its
     length is twice the number of layers. Check what your loop's range is built from.""",
    raises=KeyError,
    line=r"(parameters|grads)\[",
)
def update_layer_count_not_halved(
    parameters: Params, grads: Params, learning_rate: float
) -> Params:
    parameters = _copy(parameters)
    for l in range(1, len(parameters) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


@add(
    UPDATE,
    "update-loop-from-layer-0",
    "Loop starts at layer 0, which has no parameters (KeyError)",
    """Your code stops with a KeyError on layer 0: the loop starts at 0, but layer 0 is the
     input and has no weights. Parameters are numbered from 1 to L. Check where your loop range
     starts and stops.""",
    raises=KeyError,
    line=r"(parameters|grads)\[",
)
def update_loop_from_layer_0(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


MISTAKES = _registry.mistakes()
RAISING = _registry.raising()
