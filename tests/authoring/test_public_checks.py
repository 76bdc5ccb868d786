"""The notebook's checks name the mistake, fairly, and catch what the published cases cannot.

The generated ``public_tests`` module is imported from a copy of the student folder and its
checks are called in-process, as the notebook calls them. The grader's own diagnosis, run on
the public cases only, is the yardstick for which mistakes can be named there at all.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import shutil
import sys
import warnings

import numpy as np
import pytest

import reference
from grader import paths
from grader.authoring.catalogue_table import replay
from grader.authoring.stubs import graded_functions, reference_namespace
from grader.bundle import read_bundle
from grader.grading.diagnose import diagnose
from grader.sandbox.outcomes import ExceptionInfo
from reference import GRADED_FUNCTIONS, mutants

STUDENT_MODULES = (
    "public_tests",
    "public_cases",
    "public_named",
    "comparison",
    "dnn_utils",
    "testCases",
    "tracer",
    "valueflow",
    "tracedata",
    "raisedline",
)
PUBLIC = read_bundle(paths.bundle_paths()["public"])
SOLUTIONS = {g.name: g.solution for g in graded_functions()}


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """The generated ``public_tests``, imported from a copy of the student folder."""
    folder = tmp_path_factory.mktemp("student") / "step_by_step"
    shutil.copytree(paths.student_folder(), folder)
    saved = {name: sys.modules.pop(name, None) for name in STUDENT_MODULES}
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("public_tests")
    finally:
        sys.path.remove(str(folder))
        for name, module in saved.items():
            sys.modules.pop(name, None)
            if module is not None:
                sys.modules[name] = module


def run(student, function, target, cases=None):
    """What the check prints for ``target`` and the number it returns (numpy's warnings, which
    some wrong versions cause, silenced: pytest turns them into errors)."""
    out = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        if cases is None:
            count = getattr(student, f"{function}_test")(target)
        else:
            count = student.run_check(function, target, cases)
    return out.getvalue(), count


def named(text):
    """The titles after "Likely mistake:" in a check's report."""
    prefix = "Likely mistake: "
    return [line[len(prefix) :] for line in text.splitlines() if line.startswith(prefix)]


def grader_names_on_public_cases(mistake):
    """What the grader's diagnosis says when it sees this mistake's outputs (or exceptions) on
    the public cases alone."""
    observations = []
    for case in (c for c in PUBLIC if c.function == mistake.function):
        try:
            observations.append((case.args, replay(mistake.impl, case.args)))
        except Exception as exc:
            observations.append((case.args, ExceptionInfo(type(exc).__name__, str(exc))))
    found = diagnose(mistake.function, observations)
    return None if found is None else found.name


# --- naming the mistake ------------------------------------------------------------------------


@pytest.mark.parametrize("mistake", mutants.MISTAKES, ids=lambda m: m.name)
def test_the_check_names_a_mistake_exactly_when_the_grader_can_from_the_public_cases(
    student, mistake
):
    text, count = run(student, mistake.function, mistake.impl)
    if count == 0:  # the public cases cannot see this one (a ReLU kink exactly at 0...)
        assert text == "All tests passed.\n"
    elif grader_names_on_public_cases(mistake) == mistake.name:
        assert named(text) == [mistake.title], text
        hint_start = " ".join(mistake.hint.split())[:40]
        assert hint_start in " ".join(text.split())
    else:
        assert named(text) == [], text


def test_most_of_the_catalogue_is_named_in_the_notebook(student):
    """The catalogue grows; whatever is in it, the public cases tell most mistakes apart."""
    names = [m for m in mutants.MISTAKES if named(run(student, m.function, m.impl)[0])]
    assert len(names) >= 0.9 * len(mutants.MISTAKES)


def solution_namespace(**replaced):
    """A notebook where every graded function is the reference's solution cell, except those
    given (name -> function)."""
    namespace = reference_namespace()
    for name in GRADED_FUNCTIONS:
        exec(SOLUTIONS[name], namespace)
    namespace.update(replaced)
    return namespace


