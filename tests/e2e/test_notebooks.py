"""The notebooks run for real, top to bottom, in a Jupyter kernel (nbclient + ipykernel).

Two kernel runs serve the whole module: the filled solution notebook, where every check passes
and every demo prints its expected-output table, and the released student notebook, where every
check reports that its function is not implemented and never fails on its own. Both run in a
copy of the student folder, with a kernelspec that launches this very Python.
"""

from __future__ import annotations

import json
import re
import shutil
import sys

import nbformat
import pytest

from grader import paths
from grader.authoring import generate
from reference import GRADED_FUNCTIONS

pytestmark = pytest.mark.slow

NOT_IMPLEMENTED = "is not implemented yet: fill in the code between ### START CODE HERE ###"
ROW = re.compile(r"^\| \*\*(.+)\*\* \| `(.*)` \|$")


@pytest.fixture(scope="module")
def kernel_of_this_python(tmp_path_factory):
    """A `python3` kernelspec that runs sys.executable, found first through JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (tests)",
                "language": "python",
            }
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root))
        yield "python3"


def execute(notebook_path, kernel_name, folder):
    """Run every cell, errors allowed; the cells run in ``folder`` (a copy of the student's)."""
    from nbclient import NotebookClient

    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name,
        allow_errors=True,
        timeout=60,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return {cell.id: cell for cell in notebook.cells}


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run") / "step_by_step"
    shutil.copytree(paths.student_folder(), folder)
    return folder


@pytest.fixture(scope="module")
def solved(kernel_of_this_python, student_folder):
    return execute(paths.solution_notebook(), kernel_of_this_python, student_folder)


@pytest.fixture(scope="module")
def unfilled(kernel_of_this_python, student_folder):
    return execute(student_folder / generate.NOTEBOOK_NAME, kernel_of_this_python, student_folder)


def stdout(cell):
    return "".join(
        o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stdout"
    )


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def test_the_kernel_is_this_python(kernel_of_this_python):
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec(kernel_of_this_python).argv[0] == sys.executable


def test_the_solution_notebook_runs_top_to_bottom_without_error(solved):
    assert [cell_id for cell_id, cell in solved.items() if errors(cell)] == []


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_in_the_solution_notebook_the_check_passes(solved, function):
    assert stdout(solved[f"check-{function}"]).startswith("All tests passed.\n")


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_in_the_solution_notebook_the_demo_prints_the_expected_table(solved, function):
    printed = stdout(solved[f"check-{function}"]).removeprefix("All tests passed.\n")
    joined = re.sub(r"\n(?=[ \[])", "", printed)  # numpy's continuation lines
    rows = [ROW.match(line) for line in solved[f"expected-{function}"].source.splitlines()]
    table = "".join(f"{m[1]} = {m[2]}\n" for m in rows if m)
    assert table and joined == table


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_in_the_unfilled_notebook_the_check_says_not_implemented(unfilled, function):
    assert stdout(unfilled[f"check-{function}"]).startswith(f"{function} {NOT_IMPLEMENTED}")


def test_in_the_unfilled_notebook_only_the_demo_lines_fail_never_the_checks(unfilled):
    failing = {cell_id: errors(cell) for cell_id, cell in unfilled.items() if errors(cell)}
    assert set(failing) <= {f"check-{name}" for name in GRADED_FUNCTIONS}
    for cell_id, outputs in failing.items():
        trace = "\n".join(line for o in outputs for line in o.traceback)
        assert "public_tests.py" not in trace and "comparison.py" not in trace, cell_id
        assert all(o.ename == "TypeError" for o in outputs), cell_id
