"""Graded functions for the attribution tests: hostile ones and honest ones.

Each entry replaces one or more graded functions of the solution notebook. Hostile functions
try to earn the points of a function "on its own logic" without having that logic; honest ones
have it, and must keep their points whatever is wrong in the helpers they call.
"""

from __future__ import annotations

# --- hostile: guess until a substituted helper answers ------------------------------------

#: Wrong on its own (sigmoid in the hidden layers, relu at the output), but when a helper
#: call is refused it tries the other activation: with substituted helpers it ends up making
#: exactly the reference's calls.
FISHING_L_MODEL_FORWARD = """
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        guesses = ["relu", "sigmoid"] if l == L else ["sigmoid", "relu"]
        for activation in guesses:
            try:
                A_next, cache = linear_activation_forward(A, W, b, activation)
                break
            except Exception:
                continue
        A = A_next
        caches.append(cache)
    return A, caches
"""

#: The same trick one level down, calling the lower helper directly: wrong on its own
#: (a transposed W first), retried when refused.
FISHING_LINEAR_ACTIVATION_BACKWARD = """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    A_prev, W, b = linear_cache
    for guess in ((A_prev, W.T, b), (A_prev, W, b)):
        try:
            return linear_backward(dZ, guess)
        except Exception:
            continue
"""

#: A bug in the lowest helper, so that the helpers above "fail their own checks" and a
#: re-run with correct helpers happens at all.
WRONG_LINEAR_FORWARD = """
def linear_forward(A, W, b):
    Z = np.dot(W, A) - b
    cache = (A, W, b)
    return Z, cache
"""

WRONG_LINEAR_BACKWARD = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
"""

# --- honest: right logic, wrong helpers underneath ------------------------------------------

#: Right, but calls linear_forward directly (not linear_activation_forward) and applies the
#: activations itself.
DIRECT_L_MODEL_FORWARD = """
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        Z, linear_cache = linear_forward(A, parameters["W" + str(l)], parameters["b" + str(l)])
        A, activation_cache = sigmoid(Z) if l == L else relu(Z)
        caches.append((linear_cache, activation_cache))
    return A, caches
"""

#: A wrong linear_activation_forward (the activation cache holds A, not Z).
WRONG_LINEAR_ACTIVATION_FORWARD = """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, _ = sigmoid(Z)
    else:
        A, _ = relu(Z)
    return A, (linear_cache, A)
"""
