"""The diagnosis names a catalogued mistake from its outputs alone, and only when sure.

Every catalogued mistake must be recognised by its own name and no other, both on the samples
kept with the catalogue and on the grader's own cases. A correct answer, garbage, or an error
must never produce a diagnosis, and the diagnosis must never raise or disturb the caller.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from replayed_diagnosis import diagnose_anywhere

import reference
from grader.authoring.catalogue_table import CALL_SEED, replay, table_for
from grader.grading.comparison import compare
from grader.grading.diagnose import Diagnosis, diagnose
from grader.sandbox import codec
from reference.mutants import MISTAKES, Mistake, mistakes_for
from reference.mutants.samples import sample_args

Observations = list[tuple[tuple[Any, ...], Any]]


def _observe(func: Callable[..., Any], cases: list[tuple[Any, ...]]) -> Observations:
    """(args, output) for every case ``func`` returns on, as the engine would collect them."""
    observed = []
    for args in cases:
        try:
            observed.append((args, replay(func, args)))
        except Exception:
            continue  # a student's code that raises gives no output to compare
    return observed


@functools.cache
def _all_grader_cases() -> tuple[Any, ...]:
    from testcases.cases import all_cases

    return tuple(all_cases())


def _grader_cases(function: str) -> list[tuple[Any, ...]]:
    """The published and hidden cases the grader runs (their arguments are never modified:
    every run works on a deep copy)."""
    return [case.args for case in _all_grader_cases() if case.function == function]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_each_mistake_is_named_on_the_samples(mistake: Mistake) -> None:
    observed = _observe(mistake.impl, sample_args(mistake.function))
    found = diagnose_anywhere(mistake.function, observed)
    assert found is not None and found.name == mistake.name


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_each_mistake_is_named_on_the_grader_cases(mistake: Mistake) -> None:
    observed = _observe(mistake.impl, _grader_cases(mistake.function))
    found = diagnose(mistake.function, observed)
    assert found is not None and found.name == mistake.name


@pytest.mark.parametrize("function", reference.GRADED_FUNCTIONS)
def test_the_reference_gets_no_diagnosis(function: str) -> None:
    ref = getattr(reference, function)
    assert diagnose_anywhere(function, _observe(ref, sample_args(function))) is None
    assert diagnose(function, _observe(ref, _grader_cases(function))) is None


def test_the_diagnosis_carries_the_catalogue_entry() -> None:
    mistake = mistakes_for("linear_backward")[0]
    found = diagnose_anywhere(
        "linear_backward", _observe(mistake.impl, sample_args("linear_backward"))
    )
    assert found == Diagnosis(mistake.name, mistake.function, mistake.title, mistake.hint)
    assert found.to_dict() == {
        "name": mistake.name,
        "function": "linear_backward",
        "title": mistake.title,
        "hint": mistake.hint,
    }


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "cost",
        3,
        [1, 2],
        {"W1": 0},
        (None, None),
        np.array(["a", "b"]),
        np.zeros((2, 2), dtype=object),
    ],
)
@pytest.mark.parametrize("function", reference.GRADED_FUNCTIONS)
def test_garbage_gets_no_diagnosis(function: str, garbage: Any) -> None:
    observed = [(args, garbage) for args in sample_args(function)]
    assert diagnose_anywhere(function, observed) is None


def test_a_right_output_in_the_wrong_container_gets_none() -> None:
    observed = [
        (args, list(out))
        for args, out in _observe(
            mistakes_for("linear_backward")[0].impl, sample_args("linear_backward")
        )
    ]
    assert diagnose_anywhere("linear_backward", observed) is None


def test_nothing_to_go_on_gets_none() -> None:
    assert diagnose("linear_forward", []) is None
    assert diagnose("no_such_function", [((1,), 1)]) is None


@pytest.mark.parametrize("bad_args", [(), ("x", "y", "z"), (None,), 42])
def test_bad_arguments_never_raise(bad_args: Any) -> None:
    assert diagnose("linear_forward", [(bad_args, 0.0)]) is None
    assert diagnose("L_model_backward", [(bad_args, {})]) is None


def test_a_broken_catalogue_entry_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.grading.diagnose as module

    def broken() -> Any:
        raise RuntimeError("catalogue unavailable")

    monkeypatch.setattr(module, "installed_table", broken)
    assert diagnose("linear_forward", [((1, 2, 3), 0)]) is None


def test_diagnosis_is_deterministic_and_leaves_no_trace() -> None:
    mistake = next(m for m in MISTAKES if m.name == "deep-init-seed-not-set")  # uses CALL_SEED
    cases = sample_args("initialize_parameters_deep")
    observed = _observe(mistake.impl, cases)
    table = table_for("initialize_parameters_deep", cases)
    snapshot = copy.deepcopy(observed)
    np.random.seed(12345)
    expected_next_draw = np.random.rand()
    np.random.seed(12345)
    first = diagnose("initialize_parameters_deep", observed, table)
    assert np.random.rand() == expected_next_draw  # the caller's generator is untouched
    assert diagnose("initialize_parameters_deep", observed, table) == first
    assert first is not None and first.name == mistake.name
    assert not compare(snapshot, observed, "observations")  # arguments not modified


def _student_no_seed(n_x: int, n_h: int, n_y: int) -> dict[str, Any]:
    """A student's own code: forgot the seed line, otherwise right."""
    return {
        "W1": np.random.randn(n_h, n_x) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": np.random.randn(n_y, n_h) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def test_a_forgotten_seed_is_recognised_under_the_grader_seeding() -> None:
    observed = []
    for args in sample_args("initialize_parameters"):
        np.random.seed(CALL_SEED)  # what the grader does before every call to student code
        observed.append((args, _student_no_seed(*args)))
    found = diagnose_anywhere("initialize_parameters", observed)
    assert found is not None and found.name == "init-seed-not-set"


def _student_cost_without_minus(AL: Any, Y: Any) -> Any:
    """A student's own code: a different formula, a numpy scalar, and the sign forgotten."""
    return np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]


def test_a_student_written_mistake_is_recognised_after_transport() -> None:
    observed = []
    for args in sample_args("compute_cost"):
        output = _student_cost_without_minus(*args)
        tree, arrays = codec.flatten(output)  # as the sandboxed child sends it back
        observed.append((args, codec.unflatten(tree, arrays)))
    found = diagnose_anywhere("compute_cost", observed)
    assert found is not None and found.name == "cost-missing-minus"


def test_agreement_on_right_cases_is_evidence() -> None:
    """sigmoid-for-relu and swapped agree on ReLU cases; the sigmoid ones tell them apart."""
    mistake = next(m for m in MISTAKES if m.name == "layer-backward-sigmoid-derivative-for-relu")
    observed = _observe(mistake.impl, sample_args("linear_activation_backward"))
    relu_only = [(args, out) for args, out in observed if args[2] == "relu"]
    assert diagnose_anywhere("linear_activation_backward", relu_only) is None
    found = diagnose_anywhere("linear_activation_backward", observed)
    assert found is not None and found.name == mistake.name
