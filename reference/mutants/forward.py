"""Wrong versions of the forward module: ``linear_forward``, ``linear_activation_forward``,
``L_model_forward``.

Several mistakes here are about the caches rather than the numbers: the forward pass stores
what the backward pass will need (A_prev and W for the linear step, Z for the activation), and
the forum threads show that what goes where is the most confusing part of the assignment.
Composite mutants call the reference helpers for everything they do not get wrong, so each
one carries exactly one mistake.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference import network as ref
from reference.activations import relu, sigmoid
from reference.mutants._catalogue import Registry

_registry = Registry()
add = _registry.add

LINEAR = "linear_forward"
LAYER = "linear_activation_forward"
MODEL = "L_model_forward"

Array = Any  # numpy arrays; the reference code is untyped
Pair = tuple[Any, Any]


# --- linear_forward ------------------------------------------------------------------------------


@add(
    LINEAR,
    "linear-forward-bias-missing",
    "Z computed without adding b",
    """Your Z is missing the bias term. Without b every unit's pre-activation is forced through
     zero, so the layer loses a degree of freedom. Compare your line with equation (4).""",
)
def lf_bias_missing(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A)
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-z-transposed",
    "Z computed as A transposed times W transposed (shape (m, n))",
    """Your Z has one row per example instead of one row per unit: it is the transpose of the
     expected result. Every later step (activations, costs, backprop) expects shape (n[l], m), with
     examples along the columns. Put the weights first in the product, as in equation (4).""",
)
def lf_z_transposed(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(A.T, W.T) + b
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-w-transposed",
    "W transposed in the product (only runs when W is square)",
    """Your product uses the transpose of W; that only runs because this W happens to be square,
     and it mixes up which weight belongs to which unit. Row i of W holds the weights of unit i,
     so W itself, not its transpose, multiplies A. Compare with equation (4).""",
)
def lf_w_transposed(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W.T, A) + b
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-elementwise-product",
    "W * A (elementwise) instead of the matrix product",
    """Your Z uses an elementwise product, which only runs when the shapes happen to broadcast. A
     layer needs the matrix product: each unit sums its weights times every input. Use numpy's
     dot product, as the instructions suggest.""",
)
def lf_elementwise_product(A: Array, W: Array, b: Array) -> Pair:
    Z = W * A + b
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-cache-order",
    "Linear cache stored as (W, A, b) instead of (A, W, b)",
    """Your Z is right but the cache holds its three items in the wrong order. The backward pass
     unpacks the cache by position into A_prev, W and b, so a different order hands it the wrong
     arrays. Check the order of the three items wherever your code builds or returns the
     linear cache: the layer's input first, then W, then b.""",
)
def lf_cache_order(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b
    return Z, (W, A, b)


@add(
    LINEAR,
    "linear-forward-cache-holds-z",
    "Linear cache holds Z instead of the input A",
    """Your Z is right but the cache stores Z where the layer's input A should be. Backprop needs
     the input to compute dW, the gradient of the weights; Z is saved separately, by the
     activation function, as the activation cache. Keep the input, unchanged, in the cache.""",
)
def lf_cache_holds_z(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b
    return Z, (Z, W, b)


@add(
    LINEAR,
    "linear-forward-cache-as-dict",
    "Linear cache stored as a dictionary instead of the tuple (A, W, b)",
    """Your Z is right but the cache is a dictionary; an older version of this assignment
     described it that way. The backward pass unpacks the cache by position into three names,
     which needs a tuple of the three arrays in the order A, W, b. Look at the type of the cache
     your function returns.""",
)
def lf_cache_as_dict(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b
    return Z, {"A": A, "W": W, "b": b}


@add(
    LINEAR,
    "linear-forward-cache-with-z",
    "Linear cache (A, W, b, Z): Z added as a fourth item",
    """Your Z is right but the linear cache has a fourth item, Z. The backward step unpacks the
     linear cache into exactly three names, and Z is kept elsewhere: the activation helper
     returns it as the activation cache. Keep only the layer's input and its parameters here.""",
)
def lf_cache_with_z(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b
    return Z, (A, W, b, Z)


@add(
    LINEAR,
    "linear-forward-cache-without-b",
    "Linear cache (A, W) with b left out",
    """Your Z is right but the cache holds only two items, the input and the weights. The
     backward step unpacks three, the bias included, because it returns a gradient shaped like
     b. Check how many items the cache you return holds: the docstring lists three.""",
)
def lf_cache_without_b(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b
    return Z, (A, W)


@add(
    LINEAR,
    "linear-forward-bias-subtracted",
    "b subtracted from W A instead of added",
    """Your Z has the bias with the wrong sign. The sign would not matter to a network trained
     from scratch, but every later function and every check assumes Z is the product plus the
     bias. Compare your sign with equation (4).""",
)
def lf_bias_subtracted(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) - b
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-bias-transposed",
    "b transposed before the addition (a row instead of a column)",
    """Your bias was turned into a row before being added, so it is broadcast along the wrong
     axis: each example gets a different unit's bias, and the result only has the right shape
     by accident when the sizes line up. b is a column with one value per unit, added to every
     column of the product. Add b as it comes, without reshaping it.""",
)
def lf_bias_transposed(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b.T
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-a-times-w",
    "A times W instead of W times A (runs only when m equals n[l])",
    """Your product has its two factors the wrong way round; it only runs because the number of
     examples happens to equal this layer's size here. A matrix product is not commutative:
     the weights come first so that each row of the result belongs to one unit. Compare the
     order of your factors with equation (4).""",
)
def lf_a_times_w(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(A, W) + b
    return Z, (A, W, b)


@add(
    LINEAR,
    "linear-forward-returns-cache-first",
    "Returns (cache, Z) instead of (Z, cache)",
    """Your Z and your cache are right but they come back in the wrong order. The callers
     unpack the result by position, Z first, so they would take your cache for Z. Check the
     order of the two values in your return line against the docstring.""",
)
def lf_returns_cache_first(A: Array, W: Array, b: Array) -> Pair:
    Z = np.dot(W, A) + b
    return (A, W, b), Z


# --- linear_activation_forward -------------------------------------------------------------------


@add(
    LAYER,
    "layer-forward-activations-swapped",
    'relu used for "sigmoid" and sigmoid for "relu"',
    """Your two branches call each other's activation: the sigmoid branch applies ReLU and the
     ReLU branch applies sigmoid. The output layer needs sigmoid to give probabilities and the
     hidden layers need ReLU. Check which helper each branch calls.""",
)
def laf_activations_swapped(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    Z, linear_cache = ref.linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = relu(Z)
    elif activation == "relu":
        A, activation_cache = sigmoid(Z)
    else:
        raise ValueError(activation)
    return A, (linear_cache, activation_cache)


@add(
    LAYER,
    "layer-forward-activation-not-applied",
    "A returned without applying the activation (A equals Z)",
    """Your A equals Z: the activation function was never applied. Without it a stack of layers is
     just one big linear function, and the output is not a probability. Pass Z to the activation
     helper and use the A it returns.""",
)
def laf_activation_not_applied(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    if activation not in ("sigmoid", "relu"):
        raise ValueError(activation)
    Z, linear_cache = ref.linear_forward(A_prev, W, b)
    return Z, (linear_cache, Z)


@add(
    LAYER,
    "layer-forward-activation-cache-holds-a",
    "Activation cache holds A instead of Z",
    """Your A is right but the activation cache stores A where Z should be. The backward helpers
     evaluate the activation's slope at Z (the ReLU slope depends on the sign of Z), so they need
     Z itself. Store the second value the activation helper returns.""",
)
def laf_activation_cache_holds_a(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    A, (linear_cache, _) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, (linear_cache, A)


@add(
    LAYER,
    "layer-forward-cache-order",
    "Cache stored as (activation_cache, linear_cache)",
    """Your A is right but the two caches are packed in the wrong order. The backward function
     unpacks them by position, linear cache first, so swapping them hands it the wrong values.
     Check the order of the two caches wherever your code builds or returns the layer's cache:
     the linear cache comes first, then Z.""",
)
def laf_cache_order(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    A, (linear_cache, activation_cache) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, (activation_cache, linear_cache)


@add(
    LAYER,
    "layer-forward-linear-cache-holds-output",
    "Linear cache holds the layer's output A instead of A_prev",
    """Your linear cache stores this layer's output where its input, A_prev, should be.
     Backprop needs the layer's input to compute dW, so the cache must keep what went into the
     layer. Use the linear cache that the linear step returns.""",
)
def laf_linear_cache_holds_output(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    A, (_, Z) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, ((A, W, b), Z)


@add(
    LAYER,
    "layer-forward-cache-flattened",
    "Cache flattened to (A_prev, W, b, Z) instead of nested (linear_cache, Z)",
    """Your A is right but the cache is one flat tuple of four items instead of a pair. The
     backward pass unpacks it in two steps, first into the linear cache and the activation cache,
     then the linear cache into its three parts, so the nesting matters. Look at how your cache
     is built: it should pair the two caches the helpers gave you, each kept whole.""",
)
def laf_cache_flattened(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    A, ((A_in, W_in, b_in), Z) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, (A_in, W_in, b_in, Z)


@add(
    LAYER,
    "layer-forward-cache-is-linear-cache",
    "Only the linear cache returned, without the activation cache",
    """Your A is right but the cache is just the linear cache, so Z is lost. The backward step of
     the activation evaluates its slope at Z, which it finds as the second item of this cache.
     Return the pair of both caches.""",
)
def laf_cache_is_linear_cache(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    A, (linear_cache, _) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, linear_cache


@add(
    LAYER,
    "layer-forward-sigmoid-always",
    "sigmoid applied whatever the activation argument says",
    """Your ReLU layers give sigmoid outputs: both branches call the sigmoid helper. The
     activation argument decides which function this layer uses, ReLU for hidden layers and
     sigmoid only for the output. Check the helper you call in the relu branch.""",
)
def laf_sigmoid_always(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    if activation not in ("sigmoid", "relu"):
        raise ValueError(activation)
    return ref.linear_activation_forward(A_prev, W, b, "sigmoid")


@add(
    LAYER,
    "layer-forward-relu-always",
    "relu applied whatever the activation argument says",
    """Your sigmoid layers give ReLU outputs: both branches call the ReLU helper. The output
     layer needs sigmoid so that its values are probabilities between 0 and 1. Check the helper
     you call in the sigmoid branch.""",
)
def laf_relu_always(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    if activation not in ("sigmoid", "relu"):
        raise ValueError(activation)
    return ref.linear_activation_forward(A_prev, W, b, "relu")


@add(
    LAYER,
    "layer-forward-returns-cache-first",
    "Returns (cache, A) instead of (A, cache)",
    """Your A and your cache are right but they come back in the wrong order. The model's forward
     pass unpacks the result by position, A first, so it would feed your cache into the next
     layer. Check the order of the two values in your return line.""",
)
def laf_returns_cache_first(A_prev: Array, W: Array, b: Array, activation: str) -> Pair:
    A, cache = ref.linear_activation_forward(A_prev, W, b, activation)
    return cache, A


# --- L_model_forward -----------------------------------------------------------------------------


def _layers(
    X: Array, parameters: dict[str, Any], hidden: str, output: str
) -> tuple[Array, list[Any]]:
    """The reference forward pass with the given activation names for hidden and output layers."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], hidden
        )
        caches.append(cache)
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], output
    )
    caches.append(cache)
    return AL, caches


@add(
    MODEL,
    "model-forward-relu-output",
    "ReLU used on the output layer",
    """Your last layer uses ReLU instead of sigmoid, so the output is not a probability between 0
     and 1. The cost takes the log of AL and of one minus AL, which needs values strictly between
     0 and 1. Check the activation you pass for the layer after the loop.""",
)
def lmf_relu_output(X: Array, parameters: dict[str, Any]) -> Pair:
    return _layers(X, parameters, "relu", "relu")


@add(
    MODEL,
    "model-forward-sigmoid-hidden",
    "Sigmoid used on the hidden layers",
    """Your hidden layers use sigmoid instead of ReLU. The model is [LINEAR, RELU] repeated L-1
     times and only the output layer is LINEAR, SIGMOID. Check the activation you pass inside
     the loop.""",
)
def lmf_sigmoid_hidden(X: Array, parameters: dict[str, Any]) -> Pair:
    return _layers(X, parameters, "sigmoid", "sigmoid")


@add(
    MODEL,
    "model-forward-activations-swapped",
    "Sigmoid on the hidden layers and ReLU on the output",
    """Your activations are the wrong way round: sigmoid inside the loop and ReLU on the output
     layer. Hidden layers use ReLU; only the output layer uses sigmoid, so that AL is a
     probability. Swap the two activation names.""",
)
def lmf_activations_swapped(X: Array, parameters: dict[str, Any]) -> Pair:
    return _layers(X, parameters, "sigmoid", "relu")


@add(
    MODEL,
    "model-forward-output-cache-missing",
    "The output layer's cache not appended (L-1 caches)",
    """Your AL is right but the caches list is one short: the output layer's cache was not added.
     Backprop starts at the output layer and needs its cache first. Append the cache after the
     final layer too.""",
)
def lmf_output_cache_missing(X: Array, parameters: dict[str, Any]) -> Pair:
    AL, caches = ref.L_model_forward(X, parameters)
    return AL, caches[:-1]


@add(
    MODEL,
    "model-forward-only-last-cache",
    "Only the output layer's cache kept",
    """Your AL is right but the caches list holds only the output layer's cache. Backprop goes
     through every layer and needs each layer's own cache, so every one of the L caches must be
     kept, in order. Append to the list in the loop instead of replacing it.""",
)
def lmf_only_last_cache(X: Array, parameters: dict[str, Any]) -> Pair:
    AL, caches = ref.L_model_forward(X, parameters)
    return AL, caches[-1:]


@add(
    MODEL,
    "model-forward-loop-stops-early",
    "Hidden-layer loop stops one layer early (one layer skipped)",
    """Your forward pass skips the last hidden layer (it only runs when that layer is square, as
     here). The loop has to visit hidden layers 1 to L-1, and the output layer comes after it.
     Check where your loop range stops.""",
)
def lmf_loop_stops_early(X: Array, parameters: dict[str, Any]) -> Pair:
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L - 1):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


@add(
    MODEL,
    "model-forward-layer-count-hard-coded",
    "Number of layers fixed at 3 (the published example's depth)",
    """Your forward pass always runs three layers, which is right for the published example only:
     with another depth it stops too early or fails. The number of layers follows from the
     parameters dictionary, which holds one W and one b per layer. Let the loop depend on that,
     not on a number you typed.""",
)
def lmf_layer_count_hard_coded(X: Array, parameters: dict[str, Any]) -> Pair:
    caches = []
    A = X
    L = 3
    for l in range(1, L):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


@add(
    MODEL,
    "model-forward-two-layers-written-out",
    "Two layers written out by hand (W1 with ReLU, then W2 with sigmoid), no loop",
    """Your forward pass is written for a two-layer network: one ReLU layer, then W2 with sigmoid.
     It happens to be right for two layers, but the published example has three and the hidden
     tests go up to five. Use a loop over the hidden layers so the code works for any depth.""",
)
def lmf_two_layers_written_out(X: Array, parameters: dict[str, Any]) -> Pair:
    A1, cache1 = ref.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    AL, cache2 = ref.linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
    return AL, [cache1, cache2]


@add(
    MODEL,
    "model-forward-caches-extended",
    "Caches list extended with the two parts of each cache instead of appending it",
    """Your AL is right but the caches list has two entries per layer: the linear cache and the
     activation cache were added as separate items. The list needs exactly one entry per layer,
     each the pair the layer function returned, so that backprop can take layer l's cache as a
     whole. Check how you add each cache to the list: adding a list to a list splices its items.""",
)
def lmf_caches_extended(X: Array, parameters: dict[str, Any]) -> Pair:
    caches: list[Any] = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches += cache
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches += cache
    return AL, caches


@add(
    MODEL,
    "model-forward-caches-reversed",
    "Each cache put at the front of the list, so the caches are in reverse order",
    """Your AL is right but the caches are stored last layer first. Backprop looks up the cache of
     layer l at position l - 1, so the list must run from the first layer to the output layer.
     Check where in the list you put each new cache.""",
)
def lmf_caches_reversed(X: Array, parameters: dict[str, Any]) -> Pair:
    caches: list[Any] = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.insert(0, cache)
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.insert(0, cache)
    return AL, caches


@add(
    MODEL,
    "model-forward-append-after-loop",
    "Hidden layers' caches appended after the loop, so only the last one is kept",
    """Your AL is right but only one hidden layer's cache is in the list, the last one: the append
     sits after the loop instead of inside it. Backprop needs every layer's cache, one per pass of
     the loop. Check the indentation of the append for the hidden layers.""",
)
def lmf_append_after_loop(X: Array, parameters: dict[str, Any]) -> Pair:
    caches: list[Any] = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
    caches.append(cache)  # after the loop
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


# --- mistakes that raise -------------------------------------------------------------------------


@add(
    LINEAR,
    "linear-forward-np-sum-for-plus",
    "np.sum(product, b) used to add the bias (TypeError)",
    """Your code stops with a TypeError in the line that adds the bias: numpy's sum adds up the
     items of one array, and its second argument is the axis to sum over, not a second array.
     Two arrays of matching shapes are added with the plain plus operator, which also
     broadcasts b across the examples.""",
    raises=TypeError,
    line=r"sum\(",
)
def lf_np_sum_for_plus(A: Array, W: Array, b: Array) -> Pair:
    Z = np.sum(np.dot(W, A), b)
    return Z, (A, W, b)


@add(
    MODEL,
    "model-forward-layer-count-not-halved",
    "Number of layers taken as the number of parameters (KeyError)",
    """Your code stops with a KeyError on a weight that does not exist: the loop runs over twice
     as many layers as the network has. The parameters dictionary holds two entries per layer,
     a W and a b, so its length is twice the number of layers. Check how you compute the number
     of layers.""",
    raises=KeyError,
    line=r"parameters\[",
)
def lmf_layer_count_not_halved(X: Array, parameters: dict[str, Any]) -> Pair:
    caches = []
    A = X
    L = len(parameters)
    for l in range(1, L):
        A, cache = ref.linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = ref.linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


MISTAKES = _registry.mistakes()
RAISING = _registry.raising()
