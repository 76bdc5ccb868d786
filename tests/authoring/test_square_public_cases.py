"""Slips that run only on square sizes are named from the public cases alone, by the notebook's
check as by the grader: the public cases include square sizes where they run (elsewhere they
raise, and an exception's type alone names no mistake)."""

from __future__ import annotations

import contextlib
import copy
import importlib
import io
import shutil
import sys
import warnings

import numpy as np
import pytest

from grader import paths
from grader.bundle import read_bundle
from grader.grading.diagnose import diagnose
from grader.sandbox.outcomes import ExceptionInfo
from grader.sandbox.protocol import CALL_SEED
from reference import mutants

SQUARE_ONLY = (
    "linear-forward-w-transposed",
    "linear-forward-a-times-w",
    "linear-forward-elementwise-product",
    "model-forward-loop-stops-early",
    "da-prev-w-not-transposed",
    "dw-a-prev-not-transposed",
)
MISTAKES = {m.name: m for m in mutants.MISTAKES}
PUBLIC = read_bundle(paths.bundle_paths()["public"])
STUDENT_MODULES = ("public_tests", "comparison", "dnn_utils", "testCases")


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


def _outcome(impl, args):
    state = np.random.get_state()
    np.random.seed(CALL_SEED)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return impl(*copy.deepcopy(args))
    except Exception as exc:
        return ExceptionInfo(type(exc).__name__, str(exc))
    finally:
        np.random.set_state(state)


@pytest.mark.parametrize("name", SQUARE_ONLY)
def test_a_square_only_slip_runs_on_a_public_case_and_is_named(student, name):
    mistake = MISTAKES[name]
    cases = [c for c in PUBLIC if c.function == mistake.function]
    observations = [(c.args, _outcome(mistake.impl, c.args)) for c in cases]
    assert any(not isinstance(out, ExceptionInfo) for _, out in observations)
    found = diagnose(mistake.function, observations)
    assert found is not None and found.name == name
    out = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        getattr(student, f"{mistake.function}_test")(mistake.impl)
    assert f"Likely mistake: {mistake.title}" in out.getvalue(), out.getvalue()


@pytest.mark.parametrize("function", sorted({m.function for m in mutants.MISTAKES}))
def test_no_shape_dependent_slip_raises_on_every_public_case(function):
    """Else it could be named from exception types alone, with a hint that says it ran ("only
    runs because W happens to be square here") on a student whose code never ran."""
    cases = [c for c in PUBLIC if c.function == function]
    for mistake in (m for m in mutants.MISTAKES if m.function == function):
        outcomes = [_outcome(mistake.impl, c.args) for c in cases]
        assert not all(isinstance(o, ExceptionInfo) for o in outcomes), mistake.name
