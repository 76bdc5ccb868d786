"""A graded cell that does not compile is reported as such, in one numbering (issue 20, item 5).

It used to be "not defined in the notebook", with the compile error only in the footer and two
cell numbers ("cell 47: IndentationError (<cell 46>, line 41)").
"""

from __future__ import annotations

from pathlib import Path

import crafted
import pytest

from grader.grading.engine import CheckOptions, Grader
from grader.reports.html import render_html
from grader.reports.text import render_text
from grader.submission import compile_failures, load_submission, uncompiled_definitions

BROKEN = """
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
      cost = np.squeeze(cost)
    return cost
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("broken") / "submission.ipynb"
    notebook = crafted.notebook(replace={"compute_cost": BROKEN}, extra=["x = 1\nreturn x"])
    crafted.write(notebook, path)
    with Grader(CheckOptions(timeout=5, memory_mb=600)) as grader:
        return grader.grade(path), path


def _cell_of_compute_cost(path: Path) -> int:
    submission = load_submission(path)
    (index,) = [c.index for c in submission.cells if "def compute_cost" in c.source]
    return index


def test_the_submission_reader_names_the_cell_and_the_error(report) -> None:
    _, path = report
    submission = load_submission(path)
    failures = compile_failures(submission)
    index = _cell_of_compute_cost(path)
    assert list(failures) == [index]
    failure = failures[index]
    assert (failure.type, failure.lineno, failure.reason) == (
        "IndentationError",
        4,
        "unexpected indent",
    )
    assert failure.line == "cost = np.squeeze(cost)"
    assert uncompiled_definitions(submission, failures) == {"compute_cost": failure}


def test_the_function_is_said_to_be_in_a_cell_that_did_not_compile(report) -> None:
    graded, path = report
    number = _cell_of_compute_cost(path) + 1
    function = graded.function("compute_cost")
    assert function.status == "missing" and function.points == 0
    said = f"its cell ({number}) did not compile: IndentationError at line 4"
    assert function.summary == said[0].upper() + said[1:]  # summaries are sentences
    assert function.cells == (number - 1,)
    problem = function.cases[0].problem
    assert problem is not None and said in problem.message
    assert "not defined in the notebook" not in function.summary
    (cell,) = [c for c in graded.cells if c.index == number - 1]
    assert cell.message.startswith(
        "did not compile: IndentationError at line 4 (unexpected indent)"
    )
    text = render_text(graded)
    assert f"cell {number}: did not compile" in text
    assert "<cell" not in text  # no second, 0-based numbering


def test_other_functions_are_graded_as_usual(report) -> None:
    graded, _ = report
    others = [f for f in graded.functions if f.name != "compute_cost"]
    assert all(f.status == "passed" for f in others), [(f.name, f.summary) for f in others]


def test_code_that_parses_but_does_not_compile_has_one_numbering(report) -> None:
    graded, path = report
    last = load_submission(path).cells[-1].index
    (cell,) = [c for c in graded.cells if c.index == last]
    assert (
        cell.message
        == "did not compile: SyntaxError at line 2 ('return' outside function): return x"
    )
    assert "<cell" not in render_text(graded)


def test_the_html_page_says_the_cell_did_not_compile(report) -> None:
    graded, path = report
    page = render_html(graded)
    block = page[page.index('data-function="compute_cost"') :]
    block = block[: block.index("</section>")]
    assert "Its cell did not compile" in block and "Not found" not in block
    number = _cell_of_compute_cost(path) + 1
    assert f"its cell ({number}) did not compile: IndentationError at line 4" in block
    # the block follows the cell that does not compile, not the "not found" list
    assert "Functions not found in your notebook" not in page
