"""The comparison's messages point at the likely cause when the pattern of a wrong value is
simple (a sign, a factor, a bias-like offset, parts swapped, keys shifted), and never mislead:
no matrix-product guess when the keys are wrong, no absurd relative error where 0 is expected.
"""

from __future__ import annotations

import numpy as np

from grader.grading.comparison import compare, compare_output


def _text(problems) -> str:
    return " ".join(m.message for m in problems)


def _arr(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def test_an_exact_sign_flip_is_named() -> None:
    e = _arr(1, (3, 4))
    text = _text(compare(e, -e))
    assert "opposite sign" in text
    assert "opposite sign" not in _text(compare(e, -e + 0.5))


def test_a_factor_of_m_is_named_with_its_size() -> None:
    e = _arr(2, (2, 5))
    assert "exactly 5 times larger" in _text(compare(e, 5 * e))
    assert "exactly 5 times smaller" in _text(compare(e, e / 5))
    assert "number of examples m" in _text(compare(e, e / 5))


def test_a_factor_of_100_points_at_a_scale_factor() -> None:
    e = _arr(3, (4, 3)) * 0.01
    text = _text(compare(e, e * 100))
    assert "100 times larger" in text and "scale factor" in text


def test_a_cost_off_by_a_factor_is_named() -> None:
    assert "exactly 3 times larger" in _text(
        compare_output("compute_cost", np.float64(0.4), np.float64(1.2))
    )


def test_a_constant_offset_per_row_is_named_as_bias_like() -> None:
    e = _arr(4, (3, 5))
    b = _arr(5, (3, 1))
    assert "bias" in _text(compare(e, e + b))
    assert "bias" in _text(compare(e, e - 2 * b))
    assert "bias" not in _text(compare(e, e + _arr(6, (3, 5))))


def test_no_cue_for_an_unrelated_error() -> None:
    e = _arr(7, (3, 3))
    text = _text(compare(e, e + _arr(8, (3, 3))))
    assert not any(
        cue in text for cue in ("opposite sign", "times larger", "times smaller", "bias")
    )


def test_no_relative_error_where_zero_is_expected() -> None:
    e = np.zeros((2, 3))
    a = e.copy()
    a[0, 1] = 0.25
    text = _text(compare(e, a))
    assert "relative error" not in text and "absolute error 0.25" in text
    e2 = np.array([[0.0, 2.0]])
    text = _text(compare(e2, np.array([[1e-300 + 1.0, 2.0]])))
    assert "e+" not in text


def test_relative_error_is_kept_where_it_means_something() -> None:
    e = np.array([[1.0, 2.0]])
    assert "largest relative error 0.5" in _text(compare(e, np.array([[1.5, 2.0]])))


def test_two_parts_of_a_tuple_swapped_are_named() -> None:
    Z, A, W, b = _arr(9, (1, 2)), _arr(10, (3, 2)), _arr(11, (1, 3)), _arr(12, (1, 1))
    problems = compare_output("linear_forward", (Z, (A, W, b)), (Z, (W, A, b)))
    assert problems[0].kind == "order"
    assert "swapped" in problems[0].message and "A holds what belongs in W" in problems[0].message
    out = compare_output("linear_backward", (A, W, b), (W, b, A))
    assert out[0].kind == "order" and "another order" in out[0].message


def test_keys_shifted_by_one_are_named_and_get_no_product_hint() -> None:
    e = {"dA0": _arr(13, (4, 2)), "dA1": _arr(14, (3, 2)), "dW1": _arr(15, (3, 4))}
    a = {"dA1": e["dA0"], "dA2": e["dA1"], "dW1": e["dW1"]}
    problems = compare_output("L_model_backward", e, a)
    assert problems[0].kind == "keys_shifted"
    assert "shifted by +1" in problems[0].message
    assert "matrix product" not in _text(problems)


def test_the_product_hint_stays_where_the_keys_are_right() -> None:
    e = {"W1": _arr(16, (3, 4))}
    assert "matrix product" in _text(compare(e, {"W1": e["W1"].T}))
    assert "matrix product" not in _text(compare(e, {"W1": e["W1"].T, "W2": e["W1"]}))


def test_many_failing_keys_get_one_summary_line_first() -> None:
    e = {f"W{i}": _arr(20 + i, (2, 2)) for i in range(1, 5)}
    a = {k: v + 1.0 for k, v in e.items()}
    problems = compare_output("update_parameters", e, a)
    assert problems[0].kind == "summary" and "4 of 4 entries are wrong" in problems[0].message
    assert len(problems) == 5
    two = {"W1": e["W1"] + 1.0, "W2": e["W2"] + 1.0, "W3": e["W3"], "W4": e["W4"]}
    assert compare_output("update_parameters", e, two)[0].kind == "value"


def test_a_stub_dict_gets_no_summary() -> None:
    e = {f"W{i}": _arr(30 + i, (2, 2)) for i in range(1, 5)}
    problems = compare(e, dict.fromkeys(e))
    assert problems and all(m.kind == "not_implemented" for m in problems)


def test_right_answers_still_pass() -> None:
    e = {"W1": _arr(40, (2, 3)), "b1": np.zeros((2, 1))}
    assert compare(e, {k: v.copy() for k, v in e.items()}) == []
    assert compare((e["W1"], e["b1"]), (e["W1"].copy(), e["b1"].copy())) == []
