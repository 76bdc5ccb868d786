"""Reading and cleaning submission notebooks (grader.submission)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.errors import InvalidSubmission
from grader.submission import (
    defined_functions,
    load_submission,
    neutralize_ipython_lines,
    strip_cell_magic,
)


def write_notebook(path: Path, *cells: nbformat.NotebookNode) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    nbformat.write(notebook, str(path))
    return path


code = nbformat.v4.new_code_cell
markdown = nbformat.v4.new_markdown_cell


# --- refusing what is not a gradable notebook ----------------------------------------------


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"  \n\t", "is empty"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2, 3]", "not a Jupyter notebook"),
        (b'{"cells": []}', "not a Jupyter notebook"),
        (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}).encode(), "version 3"),
        (json.dumps({"nbformat": 5, "cells": []}).encode(), "version 5"),
        (json.dumps({"nbformat": 4, "cells": "nope"}).encode(), "bad 'cells'"),
        (json.dumps({"nbformat": 4, "cells": [{"source": "x"}]}).encode(), "bad 'cells'"),
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "not-json",
        "binary",
        "json-list",
        "no-nbformat",
        "nbformat-3",
        "nbformat-5",
        "cells-not-list",
        "cell-without-type",
    ],
)
def test_invalid_files_are_refused_with_one_sentence_naming_the_file(
    tmp_path: Path, content: bytes | None, phrase: str
) -> None:
    path = tmp_path / "student.ipynb"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidSubmission) as info:
        load_submission(path)
    assert info.value.exit_code == 2
    assert str(path) in info.value.message
    assert phrase in info.value.message
    assert "\n" not in info.value.message


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidSubmission, match="folder"):
        load_submission(tmp_path)


# --- reading --------------------------------------------------------------------------------


def test_code_cells_keep_their_position_among_all_cells(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "nb.ipynb",
        markdown("# Title"),
        code("x = 1"),
        markdown("text"),
        nbformat.v4.new_raw_cell("raw"),
        code("y = x + 1\nz = 3"),
    )
    submission = load_submission(path)
    assert [c.index for c in submission.cells] == [1, 4]
    assert submission.cells[1].source == "y = x + 1\nz = 3"
    assert submission.path == path


def test_source_stored_as_a_list_of_lines_is_joined(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [code("a = 1\nb = 2\n")]
    raw = json.loads(nbformat.writes(notebook))
    raw["cells"][0]["source"] = ["a = 1\n", "b = 2\n"]
    path.write_text(json.dumps(raw))
    assert load_submission(path).cells[0].source == "a = 1\nb = 2\n"


# --- cleaning -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("%matplotlib inline\nimport numpy as np", "pass\nimport numpy as np"),
        ("%load_ext autoreload\n%autoreload 2\nx = 1", "pass\npass\nx = 1"),
        ("!pip install numpy\nx = 1", "pass\nx = 1"),
        ("files = !ls\nx = 1", "pass\nx = 1"),
        ("a, b = %sx echo hi\n", "pass\n"),
        ("for i in range(2):\n    !echo hi\n", "for i in range(2):\n    pass\n"),
        ("get_ipython().run_line_magic('matplotlib', 'inline')\nx = 1", "pass\nx = 1"),
        ("np.dot?\nx = 1", "pass\nx = 1"),
        ("??linear_forward\n", "pass\n"),
        ("x = 1\r\n%time y = 2\r\n", "x = 1\r\npass\r\n"),
        ('!echo "it\'s"\nx = (1,\n     2)\n%who\n', "pass\nx = (1,\n     2)\npass\n"),
    ],
    ids=[
        "matplotlib",
        "autoreload",
        "pip",
        "assigned-shell",
        "assigned-magic",
        "indented-shell",
        "get-ipython",
        "help-suffix",
        "help-prefix",
        "crlf",
        "unbalanced-quote-in-shell",
    ],
)
def test_ipython_lines_become_pass_at_the_same_place(source: str, expected: str) -> None:
    cleaned = neutralize_ipython_lines(source)
    assert cleaned == expected
    compile(cleaned, "<cell>", "exec")


@pytest.mark.parametrize(
    "source",
    [
        'def f():\n    """Returns the\n    % of examples\n    ! and more"""\n    return 1\n',
        "total = (a\n         % b)\n",
        "x = a \\\n    % b\n",
        "ratio = 10 % 3\nflag = x != y\n",
        "y = get_ipython(\n    )\n",
    ],
    ids=["docstring", "parenthesized-modulo", "backslash-continuation", "operators", "multiline"],
)
def test_ordinary_python_is_left_alone(source: str) -> None:
    assert neutralize_ipython_lines(source) == source


def test_a_line_magic_after_a_syntax_error_is_still_removed() -> None:
    cleaned = neutralize_ipython_lines("%matplotlib inline\ndef f(:\n")
    assert cleaned == "pass\ndef f(:\n"


@pytest.mark.parametrize(
    ("source", "cleaned", "skipped"),
    [
        ("%%time\nx = 1\n", "\nx = 1\n", False),
        ("\n%%timeit -n 3\nx = 1", "\n\nx = 1", False),
        ("%%capture out\nprint(1)", "\nprint(1)", False),
        ("%%writefile dnn_utils.py\ndef f(): pass\n", None, True),
        ("%%bash\nls\n", None, True),
        ("%%html\n<b>x</b>", None, True),
        ("x = 1\n%%time\n", "x = 1\n%%time\n", False),
    ],
    ids=["time", "timeit-after-blank", "capture", "writefile", "bash", "html", "not-first-line"],
)
def test_cell_magics(source: str, cleaned: str | None, skipped: bool) -> None:
    result, reason = strip_cell_magic(source)
    if skipped:
        assert reason is not None and source.split()[0] in reason
        assert result == source
    else:
        assert reason is None
        assert result == cleaned
        assert result.count("\n") == source.count("\n")


def test_skipped_cell_and_syntax_error_cell_are_kept_in_the_submission(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "nb.ipynb",
        code("%%writefile helper.py\nx = 1"),
        code("def broken(:\n    pass"),
        code("%matplotlib inline\nok = True"),
    )
    cells = load_submission(path).cells
    assert cells[0].skipped_reason is not None and "writefile" in cells[0].skipped_reason
    assert cells[1].skipped_reason is None and cells[1].source == "def broken(:\n    pass"
    assert cells[2].source == "pass\nok = True"
    assert cells[2].original == "%matplotlib inline\nok = True"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "x = 1",
                "%matplotlib inline",
                "!ls",
                "def f():",
                "    return 1",
                '"""doc',
                '% inside"""',
                "y = (1",
                "  % 2)",
                "",
                "# comment",
                "np.dot?",
                "v = !echo",
            ]
        ),
        max_size=12,
    )
)
def test_cleaning_never_changes_the_number_of_lines(lines: list[str]) -> None:
    source = "\n".join(lines)
    assert neutralize_ipython_lines(source).count("\n") == source.count("\n")


# --- reporting ------------------------------------------------------------------------------


def test_defined_functions_lists_every_defining_cell_in_order(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "nb.ipynb",
        markdown("intro"),
        code("def linear_forward(A, W, b):\n    return None\n\ndef helper():\n    pass"),
        code("def outer():\n    def inner():\n        pass\n"),
        code("def linear_forward(A, W, b):\n    return W @ A + b"),
        code("def broken(:"),
        code("%%writefile x.py\ndef hidden():\n    pass"),
        code("async def later():\n    pass"),
    )
    found = defined_functions(load_submission(path))
    assert found == {
        "linear_forward": [1, 3],
        "helper": [1],
        "outer": [2],
        "later": [6],
    }
