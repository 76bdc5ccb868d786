"""The course-version helper modules (``grader/assets/course``) against the corpus notebooks.

Each version's notebooks run in a plain Python process (``course_formats/run_cells.py``): the
import cell must work with the stand-in modules, and every check cell must print what the same
cell prints for a right notebook of that version, which is computed by running the check cells
with the reference solution's functions in place of the student's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "course_formats" / "notebooks"
RUNNER = ROOT / "tests" / "course_formats" / "run_cells.py"
COURSE = ROOT / "grader" / "assets" / "course"
VERSIONS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("."))
NUMBER = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+")


@cache
def run(notebook: Path, reference: bool = False) -> tuple[dict[str, Any], ...]:
    args = [sys.executable, str(RUNNER), str(notebook)] + (["--reference"] if reference else [])
    done = subprocess.run(args, check=False, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return tuple(json.loads(done.stdout))


def same_printout(got: str, want: str) -> bool:
    """Same text around the numbers, and numbers equal up to printing precision."""
    if NUMBER.sub("#", got) != NUMBER.sub("#", want):
        return False
    a = np.array([float(x) for x in NUMBER.findall(got)])
    b = np.array([float(x) for x in NUMBER.findall(want)])
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-7))


def test_corpus_has_every_version() -> None:
    assert set(VERSIONS) == {"oldest", "v2", "v3", "v4", "v4a", "newest"}


@pytest.mark.parametrize("version", VERSIONS)
def test_correct_notebook_runs_and_prints_what_the_course_prints(version: str) -> None:
    notebook = CORPUS / version / "correct.ipynb"
    student, reference = run(notebook), run(notebook, reference=True)
    assert [c["error"] for c in student] == [None] * len(student)
    assert [c["error"] for c in reference] == [None] * len(reference)
    checks = [(s, r) for s, r in zip(student, reference) if not s["graded"]]
    assert len(checks) == 11  # the import cell and one check cell per graded function
    for s, r in checks:
        assert same_printout(s["stdout"], r["stdout"]), (s["stdout"], r["stdout"])
    printed = "".join(s["stdout"] for s, _ in checks)
    assert "dW1 = " in printed and "AL = " in printed


@pytest.mark.parametrize("version", VERSIONS)
def test_wrong_functions_show_in_their_check_cells(version: str) -> None:
    """The comparison above can fail: a catalogued mistake shows in its function's check cell.

    (The mixed dA keys are left out: the course's cells print only dW1, db1 and one dA, which
    the mixed keys of some versions happen to get right. The grader sees them.)"""
    for record_path in sorted((CORPUS / version).glob("*.json")):
        record = json.loads(record_path.read_text())
        wrong = [f for f, r in record["functions"].items() if not r["right"] and r["diagnosis"]]
        if not wrong:
            continue
        notebook = record_path.with_suffix(".ipynb")
        student, reference = run(notebook), run(notebook, reference=True)
        assert student[0]["error"] is None  # the import cell
        cells = {}
        for index, cell in enumerate(student):
            if cell["graded"]:
                cells[len(cells)] = index
        order = list(record["functions"])
        for function in wrong:
            check = cells[order.index(function)] + 1
            got, want = student[check], reference[check]
            assert got["error"] is not None or not same_printout(got["stdout"], want["stdout"])


def test_newest_checks_say_all_tests_passed() -> None:
    student = run(CORPUS / "newest" / "correct.ipynb")
    printed = "".join(c["stdout"] for c in student)
    assert printed.count("All tests passed.") == 12  # 10 checks, two of them split in two


def test_dA_label_of_print_grads_follows_each_version() -> None:
    """v3's print_grads shows grads["dA2"] as "dA1" (its keys are shifted), v4a's grads["dA1"]:
    both the gradient with respect to A[1]. The oldest version's cell prints its grads["dA1"],
    the gradient with respect to A[0] (its keys are shifted, and it has no print_grads)."""

    def printed_da1(version: str) -> str:
        printed = "".join(c["stdout"] for c in run(CORPUS / version / "correct.ipynb"))
        lines = printed.split("dA1 = ")[1].splitlines()
        rows = [lines[0]]
        for line in lines[1:]:
            if not line.startswith(" ["):
                break
            rows.append(line)
        return "\n".join(rows)

    assert same_printout(printed_da1("v3"), printed_da1("v4a"))
    assert printed_da1("v3").count("[") == 4  # (3, 2): three rows
    assert printed_da1("oldest").count("[") == 5  # (4, 2): four rows, the input's gradient


def _import_in_fresh_process(code: str) -> str:
    prelude = "import sys; sys.path[:0] = [{!r}, {!r}]\n".format(
        str(COURSE), str(ROOT / "exercises" / "step_by_step")
    )
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_course_module_imports_fast_and_exports_course_names() -> None:
    code = """
import time, numpy, json
import _course_support as s
s.ours("testCases"); s.ours("dnn_utils"); s.ours("public_tests")  # ours: preloaded anyway
took = {}
for name in ["testCases", "testCases_v2", "testCases_v3", "testCases_v4", "testCases_v4a",
             "dnn_utils", "dnn_utils_v2", "public_tests", "test_utils"]:
    start = time.perf_counter()
    module = __import__(name)
    took[name] = [time.perf_counter() - start, sorted(getattr(module, "__all__", []))]
print(json.dumps(took))
"""
    took = json.loads(_import_in_fresh_process(code))
    # generous for a shared machine; a few tenths of a millisecond on a quiet one
    assert all(seconds < 0.05 for seconds, _ in took.values()), took
    assert "print_grads" in took["testCases_v3"][1]
    assert "L_model_forward_test_case" in took["testCases_v2"][1]
    assert "L_model_forward_test_case_2hidden" in took["testCases_v4a"][1]
    assert {"sigmoid", "relu", "sigmoid_backward", "relu_backward"} <= set(took["dnn_utils_v2"][1])
    assert {"L_model_forward_test", "initialize_parameters_test_2"} <= set(took["public_tests"][1])


def test_shims_are_supersets_whichever_comes_first_on_sys_path() -> None:
    """Our own student modules first: the course names are still reachable from the shims."""
    code = """
import sys
sys.path.reverse()  # the student folder before the course folder
import testCases, public_tests
assert not hasattr(testCases, "__course_shim__")
import testCases_v3
assert testCases_v3.linear_forward_test_case is testCases.linear_forward_test_case
print("ok")
"""
    assert _import_in_fresh_process(code).strip() == "ok"


def test_structure_checks_and_test_utils_report_problems() -> None:
    code = """
import numpy as np
import public_tests, test_utils

bad = lambda n_x, n_h, n_y: {"W1": np.zeros((n_h, n_x)), "b1": np.zeros(n_h)}
print("problems", public_tests.initialize_parameters_test_2(bad))
cases = [{"name": "equation_output_check", "input": [np.ones((2, 1))],
          "expected": np.full((2, 1), 2.0), "error": "Wrong output"},
         {"name": "shape_check", "input": [np.ones((2, 1))],
          "expected": np.zeros((2, 1)), "error": "Wrong shape"}]
print("failed", test_utils.multiple_test(cases, lambda x: x * 2))
print("failed", test_utils.multiple_test(cases, lambda x: x))
"""
    out = _import_in_fresh_process(code)
    assert "problems 4" in out  # W1 zeros, b1 shape, W2 and b2 missing
    assert "failed 0" in out and "All tests passed." in out
    assert "failed 1" in out and "Error: Wrong output" in out