def cost_with_a_sum(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def linear_backward_with_matmul(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def update_with_a_copy(parameters, grads, learning_rate):
    new = {}
    for key, value in parameters.items():
        new[key] = value - learning_rate * grads["d" + key]
    return new


@pytest.mark.parametrize(
    ("function", "target"),
    [
        *((name, getattr(reference, name)) for name in GRADED_FUNCTIONS),
        ("compute_cost", cost_with_a_sum),
        ("linear_backward", linear_backward_with_matmul),
        ("update_parameters", update_with_a_copy),
    ],
)
def test_a_correct_function_passes_and_is_never_diagnosed(student, function, target):
    assert run(student, function, target) == ("All tests passed.\n", 0)


def halves_dZ_in_place(dZ, cache):
    result = reference.linear_backward(dZ, cache)
    dZ *= 0.5
    return result


def test_right_outputs_with_inputs_changed_in_place_name_no_mistake(student):
    text, count = run(student, "linear_backward", halves_dZ_in_place)
    assert count >= 1 and "changed its input dZ in place" in text
    assert named(text) == []


def nudged(value, rng):
    """``value`` with every float moved by a few units in the last place, as another processor
    may compute it."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        steps = rng.integers(-3, 4, size=value.shape)
        out = value.copy()
        for _ in range(3):
            out = np.where(steps > 0, np.nextafter(out, np.inf), out)
            out = np.where(steps < 0, np.nextafter(out, -np.inf), out)
            steps = steps - np.sign(steps)
        return out
    if isinstance(value, (float, np.floating)):
        return type(value)(np.nextafter(value, np.inf if rng.random() < 0.5 else -np.inf))
    if isinstance(value, (tuple, list)):
        return type(value)(nudged(v, rng) for v in value)
    if isinstance(value, dict):
        return {k: nudged(v, rng) for k, v in value.items()}
    return value


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_fingerprints_survive_last_bit_differences(student, function):
    rng = np.random.default_rng(7)
    cases = [c for c in PUBLIC if c.function == function]
    known = {m.title: m for m in student.MISTAKES[function] if m.title is not None}
    checked = 0
    for mistake in mutants.mistakes_for(function):
        if mistake.title not in known:
            continue
        for number, (case, seen) in enumerate(zip(cases, known[mistake.title].seen)):
            if seen.startswith("raises"):
                continue
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                output = replay(mistake.impl, case.args)
            for _ in range(3):
                assert student._agrees(function, number, seen, nudged(output, rng), {}), (
                    mistake.name
                )
                checked += 1
    assert checked > 0


# --- fair to helpers ---------------------------------------------------------------------------


def mistake(name):
    return next(m for m in mutants.MISTAKES if m.name == name)


def test_a_right_function_over_a_wrong_helper_says_which_helper_to_fix(student):
    namespace = solution_namespace(linear_backward=mistake("db-missing-keepdims").impl)
    wrong_helper = namespace["linear_backward"]
    text, count = run(
        student, "linear_activation_backward", namespace["linear_activation_backward"]
    )
    assert text.startswith(
        "linear_activation_backward: fix linear_backward first: its own check fails.\n"
    )
    assert "passes every case here" in text
    assert "problem(s) found" not in text and named(text) == []
    assert count == 1
    assert namespace["linear_backward"] is wrong_helper  # the notebook is left as it was


def test_the_blame_follows_the_chain_down_to_the_helper_that_is_wrong(student):
    namespace = solution_namespace(linear_forward=mistake("linear-forward-bias-missing").impl)
    text, _ = run(student, "L_model_forward", namespace["L_model_forward"])
    assert text.startswith("L_model_forward: fix linear_forward first: its own check fails.")
    text, _ = run(student, "linear_activation_forward", namespace["linear_activation_forward"])
    assert text.startswith("linear_activation_forward: fix linear_forward first")


def test_a_wrong_function_over_a_wrong_helper_lists_its_own_problems_after_the_helper(student):
    namespace = solution_namespace(linear_backward=mistake("db-missing-keepdims").impl)
    exec(
        "def layer_backward(dA, cache, activation):\n"
        "    linear_cache, activation_cache = cache\n"
        "    dZ = sigmoid_backward(dA, activation_cache)\n"
        "    return linear_backward(dZ, linear_cache)\n",
        namespace,
    )
    text, count = run(student, "linear_activation_backward", namespace["layer_backward"])
    first, second = text.splitlines()[:2]
    assert first == "linear_activation_backward: fix linear_backward first: its own check fails."
    assert "still has" in second and "problem(s) of its own" in second
    assert count >= 2


def test_a_helper_called_with_the_wrong_arguments_is_said_so(student):
    namespace = solution_namespace(linear_backward=mistake("db-missing-keepdims").impl)
    exec(
        "def layer_backward(dA, cache, activation):\n"
        "    linear_cache, activation_cache = cache\n"
        "    return linear_backward(dA, linear_cache)\n",
        namespace,
    )
    text, _ = run(student, "linear_activation_backward", namespace["layer_backward"])
    assert "the correct code never passes" in text and "linear_backward" in text


# --- what the published cases could not see ----------------------------------------------------


def cost_m_fixed(AL, Y):
    m = 3
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def cost_without_second_term(AL, Y):
    m = Y.shape[1]
    return np.squeeze(-np.sum(Y * np.log(AL)) / m)


def db_over_everything(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ) / m * np.ones((dZ.shape[0], 1))


@pytest.mark.parametrize(
    ("function", "target"),
    [
        ("compute_cost", cost_m_fixed),
        ("compute_cost", cost_without_second_term),
        ("linear_backward", db_over_everything),
    ],
    ids=["m-hard-coded", "no-(1-Y)-term", "db-over-everything"],
)
def test_slips_the_published_case_cannot_see_fail_the_check(student, function, target):
    published = student.CASES[function][:1]
    assert published[0].label.endswith("(the published case)")
    assert run(student, function, target, published) == ("All tests passed.\n", 0)
    text, count = run(student, function, target)
    assert count >= 1 and "All tests passed" not in text


def test_every_function_has_a_public_case_beyond_the_published_ones(student):
    for function in GRADED_FUNCTIONS:
        labels = [case.label for case in student.CASES[function]]
        assert any("published" not in label for label in labels), function


def test_the_helpers_checks_run_silently(student):
    def noisy_linear_backward(dZ, cache):
        print("debugging linear_backward")
        return mistake("db-missing-keepdims").impl(dZ, cache)

    namespace = solution_namespace(linear_backward=noisy_linear_backward)
    text, _ = run(student, "linear_activation_backward", namespace["linear_activation_backward"])
    assert text.count("debugging linear_backward") == len(
        student.CASES["linear_activation_backward"]
    )  # printed by the function's own calls, never by the silent check of its helper
    assert "fix linear_backward first" in text
