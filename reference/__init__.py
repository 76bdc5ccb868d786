"""The reference solution: provided helpers and the ten graded functions.

Self-contained (numpy only): the grader builds its cases from this package, never the other
way round. ``GRADED_FUNCTIONS`` lists the graded functions in the order the assignment teaches
them; a test keeps it equal to the grader's own list.
"""

from reference.activations import relu, relu_backward, sigmoid, sigmoid_backward
from reference.network import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    update_parameters,
)

GRADED_FUNCTIONS = (
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
)

__all__ = [
    "GRADED_FUNCTIONS",
    "L_model_backward",
    "L_model_forward",
    "compute_cost",
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "update_parameters",
]
