"""`grader generate`: the student folder and the solution notebook come from one source.

The committed files must be exactly what generation gives; the notebook follows the assignment
with one cell per graded function; the student modules need numpy alone; the public checks carry
the public bundle's values bit for bit and report every kind of failure without raising.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import sys
import textwrap

import nbformat
import numpy as np
import pytest

import reference
from grader import paths
from grader.authoring import generate, literals
from grader.authoring import stubs as regions
from grader.bundle import read_bundle
from grader.errors import UsageError
from grader.grading.attribution import full_substitutes
from grader.paths import bundle_paths as default_paths
from reference import GRADED_FUNCTIONS

STUDENT_FILES = {
    "Building_your_Deep_Neural_Network_Step_by_Step.ipynb",
    "comparison.py",
    "dnn_utils.py",
    "public_cases.py",
    "public_named.py",
    "public_tests.py",
    "README.md",
    "testCases.py",
    "tracer.py",
    "valueflow.py",
    "tracedata.py",
    "raisedline.py",
}
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
NOT_IMPLEMENTED = "is not implemented yet: fill in the code between ### START CODE HERE ###"


# --- the committed files are what generation gives --------------------------------------------


@pytest.mark.slow
def test_committed_student_folder_is_exactly_what_generate_writes(tmp_path):
    written = generate.generate_student_folder(tmp_path)
    assert {p.name for p in written} == STUDENT_FILES
    assert {p.name for p in paths.student_folder().iterdir() if p.is_file()} >= STUDENT_FILES
    assert paths.student_assets() == paths.student_folder()  # what the worker preloads
    for path in written:
        committed = paths.student_folder() / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} differs from a fresh generation: run `grader generate`"
        )


def test_committed_solution_notebook_is_exactly_what_generate_writes(tmp_path):
    path = generate.generate_solution_notebook(tmp_path / "solution.ipynb")
    assert paths.solution_notebook().read_bytes() == path.read_bytes(), (
        "reference/solution.ipynb differs from a fresh generation: run `grader generate`"
    )


def test_the_solution_notebook_is_never_in_the_student_folder(tmp_path):
    assert paths.solution_notebook().parent != paths.student_folder()
    assert not any("solution" in p.name.lower() for p in paths.student_folder().iterdir())
    with pytest.raises(UsageError, match="refusing"):
        generate.generate_solution_notebook(tmp_path / "answers.ipynb", student_dir=tmp_path)
    assert not (tmp_path / "answers.ipynb").exists()


@pytest.mark.parametrize("name", ["comparison.py", "public_tests.py"])
@pytest.mark.slow
def test_the_graders_own_modules_are_links_in_the_checkout_and_copies_elsewhere(name, tmp_path):
    """comparison.py and the check runtime are committed once, in the grader; the student
    folder links to them, and a folder generated anywhere else holds copies."""
    source = generate.shared_modules()[name]
    linked = paths.student_folder() / name
    assert linked.is_symlink() and linked.resolve() == source.resolve()
    assert source.is_relative_to(paths.package()) and not source.is_symlink()
    copy = generate.generate_student_folder(tmp_path)[0].parent / name
    assert not copy.is_symlink() and copy.read_bytes() == source.read_bytes()


# --- the notebook -----------------------------------------------------------------------------


def read_notebook(path=None):
    return nbformat.read(path or paths.student_folder() / generate.NOTEBOOK_NAME, as_version=4)


def test_notebook_is_valid_nbformat_4_with_unique_cell_ids_and_no_outputs():
    notebook = read_notebook()
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)
    ids = [cell.id for cell in notebook.cells]
    assert len(ids) == len(set(ids))
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_first_code_cell_imports_the_provided_modules_and_seeds_numpy():
    first = next(c for c in read_notebook().cells if c.cell_type == "code").source.splitlines()
    for line in [
        "import numpy as np",
        "from dnn_utils import sigmoid, sigmoid_backward, relu, relu_backward",
        "from testCases import *",
        "from public_tests import *",
        "np.random.seed(1)",
    ]:
        assert line in first
    assert not any("matplotlib" in line for line in first)


def test_graded_cells_come_in_the_assignments_order_each_followed_by_its_check():
    cells = read_notebook().cells
    graded = [i for i, c in enumerate(cells) if c.source.startswith("# GRADED FUNCTION: ")]
    names = [cells[i].source.splitlines()[0].removeprefix("# GRADED FUNCTION: ") for i in graded]
    assert names == list(GRADED_FUNCTIONS)
    for i, name in zip(graded, names):
        assert cells[i + 1].source.splitlines()[0] == f"{name}_test({name})"
        assert cells[i + 2].cell_type == "markdown"
        assert cells[i + 2].source.startswith("**Expected output**")


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_graded_cell_is_the_reference_function_with_stubs_instead_of_solution_lines(function):
    cell = next(c for c in read_notebook().cells if c.id == f"graded-{function}").source
    graded = next(g for g in regions.graded_functions() if g.name == function)
    assert cell.splitlines()[1].startswith(f"def {function}(")
    assert cell == graded.student
    for answer in graded.answers:
        assert answer not in cell.splitlines()
    assert "#|" not in cell
    starts = [line for line in cell.splitlines() if "### START CODE HERE ###" in line]
    assert starts and all(line.strip().endswith("of code)") for line in starts)
    assert cell.count("### START CODE HERE ###") == cell.count("### END CODE HERE ###")


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("initialize_parameters", ["(≈ 4 lines of code)"]),
        ("linear_forward", ["(≈ 1 line of code)"]),
        ("L_model_forward", ["(≈ 2 lines of code)", "(≈ 2 lines of code)"]),
        ("L_model_backward", ["(≈ 1 line of code)", "(≈ 2 lines of code)", "(≈ 5 lines of code)"]),
        ("update_parameters", ["(≈ 3 lines of code)"]),
    ],
    ids=[
        "initialize_parameters",
        "linear_forward",
        "L_model_forward",
        "L_model_backward",
        "update_parameters",
    ],
)
def test_line_estimates_count_statements_not_physical_lines(function, expected):
    cell = next(g for g in regions.graded_functions() if g.name == function).student
    starts = [line.split("###")[2].strip() for line in cell.splitlines() if "START CODE" in line]
    assert starts == expected


def test_solution_notebook_differs_from_the_student_one_only_in_the_graded_cells():
    student = read_notebook().cells
    solution = read_notebook(paths.solution_notebook()).cells
    assert [c.id for c in student] == [c.id for c in solution]
    differing = {s.id for s, f in zip(student, solution) if s.source != f.source}
    assert differing == {f"graded-{name}" for name in GRADED_FUNCTIONS}
    for graded in regions.graded_functions():
        cell = next(c for c in solution if c.id == f"graded-{graded.name}").source
        assert all(answer in cell.splitlines() for answer in graded.answers)


def test_expected_tables_show_the_published_values_as_numpy_prints_them():
    text = "\n".join(c.source for c in read_notebook().cells if c.id.startswith("expected-"))
    for row in [
        "| **Z** | `[[ 3.26295337 -1.23429987]]` |",
        "| **cost** | `0.41493159961539694` |",
        "| **With ReLU: A** | `[[3.43896131 0.        ]]` |",
        "| **db1** | `[[-0.22007063] [ 0.        ] [-0.02835349]]` |",
        "| **b2** | `[[-0.84610769]]` |",
    ]:
        assert row in text


@pytest.mark.parametrize(
    "topic",
    [
        "linear_cache",
        "activation_cache",
        "A_prev",
        "why it holds $Z$",
        "g'(Z^{[l]})",
        'grads["dA" + str(l)]',
        "dA0",
        "backpropagation written by hand",
        "%matplotlib inline",
    ],
)
def test_prose_explains_the_points_students_ask_about(topic):
    prose = "\n".join(c.source for c in read_notebook().cells if c.cell_type == "markdown")
    assert topic in prose


# --- the student modules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "public_tests.py",
        "public_cases.py",
        "public_named.py",
        "testCases.py",
        "dnn_utils.py",
        "comparison.py",
        "tracer.py",
        "valueflow.py",
        "tracedata.py",
        "raisedline.py",
    ],
)
def test_student_modules_import_only_numpy_the_standard_library_and_each_other(module):
    tree = ast.parse((paths.student_folder() / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # imports for the type checker only never run
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    allowed = set(sys.stdlib_module_names) | {"numpy", *STUDENT_MODULES}
    assert imported <= allowed


@pytest.fixture
def student(tmp_path, monkeypatch):
    """The generated student modules, imported from a copy of the folder."""
    folder = tmp_path / "student"
    shutil.copytree(paths.student_folder(), folder)
    monkeypatch.syspath_prepend(str(folder))
    for name in STUDENT_MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield importlib.import_module("public_tests")
    for name in STUDENT_MODULES:
        sys.modules.pop(name, None)


def assert_identical(actual, expected, where="value"):
    assert type(actual) is type(expected), where
    if isinstance(expected, np.ndarray):
        assert (actual.dtype, actual.shape) == (expected.dtype, expected.shape), where
        assert actual.tobytes() == expected.tobytes(), where
    elif isinstance(expected, np.generic):
        assert actual.dtype == expected.dtype and actual.tobytes() == expected.tobytes(), where
    elif isinstance(expected, (tuple, list)):
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_identical(a, e, f"{where}[{i}]")
    elif isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for key in expected:
            assert_identical(actual[key], expected[key], f"{where}[{key!r}]")
    else:
        assert actual == expected, where


def test_public_cases_carry_the_public_bundles_values_bit_for_bit(student):
    bundle = read_bundle(default_paths()["public"])
    in_order = [case for name in GRADED_FUNCTIONS for case in bundle if case.function == name]
    embedded = [case for name in GRADED_FUNCTIONS for case in student.CASES[name]]
    assert len(embedded) == len(bundle)
    for mine, theirs in zip(embedded, in_order):
        assert_identical(mine.args, theirs.args, f"{theirs.key} args")
        assert_identical(mine.expected, theirs.expected, f"{theirs.key} expected")
        nested = full_substitutes(theirs)  # the whole call tree, as the grader re-runs it
        recorded = {h: [(tuple(a), r) for a, r in calls] for h, calls in nested.items()}
        assert_identical(mine.substitutes, recorded, f"{theirs.key} substitutes")


@pytest.mark.parametrize(
    "value",
    [
        np.array([[0.1, -0.0, 1e-300, np.nan, -np.inf]]),
        np.arange(6).reshape(2, 3),
        np.array([True, False]),
        np.zeros((0, 3)),
        np.float64(0.41493159961539694),
        (1, [2.5, "relu"], {"W1": np.ones((2, 1), dtype=np.float32)}),
        (np.int64(7),),
    ],
    ids=["floats", "ints", "bools", "empty", "npscalar", "nested", "one-tuple"],
)
def test_literals_rebuild_values_exactly(student, value):
    rebuilt = eval(literals.literal(value), vars(sys.modules["public_cases"]))
    wrapped = "\n".join(literals.literal_lines(value, 8, "x = ", ""))
    assert max(len(line) for line in wrapped.splitlines()) <= literals.WIDTH
    namespace = dict(vars(sys.modules["public_cases"]))
    exec(textwrap.dedent(wrapped), namespace)
    assert_identical(namespace["x"], rebuilt)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        assert rebuilt.tobytes() == value.tobytes() and rebuilt.dtype == value.dtype
    else:
        assert_identical(rebuilt, value)


# --- what the public checks report ------------------------------------------------------------


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_check_passes_the_reference(student, capsys, function):
    assert getattr(student, f"{function}_test")(getattr(reference, function)) == 0
    assert capsys.readouterr().out == "All tests passed.\n"


def stub_of(function):
    namespace = {"np": np, **{n: getattr(reference, n) for n in reference.__all__}}
    graded = next(g for g in regions.graded_functions() if g.name == function)
    exec(graded.student, namespace)
    return namespace[function]


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_check_of_the_unfilled_template_says_not_implemented(student, capsys, function):
    assert getattr(student, f"{function}_test")(stub_of(function)) >= 1
    out = capsys.readouterr().out
    assert out.startswith(f"{function} {NOT_IMPLEMENTED}")
    assert "`" not in out  # plain text in the notebook, no Markdown
    assert "Traceback" not in out


def wrong_order(A, W, b):
    Z = np.dot(A, W) + b
    return Z, (A, W, b)


def sums_on_a_missing_axis(A, W, b):
    Z = np.sum(np.dot(W, A), axis=7) + b
    return Z, (A, W, b)


def test_an_exception_is_reported_with_the_students_own_line(student, capsys):
    n = len(student.CASES["linear_forward"])
    assert student.linear_forward_test(wrong_order) == n  # one per public case
    out = capsys.readouterr().out
    assert out.startswith(f"linear_forward: {n} problem(s) found.\n1. public case 1 ")
    line = wrong_order.__code__.co_firstlineno + 1
    assert "ValueError" in out and f"line {line} of wrong_order: Z = np.dot(A, W) + b" in out


def test_an_exception_inside_numpy_still_points_at_the_students_line(student, capsys):
    student.linear_forward_test(sums_on_a_missing_axis)
    assert "of sums_on_a_missing_axis: Z = np.sum(np.dot(W, A), axis=7) + b" in (
        capsys.readouterr().out
    )


def transposed_dW(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(A_prev, dZ.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def test_a_wrong_shape_is_one_numbered_item_naming_the_case_and_the_part(student, capsys):
    n = len(student.CASES["linear_backward"])
    assert student.linear_backward_test(transposed_dW) == n  # one per public case
    out = capsys.readouterr().out
    assert "1. public case 1 (the published case): dW should have shape (1, 3)" in out
    assert "\n2. public case 2 (n[l-1]=5, n[l]=3, m=4): dW should have shape (3, 5)" in out
    assert "swapped" in out


def halves_dA_in_place(dA, cache, activation):
    dA *= 0.5  # writes into the caller's array
    return reference.linear_activation_backward(dA, cache, activation)


def test_inputs_changed_in_place_are_reported_and_each_case_gets_fresh_copies(student, capsys):
    first = student.linear_activation_backward_test(halves_dA_in_place)
    first_out = capsys.readouterr().out
    assert student.linear_activation_backward_test(halves_dA_in_place) == first
    assert capsys.readouterr().out == first_out
    assert "changed its input dA in place" in first_out


@pytest.mark.parametrize(
    "target",
    [
        None,
        42,
        lambda *args: sys.exit(3),
        lambda *args: iter([1]),
        lambda *args: {"W1": "x"},
        lambda *args: (np.zeros((9, 9)), object()),
    ],
    ids=["none", "not-callable", "sys-exit", "iterator", "dict-of-str", "odd-tuple"],
)
def test_a_check_never_raises_whatever_the_function_does(student, capsys, target):
    assert student.linear_forward_test(target) >= 1
    assert "Traceback" not in capsys.readouterr().out


def test_a_check_leaves_numpys_random_state_as_it_was(student, capsys):
    np.random.seed(123)
    expected = _legacy_key().copy()
    student.initialize_parameters_test(reference.initialize_parameters)
    assert np.array_equal(_legacy_key(), expected)


def _legacy_key():
    """The key of numpy's legacy global generator (the state's second item)."""
    state = np.random.get_state()
    assert isinstance(state, tuple)  # the legacy form, not the dict of legacy=False
    return state[1]


def test_the_reference_lists_the_graded_functions_the_grader_grades():
    """``reference`` keeps its own list (it imports nothing from the grader): the same one."""
    from grader.grading.comparison import GRADED_FUNCTIONS as graded

    assert graded == GRADED_FUNCTIONS
