"""Crafting submissions for tests: the reference's functions as notebook cells, with edits.

``notebook()`` gives a correct submission built straight from ``reference/network.py`` (one cell
per graded function, in teaching order, after an import cell like the student notebook's);
``replace`` swaps a function's cell for other source, ``extra`` appends cells.
"""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import nbformat

from grader.grading.comparison import GRADED_FUNCTIONS
from reference import network

IMPORTS = """\
import numpy as np
from dnn_utils import sigmoid, sigmoid_backward, relu, relu_backward
from testCases import *

%matplotlib inline
np.random.seed(1)
"""


def reference_source(function: str) -> str:
    """The reference's source of one graded function, solution lines in, stub lines out."""
    source = inspect.getsource(getattr(network, function))
    kept = [line for line in source.splitlines() if not line.strip().startswith("#| ")]
    return f"# GRADED FUNCTION: {function}\n" + "\n".join(kept) + "\n"


def notebook(
    replace: dict[str, str] | None = None,
    extra: list[str] | None = None,
    drop: tuple[str, ...] = (),
) -> nbformat.NotebookNode:
    replace = replace or {}
    cells = [
        nbformat.v4.new_markdown_cell("# Deep network, step by step"),
        nbformat.v4.new_code_cell(IMPORTS),
    ]
    for function in GRADED_FUNCTIONS:
        if function in drop:
            continue
        source = replace.get(function)
        source = (
            textwrap.dedent(source).lstrip("\n")
            if source is not None
            else reference_source(function)
        )
        cells.append(nbformat.v4.new_code_cell(source))
    cells += [nbformat.v4.new_code_cell(textwrap.dedent(s).lstrip("\n")) for s in extra or []]
    nb: nbformat.NotebookNode = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    nbformat.write(nb, str(path))
    return path
