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


@add(UPDATE, "update-b-not-updated",
     "Only the weights updated; the biases left unchanged",
     """Your weights are updated but every bias is returned unchanged. Gradient descent moves every
     parameter against its own gradient, and the biases are parameters too. Add the update of b
     to your loop, using db.""")
def update_b_not_updated(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    return parameters


@add(UPDATE, "update-plus-instead-of-minus",
     "Gradients added instead of subtracted",
     """Your parameters move in the direction of the gradient, which makes the cost go up. The
     gradient points uphill, so descent steps the opposite way. Check the sign in equations (16)
     and (17).""")
def update_plus_instead_of_minus(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] + learning_rate * grads["db" + str(l)]
    return parameters


@add(UPDATE, "update-learning-rate-ignored",
     "Full gradient subtracted; learning_rate not used",
     """Your update subtracts the whole gradient, ignoring learning_rate. The learning rate sets
     the step size; too large a step overshoots the minimum and training can diverge. Multiply
     each gradient by the learning rate, as in equations (16) and (17).""")
def update_learning_rate_ignored(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - grads["db" + str(l)]
    return parameters


@add(UPDATE, "update-last-layer-skipped",
     "Loop stops one layer early: layer L not updated",
     """Your update leaves the last layer's parameters unchanged. Layers are numbered from 1 to L,
     and a range stops just before its end value. Check where your loop range stops.""")
def update_last_layer_skipped(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


@add(UPDATE, "update-b-uses-dw",
     "Biases updated with dW instead of db",
     """Your biases are updated with the weight gradient dW, which by broadcasting can even change
     the shape of b. Each parameter moves against its own gradient: W with dW, b with db. Check
     the gradient key in your bias update.""")
def update_b_uses_dw(parameters: Params, grads: Params, learning_rate: float) -> Params:
    parameters = _copy(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["dW" + str(l)]
    return parameters


MISTAKES = _registry.mistakes()
