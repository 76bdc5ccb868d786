"""The reference reproduces every "Expected output" the assignment publishes, digit for digit.

The numbers below are copied from the assignment text; this is the one place they appear.
Each is compared at the precision it was printed with (numpy's default 8 decimals).
"""

import numpy as np
import pytest

import reference as R
import testcases as T


def printed(array):
    """The values as numpy prints them (8 decimals), for digit-for-digit comparison."""
    return np.round(np.asarray(array, dtype=np.float64), 8)


def assert_printed(actual, published):
    np.testing.assert_array_equal(printed(actual), np.asarray(published))


def test_initialize_parameters_3_2_1():
    p = R.initialize_parameters(3, 2, 1)
    assert_printed(
        p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]]
    )
    assert_printed(p["b1"], [[0.0], [0.0]])
    assert_printed(p["W2"], [[0.01744812, -0.00761207]])
    assert_printed(p["b2"], [[0.0]])


def test_initialize_parameters_deep_5_4_3():
    p = R.initialize_parameters_deep([5, 4, 3])
    assert_printed(
        p["W1"],
        [
            [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
            [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
            [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
            [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
        ],
    )
    assert_printed(p["b1"], [[0.0], [0.0], [0.0], [0.0]])
    assert_printed(
        p["W2"],
        [
            [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
            [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
            [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
        ],
    )
    assert_printed(p["b2"], [[0.0], [0.0], [0.0]])
    assert sorted(p) == ["W1", "W2", "b1", "b2"]


def test_linear_forward():
    Z, cache = R.linear_forward(*T.linear_forward_test_case())
    assert_printed(Z, [[3.26295337, -1.23429987]])


@pytest.mark.parametrize(
    ("activation", "published"),
    [
        ("sigmoid", [[0.96890023, 0.11013289]]),
        ("relu", [[3.43896131, 0.0]]),
    ],
    ids=["sigmoid", "relu"],
)
def test_linear_activation_forward(activation, published):
    A_prev, W, b = T.linear_activation_forward_test_case()
    A, cache = R.linear_activation_forward(A_prev, W, b, activation)
    assert_printed(A, published)


def test_L_model_forward_two_hidden_layers():
    AL, caches = R.L_model_forward(*T.L_model_forward_test_case_2hidden())
    assert_printed(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert len(caches) == 3


def test_compute_cost_exact_repr():
    Y, AL = T.compute_cost_test_case()
    cost = R.compute_cost(AL, Y)
    assert str(cost) == "0.41493159961539694"
    assert np.shape(cost) == ()


def test_linear_backward():
    dA_prev, dW, db = R.linear_backward(*T.linear_backward_test_case())
    assert_printed(
        dA_prev, [[0.51822968, -0.19517421], [-0.40506361, 0.15255393], [2.37496825, -0.89445391]]
    )
    assert_printed(dW, [[-0.10076895, 1.40685096, 1.64992505]])
    assert_printed(db, [[0.50629448]])


@pytest.mark.parametrize(
    ("activation", "dA_prev", "dW", "db"),
    [
        (
            "sigmoid",
            [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]],
            [[0.10266786, 0.09778551, -0.01968084]],
            [[-0.05729622]],
        ),
        (
            "relu",
            [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]],
            [[0.44513824, 0.37371418, -0.10478989]],
            [[-0.20837892]],
        ),
    ],
    ids=["sigmoid", "relu"],
)
def test_linear_activation_backward(activation, dA_prev, dW, db):
    dA, cache = T.linear_activation_backward_test_case()
    out = R.linear_activation_backward(dA, cache, activation)
    for got, published in zip(out, (dA_prev, dW, db)):
        assert_printed(got, published)


def test_L_model_backward():
    grads = R.L_model_backward(*T.L_model_backward_test_case())
    assert_printed(
        grads["dW1"],
        [
            [0.41010002, 0.07807203, 0.13798444, 0.10502167],
            [0.0, 0.0, 0.0, 0.0],
            [0.05283652, 0.01005865, 0.01777766, 0.0135308],
        ],
    )
    assert_printed(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]])
    assert_printed(
        grads["dA1"],
        [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
    )
    assert sorted(grads) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]


def test_update_parameters_rate_0_1():
    parameters, grads = T.update_parameters_test_case()
    p = R.update_parameters(parameters, grads, 0.1)
    assert_printed(
        p["W1"],
        [
            [-0.59562069, -0.09991781, -2.14584584, 1.82662008],
            [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
            [-1.0535704, -0.86128581, 0.68284052, 2.20374577],
        ],
    )
    assert_printed(p["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    assert_printed(p["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    assert_printed(p["b2"], [[-0.84610769]])


@pytest.mark.parametrize("function", ["linear_activation_forward", "linear_activation_backward"])
def test_unknown_activation_is_a_clear_value_error(function):
    if function == "linear_activation_forward":
        args = (*T.linear_activation_forward_test_case(), "tanh")
    else:
        args = (*T.linear_activation_backward_test_case(), "tanh")
    with pytest.raises(ValueError, match='"sigmoid" or "relu"'):
        getattr(R, function)(*args)
