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


@add(COST, "cost-missing-minus",
     "Cost without the leading minus sign (negative cost)",
     """Your cost is negative: the minus sign in front of the formula is missing. The logs of
     probabilities are negative, so the minus is what turns them into a positive cost that
     shrinks as predictions improve. Compare your sign with equation (7).""")
def cost_missing_minus(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


@add(COST, "cost-missing-1-over-m",
     "Cost summed over examples but not divided by m",
     """Your cost is m times too large: it is a sum over the examples, not an average. Averaging
     keeps the cost, and the size of each learning step, independent of how many examples there
     are. Check the factor in front of the sum in equation (7).""")
def cost_missing_1_over_m(AL: Array, Y: Array) -> Array:
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


@add(COST, "cost-not-squeezed",
     "Cost returned as a (1, 1) array instead of a 0-d value",
     """Your cost has the right value but comes back wrapped in a (1, 1) array. The cost is a
     single number and callers print it, compare it and plot it as one. Keep the template's
     squeeze line that follows your code.""")
def cost_not_squeezed(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    return (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))


@add(COST, "cost-not-summed",
     "Per-example losses returned instead of their average",
     """Your cost is a vector with one entry per example: the losses were never added up. The
     cost is one number, the average loss over all m examples. Look at the sum over i in
     equation (7).""")
def cost_not_summed(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


@add(COST, "cost-log-one-minus-y",
     "log(1 - Y) used instead of log(1 - AL)",
     """Your cost is NaN (or 0 when every label is 0) because the second log is taken of one
     minus the labels instead of one minus the predictions. The labels are exactly 0 or 1, and
     the log of 0 is minus infinity. In the second term, the log belongs to the prediction.""")
def cost_log_one_minus_y(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - Y).T))
    return np.squeeze(cost)


@add(COST, "cost-missing-second-term",
     "Only the Y log(AL) term; the (1 - Y) log(1 - AL) term is missing",
     """Your cost ignores the examples whose label is 0: the second term of the formula is missing.
     Without it, predicting 1 for everything would cost nothing. Compare your expression with
     both terms of equation (7).""")
def cost_missing_second_term(AL: Array, Y: Array) -> Array:
    m = Y.shape[1]
    cost = (-1 / m) * np.dot(Y, np.log(AL).T)
    return np.squeeze(cost)


MISTAKES = _registry.mistakes()
