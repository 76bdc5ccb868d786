"""Properties of the reference on random networks of 1 to 5 layers.

Backprop must agree with central finite differences of the cost; a learning rate of 0 must
change nothing; every output has its documented shape.
"""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as R

networks = st.tuples(
    st.lists(st.integers(1, 6), min_size=1, max_size=5),  # input + hidden sizes -> 1..5 layers
    st.integers(1, 5),  # m
    st.integers(0, 2**32 - 1),  # seed
)


def make_problem(sizes, m, seed):
    rng = np.random.default_rng(seed)
    dims = [*sizes, 1]
    params = {}
    for l in range(1, len(dims)):
        params["W" + str(l)] = rng.standard_normal((dims[l], dims[l - 1])) * 0.8
        params["b" + str(l)] = rng.standard_normal((dims[l], 1)) * 0.5
    X = rng.standard_normal((dims[0], m))
    Y = rng.integers(0, 2, size=(1, m))
    return dims, params, X, Y


def cost_and_kinks(params, X, Y):
    """The cost, and which side of 0 every ReLU pre-activation is on."""
    AL, caches = R.L_model_forward(X, params)
    signs = tuple((Z > 0).tobytes() for (_, Z) in caches[:-1])
    return np.longdouble(R.compute_cost(AL, Y)), signs  # keep every digit it was given


def numeric_gradient(params, name, idx, X, Y, h=1e-3):
    """Central differences with one Richardson step (error O(h^4)), or None when a step
    crosses a ReLU kink (the cost is not differentiable there).

    The cost is evaluated in extended precision (np.longdouble): near a saturated sigmoid
    (AL = 0.99999995, say) float64 differences of the cost keep too few digits to judge a
    gradient of 5e-8 to 1e-6 relative error."""
    params = {k: v.astype(np.longdouble) for k, v in params.items()}
    X = X.astype(np.longdouble)
    _, base_signs = cost_and_kinks(params, X, Y)

    def diff(step):
        values = []
        for sign in (1, -1):
            moved = copy.deepcopy(params)
            moved[name][idx] += sign * step
            cost, signs = cost_and_kinks(moved, X, Y)
            if signs != base_signs:
                return None
            values.append(cost)
        return (values[0] - values[1]) / (2 * step)

    coarse, fine = diff(h), diff(h / 2)
    if coarse is None or fine is None:
        return None
    return (4 * fine - coarse) / 3


def assert_backprop_matches_finite_differences(dims, params, X, Y, min_checked=0):
    AL, caches = R.L_model_forward(X, params)
    grads = R.L_model_backward(AL, Y, caches)
    for name, value in params.items():
        analytic: list[float] = []
        numeric: list[float] = []
        for idx in np.ndindex(value.shape):
            estimate = numeric_gradient(params, name, idx, X, Y)
            if estimate is not None:  # away from ReLU kinks only
                analytic.append(grads["d" + name][idx])
                numeric.append(estimate)
        assert len(numeric) >= min(min_checked, value.size), f"{name}: too few entries checked"
        a, n = np.array(analytic), np.array(numeric)
        denom = np.linalg.norm(a) + np.linalg.norm(n)
        rel = np.linalg.norm(a - n) / denom if denom > 0 else 0.0
        assert rel < 1e-6, f"{name}: relative error {rel:.2e} in a {len(dims) - 1}-layer net"


@settings(max_examples=40, deadline=None, derandomize=True)
@given(networks)
def test_backprop_matches_central_finite_differences(network):
    assert_backprop_matches_finite_differences(*make_problem(*network))


@pytest.mark.parametrize("layers", [1, 2, 3, 4, 5], ids=lambda n: f"{n}-layers")
def test_finite_differences_reach_every_layer(layers):
    """A fixed network per depth, where most entries are away from kinks: every W and b of
    every layer gets checked (not skipped)."""
    dims, params, X, Y = make_problem([4] * layers, 3, 1000 + layers)
    assert_backprop_matches_finite_differences(dims, params, X, Y, min_checked=1)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(networks)
def test_every_output_has_its_documented_shape(network):
    dims, params, X, Y = make_problem(*network)
    L, m = len(dims) - 1, X.shape[1]
    AL, caches = R.L_model_forward(X, params)
    assert AL.shape == (1, m) and isinstance(caches, list) and len(caches) == L
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        assert A_prev.shape == (dims[l - 1], m) and W.shape == (dims[l], dims[l - 1])
        assert b.shape == (dims[l], 1) and Z.shape == (dims[l], m)
    assert np.shape(R.compute_cost(AL, Y)) == ()
    grads = R.L_model_backward(AL, Y, caches)
    expected_keys = {f"dW{l}" for l in range(1, L + 1)} | {f"db{l}" for l in range(1, L + 1)}
    expected_keys |= {f"dA{l}" for l in range(L)}
    assert set(grads) == expected_keys
    for l in range(1, L + 1):
        assert grads[f"dW{l}"].shape == params[f"W{l}"].shape
        assert grads[f"db{l}"].shape == params[f"b{l}"].shape
        assert grads[f"dA{l - 1}"].shape == (dims[l - 1], m)
    deep = R.initialize_parameters_deep(dims)
    assert {k: v.shape for k, v in deep.items()} == {k: v.shape for k, v in params.items()}


@settings(max_examples=30, deadline=None, derandomize=True)
@given(networks)
def test_update_with_rate_zero_is_the_identity_and_leaves_inputs_alone(network):
    _, params, X, Y = make_problem(*network)
    AL, caches = R.L_model_forward(X, params)
    grads = R.L_model_backward(AL, Y, caches)
    params_before, grads_before = copy.deepcopy(params), copy.deepcopy(grads)
    updated = R.update_parameters(params, grads, 0.0)
    assert updated is not params
    for name in params:
        np.testing.assert_array_equal(updated[name], params_before[name])
        assert updated[name] is not params[name]
    for store, before in ((params, params_before), (grads, grads_before)):
        assert list(store) == list(before)
        for name in store:
            np.testing.assert_array_equal(store[name], before[name])


@settings(max_examples=20, deadline=None, derandomize=True)
@given(networks, st.floats(0.001, 1.0))
def test_update_moves_against_the_gradient(network, rate):
    _, params, X, Y = make_problem(*network)
    AL, caches = R.L_model_forward(X, params)
    grads = R.L_model_backward(AL, Y, caches)
    updated = R.update_parameters(params, grads, rate)
    for name in params:
        np.testing.assert_allclose(updated[name], params[name] - rate * grads["d" + name])
