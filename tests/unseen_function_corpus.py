"""A corpus of buggy graded functions written independently of the mistake catalogue, the way
students write them (other names, other operators, other line orders); graded end to end by
tests/grading/test_diagnose_unseen_functions.py, whose diagnoses
tests/grading/test_diagnosis_lookup.py also checks against the former replay."""

from __future__ import annotations

# name -> (graded function, the student's cell, the catalogued mistake it is)
CORPUS = {
    "rand-for-randn": (
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = 0.01 * np.random.rand(n_h, n_x)
            b1 = np.zeros(shape=(n_h, 1))
            W2 = 0.01 * np.random.rand(n_y, n_h)
            b2 = np.zeros(shape=(n_y, 1))
            return dict(W1=W1, b1=b1, W2=W2, b2=b2)
        """,
        "init-rand-not-randn",
    ),
    "deep-unscaled": (
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            params = {}
            for i in range(1, len(layer_dims)):
                params[f"W{i}"] = np.random.randn(layer_dims[i], layer_dims[i - 1])
                params[f"b{i}"] = np.zeros((layer_dims[i], 1))
            return params
        """,
        "deep-init-weights-not-scaled",
    ),
    "no-bias": (
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = W @ A
            cache = (A, W, b)
            return Z, cache
        """,
        "linear-forward-bias-missing",
    ),
    "activation-cache-is-A": (
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            Z, linear_cache = linear_forward(A_prev, W, b)
            A = sigmoid(Z)[0] if activation == "sigmoid" else relu(Z)[0]
            return A, (linear_cache, A)
        """,
        "layer-forward-activation-cache-holds-a",
    ),
    "relu-output-layer": (
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            n_layers = len(parameters) // 2
            for layer in range(1, n_layers + 1):
                A, cache = linear_activation_forward(
                    A, parameters["W%d" % layer], parameters["b%d" % layer], "relu")
                caches.append(cache)
            return A, caches
        """,
        "model-forward-relu-output",
    ),
    "cost-without-m": (
        "compute_cost",
        """
        def compute_cost(AL, Y):
            losses = Y * np.log(AL) + (1 - Y) * np.log(1 - AL)
            return np.squeeze(-np.sum(losses))
        """,
        "cost-missing-1-over-m",
    ),
    "dW-without-m": (
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dA_prev = W.T @ dZ
            dW = dZ @ A_prev.T
            db = dZ.sum(axis=1, keepdims=True) / m
            return dA_prev, dW, db
        """,
        "dw-missing-1-over-m",
    ),
    "db-over-examples-axis": (
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = np.dot(dZ, A_prev.T) / m
            db = np.sum(dZ, axis=0, keepdims=True) / m
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        "db-wrong-axis",
    ),
    "sigmoid-slope-for-relu": (
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, Z = cache
            dZ = sigmoid_backward(dA, Z)
            return linear_backward(dZ, linear_cache)
        """,
        "layer-backward-sigmoid-derivative-for-relu",
    ),
    "dAL-sign": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
            dA, dW, db = linear_activation_backward(dAL, caches[-1], "sigmoid")
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA, dW, db
            for l in range(L - 2, -1, -1):
                out = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
                grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = out
            return grads
        """,
        "model-backward-dal-sign",
    ),
    "old-dA-keys": (
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = \\
                linear_activation_backward(dAL, caches[L - 1], "sigmoid")
            for l in reversed(range(L - 1)):
                dA = grads["dA" + str(l + 2)]
                dA_prev, dW, db = linear_activation_backward(dA, caches[l], "relu")
                grads["dA" + str(l + 1)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        "model-backward-da-keys-shifted",
    ),
    "gradient-ascent": (
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            new = {}
            for name, value in parameters.items():
                new[name] = value + learning_rate * grads["d" + name]
            return new
        """,
        "update-plus-instead-of-minus",
    ),
    "b-forgotten": (
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = dict(parameters)
            for l in range(1, len(parameters) // 2 + 1):
                step = learning_rate * grads["dW" + str(l)]
                parameters["W" + str(l)] = parameters["W" + str(l)] - step
            return parameters
        """,
        "update-b-not-updated",
    ),
}
