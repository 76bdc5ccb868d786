"""Wrong versions of ``initialize_parameters`` and ``initialize_parameters_deep``.

Initialisation mistakes are only visible in the numbers, so each mutant reproduces the exact
sequence of random draws a student's code would make. The grader seeds numpy's legacy global
generator with a fixed ``CALL_SEED`` before every call, which is what makes "forgot the seed"
reproducible: the student's draws then come from that seed instead of the function's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference.mutants._catalogue import Registry

_registry = Registry()
add = _registry.add

TWO = "initialize_parameters"
DEEP = "initialize_parameters_deep"

Params = dict[str, Any]


# --- initialize_parameters ---------------------------------------------------------------------


@add(
    TWO,
    "init-rand-not-randn",
    "Weights drawn with rand (uniform) instead of randn (normal)",
    """Your weights are all positive, which is what the uniform generator on [0, 1) gives.
     Weights should be centred on zero so that units start out different and unbiased, which
     is why the instructions ask for the standard normal generator, randn, not rand.""",
)
def init_rand_not_randn(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.rand(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.rand(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-weights-not-scaled",
    "Random weights not multiplied by 0.01",
    """Your weights are about a hundred times too large: the random draws were not scaled down.
     Large weights push sigmoid units into their flat regions, where gradients are tiny and
     learning crawls. Look at the factor the instructions put after the random draw.""",
)
def init_weights_not_scaled(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x)
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h)
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-scale-too-large",
    "Random weights scaled by 0.1 instead of 0.01",
    """Your weights are ten times larger than expected, so the scaling factor is off by one
     decimal place. The small scale keeps early activations away from the flat ends of the
     sigmoid. Re-read the factor in the instructions and count its zeros.""",
)
def init_scale_too_large(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.1
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.1
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-seed-not-set",
    "The random seed line was removed",
    """Your weights are random but not the expected ones, because the generator was not seeded
     at the top of the function. Seeding fixes the sequence of draws, which is the only way
     your numbers can be compared with the expected output. Keep the seeding line the template
     gives you, unchanged, before the first draw.""",
)
def init_seed_not_set(n_x: int, n_h: int, n_y: int) -> Params:
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-bias-1d",
    "Biases of shape (n,) instead of (n, 1)",
    """Your biases are flat vectors of shape (n,) rather than columns of shape (n, 1). A flat
     vector broadcasts along the wrong axis when added to W times A, silently mixing examples
     and units. Give the zeros call a two-number shape whose second number is 1.""",
)
def init_bias_1d(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros(n_h)
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros(n_y)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-weights-transposed",
    "Weight shapes given as (inputs, units) instead of (units, inputs)",
    """Your weight matrices have their two dimensions swapped. Each row of W belongs to one unit
     of the layer and each column to one input, so that W times A gives one row per unit. Check
     the shapes listed in the docstring: the current layer's size comes first.""",
)
def init_weights_transposed(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_x, n_h) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_h, n_y) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-weights-zero",
    "Weights initialised to zeros like the biases",
    """Your weights are all zero. Zero weights make every unit of a layer compute the same thing
     and receive the same gradient, so they can never become different: the symmetry is never
     broken. Only the biases start at zero; the weights need small random values.""",
)
def init_weights_zero(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.zeros((n_h, n_x))
    b1 = np.zeros((n_h, 1))
    W2 = np.zeros((n_y, n_h))
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-biases-random",
    "Biases drawn at random instead of zeros",
    """Your biases are random and, because they take draws from the generator, W2 differs too.
     Random weights already break the symmetry between units, so the biases can simply start at
     zero. Use the zeros function for b1 and b2, and draw only the two weight matrices.""",
)
def init_biases_random(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.random.randn(n_h, 1) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.random.randn(n_y, 1) * 0.01
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-scaled-by-sqrt-fan-in",
    "Weights divided by sqrt(n_x) and sqrt(n_h) instead of times 0.01",
    """Your weights are scaled by one over the square root of each layer's input size. That is a
     sound rule you will meet later in the course, but here the instructions ask for one fixed
     small factor so that everyone's numbers can be checked. Use the factor given after the
     random draw in the instructions.""",
)
def init_scaled_by_sqrt_fan_in(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) / np.sqrt(n_x)
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) / np.sqrt(n_h)
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-normal-mean-not-scale",
    "np.random.normal given 0.01 as its mean, so the spread stays 1",
    """Your weights are about a hundred times too large and all shifted by a small amount: the
     0.01 went into the mean of the normal distribution instead of scaling its spread. The normal
     generator takes the mean first and the standard deviation second. Check which argument your
     0.01 lands in, or use randn and scale its result as the instructions do.""",
)
def init_normal_mean_not_scale(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.normal(0.01, size=(n_h, n_x))
    b1 = np.zeros((n_h, 1))
    W2 = np.random.normal(0.01, size=(n_y, n_h))
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-seed-3",
    "Seeded with 3 (the deep version's seed) instead of 1",
    """Your weights have the right size and spread but come from another random sequence: the
     generator was seeded with the value the deep initialisation uses. Each function fixes its
     own seed so that its output can be checked against the expected numbers. Keep the seed
     value this function's template gives.""",
)
def init_seed_3(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(3)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-output-size-hard-coded",
    "Output layer built with 1 unit whatever n_y is",
    """Your output layer always has a single unit, so W2 and b2 have the wrong shape whenever n_y
     is not 1. The published example has one output, but the function must work for any sizes it
     is given. Build W2 and b2 from n_y, as the docstring's shapes say.""",
)
def init_output_size_hard_coded(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(1, n_h) * 0.01
    b2 = np.zeros((1, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-sizes-hard-coded",
    "Layer sizes of the published example (3, 2, 1) written in as numbers",
    """Your weights have the shapes of the published example whatever sizes are passed in: the
     sizes were typed as numbers instead of taken from the arguments. Hidden tests use other
     layer sizes. Build every shape from n_x, n_h and n_y.""",
)
def init_sizes_hard_coded(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(2, 3) * 0.01
    b1 = np.zeros((2, 1))
    W2 = np.random.randn(1, 2) * 0.01
    b2 = np.zeros((1, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-w2-drawn-first",
    "W2 drawn before W1 (the random draws taken in another order)",
    """Your weights have the right shapes and scale but each takes numbers meant for the other:
     W2 was drawn from the generator before W1. After seeding, the draws come out in a fixed
     sequence, so the order of the lines decides which matrix gets which numbers. Draw W1 first,
     then W2, as in the template.""",
)
def init_w2_drawn_first(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W2 = np.random.randn(n_y, n_h) * 0.01
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-reseeded-before-w2",
    "Generator seeded again before drawing W2",
    """Your W1 is right but W2 starts over from the same random numbers as W1, because the
     generator was seeded a second time before it. Seeding once, at the top, fixes the whole
     sequence; seeding again replays it. Keep only the template's seeding line.""",
)
def init_reseeded_before_w2(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    np.random.seed(1)
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    TWO,
    "init-biases-ones",
    "Biases initialised to ones instead of zeros",
    """Your weights are right but every bias starts at 1 instead of 0. The random weights already
     make the units different, so the biases start from nothing, and a bias of 1 shifts every
     unit before learning has begun. Check the numpy function you fill the biases with.""",
)
def init_biases_ones(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.ones((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.ones((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


# --- initialize_parameters_deep ------------------------------------------------------------------


@add(
    DEEP,
    "deep-init-rand-not-randn",
    "Weights drawn with rand (uniform) instead of randn",
    """Your weights are all positive, which is what the uniform generator on [0, 1) gives. Weights
     should be centred on zero so that units start out different and unbiased. The instructions
     ask for the standard normal generator, randn, inside the loop.""",
)
def deep_rand_not_randn(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.rand(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-weights-not-scaled",
    "Random weights not multiplied by 0.01",
    """Your weights are about a hundred times too large: the random draws were not scaled down.
     Large weights saturate the output sigmoid and make the first steps of learning very slow.
     Look at the factor the instructions put after the random draw.""",
)
def deep_weights_not_scaled(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-scale-too-large",
    "Random weights scaled by 0.1 instead of 0.01",
    """Your weights are ten times larger than expected, so the scaling factor is off by one
     decimal place. The small scale keeps early activations away from the flat ends of the
     sigmoid. Re-read the factor in the instructions and count its zeros.""",
)
def deep_scale_too_large(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.1
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-scaled-by-sqrt-fan-in",
    "Weights divided by sqrt(n[l-1]) instead of times 0.01",
    """Your weights are scaled by one over the square root of the previous layer's size. That is
     a good rule (you will meet it in the next assignment), but this exercise asks for a fixed
     small factor so that everyone's numbers agree. Use the factor given in the instructions.""",
)
def deep_scaled_by_sqrt_fan_in(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        W = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["W" + str(l)] = W
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-seed-not-set",
    "The random seed line was removed",
    """Your weights are random but not the expected ones, because the generator was not seeded at
     the top of the function. Seeding fixes the sequence of draws, which is the only way your
     numbers can be compared with the expected output. Keep the template's seeding line, once,
     before the loop.""",
)
def deep_seed_not_set(layer_dims: list[int]) -> Params:
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-seed-in-loop",
    "The generator re-seeded inside the loop, once per layer",
    """Your first layer is right but every later layer starts again from the same random numbers,
     because the generator is seeded inside the loop. Seeding once fixes the whole sequence of
     draws; seeding every layer makes the layers' weights copies of each other. Seed once, before
     the loop, as the template does.""",
)
def deep_seed_in_loop(layer_dims: list[int]) -> Params:
    parameters = {}
    for l in range(1, len(layer_dims)):
        np.random.seed(3)
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-seed-1",
    "Seeded with 1 (the two-layer version's seed) instead of 3",
    """Your weights come from a different random sequence: the generator was seeded with the
     two-layer function's value. Each function fixes its own seed so its output can be checked
     against the expected numbers. Keep the seed value the template of this function gives.""",
)
def deep_seed_1(layer_dims: list[int]) -> Params:
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-bias-1d",
    "Biases of shape (n,) instead of (n, 1)",
    """Your biases are flat vectors of shape (n,) rather than columns of shape (n, 1). A flat
     vector broadcasts along the wrong axis when added to W times A, silently mixing examples
     and units. Give the zeros call a two-number shape whose second number is 1.""",
)
def deep_bias_1d(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros(layer_dims[l])
    return parameters


@add(
    DEEP,
    "deep-init-weights-transposed",
    "Weight shapes (n[l-1], n[l]) instead of (n[l], n[l-1])",
    """Your weight matrices have their two dimensions swapped. Each row of W belongs to one unit
     of layer l and each column to one unit of layer l-1, so that W times A gives one row per
     unit. Check the table of shapes: the current layer's size comes first.""",
)
def deep_weights_transposed(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-last-layer-missing",
    "Loop stops one layer early: no W and b for the output layer",
    """Your dictionary has no weights for the output layer. The list of sizes has one entry per
     layer plus one for the input, so the loop must visit every index from 1 to the last one.
     Check where your loop range stops.""",
)
def deep_last_layer_missing(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims) - 1):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-loop-from-0",
    "Loop starts at layer 0: an extra W0 and b0, other layers shifted",
    """Your dictionary has a W0 and b0, and the real layers' weights differ because W0 used up
     random draws. Layer 0 is the input: it has no weights, so parameters are numbered from 1 to
     L. Check where your loop range starts.""",
)
def deep_loop_from_0(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-normal-mean-not-scale",
    "np.random.normal given 0.01 as its mean, so the spread stays 1",
    """Your weights are about a hundred times too large and shifted by a small amount: the 0.01
     went into the mean of the normal distribution instead of scaling its spread. The normal
     generator takes the mean first and the standard deviation second. Check where your 0.01
     lands, or use randn and scale its result as the instructions do.""",
)
def deep_normal_mean_not_scale(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        shape = (layer_dims[l], layer_dims[l - 1])
        parameters["W" + str(l)] = np.random.normal(0.01, size=shape)
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-he-scaling",
    "Weights scaled by sqrt(2 / n[l-1]) (He initialisation) instead of 0.01",
    """Your weights use the scale recommended for ReLU layers, the square root of two over the
     previous layer's size. It is a good choice in real networks, and the next course covers it,
     but this exercise fixes a small constant factor so your numbers can be checked. Use the
     factor the instructions give.""",
)
def deep_he_scaling(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        scale = np.sqrt(2 / layer_dims[l - 1])
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * scale
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-layer-count-hard-coded",
    "Loop over the two layers of the published example, not over layer_dims",
    """Your function builds exactly two layers, which suits the published example but not a
     network of another depth: with more layers the later ones are missing, with one layer it
     fails. The number of layers follows from the length of layer_dims. Let the loop's range
     depend on it.""",
)
def deep_layer_count_hard_coded(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, 3):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-lowercase-keys",
    "Keys w1, b1 ... in lower case (W must be upper case)",
    """Your values are right but the weights are stored under lower-case keys. Dictionary keys
     are case-sensitive, and every later function looks the weights up with a capital W. Check
     the letter you build each weight key from.""",
)
def deep_lowercase_keys(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["w" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-key-without-layer-number",
    "Keys are the literal text Wl and bl, so each layer overwrites the last",
    """Your dictionary has two keys whose names end in the letter l instead of the layer number,
     so each pass of the loop overwrites the previous layer. The layer number is a variable: it
     has to be turned into text and joined to the letter. Print the keys of your dictionary to
     see what was built.""",
)
def deep_key_without_layer_number(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["Wl"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["bl"] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-bias-shaped-like-w",
    "Biases given W's shape (n[l], n[l-1]) instead of (n[l], 1)",
    """Your biases are full matrices shaped like the weights, not columns. Each unit has a single
     bias, shared by all its inputs and broadcast across the examples. Check the shape you pass
     to the zeros call for b.""",
)
def deep_bias_shaped_like_w(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], layer_dims[l - 1]))
    return parameters


@add(
    DEEP,
    "deep-init-biases-random",
    "Biases drawn at random instead of zeros",
    """Your biases are random and, because they use up draws from the generator, every weight
     after the first differs too. Random weights already break the symmetry between units, so
     the biases can start at zero. Use the zeros function for b and draw only the weights.""",
)
def deep_biases_random(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.random.randn(layer_dims[l], 1) * 0.01
    return parameters


@add(
    DEEP,
    "deep-init-weights-zero",
    "Weights initialised to zeros like the biases",
    """Your weights are all zero. Then every unit of a layer computes the same value and gets the
     same gradient, so the units can never become different. Only the biases start at zero; the
     weights need small random values.""",
)
def deep_weights_zero(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.zeros((layer_dims[l], layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# --- mistakes that raise -------------------------------------------------------------------------


@add(
    TWO,
    "init-randn-given-a-tuple",
    "randn given the shape as one tuple, like zeros (TypeError)",
    """Your code stops with a TypeError at the random draw: the shape was passed as a single
     tuple. The zeros function takes its shape as one tuple, but randn takes each dimension as
     a separate argument. Check the brackets around the sizes in your randn calls.""",
    raises=TypeError,
    line=r"randn\(\(",
)
def init_randn_given_a_tuple(n_x: int, n_h: int, n_y: int) -> Params:
    np.random.seed(1)
    W1 = np.random.randn((n_h, n_x)) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn((n_y, n_h)) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@add(
    DEEP,
    "deep-init-randn-given-a-tuple",
    "randn given the shape as one tuple, like zeros (TypeError)",
    """Your code stops with a TypeError at the random draw: the shape was passed as a single
     tuple. The zeros function takes its shape as one tuple, but randn takes each dimension as a
     separate argument. Check the brackets around the two sizes in your randn call.""",
    raises=TypeError,
    line=r"randn\(\(",
)
def deep_randn_given_a_tuple(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn((layer_dims[l], layer_dims[l - 1])) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@add(
    DEEP,
    "deep-init-sizes-one-layer-ahead",
    "Sizes read one entry too far (layer l+1 and l), past the end of layer_dims (IndexError)",
    """Your code stops with an IndexError on the last layer: the weight shape reads the entry
     after the current layer's, which does not exist there. Layer l's weights connect layer l-1
     to layer l, so its shape uses those two entries of layer_dims. Check the indices in your
     weight's shape.""",
    raises=IndexError,
    line=r"layer_dims\[l\+1\]",
)
def deep_sizes_one_layer_ahead(layer_dims: list[int]) -> Params:
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l + 1], layer_dims[l]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l + 1], 1))
    return parameters


MISTAKES = _registry.mistakes()
RAISING = _registry.raising()
