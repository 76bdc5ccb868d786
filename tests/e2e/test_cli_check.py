"""`grader check` on crafted submissions: each kind of failure is caught, named and contained.

One Grader (one warm sandbox) serves the whole module; every test writes its own notebook.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import crafted
import pytest

from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions, Grader

TIMEOUT = 1.5


@pytest.fixture(scope="module")
def grader():
    with Grader(CheckOptions(timeout=TIMEOUT, memory_mb=600)) as g:
        yield g


def grade(grader, tmp_path, **edits):
    path = crafted.write(crafted.notebook(**edits), tmp_path / "submission.ipynb")
    return grader.grade(path)


def points(report):
    return {f.name: f.points for f in report.functions}


def failed(report):
    return {f.name for f in report.functions if f.points == 0}


def all_messages(report, function):
    f = report.function(function)
    texts = [f.summary]
    for case in f.cases:
        texts += [m.message for m in case.mismatches]
        if case.problem:
            texts.append(case.problem.message)
    return "\n".join(texts)


def test_reference_functions_score_full_marks(grader, tmp_path):
    report = grade(grader, tmp_path)
    assert report.score == report.max_score == 10 * len(GRADED_FUNCTIONS)
    assert all(f.status == "passed" for f in report.functions)
    assert not report.cells


def test_the_solution_notebook_scores_full_marks(grader):
    from grader.paths import solution_notebook

    solution = solution_notebook()
    report = grader.grade(solution)
    assert report.score == report.max_score == 100
    assert not report.cells


def test_the_released_stub_notebook_scores_zero_without_crashing(grader):
    from grader.paths import student_folder

    stubs = student_folder() / "Building_your_Deep_Neural_Network_Step_by_Step.ipynb"
    report = grader.grade(stubs)
    assert report.score == 0
    assert {f.status for f in report.functions} == {"not_implemented"}
    for f in report.functions:
        assert f.diagnosis is None and f.summary == "Not implemented yet"
        assert not any(c.passed for c in f.cases)


# --- one test per kind of wrong output --------------------------------------------------------

WRONG = {
    "values": (
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) - b
            return Z, (A, W, b)
        """,
        "value(s) are wrong",
    ),
    "shape": (
        "linear_backward",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = np.dot(dZ, A_prev.T) / m
            db = np.sum(dZ, axis=1) / m
            return np.dot(W.T, dZ), dW, db
        """,
        "1-D array",
    ),
    "dtype": (
        "initialize_parameters",
        """
        def initialize_parameters(n_x, n_h, n_y):
            np.random.seed(1)
            W1 = (np.random.randn(n_h, n_x) * 0.01).astype(np.float32)
            b1 = np.zeros((n_h, 1))
            W2 = np.random.randn(n_y, n_h) * 0.01
            b2 = np.zeros((n_y, 1))
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        """,
        "float32",
    ),
    "type": (
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            return str(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
        """,
        "should be a single real number",
    ),
    "not squeezed": (
        "compute_cost",
        """
        def compute_cost(AL, Y):
            m = Y.shape[1]
            return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
        """,
        "Squeeze it",
    ),
    "missing key": (
        "initialize_parameters_deep",
        """
        def initialize_parameters_deep(layer_dims):
            np.random.seed(3)
            parameters = {}
            for l in range(1, len(layer_dims)):
                parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
            return parameters
        """,
        "missing the key(s)",
    ),
    "extra key": (
        "update_parameters",
        """
        def update_parameters(parameters, grads, learning_rate):
            new = {}
            for name, value in parameters.items():
                new[name] = value - learning_rate * grads["d" + name]
            new["learning_rate"] = learning_rate
            return new
        """,
        "unexpected key(s) 'learning_rate'",
    ),
    "cache structure": (
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + b
            return Z, (W, A, b)
        """,
        "linear_cache -> A",
    ),
    "cache container": (
        "linear_forward",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + b
            return Z, [A, W, b]
        """,
        "should be a tuple",
    ),
    "nan": (
        "compute_cost",
        """
        def compute_cost(AL, Y):
            return np.squeeze(np.nan * np.sum(AL))
        """,
        "nan",
    ),
    "modified input": (
        "linear_activation_backward",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            if activation == "relu":
                dA[activation_cache <= 0] = 0
                dZ = dA
            else:
                dZ = sigmoid_backward(dA, activation_cache)
            return linear_backward(dZ, linear_cache)
        """,
        "changed its input dA in place",
    ),
}


@pytest.mark.parametrize(("function", "source", "phrase"), WRONG.values(), ids=WRONG.keys())
def test_each_kind_of_wrong_output_fails_that_function_with_a_message(
    grader, tmp_path, function, source, phrase
):
    report = grade(grader, tmp_path, replace={function: source})
    assert function in failed(report)
    assert phrase.lower() in all_messages(report, function).lower()
    # The others are unaffected (dependent functions keep their points by attribution).
    assert failed(report) == {function}


def test_an_exception_names_the_students_own_line(grader, tmp_path):
    source = """
        def linear_forward(A, W, b):
            scale = 1.0
            Z = np.dot(W, A.T) + b  # the wrong line
            return Z, (A, W, b)
        """
    report = grade(grader, tmp_path, replace={"linear_forward": source})
    problem = report.function("linear_forward").cases[0].problem
    assert problem is not None and problem.status == "error"
    assert problem.exception_type == "ValueError"
    assert "np.dot(W, A.T) + b" in problem.line and problem.lineno == 3


def test_stubs_are_reported_as_not_implemented(grader, tmp_path):
    source = """
        def linear_forward(A, W, b):
            Z = None
            return Z, (A, W, b)
        """
    stub_unpack = """
        def linear_activation_forward(A_prev, W, b, activation):
            Z, linear_cache = None
            A, activation_cache = None
            return A, (linear_cache, activation_cache)
        """
    report = grade(
        grader,
        tmp_path,
        replace={"linear_forward": source, "linear_activation_forward": stub_unpack},
    )
    assert report.function("linear_activation_forward").status == "not_implemented"
    assert "not implemented" in all_messages(report, "linear_forward") or "None" in all_messages(
        report, "linear_forward"
    )


def test_a_missing_function_is_named(grader, tmp_path):
    report = grade(grader, tmp_path, drop=("compute_cost",))
    f = report.function("compute_cost")
    assert f.status == "missing" and f.points == 0
    assert "no function named compute_cost" in all_messages(report, "compute_cost")


def test_last_definition_wins_and_the_marker_comment_does_not_matter(grader, tmp_path):
    wrong = "def linear_forward(A, W, b):\n    return None\n"
    right = crafted.reference_source("linear_forward").replace("# GRADED FUNCTION", "# was")
    report = grade(grader, tmp_path, replace={"linear_forward": wrong}, extra=[right])
    assert report.function("linear_forward").passed


def test_a_failing_cell_does_not_stop_later_cells(grader, tmp_path):
    report = grade(
        grader,
        tmp_path,
        extra=["raise RuntimeError('oops')", crafted.reference_source("compute_cost")],
    )
    assert report.score == report.max_score
    assert [c.status for c in report.cells] == ["error"]
    assert "oops" in report.cells[0].message


# --- containment: each costs only its own function ---------------------------------------------

HOSTILE = {
    "infinite loop": "while True:\n        pass",
    "sys.exit": "import sys\n    sys.exit(3)",
    "os._exit": "import os\n    os._exit(1)",
    "segfault": "import ctypes\n    ctypes.string_at(0)",
    "memory blow-up": "x = [np.ones((1000, 1000)) for _ in range(100000)]",
    "50 MB of printing": "for _ in range(50):\n        print('x' * 1_000_000)\n    return None",
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.slow
def test_hostile_code_costs_only_its_own_function(grader, tmp_path, body):
    source = f"def compute_cost(AL, Y):\n    {body}\n"
    start = time.perf_counter()
    report = grade(grader, tmp_path, replace={"compute_cost": source})
    elapsed = time.perf_counter() - start
    assert failed(report) == {"compute_cost"}
    assert report.score == report.max_score - 10
    assert elapsed < TIMEOUT + 5  # one time limit at most, not one per case


@pytest.mark.slow
def test_every_function_hanging_finishes_within_the_limits(tmp_path):
    hang = {
        name: f"def {name}(*args):\n    while True:\n        pass\n" for name in GRADED_FUNCTIONS
    }
    path = crafted.write(crafted.notebook(replace=hang), tmp_path / "hang.ipynb")
    start = time.perf_counter()
    with Grader(CheckOptions(timeout=0.5, cases="public")) as g:
        report = g.grade(path)
    elapsed = time.perf_counter() - start
    assert report.score == 0
    # One time limit per function, plus the short re-runs of the four functions that call
    # other graded functions, plus a few seconds.
    assert elapsed < len(GRADED_FUNCTIONS) * 0.5 + 4 * 0.5 + 4


def test_monkeypatching_numpy_gains_nothing(grader, tmp_path):
    cheat = """
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
        def compute_cost(AL, Y):
            return np.squeeze(np.array(0.0))
        """
    report = grade(grader, tmp_path, replace={"compute_cost": cheat})
    assert failed(report) == {"compute_cost"}


def test_reading_the_hidden_bundle_is_impossible(grader, tmp_path):
    from grader.paths import bundle_paths as default_paths

    hidden = str(default_paths()["hidden"])
    spy = f"""
        def compute_cost(AL, Y):
            import h5py
            with open({hidden!r}, "rb") as f:
                f.read(8)
            return 0.0
        """
    report = grade(grader, tmp_path, replace={"compute_cost": spy})
    problems = [c.problem for c in report.function("compute_cost").cases]
    assert all(p is not None and p.status == "error" for p in problems)
    assert any("Permission" in p.message or "denied" in p.message for p in problems)


def test_hard_coding_the_public_outputs_fails_the_hidden_cases(grader, tmp_path):
    source = """
        def compute_cost(AL, Y):
            return np.squeeze(np.array(0.41493159961539694))
        """
    report = grade(grader, tmp_path, replace={"compute_cost": source})
    f = report.function("compute_cost")
    assert f.points == 0
    published = [c for c in f.cases if c.note == "the published case"]
    assert len(published) == 1 and published[0].passed
    # The public case of another size catches it in the notebook already; the hidden ones too.
    assert any(not c.passed for c in f.cases if c.visibility == "public")
    assert any(not c.passed for c in f.cases if c.visibility == "hidden")


def test_hidden_cases_never_reveal_expected_values(grader, tmp_path):
    source = """
        def compute_cost(AL, Y):
            return np.squeeze(np.array(0.41493159961539694))
        """
    report = grade(grader, tmp_path, replace={"compute_cost": source})
    for case in report.function("compute_cost").cases:
        if case.visibility == "hidden" and not case.passed:
            text = " ".join(m.message for m in case.mismatches)
            assert "expected" not in text.lower() and not case.note
            assert all(m.expected == "" for m in case.mismatches)


def test_same_submission_same_report(grader, tmp_path):
    edits = {
        "replace": {
            "initialize_parameters": """
        def initialize_parameters(n_x, n_h, n_y):
            W1 = np.random.randn(n_h, n_x) * 0.01
            return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": np.random.randn(n_y, n_h) * 0.01,
                    "b2": np.zeros((n_y, 1))}
        """
        }
    }
    first = grade(grader, tmp_path, **edits).to_dict()
    second = grade(grader, tmp_path, **edits).to_dict()
    for d in (first, second):
        d.pop("execution_time")
    assert first == second


# --- fair attribution -------------------------------------------------------------------------


def test_a_helpers_bug_costs_only_the_helper(grader, tmp_path):
    source = """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + 2 * b
            return Z, (A, W, b)
        """
    report = grade(grader, tmp_path, replace={"linear_forward": source})
    assert failed(report) == {"linear_forward"}
    dependant = report.function("linear_activation_forward")
    assert dependant.status == "inherited" and dependant.blamed_helpers == ("linear_forward",)


def test_strict_dependencies_fail_the_callers_too(tmp_path):
    source = """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + 2 * b
            return Z, (A, W, b)
        """
    path = crafted.write(crafted.notebook(replace={"linear_forward": source}), tmp_path / "s.ipynb")
    with Grader(CheckOptions(strict_dependencies=True, timeout=TIMEOUT)) as g:
        report = g.grade(path)
    assert {"linear_forward", "linear_activation_forward", "L_model_forward"} <= failed(report)


# --- the command line ---------------------------------------------------------------------------


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
    )


INVALID = {
    "missing": None,
    "empty": b"",
    "not JSON": b"{this is not json",
    "JSON, not a notebook": b'{"hello": "world"}',
    "nbformat 3": json.dumps(
        {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}
    ).encode(),
}


@pytest.mark.parametrize("content", INVALID.values(), ids=INVALID.keys())
def test_invalid_files_exit_2_with_one_line(tmp_path, content):
    path = tmp_path / "bad.ipynb"
    if content is not None:
        path.write_bytes(content)
    result = run_cli("check", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "bad.ipynb" in result.stderr


def test_usage_errors_exit_4(tmp_path):
    result = run_cli("check", "x.ipynb", "--timeout", "-1")
    assert result.returncode == 4 and "Traceback" not in result.stderr


def test_cli_text_report_and_exit_status(tmp_path):
    source = "def compute_cost(AL, Y):\n    return 0.5\n"
    path = crafted.write(crafted.notebook(replace={"compute_cost": source}), tmp_path / "s.ipynb")
    result = run_cli("check", str(path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("FAIL") and "compute_cost" in line and "0/10" in line for line in lines
    )
    assert any(
        line.startswith("PASS") and "linear_forward" in line and "10/10" in line for line in lines
    )
    assert "Total: 90 / 100" in result.stdout
    assert "\033[" not in result.stdout  # no colour when not a terminal


def test_cli_gradescope_json_field_by_field(tmp_path):
    source = "def compute_cost(AL, Y):\n    return 0.5\n"
    path = crafted.write(crafted.notebook(replace={"compute_cost": source}), tmp_path / "s.ipynb")
    out = tmp_path / "results.json"
    result = run_cli("check", str(path), "--format", "json", "--output", str(out))
    assert result.returncode == 1 and result.stdout == ""
    data = json.loads(out.read_text())
    assert data["score"] == 90
    assert isinstance(data["execution_time"], float) and isinstance(data["output"], str)
    names = [t["name"] for t in data["tests"]]
    assert len(names) == 2 * len(GRADED_FUNCTIONS)
    for test, function in zip(data["tests"][::2], GRADED_FUNCTIONS):
        assert test["name"].startswith(function) and test["visibility"] == "visible"
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "after_published")
    cost = [t for t in data["tests"] if t["name"].startswith("compute_cost")]
    assert [t["visibility"] for t in cost] == ["visible", "after_published"]
    assert all(t["score"] == 0 and t["status"] == "failed" for t in cost)
    assert [t["max_score"] for t in cost] == [0, 10]
    assert sum(t["max_score"] for t in data["tests"]) == 100
    assert sum(t["score"] for t in data["tests"]) == 90
    # No test shows "passed" with points missing.
    assert not [t for t in data["tests"] if t["status"] == "passed" and t["score"] < t["max_score"]]


def test_gradescope_public_test_scores_nothing_when_only_hidden_cases_fail(tmp_path):
    """m hard-coded to the published case's: the published case passes, the points do not."""
    source = (
        "def compute_cost(AL, Y):\n"
        "    return float(np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / 3))\n"
    )
    path = crafted.write(crafted.notebook(replace={"compute_cost": source}), tmp_path / "s.ipynb")
    out = tmp_path / "results.json"
    run_cli("check", str(path), "--format", "json", "--output", str(out))
    cost = [t for t in json.loads(out.read_text())["tests"] if t["name"].startswith("compute_cost")]
    public, scored = cost
    assert public["max_score"] == 0 and public["visibility"] == "visible"
    assert "public case(s) pass" in public["output"]
    assert scored["score"] == 0 and scored["max_score"] == 10 and scored["status"] == "failed"
    assert scored["visibility"] == "after_published"


def test_an_output_path_that_cannot_be_written_is_one_line_exit_4(tmp_path):
    path = crafted.write(crafted.notebook(), tmp_path / "s.ipynb")
    result = run_cli(
        "check",
        str(path),
        "--format",
        "json",
        "--output",
        str(tmp_path / "missing" / "results.json"),
    )
    assert result.returncode == 4 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "missing" in result.stderr
