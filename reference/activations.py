"""The activation helpers every student gets ready-made (shipped to them as ``dnn_utils.py``).

Each forward helper returns two things: the activation and the pre-activation ``Z`` it was
computed from. That ``Z`` is the *activation cache*: the backward helpers need it, because the
slope of an activation depends on where on the curve each unit was during the forward pass.
"""

import numpy as np


def sigmoid(Z):
    """Logistic function, elementwise.

    Z -- numpy array of any shape (the pre-activation).
    Returns (A, Z): A = 1 / (1 + exp(-Z)), same shape as Z, and Z itself as the activation cache.
    """
    A = 1.0 / (1.0 + np.exp(-Z))
    return A, Z


def relu(Z):
    """Rectified linear unit, elementwise.

    Z -- numpy array of any shape (the pre-activation).
    Returns (A, Z): A = max(0, Z), same shape as Z, and Z itself as the activation cache.
    """
    A = np.maximum(0, Z)
    return A, Z


def relu_backward(dA, Z):
    """Gradient through a ReLU unit.

    dA -- gradient of the cost with respect to the activation A, any shape.
    Z  -- the activation cache saved by ``relu``: same shape as dA.
    Returns dZ, same shape as Z: dA where Z > 0, and 0 where Z <= 0.
    """
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, Z):
    """Gradient through a sigmoid unit.

    dA -- gradient of the cost with respect to the activation A, any shape.
    Z  -- the activation cache saved by ``sigmoid``: same shape as dA.
    Returns dZ = dA * s * (1 - s) with s = sigmoid(Z), same shape as Z.
    """
    s = 1.0 / (1.0 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ
