"""Seeded test cases: the published ones under the names students know, and the hidden ones."""

from testcases.published import (
    L_model_backward_test_case,
    L_model_forward_test_case_2hidden,
    compute_cost_test_case,
    linear_activation_backward_test_case,
    linear_activation_forward_test_case,
    linear_backward_test_case,
    linear_forward_test_case,
    update_parameters_test_case,
)

__all__ = [
    "L_model_backward_test_case",
    "L_model_forward_test_case_2hidden",
    "compute_cost_test_case",
    "linear_activation_backward_test_case",
    "linear_activation_forward_test_case",
    "linear_backward_test_case",
    "linear_forward_test_case",
    "update_parameters_test_case",
]
