"""A second corpus of buggy student functions, written apart from the mistake catalogue.

Each entry is one graded function the way a student might really write it: their own variable
names, operators (``@``, ``.dot``, ``np.matmul``, f-strings), line orders and idioms. They are
not copies of the catalogue's code, so grading them end to end checks that the diagnosis names
a mistake from what the code does, not from how the catalogue happens to spell it.

``CORPUS`` is a list of ``Entry(name, function, source, expected)``: ``expected`` is the slug
of the catalogued mistake the grader should name, or None when no catalogued mistake describes
the code. Functions that raise are named from the exception, the student's line and the case
(the catalogue's ``RAISING`` mistakes).
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    name: str
    function: str
    source: str
    expected: str | None


CORPUS: list[Entry] = [
    # --- initialize_parameters ----------------------------------------------------------------
    Entry(
        "tenth-scale",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = 0.1 * np.random.randn(n_h, n_x)
            b1 = np.zeros((n_h, 1))
            W2 = 0.1 * np.random.randn(n_y, n_h)
            b2 = np.zeros((n_y, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        "init-scale-too-large",
    ),
    Entry(
        "normal-loc-scale",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.normal(0.01, 1, (n_h, n_x))
            b1 = np.zeros(shape=(n_h, 1))
            W2 = np.random.normal(0.01, 1, (n_y, n_h))
            b2 = np.zeros(shape=(n_y, 1))
            parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
            return parameters
        """,
        "init-normal-mean-not-scale",
    ),
    Entry(
        "seed-three-in-shallow",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(3)
            parameters = {}
            parameters["W1"] = np.random.randn(n_h, n_x) * .01
            parameters["b1"] = np.zeros((n_h, 1))
            parameters["W2"] = np.random.randn(n_y, n_h) * .01
            parameters["b2"] = np.zeros((n_y, 1))
            return parameters
        """,
        "init-seed-3",
    ),
    Entry(
        "single-output-unit",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * 0.01
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(1, n_h) * 0.01   # one output: cat or not
            b2 = np.zeros((1, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        "init-output-size-hard-coded",
    ),
    Entry(
        "ones-for-biases",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * 0.01
            W2 = np.random.randn(n_y, n_h) * 0.01
            b1 = np.ones(shape=(n_h, 1))
            b2 = np.ones(shape=(n_y, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        "init-biases-ones",
    ),
    Entry(
        "xavier-shallow",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * np.sqrt(1 / n_x)
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(n_y, n_h) * np.sqrt(1 / n_h)
            b2 = np.zeros((n_y, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        "init-scaled-by-sqrt-fan-in",
    ),
    # --- initialize_parameters_deep -----------------------------------------------------------
    Entry(
        "two-layers-listed",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            for i in [1, 2]:
                parameters['W' + str(i)] = np.random.randn(layer_dims[i], layer_dims[i-1]) * 0.01
                parameters['b' + str(i)] = np.zeros((layer_dims[i], 1))
            return parameters
        """,
        "deep-init-layer-count-hard-coded",
    ),
    Entry(
        "fstring-lowercase",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            params = {}
            for l in range(1, len(layer_dims)):
                n_out, n_in = layer_dims[l], layer_dims[l - 1]
                params[f"w{l}"] = np.random.randn(n_out, n_in) * 0.01
                params[f"b{l}"] = np.zeros((n_out, 1))
            return params
        """,
        "deep-init-lowercase-keys",
    ),
    Entry(
        "he-deep",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                he = np.sqrt(2. / layer_dims[l - 1])
                parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * he
                parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
            return parameters
        """,
        "deep-init-he-scaling",
    ),
    Entry(
        "bias-matrix",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            for l in range(1, len(layer_dims)):
                shape = (layer_dims[l], layer_dims[l - 1])
                parameters["W" + str(l)] = np.random.randn(*shape) * 0.01
                parameters["b" + str(l)] = np.zeros(shape)
            return parameters
        """,
        "deep-init-bias-shaped-like-w",
    ),
    Entry(
        "reseed-each-layer",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                np.random.seed(3)
                parameters["W" + str(l)] = 0.01 * np.random.randn(layer_dims[l], layer_dims[l-1])
                parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
            return parameters
        """,
        "deep-init-seed-in-loop",
    ),
    Entry(
        "zero-weights-deep",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            for l in range(1, len(layer_dims)):
                parameters["W%d" % l] = np.zeros((layer_dims[l], layer_dims[l - 1]))
                parameters["b%d" % l] = np.zeros((layer_dims[l], 1))
            return parameters
        """,
        "deep-init-weights-zero",
    ),
    # --- linear_forward -----------------------------------------------------------------------
    Entry(
        "minus-bias-matmul",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.matmul(W, A) - b
            cache = (A, W, b)
            return Z, cache
        """,
        "linear-forward-bias-subtracted",
    ),
    Entry(
        "old-dict-cache",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = W.dot(A) + b
            cache = {"A": A, "W": W, "b": b}
            return Z, cache
        """,
        "linear-forward-cache-as-dict",
    ),
    Entry(
        "return-swapped",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            cache = (A, W, b)
            Z = W @ A + b
            return cache, Z
        """,
        "linear-forward-returns-cache-first",
    ),
    Entry(
        "bias-as-row",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + b.reshape(1, -1)
            return Z, (A, W, b)
        """,
        "linear-forward-bias-transposed",
    ),
    Entry(
        "z-kept-in-linear-cache",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + b
            cache = (A, W, b, Z)
            return Z, cache
        """,
        "linear-forward-cache-with-z",
    ),
    # --- linear_activation_forward ------------------------------------------------------------
    Entry(
        "star-flattened-cache",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            Z, linear_cache = linear_forward(A_prev, W, b)
            if activation == "sigmoid":
                A, activation_cache = sigmoid(Z)
            else:
                A, activation_cache = relu(Z)
            cache = (*linear_cache, activation_cache)
            return A, cache
        """,
        "layer-forward-cache-flattened",
    ),
    Entry(
        "sigmoid-everywhere",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            if activation == "sigmoid":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = sigmoid(Z)
            elif activation == "relu":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = sigmoid(Z)
            cache = (linear_cache, activation_cache)
            return A, cache
        """,
        "layer-forward-sigmoid-always",
    ),
    Entry(
        "only-linear-cache-kept",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            Z, lin = linear_forward(A_prev, W, b)
            A, _ = sigmoid(Z) if activation == "sigmoid" else relu(Z)
            return A, lin
        """,
        "layer-forward-cache-is-linear-cache",
    ),
    Entry(
        "cache-then-A",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            Z, linear_cache = linear_forward(A_prev, W, b)
            if activation == "relu":
                A, activation_cache = relu(Z)
            else:
                A, activation_cache = sigmoid(Z)
            return (linear_cache, activation_cache), A
        """,
        "layer-forward-returns-cache-first",
    ),
    # --- L_model_forward ----------------------------------------------------------------------
    Entry(
        "extend-not-append",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A, cache = linear_activation_forward(A, parameters["W" + str(l)],
                                                     parameters["b" + str(l)], "relu")
                caches.extend(cache)
            AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                                  parameters["b" + str(L)], "sigmoid")
            caches.extend(cache)
            return AL, caches
        """,
        "model-forward-caches-extended",
    ),
    Entry(
        "two-layer-net-only",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            A1, c1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
            A2, c2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
            return A2, [c1, c2]
        """,
        "model-forward-two-layers-written-out",
    ),
    Entry(
        "three-layers-fixed",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            for l in (1, 2):
                A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                     "relu")
                caches.append(cache)
            AL, cache = linear_activation_forward(A, parameters["W3"], parameters["b3"], "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        "model-forward-layer-count-hard-coded",
    ),
    Entry(
        "prepend-caches",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)],
                                                     parameters["b" + str(l)], activation="relu")
                caches = [cache] + caches
            AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                                  parameters["b" + str(L)], activation="sigmoid")
            caches = [cache] + caches
            return AL, caches
        """,
        "model-forward-caches-reversed",
    ),
    Entry(
        "append-dedented",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)],
                                                     parameters["b" + str(l)], "relu")
            caches.append(cache)
            AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                                  parameters["b" + str(L)], "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        "model-forward-append-after-loop",
    ),
    Entry(
        "input-fed-to-every-layer",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            L = len(parameters) // 2
            for l in range(1, L):
                A, cache = linear_activation_forward(X, parameters["W" + str(l)],
                                                     parameters["b" + str(l)], "relu")
                caches.append(cache)
            AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                                  parameters["b" + str(L)], "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        None,
    ),
    # --- compute_cost -------------------------------------------------------------------------
    Entry(
        "mean-then-m",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            loss = Y * np.log(AL) + (1 - Y) * np.log(1 - AL)
            cost = -np.mean(loss) / m
            cost = np.squeeze(cost)
            return cost
        """,
        "cost-mean-and-1-over-m",
    ),
    Entry(
        "three-examples",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            logprobs = np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL))
            cost = -np.sum(logprobs) / 3
            return np.squeeze(cost)
        """,
        "cost-m-hard-coded",
    ),
    Entry(
        "log10-cost",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -(1 / m) * np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL))
            cost = np.squeeze(cost)
            return cost
        """,
        "cost-log-base-10",
    ),
    Entry(
        "y-weights-both-logs",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -np.sum(Y * np.log(AL) + Y * np.log(1 - AL)) / m
            return np.squeeze(cost)
        """,
        "cost-second-term-times-y",
    ),
    Entry(
        "outer-product-cost",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -(Y.T @ np.log(AL) + (1 - Y).T @ np.log(1 - AL)) / m
            cost = np.squeeze(cost)
            return cost
        """,
        "cost-outer-product",
    ),
    Entry(
        "mse-cost",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            cost = np.mean(np.square(AL - Y))
            return np.squeeze(cost)
        """,
        "cost-squared-error",
    ),
    # --- linear_backward ----------------------------------------------------------------------
    Entry(
        "divide-by-three",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            dW = 1 / 3 * dZ @ A_prev.T
            db = 1 / 3 * dZ.sum(axis=1, keepdims=True)
            dA_prev = W.T @ dZ
            return dA_prev, dW, db
        """,
        "dw-db-m-hard-coded",
    ),
    Entry(
        "sums-not-averages",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dA_prev = np.dot(W.T, dZ)
            dW = np.dot(dZ, A_prev.T)
            db = np.sum(dZ, axis=1, keepdims=True)
            return dA_prev, dW, db
        """,
        "dw-db-missing-1-over-m",
    ),
    Entry(
        "db-double-average",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = (1. / m) * np.dot(dZ, A_prev.T)
            db = (1. / m) * np.mean(dZ, axis=1, keepdims=True)
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        "db-mean-and-1-over-m",
    ),
    Entry(
        "returned-as-computed",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = np.dot(dZ, A_prev.T) / m
            db = np.sum(dZ, axis=1, keepdims=True) / m
            dA_prev = np.dot(W.T, dZ)
            return dW, db, dA_prev
        """,
        "linear-backward-returns-wrong-order",
    ),
    Entry(
        "dW-flipped",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = A_prev @ dZ.T / m
            db = np.sum(dZ, axis=1, keepdims=True) / m
            dA_prev = W.T @ dZ
            return dA_prev, dW, db
        """,
        "dw-transposed",
    ),
    # --- linear_activation_backward -----------------------------------------------------------
    Entry(
        "relu-mask-inclusive",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = np.where(activation_cache >= 0, dA, 0.0)
            else:
                dZ = sigmoid_backward(dA, activation_cache)
            dA_prev, dW, db = linear_backward(dZ, linear_cache)
            return dA_prev, dW, db
        """,
        "layer-backward-relu-slope-1-at-0",
    ),
    Entry(
        "sigmoid-slope-of-z",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, Z = cache
            if activation == "relu":
                dZ = relu_backward(dA, Z)
            elif activation == "sigmoid":
                dZ = dA * (Z * (1 - Z))
            return linear_backward(dZ, linear_cache)
        """,
        "layer-backward-sigmoid-slope-at-z",
    ),
    Entry(
        "unpacked-as-named",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, activation_cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
            dW, db, dA_prev = linear_backward(dZ, linear_cache)
            return dA_prev, dW, db
        """,
        "layer-backward-unpacked-in-wrong-order",
    ),
    Entry(
        "chain-rule-twice",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = np.multiply(dA, relu_backward(dA, activation_cache))
            elif activation == "sigmoid":
                dZ = np.multiply(dA, sigmoid_backward(dA, activation_cache))
            dA_prev, dW, db = linear_backward(dZ, linear_cache)
            return dA_prev, dW, db
        """,
        "layer-backward-da-multiplied-again",
    ),
    # --- L_model_backward ---------------------------------------------------------------------
    Entry(
        "minus-on-both-terms",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -Y / AL - (1 - Y) / (1 - AL)
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \\
                linear_activation_backward(dAL, caches[L - 1], "sigmoid")
            for l in reversed(range(L - 1)):
                dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l],
                                                             "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        "model-backward-dal-second-term-sign",
    ),
    Entry(
        "label-one-term-only",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -np.divide(Y, AL)
            current_cache = caches[-1]
            dA, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA, dW, db
            for l in range(L - 2, -1, -1):
                dA, dW, db = linear_activation_backward(grads[f"dA{l + 1}"], caches[l], "relu")
                grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = dA, dW, db
            return grads
        """,
        "model-backward-dal-missing-second-term",
    ),
    Entry(
        "loop-index-keys",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \\
                linear_activation_backward(dAL, current_cache, "sigmoid")
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
                    grads["dA" + str(l + 1)], current_cache, "relu")
                grads["dA" + str(l)] = dA_prev_temp
                grads["dW" + str(l)] = dW_temp
                grads["db" + str(l)] = db_temp
            return grads
        """,
        "model-backward-dw-db-keys-shifted",
    ),
    Entry(
        "two-layers-unrolled",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            dA1, dW2, db2 = linear_activation_backward(dAL, caches[1], "sigmoid")
            dA0, dW1, db1 = linear_activation_backward(dA1, caches[0], "relu")
            grads.update(dA1=dA1, dW2=dW2, db2=db2, dA0=dA0, dW1=dW1, db1=db1)
            return grads
        """,
        "model-backward-two-layers-hard-coded",
    ),
    # --- update_parameters --------------------------------------------------------------------
    Entry(
        "rate-of-the-example",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {k: v.copy() for k, v in parameters.items()}
            L = len(parameters) // 2
            alpha = 0.1
            for l in range(1, L + 1):
                parameters["W" + str(l)] -= alpha * grads["dW" + str(l)]
                parameters["b" + str(l)] -= alpha * grads["db" + str(l)]
            return parameters
        """,
        "update-learning-rate-fixed-0-1",
    ),
    Entry(
        "planar-rate",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            new_params = {}
            for l in range(1, len(parameters) // 2 + 1):
                new_params["W" + str(l)] = parameters["W" + str(l)] - 1.2 * grads["dW" + str(l)]
                new_params["b" + str(l)] = parameters["b" + str(l)] - 1.2 * grads["db" + str(l)]
            return new_params
        """,
        "update-learning-rate-fixed-1-2",
    ),
    Entry(
        "W-with-db",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {name: value.copy() for name, value in parameters.items()}
            L = len(parameters) // 2
            for l in range(L):
                parameters["W" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
                parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
            return parameters
        """,
        "update-w-uses-db",
    ),
    Entry(
        "two-layers-by-hand",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = dict(parameters)
            parameters["W1"] = parameters["W1"] - learning_rate * grads["dW1"]
            parameters["b1"] = parameters["b1"] - learning_rate * grads["db1"]
            parameters["W2"] = parameters["W2"] - learning_rate * grads["dW2"]
            parameters["b2"] = parameters["b2"] - learning_rate * grads["db2"]
            return parameters
        """,
        "update-layer-count-hard-coded",
    ),
    Entry(
        "layer-count-without-halving",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {name: value.copy() for name, value in parameters.items()}
            for l in range(1, len(parameters) + 1):
                parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
                parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
            return parameters
        """,
        "update-layer-count-not-halved",
    ),
    # --- code that raises on every case: named from the exception, its line and the case -------
    Entry(
        "randn-shape-tuple",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn((n_h, n_x)) * 0.01
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn((n_y, n_h)) * 0.01
            b2 = np.zeros((n_y, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        "init-randn-given-a-tuple",
    ),
    Entry(
        "sum-instead-of-plus",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            product = W @ A
            Z = np.sum(product, b)
            return Z, (A, W, b)
        """,
        "linear-forward-np-sum-for-plus",
    ),
    Entry(
        "backward-loop-from-L",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
                linear_activation_backward(dAL, caches[L - 1], "sigmoid"))
            for l in reversed(range(L)):
                dA_prev, dW, db = linear_activation_backward(
                    grads["dA" + str(l + 1)], caches[l], "relu")
                grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
                    dA_prev, dW, db)
            return grads
        """,
        "model-backward-loop-one-layer-too-many",
    ),
    Entry(
        "update-from-zero",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {k: v.copy() for k, v in parameters.items()}
            for l in range(len(parameters) // 2):
                parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
                parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
            return parameters
        """,
        "update-loop-from-layer-0",
    ),
]
