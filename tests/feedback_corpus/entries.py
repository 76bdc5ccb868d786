"""An independent corpus of buggy graded functions, for measuring the grader's explanations.

Written from how students really fail this assignment (the forum threads the project keeps as
seeds, public Q&A threads and public notebooks of the assignment), each mistake in our own
code. Every mistake here is left out of the catalogue (``reference/mutants``) and of the two
earlier corpora (``tests/grading/test_diagnose_unseen_functions.py``,
``tests/unseen_notebook_corpus.py``): the grader
cannot name them from a list, it has to explain them by following the values.

Each :class:`Entry` is one graded function the way a student writes it in its notebook cell:

- ``id`` -- a unique slug;
- ``function`` -- the graded function it is a wrong version of;
- ``source`` -- the whole function, ``def`` on its first line (the cell holds nothing else);
- ``line`` -- the 1-based line of ``source`` where the mistake is (``def`` is line 1): the line
  a good explanation points at, which need not be the line that raises;
- ``cause`` -- the true cause, in a sentence;
- ``must_mention`` -- words any correct explanation contains; each item may give alternatives
  separated by ``|`` (one of them is enough), matched case-insensitively: a lower-case word of
  three letters or more as the start of a word ("transpos" finds "transposing"), another
  identifier as a whole word, anything else as it is written;
- ``provenance`` -- where students were seen making it: a seed thread's file name, a public Q&A
  thread, or "public notebook pattern";
- ``raises`` -- whether the function raises on at least one case (else it only returns wrong
  values);
- ``other_lines`` -- other lines a right explanation may point at instead (where the wrong value
  is used, or where a wrong loop bound makes a read fail).
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

SEED_LINEAR_CACHE = "seed 000_f854bbe43926cf44.txt (what linear_cache holds)"
SEED_CACHES = "seed 001_e1af3f556d8e575c.txt (linear_cache vs activation_cache)"
SEED_CACHE_Z = "seed 002_5d7f0054831bb78e.txt (which cache holds Z)"
SEED_NOTEBOOK = "seed 003_79be5fedcda31235.txt (the assignment's text, shapes and asserts)"
SEED_BACKWARD = "seed 004_ae046bfe587f9800.txt (L_model_backward and its helpers)"
QA_DOT_SHAPES = "public Q&A: np.dot of two (1, m) rows, 'shapes (1,3) and (1,3) not aligned'"
QA_MULTIPLY = "public Q&A: exercise 7 linear_backward, np.multiply where np.dot belongs"
QA_DIMENSIONS = "public Q&A: L_model_forward dimensional analysis, 'shapes not aligned'"
QA_L_BACKWARD = "public Q&A: exercise 9 L_model_backward, which cache and which dA per layer"
NOTEBOOK = "public notebook pattern"


class Entry(NamedTuple):
    id: str
    function: str
    source: str
    line: int
    cause: str
    must_mention: tuple[str, ...]
    provenance: str
    raises: bool
    #: Other lines a right explanation may point at: where the wrong value is used or makes
    #: the code stop (a loop bound that is wrong makes a read fail on the next line).
    other_lines: tuple[int, ...] = ()

    @property
    def code(self) -> str:
        """The source as it stands in the cell: dedented, ``def`` on line 1."""
        return textwrap.dedent(self.source).strip("\n") + "\n"

    @property
    def mistake_line(self) -> str:
        """The text of the line the mistake is on."""
        return self.code.splitlines()[self.line - 1]


ENTRIES: list[Entry] = [
    # --- initialize_parameters ----------------------------------------------------------------
    Entry(
        "zeros-shape-as-two-arguments",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * 0.01
            b1 = np.zeros(n_h, 1)
            W2 = np.random.randn(n_y, n_h) * 0.01
            b2 = np.zeros(n_y, 1)
            parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
            return parameters
        """,
        4,
        "np.zeros(n_h, 1) passes 1 as the dtype: the shape must be one tuple (TypeError)",
        ("np.zeros", "tuple|dtype"),
        SEED_NOTEBOOK,
        True,
    ),
    Entry(
        "W2-sized-from-inputs",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * 0.01
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(n_y, n_x) * 0.01
            b2 = np.zeros((n_y, 1))
            parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
            return parameters
        """,
        5,
        "W2 drawn with n_x columns: layer 2 reads the n_h hidden units, so its shape is (n_y, n_h)",
        ("W2", "n_h|shape"),
        SEED_NOTEBOOK,
        False,
    ),
    Entry(
        "b2-sized-like-hidden-layer",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_h, n_x) * 0.01
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(n_y, n_h) * 0.01
            b2 = np.zeros((n_h, 1))
            parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
            return parameters
        """,
        6,
        "b2 given n_h rows (copied from b1): the output layer has n_y units",
        ("b2", "n_y|shape"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "seed-after-first-draw",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            W1 = np.random.randn(n_h, n_x) * 0.01
            np.random.seed(1)
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(n_y, n_h) * 0.01
            b2 = np.zeros((n_y, 1))
            parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
            return parameters
        """,
        3,
        "the seed is set after W1 is drawn, so W1 comes from an unseeded generator and W2 "
        "takes the draws that belong to W1",
        ("seed", "W1"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "W1-drawn-transposed-then-flipped",
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = np.random.randn(n_x, n_h).T * 0.01
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(n_y, n_h) * 0.01
            b2 = np.zeros((n_y, 1))
            parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
            return parameters
        """,
        3,
        "W1 drawn as (n_x, n_h) and transposed: the right shape, but the random numbers land "
        "in other places than randn(n_h, n_x) puts them",
        ("W1", "transpos|order|draw"),
        NOTEBOOK,
        False,
    ),
    # --- initialize_parameters_deep -----------------------------------------------------------
    Entry(
        "deep-loop-past-the-end",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L + 1):
                parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
                parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
            return parameters
        """,
        5,
        "L already counts the input layer; range(1, L + 1) reaches l = L and layer_dims[L] "
        "is past the end (IndexError)",
        ("layer_dims", "range|L"),
        SEED_NOTEBOOK,
        True,
        (6,),
    ),
    Entry(
        "deep-zeros-shape-as-two-arguments",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
                parameters[f"b{l}"] = np.zeros(layer_dims[l], 1)
            return parameters
        """,
        7,
        "np.zeros(layer_dims[l], 1) passes 1 as the dtype: the shape must be one tuple",
        ("np.zeros", "tuple|dtype"),
        SEED_NOTEBOOK,
        True,
    ),
    Entry(
        "deep-bias-sized-from-previous-layer",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
                parameters[f"b{l}"] = np.zeros((layer_dims[l - 1], 1))
            return parameters
        """,
        7,
        "b of layer l sized with layer_dims[l - 1] (the previous layer): one bias per unit of "
        "layer l",
        ("b1", "shape|layer_dims"),
        SEED_NOTEBOOK,
        False,
    ),
    Entry(
        "deep-square-weights",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l]) * 0.01
                parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
            return parameters
        """,
        6,
        "W of layer l drawn as (layer_dims[l], layer_dims[l]): its columns must match the "
        "previous layer, layer_dims[l - 1]",
        ("W1", "shape|layer_dims"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "deep-key-plus-int",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                parameters["W" + l] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
                parameters["b" + l] = np.zeros((layer_dims[l], 1))
            return parameters
        """,
        6,
        '"W" + l adds an int to a str (TypeError): the layer number must be made a string',
        ("number|int", "text|str|string"),
        NOTEBOOK,
        True,
    ),
    Entry(
        "deep-return-inside-loop",
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            L = len(layer_dims)
            for l in range(1, L):
                parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
                parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
                return parameters
        """,
        8,
        "return indented into the loop: the function returns after layer 1, W2 onwards missing",
        ("return", "loop|layer 1"),
        NOTEBOOK,
        False,
    ),
    # --- linear_forward -----------------------------------------------------------------------
    Entry(
        "cache-order-A-b-W",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + b
            cache = (A, b, W)
            return Z, cache
        """,
        3,
        "the linear cache stored as (A, b, W): linear_backward unpacks it as (A_prev, W, b)",
        ("cache", "W|b"),
        SEED_LINEAR_CACHE,
        False,
    ),
    Entry(
        "A-prev-name-from-the-next-exercise",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A_prev) + b
            cache = (A, W, b)
            return Z, cache
        """,
        2,
        "uses A_prev, a name this function does not have (its argument is A): NameError",
        ("A_prev",),
        NOTEBOOK,
        True,
    ),
    Entry(
        "bias-inside-the-product",
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A + b)
            cache = (A, W, b)
            return Z, cache
        """,
        2,
        "bracket misplaced: b is added to A before the product instead of to W A",
        ("b",),
        NOTEBOOK,
        True,
    ),
    # --- linear_activation_forward ------------------------------------------------------------
    Entry(
        "activation-tuple-kept-as-A",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            if activation == "sigmoid":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A = sigmoid(Z)
                activation_cache = Z
            elif activation == "relu":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A = relu(Z)
                activation_cache = Z
            cache = (linear_cache, activation_cache)
            return A, cache
        """,
        4,
        "sigmoid and relu return (A, activation_cache); the whole pair is kept as A",
        ("A", "activation_cache|tuple|pair"),
        SEED_CACHE_Z,
        False,
    ),
    Entry(
        "sigmoid-of-the-input",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            if activation == "sigmoid":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = sigmoid(A_prev)
            elif activation == "relu":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = relu(Z)
            cache = (linear_cache, activation_cache)
            return A, cache
        """,
        4,
        "sigmoid applied to A_prev (the layer's input) instead of Z",
        ("A_prev", "Z"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "relu-spelled-with-capital",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            if activation == "sigmoid":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = sigmoid(Z)
            elif activation == "Relu":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = relu(Z)
            cache = (linear_cache, activation_cache)
            return A, cache
        """,
        5,
        'compares with "Relu": the "relu" the callers pass matches no branch, so nothing is '
        "computed (UnboundLocalError on the cache line)",
        ("relu|Relu", "activation"),
        NOTEBOOK,
        True,
    ),
    Entry(
        "linear-forward-arguments-reordered",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            if activation == "sigmoid":
                Z, linear_cache = linear_forward(W, A_prev, b)
                A, activation_cache = sigmoid(Z)
            elif activation == "relu":
                Z, linear_cache = linear_forward(W, A_prev, b)
                A, activation_cache = relu(Z)
            cache = (linear_cache, activation_cache)
            return A, cache
        """,
        3,
        "linear_forward called as (W, A_prev, b): its signature is (A, W, b), so it multiplies "
        "A_prev by W the wrong way round (shape error inside linear_forward)",
        ("linear_forward", "A_prev|argument"),
        SEED_CACHES,
        True,
    ),
    Entry(
        "Z-only-computed-for-sigmoid",
        "linear_activation_forward",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            if activation == "sigmoid":
                Z, linear_cache = linear_forward(A_prev, W, b)
                A, activation_cache = sigmoid(Z)
            elif activation == "relu":
                A, activation_cache = relu(Z)
            cache = (linear_cache, activation_cache)
            return A, cache
        """,
        6,
        "the relu branch uses Z and linear_cache, which only the sigmoid branch computes",
        ("Z", "relu"),
        NOTEBOOK,
        True,
    ),
    # --- L_model_forward ----------------------------------------------------------------------
    Entry(
        "output-layer-reads-loop-variable",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(cache)
            WL, bL = parameters["W" + str(l)], parameters["b" + str(l)]
            AL, cache = linear_activation_forward(A, WL, bL, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        10,
        "the output layer takes W and b of the loop's last l (layer L-1) instead of layer L",
        ("W3|layer 3|output layer|layer L",),
        QA_DIMENSIONS,
        True,
        (11,),
    ),
    Entry(
        "output-layer-W3-written-in",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(cache)
            AL, cache = linear_activation_forward(A, parameters["W3"], parameters["b3"], "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        10,
        "the output layer's W3 and b3 written in: right for the 3-layer example only",
        ("W3",),
        QA_DIMENSIONS,
        True,
    ),
    Entry(
        "A-prev-fed-to-output-layer",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(cache)
            WL, bL = parameters["W" + str(L)], parameters["b" + str(L)]
            AL, cache = linear_activation_forward(A_prev, WL, bL, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        11,
        "A_prev is the input of the last hidden layer; the output layer takes that layer's "
        "output A",
        ("A_prev",),
        QA_DIMENSIONS,
        True,
    ),
    Entry(
        "hidden-loop-runs-the-output-layer-too",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L + 1):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(cache)
            WL, bL = parameters["W" + str(L)], parameters["b" + str(L)]
            AL, cache = linear_activation_forward(A, WL, bL, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        5,
        "range(1, L + 1) runs layer L in the ReLU loop as well, so the output layer then gets "
        "layer L's own output",
        ("layer 3|output layer|layer L", "relu|range|loop"),
        QA_DIMENSIONS,
        True,
        (8,),
    ),
    Entry(
        "activations-appended-as-caches",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(A)
            WL, bL = parameters["W" + str(L)], parameters["b" + str(L)]
            AL, cache = linear_activation_forward(A, WL, bL, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        9,
        "the hidden layers' activations A appended to caches instead of their caches",
        ("cache", "A"),
        SEED_CACHES,
        False,
    ),
    Entry(
        "activation-name-capitalised",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["W" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "RELU")
                caches.append(cache)
            WL, bL = parameters["W" + str(L)], parameters["b" + str(L)]
            AL, cache = linear_activation_forward(A, WL, bL, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        8,
        'passes "RELU": linear_activation_forward only knows "relu" and "sigmoid" (it raises '
        "inside the helper)",
        ("RELU|relu",),
        NOTEBOOK,
        True,
    ),
    Entry(
        "lowercase-parameter-keys",
        "L_model_forward",
        """
        def L_model_forward(X, parameters):
            caches = []
            A = X
            L = len(parameters) // 2
            for l in range(1, L):
                A_prev = A
                W, b = parameters["w" + str(l)], parameters["b" + str(l)]
                A, cache = linear_activation_forward(A_prev, W, b, "relu")
                caches.append(cache)
            WL, bL = parameters["W" + str(L)], parameters["b" + str(L)]
            AL, cache = linear_activation_forward(A, WL, bL, "sigmoid")
            caches.append(cache)
            return AL, caches
        """,
        7,
        'reads parameters["w1"] in lower case: the keys are W1, W2, ... (KeyError)',
        ("w1|W1",),
        NOTEBOOK,
        True,
    ),
    # --- compute_cost -------------------------------------------------------------------------
    Entry(
        "dot-without-transpose",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -1 / m * (np.dot(Y, np.log(AL)) + np.dot(1 - Y, np.log(1 - AL)))
            cost = np.squeeze(cost)
            return cost
        """,
        3,
        "np.dot of two (1, m) rows: one of them needs transposing (shapes not aligned)",
        ("np.dot", "transpos"),
        QA_DOT_SHAPES,
        True,
    ),
    Entry(
        "one-minus-outside-the-log",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * (1 - np.log(AL)))
            cost = np.squeeze(cost)
            return cost
        """,
        3,
        "the second term takes 1 - log(AL) where the log of (1 - AL) belongs",
        ("log", "1 - AL"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "labels-and-predictions-swapped",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -1 / m * np.sum(AL * np.log(Y) + (1 - AL) * np.log(1 - Y))
            cost = np.squeeze(cost)
            return cost
        """,
        3,
        "the logs taken of the labels Y and weighted by AL: AL and Y swapped",
        ("Y", "AL"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "one-minus-Y-without-brackets",
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            cost = -1 / m * np.sum(Y * np.log(AL) + np.log(1 - AL) * 1 - Y)
            cost = np.squeeze(cost)
            return cost
        """,
        3,
        "np.log(1 - AL) * 1 - Y: without brackets around (1 - Y) it subtracts Y instead of "
        "weighting by 1 - Y",
        ("1 - Y",),
        NOTEBOOK,
        False,
    ),
    # --- linear_backward ----------------------------------------------------------------------
    Entry(
        "db-keepdims-without-axis",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = 1 / m * np.dot(dZ, A_prev.T)
            db = 1 / m * np.sum(dZ, keepdims=True)
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        5,
        "np.sum with keepdims but no axis sums over units and examples: db has shape (1, 1) "
        "instead of one entry per unit",
        ("db", "shape|axis"),
        SEED_NOTEBOOK,
        False,
    ),
    Entry(
        "dW-transposes-the-wrong-factor",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = 1 / m * np.dot(dZ.T, A_prev)
            db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        4,
        "dW transposes dZ instead of A_prev: (m, n) times (n_prev, m) does not align",
        ("dZ", "A_prev"),
        QA_MULTIPLY,
        True,
    ),
    Entry(
        "dW-elementwise-product",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = 1 / m * np.multiply(dZ, A_prev.T)
            db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        4,
        "np.multiply (elementwise) where the matrix product dZ A_prev.T belongs",
        ("np.multiply|element",),
        QA_MULTIPLY,
        True,
    ),
    Entry(
        "dA-prev-elementwise-product",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = 1 / m * np.dot(dZ, A_prev.T)
            db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
            dA_prev = W.T * dZ
            return dA_prev, dW, db
        """,
        6,
        "W.T * dZ is elementwise: dA_prev needs the matrix product",
        ("W.T", "element|product|np.dot|@"),
        QA_MULTIPLY,
        True,
    ),
    Entry(
        "db-summed-from-dW",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = 1 / m * np.dot(dZ, A_prev.T)
            db = 1 / m * np.sum(dW, axis=1, keepdims=True)
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        5,
        "db summed from dW instead of dZ",
        ("db", "dW", "dZ"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "divided-by-units-not-examples",
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = np.dot(dZ, A_prev.T) / A_prev.shape[0]
            db = np.sum(dZ, axis=1, keepdims=True) / m
            dA_prev = np.dot(W.T, dZ)
            return dA_prev, dW, db
        """,
        4,
        "dW divided by A_prev.shape[0] (the previous layer's units) instead of m (examples)",
        ("dW", "m|examples"),
        NOTEBOOK,
        False,
    ),
    # --- linear_activation_backward -----------------------------------------------------------
    Entry(
        "whole-cache-to-linear-backward",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, cache)
            return dA_prev, dW, db
        """,
        5,
        "linear_backward receives the whole layer cache (linear_cache, activation_cache); it "
        "expects the linear_cache (it fails unpacking inside linear_backward)",
        ("linear_cache", "linear_backward"),
        SEED_CACHES,
        True,
    ),
    Entry(
        "activation-cache-to-linear-backward",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, activation_cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, activation_cache)
            return dA_prev, dW, db
        """,
        5,
        "linear_backward given the activation cache (Z) where the linear_cache belongs",
        ("linear_cache", "activation_cache|Z"),
        SEED_CACHE_Z,
        True,
    ),
    Entry(
        "linear-cache-to-relu-backward",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, linear_cache)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
            return dA_prev, dW, db
        """,
        4,
        "relu_backward given the linear_cache where the activation_cache (Z) belongs (it fails "
        "inside the provided relu_backward)",
        ("activation_cache|Z", "relu_backward"),
        SEED_CACHES,
        True,
    ),
    Entry(
        "relu-backward-arguments-swapped",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(activation_cache, dA)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
            return dA_prev, dW, db
        """,
        4,
        "relu_backward(activation_cache, dA): its arguments are (dA, cache), so Z is masked "
        "where dA is negative",
        ("relu_backward", "dA"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "return-inside-relu-branch",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = relu_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
                return dA_prev, dW, db
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
        """,
        6,
        "the return is inside the relu branch: a sigmoid layer returns None",
        ("return", "sigmoid"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "relu-of-dA-for-the-slope",
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dZ = np.maximum(0, dA)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
            elif activation == "sigmoid":
                dZ = sigmoid_backward(dA, activation_cache)
                dA_prev, dW, db = linear_backward(dZ, linear_cache)
            return dA_prev, dW, db
        """,
        4,
        "dZ keeps dA where dA is positive; ReLU's slope depends on Z (activation_cache), so dA "
        "must be zeroed where Z <= 0",
        ("dZ", "Z|activation_cache"),
        SEED_CACHE_Z,
        False,
    ),
    # --- L_model_backward ---------------------------------------------------------------------
    Entry(
        "AL-where-dAL-belongs",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(AL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        7,
        "AL passed to the output layer where dAL (the cost's gradient) belongs",
        ("dAL", "AL"),
        SEED_BACKWARD,
        False,
    ),
    Entry(
        "output-cache-for-every-hidden-layer",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        13,
        "current_cache is never updated in the loop: the output layer's cache is used for every "
        "hidden layer",
        ("cache", "layer"),
        QA_L_BACKWARD,
        True,
    ),
    Entry(
        "dAL-fed-to-every-relu-layer",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        13,
        "every ReLU layer gets dAL where the gradient of the layer above (dA of layer l + 1) "
        "belongs",
        ("dAL", "dA"),
        SEED_BACKWARD,
        True,
    ),
    Entry(
        "next-layers-cache-in-loop",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l + 1]
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        12,
        "caches[l + 1] is the cache of layer l + 2; the layer l + 1 this step handles is caches[l]",
        ("cache", "layer"),
        QA_L_BACKWARD,
        True,
        (14,),
    ),
    Entry(
        "dA-read-before-it-is-stored",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA = grads["dA" + str(l)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        13,
        'reads grads["dA" + str(l)], which this very step is about to compute; the layer '
        "above stored dA of l + 1 (KeyError)",
        ("dA",),
        QA_L_BACKWARD,
        True,
    ),
    Entry(
        "dAL-divisions-upside-down",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(AL, Y) - np.divide(1 - AL, 1 - Y))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        5,
        "dAL divides AL by Y (and 1 - AL by 1 - Y): the fractions are upside down, dividing by "
        "labels that are 0",
        ("dAL", "divi|Y|upside"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "output-cache-index-L",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        6,
        "caches[L] is one past the end: the output layer's cache is caches[L - 1] (IndexError)",
        ("caches",),
        SEED_BACKWARD,
        True,
    ),
    Entry(
        "hidden-loop-runs-forwards",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in range(L - 1):
                current_cache = caches[l]
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dA" + str(l)] = dA_prev
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        11,
        "the hidden layers are visited from layer 1 upwards: backprop must go from the output "
        "down, so dA of the layer above does not exist yet (KeyError)",
        ("reversed|order|down",),
        QA_L_BACKWARD,
        True,
        (13,),
    ),
    Entry(
        "dA-of-hidden-layer-never-stored",
        "L_model_backward",
        """
        def L_model_backward(AL, Y, caches):
            grads = {}
            L = len(caches)
            Y = Y.reshape(AL.shape)
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            current_cache = caches[L - 1]
            dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
            grads["dA" + str(L - 1)] = dA_prev
            grads["dW" + str(L)] = dW
            grads["db" + str(L)] = db
            for l in reversed(range(L - 1)):
                current_cache = caches[l]
                dA = grads["dA" + str(l + 1)]
                dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
                grads["dW" + str(l + 1)] = dW
                grads["db" + str(l + 1)] = db
            return grads
        """,
        14,
        "dA_prev of each hidden layer is never stored in grads, so the next layer down finds "
        "no dA (KeyError) and grads lacks dA0",
        ("dA",),
        SEED_BACKWARD,
        True,
        (13,),
    ),
    # --- update_parameters --------------------------------------------------------------------
    Entry(
        "update-key-plus-int",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {name: value.copy() for name, value in parameters.items()}
            L = len(parameters) // 2
            for l in range(1, L + 1):
                parameters["W" + l] -= learning_rate * grads["dW" + l]
                parameters["b" + l] -= learning_rate * grads["db" + l]
            return parameters
        """,
        5,
        '"W" + l adds an int to a str (TypeError): the layer number must be made a string',
        ("number|int", "text|str|string"),
        NOTEBOOK,
        True,
    ),
    Entry(
        "gradient-keys-without-d",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {name: value.copy() for name, value in parameters.items()}
            L = len(parameters) // 2
            for l in range(1, L + 1):
                parameters["W" + str(l)] -= learning_rate * grads["W" + str(l)]
                parameters["b" + str(l)] -= learning_rate * grads["b" + str(l)]
            return parameters
        """,
        5,
        'grads["W1"]: the gradients are stored as dW1, db1, ... (KeyError)',
        ("dW1|dW",),
        NOTEBOOK,
        True,
    ),
    Entry(
        "bias-update-after-the-loop",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {name: value.copy() for name, value in parameters.items()}
            L = len(parameters) // 2
            for l in range(1, L + 1):
                parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
            parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
            return parameters
        """,
        6,
        "the bias update is dedented out of the loop: only the last layer's b is updated",
        ("b1", "loop"),
        NOTEBOOK,
        False,
    ),
    Entry(
        "bias-stepped-uphill",
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            parameters = {name: value.copy() for name, value in parameters.items()}
            L = len(parameters) // 2
            for l in range(1, L + 1):
                parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
                parameters["b" + str(l)] += learning_rate * grads["db" + str(l)]
            return parameters
        """,
        6,
        "the biases step along the gradient (+) while the weights step against it (-)",
        ("b1", "+|sign|minus|plus"),
        NOTEBOOK,
        False,
    ),
]
