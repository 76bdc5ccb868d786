"""What the judge says, case by case: true, said once, in one style for public and hidden cases,
and nothing a hidden case's inputs could be read from.

Pure: cases from the committed bundles, call outcomes made by hand, no sandbox.
"""

from __future__ import annotations

from pathlib import Path

import crafted
import numpy as np

from grader.bundle import BundleCase, read_bundle
from grader.grading.judge import OWN_EXCEPTION, judge, judge_case
from grader.grading.options import CheckOptions
from grader.paths import bundle_paths
from grader.sandbox.codec import Opaque
from grader.sandbox.outcomes import CallOutcome, ExceptionInfo
from grader.submission import load_submission

CASES: list[BundleCase] = [c for path in bundle_paths().values() for c in read_bundle(path)]


def cases_of(function: str, visibility: str | None = None) -> list[BundleCase]:
    return [c for c in CASES if c.function == function and visibility in (None, c.visibility)]


def raised(case: BundleCase, type_name: str, message: str = "boom") -> CallOutcome:
    exc = ExceptionInfo(type_name, message, cell=5, lineno=3, line="    Z = np.dot(W, A) + b")
    return CallOutcome(case.key, "error", exception=exc)


def messages(result) -> str:
    texts = [m.message for m in result.mismatches]
    if result.problem is not None:
        texts.append(result.problem.message)
    return "\n".join(texts)


# --- hidden cases: no name or number the student's code could choose ----------------------

ENCODED = "shape1x8_AL0p310788_Y11111111"


def test_a_hidden_case_names_only_pythons_and_numpys_exceptions():
    case = cases_of("linear_forward", "hidden")[0]
    for reported in (f"__main__.{ENCODED}", ENCODED, f"numpy.{ENCODED}", "__main__.ValueError"):
        problem = judge_case(case, raised(case, reported), None).problem
        assert problem is not None and ENCODED not in problem.message
        assert OWN_EXCEPTION in problem.message and problem.exception_type == OWN_EXCEPTION
    for reported in ("ValueError", "numpy.linalg.LinAlgError", "numpy.exceptions.AxisError"):
        problem = judge_case(case, raised(case, reported), None).problem
        assert problem is not None and f"raised {reported}" in problem.message
    public = cases_of("linear_forward", "public")[0]
    problem = judge_case(public, raised(public, f"__main__.{ENCODED}"), None).problem
    assert problem is not None and ENCODED in problem.message  # the student's own, public case


def test_a_hidden_case_does_not_show_a_returned_class_name_or_shape():
    case = cases_of("linear_backward", "hidden")[2]
    for value, secret in (
        (Opaque(f"__main__.{ENCODED}", "not a plain value"), ENCODED),
        ((np.zeros((0, 310788)), np.zeros((1, 1)), np.zeros((1, 1))), "310788"),
        ([np.zeros((1, 1))] * 7, "7"),
        (Opaque(f"numpy.{ENCODED}", "not a plain value"), ENCODED),
        (Opaque(ENCODED, "not a plain value"), ENCODED),  # a class claiming to be a builtin
    ):
        result = judge_case(case, CallOutcome(case.key, "ok", value=value), None)
        assert not result.passed and secret not in messages(result), messages(result)
        assert all(secret not in str(m.details) + m.got for m in result.mismatches)


def test_hidden_and_public_cases_say_a_wrong_shape_in_one_style():
    """The same failure reads the same, the hidden case without the numbers."""
    texts = {}
    for visibility in ("public", "hidden"):
        case = cases_of("linear_backward", visibility)[1]
        dA_prev, dW, db = case.expected
        value = (dA_prev, dW, db.ravel())
        texts[visibility] = messages(
            judge_case(case, CallOutcome(case.key, "ok", value=value), None)
        )
    assert texts["public"].startswith("db should have shape (")
    assert texts["hidden"].startswith("db does not have the expected shape.")
    cue = "This is a 1-D array, not a column vector"
    assert cue in texts["public"] and cue in texts["hidden"]


