"""One numbering on the HTML page: the student's saved tracebacks name cells by the numbers the
prompts show (issue 20, item 12), not by Jupyter's execution counts."""

from __future__ import annotations

from pathlib import Path

import nbformat

from grader.grading.results import GradeReport
from grader.reports.html import render_html

RED = "\x1b[0;31m"
RESET = "\x1b[0m"


def _error(*lines: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "error", ename="ValueError", evalue="oops", traceback=[*lines, f"{RED}ValueError{RESET}"]
    )


def test_saved_tracebacks_use_the_cell_numbers_of_the_prompts(tmp_path: Path) -> None:
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# Title"),  # cell 1
        v4.new_code_cell("def f():\n    raise ValueError('oops')", execution_count=12),  # 2
        v4.new_markdown_cell("Some text"),  # cell 3
        v4.new_code_cell(
            "f()",
            execution_count=16,
            outputs=[
                _error(
                    f"{RED}Cell In[16], line 1{RESET}",
                    "Cell In[12], line 2, in f()",
                    "Input In [16], in <cell line: 1>()",
                    "File <ipython-input-12-0123abcd> in f()",
                    "Cell In[7], line 1",  # a run whose cell has been run again since
                    "x = In[12]  # the student's own code is left alone",
                )
            ],
        ),  # cell 4
    ]
    path = tmp_path / "traceback.ipynb"
    nbformat.write(v4.new_notebook(cells=cells), path)
    page = render_html(GradeReport(submission=str(path), functions=(), cells=()))
    assert "Cell In[4], line 1" in page
    assert "Cell In[2], line 2" in page
    assert "Input In [4]" in page
    assert "File In[2] in f()" in page
    assert "Cell In[?], line 1" in page
    assert "x = In[12]" in page
    assert "In[16]" not in page and "In [16]" not in page and "ipython-input" not in page
    assert "[4]:" in page and "[2]:" in page  # the prompts, by the same numbers


def test_a_count_held_by_two_cells_is_not_guessed(tmp_path: Path) -> None:
    v4 = nbformat.v4
    cells = [
        v4.new_code_cell("x = 1", execution_count=3),
        v4.new_code_cell("y = 1", execution_count=3, outputs=[_error("Cell In[3], line 1")]),
    ]
    path = tmp_path / "twice.ipynb"
    nbformat.write(v4.new_notebook(cells=cells), path)
    page = render_html(GradeReport(submission=str(path), functions=(), cells=()))
    assert "Cell In[?], line 1" in page and "Cell In[3]" not in page
