"""Wrong versions of ``compute_cost``.

Each mutant keeps the template's final squeeze (it sits outside the student's code region)
unless the squeeze itself is the mistake.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference.mutants._catalogue import Registry

_registry = Registry()
add = _registry.add

COST = "compute_cost"

Array = Any


@add(
    COST,
    "cost-missing-minus",
    "Cost without the leading minus sign (negative cost)",
    """Your cost is negative: the minus sign in front of the formula is missing. The logs of
     probabilities are negative, so the minus is what turns them into a positive cost that
     shrinks as predictions improve. Compare your sign with equation (7).""",
)
def cost_missing_minus(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


@add(
    COST,
    "cost-missing-1-over-m",
    "Cost summed over examples but not divided by m",
    """Your cost is m times too large: it is a sum over the examples, not an average. Averaging
     keeps the cost, and the size of each learning step, independent of how many examples there
     are. Check the factor in front of the sum in equation (7).""",
)
def cost_missing_1_over_m(AL: Array, Y: Array) -> Array:
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


@add(
    COST,
    "cost-not-squeezed",
    "Cost returned as a (1, 1) array instead of a 0-d value",
    """Your cost has the right value but comes back wrapped in a (1, 1) array. The cost is a
     single number and callers print it, compare it and plot it as one. Keep the template's
     squeeze line that follows your code.""",
)
def cost_not_squeezed(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    return (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))


@add(
    COST,
    "cost-not-summed",
    "Per-example losses returned instead of their average",
    """Your cost is a vector with one entry per example: the losses were never added up. The
     cost is one number, the average loss over all m examples. Look at the sum over i in
     equation (7).""",
)
def cost_not_summed(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


@add(
    COST,
    "cost-log-one-minus-y",
    "log(1 - Y) used instead of log(1 - AL)",
    """Your cost is NaN (or 0 when every label is 0) because the second log is taken of one
     minus the labels instead of one minus the predictions. The labels are exactly 0 or 1, and
     the log of 0 is minus infinity. In the second term, the log belongs to the prediction.""",
)
def cost_log_one_minus_y(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - Y).T))
    return np.squeeze(cost)


@add(
    COST,
    "cost-missing-second-term",
    "Only the Y log(AL) term; the (1 - Y) log(1 - AL) term is missing",
    """Your cost ignores the examples whose label is 0: the second term of the formula is missing.
     Without it, predicting 1 for everything would cost nothing. Compare your expression with
     both terms of equation (7).""",
)
def cost_missing_second_term(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * np.dot(Y, np.log(AL).T)
    return np.squeeze(cost)


@add(
    COST,
    "cost-mean-and-1-over-m",
    "np.mean of the losses, then divided by m again",
    """Your cost is m times too small: the losses were averaged twice. Taking the mean already
     divides the sum by the number of examples, so a further division by m counts it again. Use
     either a sum with the factor in front, as in equation (7), or a mean on its own.""",
)
def cost_mean_and_1_over_m(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return np.squeeze(cost)


@add(
    COST,
    "cost-m-hard-coded",
    "m written as 3 (the published example's size) instead of the number of examples",
    """Your cost is averaged over 3 examples whatever the number of examples really is. That is
     right for the published example only; the hidden tests use other sizes. Use the m the
     template computes from the shape of Y.""",
)
def cost_m_hard_coded(AL: Array, Y: Array) -> Array:
    cost = (-1 / 3) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


@add(
    COST,
    "cost-second-term-times-y",
    "Second term multiplied by Y instead of (1 - Y)",
    """Your second term is weighted by the labels instead of by one minus the labels, so examples
     labelled 0 count for nothing and examples labelled 1 are charged twice. Each example must pay
     for exactly one of the two logs, chosen by its label. Compare the weight in front of the
     second log with equation (7).""",
)
def cost_second_term_times_y(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(Y, np.log(1 - AL).T))
    return np.squeeze(cost)


@add(
    COST,
    "cost-outer-product",
    "Dot products taken in the wrong orientation (an m-by-m matrix instead of a sum)",
    """Your cost is a whole matrix: the transposes in your dot products are on the wrong side, so
     numpy built every pair of examples (an outer product) instead of summing over them. A row
     times a column gives one number; a column times a row gives an m-by-m table. Check the
     shapes of the two factors of each product.""",
)
def cost_outer_product(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y.T, np.log(AL)) + np.dot((1 - Y).T, np.log(1 - AL)))
    return np.squeeze(cost)


@add(
    COST,
    "cost-missing-first-term",
    "Only the (1 - Y) log(1 - AL) term; the Y log(AL) term is missing",
    """Your cost ignores the examples whose label is 1: the first term of the formula is missing.
     Without it, predicting 0 for everything would cost nothing. Compare your expression with
     both terms of equation (7).""",
)
def cost_missing_first_term(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * np.dot(1 - Y, np.log(1 - AL).T)
    return np.squeeze(cost)


@add(
    COST,
    "cost-log-base-10",
    "Logarithm in base 10 instead of the natural logarithm",
    """Your cost is smaller than expected by a constant factor of about 2.3, which is what the
     base-10 logarithm gives. Cross-entropy uses the natural logarithm, whose slope is what makes
     the gradient formulas of the backward pass come out as they do. Check which numpy log you
     call.""",
)
def cost_log_base_10(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y, np.log10(AL).T) + np.dot(1 - Y, np.log10(1 - AL).T))
    return np.squeeze(cost)


@add(
    COST,
    "cost-minus-on-first-term-only",
    "Minus sign and 1/m applied to the first term only (brackets misplaced)",
    """Your cost has the second term outside the brackets, so it is neither negated nor averaged.
     The minus sign and the averaging apply to the whole sum of both terms. Check where your
     brackets close, against equation (7).""",
)
def cost_minus_on_first_term_only(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)
    return np.squeeze(cost)


@add(
    COST,
    "cost-squared-error",
    "Mean squared error instead of cross-entropy",
    """Your cost measures the squared distance between predictions and labels, not the
     cross-entropy. With a sigmoid output, squared error makes the cost non-convex and the
     gradients vanish when a prediction is confidently wrong, which is why the logistic loss is
     used. Implement equation (7), with its two logs.""",
)
def cost_squared_error(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = np.sum((AL - Y) ** 2) / m
    return np.squeeze(cost)


# --- mistakes that raise -------------------------------------------------------------------------


@add(
    COST,
    "cost-np-sum-of-two-terms",
    "np.sum(first term, second term) used to add the two terms (TypeError)",
    """Your code stops with a TypeError in the cost line: numpy's sum was given the two terms as
     two arguments, and it reads the second one as the axis to sum over. Add the two terms
     together first, then sum the result over the examples.""",
    raises=TypeError,
    line=r"sum\(",
)
def cost_np_sum_of_two_terms(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * np.sum(Y * np.log(AL), (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


MISTAKES = _registry.mistakes()
RAISING = _registry.raising()
