"""The reference solution: provided helpers and the ten graded functions."""

from grader.grading.comparison import GRADED_FUNCTIONS
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