# --- the line of code, once ---------------------------------------------------------------


def test_the_failing_line_is_data_not_repeated_in_the_sentence():
    case = cases_of("linear_forward", "public")[0]
    problem = judge_case(case, raised(case, "ValueError"), None).problem
    assert problem is not None and problem.line.strip() == "Z = np.dot(W, A) + b"
    assert "np.dot" not in problem.message and "(cell 6, line 3)" in problem.message


# --- cues that fit, said once -----------------------------------------------------------


def _swapped(value):
    return {k: v.T if k.startswith("W") else v for k, v in value.items()}


def test_an_initialisation_is_not_told_about_matrix_products():
    for case in cases_of("initialize_parameters", "public"):
        outcome = CallOutcome(case.key, "ok", value=_swapped(case.expected))
        text = messages(judge_case(case, outcome, None))
        assert "axes are swapped" in text
        assert "product" not in text and "transpose" not in text


def test_a_product_still_gets_the_product_cue():
    case = cases_of("linear_forward", "public")[1]
    Z, cache = case.expected
    text = messages(judge_case(case, CallOutcome(case.key, "ok", value=(Z.T, cache)), None))
    assert "matrix product in the wrong order" in text


def test_a_cue_is_said_once_per_function(tmp_path: Path):
    """Every W of every case swapped: one cue among the public cases, one among the hidden."""
    report = _judged(tmp_path, "initialize_parameters_deep", _swapped)
    function = report.function("initialize_parameters_deep")
    for visibility in ("public", "hidden"):
        texts = [messages(c) for c in function.cases if c.visibility == visibility]
        assert sum(t.count("axes are swapped") for t in texts) == 1, texts
        assert texts[0].count("axes are swapped") == 1  # at the first place it applies


# --- summaries ------------------------------------------------------------------------------


def _judged(tmp_path: Path, function: str, wrong) -> object:
    """A full report: ``function`` answers ``wrong(expected)`` on every case, the others right."""
    path = crafted.write(crafted.notebook(), tmp_path / "submission.ipynb")
    outcomes = {
        c.key: CallOutcome(
            c.key, "ok", value=wrong(c.expected) if c.function == function else c.expected
        )
        for c in CASES
    }
    return judge(load_submission(path), CASES, outcomes, [], CheckOptions())


def test_summaries_are_sentences(tmp_path: Path):
    report = _judged(tmp_path, "compute_cost", lambda cost: -cost)
    for function in report.functions:
        assert function.summary[0].isupper(), function.summary
    assert report.function("compute_cost").summary.startswith("Fails 10 of 10 cases")


def test_a_hidden_case_names_numpy_arrays_and_plain_types():
    case = cases_of("linear_backward", "hidden")[0]
    for value, said in (
        (Opaque("numpy.ndarray", "an array of dtype object"), "(it is a numpy array)"),
        ("text", "(it is a str)"),
        (Opaque("generator", "not a plain value"), "(it is a generator)"),
    ):
        text = messages(judge_case(case, CallOutcome(case.key, "ok", value=value), None))
        assert said in text, text


def test_a_hidden_stub_part_does_not_carry_the_expected_shape():
    case = cases_of("linear_forward", "hidden")[3]
    Z, cache = case.expected
    result = judge_case(case, CallOutcome(case.key, "ok", value=(None, cache)), None)
    assert [m.kind for m in result.mismatches] == ["not_implemented"]
    assert all(m.expected == m.got == "" for m in result.mismatches)
    assert str(Z.shape) not in str([m.to_dict() for m in result.mismatches])


def test_what_a_hidden_call_printed_is_not_kept():
    hidden, public = cases_of("compute_cost", "hidden")[0], cases_of("compute_cost", "public")[0]
    for case in (hidden, public):
        outcome = CallOutcome(case.key, "ok", value=case.expected, output="AL = [[0.31]]\n")
        kept = judge_case(case, outcome, None).output
        assert kept == ("" if case is hidden else "AL = [[0.31]]\n")
