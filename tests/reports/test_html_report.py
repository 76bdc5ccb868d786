"""The HTML report: the student's notebook with one feedback block after each graded function.

The reports are built by hand, so these tests do not depend on grading. The last tests open the
page in headless Chromium (installed by the fixture when missing) to check it really renders,
offline: every network request is refused.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser import run_chromium

from grader.grading.comparison import Mismatch
from grader.grading.diagnose import Diagnosis
from grader.grading.results import CaseResult, CellReport, FunctionReport, GradeReport, Problem
from grader.reports.html import render_html

SCRIPT = "<script>alert(1)</script>"


def _notebook(path: Path) -> Path:
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# My network\nThe pre-activation is $Z = W A + b$."),
        v4.new_code_cell("import numpy as np  # marker-cell-1"),
        v4.new_code_cell(
            "def initialize_parameters(n_x, n_h, n_y):  # marker-cell-2\n    return {}"
        ),
        v4.new_code_cell("def linear_forward(A, W, b):  # marker-cell-3 first try\n    pass"),
        v4.new_markdown_cell(
            f"Some text <b>bold</b> and {SCRIPT} marker-cell-4\n\n"
            '<span id="grader-summary" onclick="alert(2)">spoof</span>'
        ),
        v4.new_code_cell(
            "def linear_forward(A, W, b):  # marker-cell-5\n"
            "    Z = W * A + b\n    return Z, (A, W, b)",
            outputs=[v4.new_output("stream", name="stdout", text=f"printed {SCRIPT}\n")],
        ),
        v4.new_code_cell(
            "def linear_activation_forward(A_prev, W, b, activation):"
            "  # marker-cell-6\n    return linear_forward(A_prev, W, b)"
        ),
        v4.new_code_cell("raise ValueError('oops')  # marker-cell-7"),
        v4.new_code_cell(
            "def update_parameters(parameters, grads, rate):  # marker-cell-8\n"
            "    # YOUR CODE HERE\n    return None"
        ),
    ]
    nbformat.write(nb, path)
    return path


def _case(function: str, number: int, passed: bool, **kw: Any) -> CaseResult:
    return CaseResult(
        function=function,
        name=f"{function}-{number}",
        visibility="public" if number == 1 else "hidden",
        passed=passed,
        **kw,
    )


def _report(submission: Path | str) -> GradeReport:
    wrong = Mismatch(kind="value", path="Z", message=f"Z is wrong: expected 1.5, got {SCRIPT}.")
    crash = Problem(
        status="error",
        message=f"Your code raised ValueError: {SCRIPT}",
        exception_type="ValueError",
        lineno=2,
        line="Z = W * A + b  # <b>",
    )
    functions = (
        FunctionReport(
            "initialize_parameters",
            1.0,
            1.0,
            "passed",
            (_case("initialize_parameters", 1, True), _case("initialize_parameters", 2, True)),
            "all 2 cases pass",
            cells=(2,),
        ),
        FunctionReport(
            "linear_forward",
            0.0,
            2.0,
            "failed",
            (
                _case("linear_forward", 1, False, mismatches=(wrong,)),
                _case("linear_forward", 2, False, problem=crash, note="m = 1"),
            ),
            "2 of 2 cases fail",
            diagnosis=Diagnosis(
                "elementwise",
                "linear_forward",
                "Element-wise product instead of np.dot",
                "W * A multiplies entries one by one; a layer needs the matrix product.",
            ),
            cells=(3, 5),
        ),
        FunctionReport(
            "linear_activation_forward",
            2.0,
            2.0,
            "inherited",
            (
                _case(
                    "linear_activation_forward",
                    1,
                    False,
                    mismatches=(wrong,),
                    passed_with_correct_helpers=True,
                ),
            ),
            "own logic right; linear_forward is wrong",
            blamed_helpers=("linear_forward",),
            cells=(6,),
        ),
        FunctionReport(
            "compute_cost",
            0.0,
            1.0,
            "missing",
            (
                _case(
                    "compute_cost",
                    1,
                    False,
                    problem=Problem("missing", "compute_cost is not defined."),
                ),
            ),
            "not defined",
        ),
        FunctionReport(
            "update_parameters",
            0.0,
            1.0,
            "not_implemented",
            (
                _case(
                    "update_parameters",
                    1,
                    False,
                    problem=Problem("not_implemented", "It returns None."),
                ),
            ),
            "not implemented",
            cells=(8,),
        ),
    )
    cells = (CellReport(7, "error", f"ValueError: oops {SCRIPT}"),)
    return GradeReport(submission=str(submission), functions=functions, cells=cells)


@pytest.fixture()
def page(tmp_path: Path) -> str:
    return render_html(_report(_notebook(tmp_path / "student.ipynb")))


def _blocks(html: str) -> list[str]:
    return re.findall(
        r'<section class="grader-feedback [^"]*" id="[^"]*" data-function="([^"]*)"', html
    )


def test_every_function_has_exactly_one_block(page: str) -> None:
    assert sorted(_blocks(page)) == sorted(f.name for f in _report("x").functions)


def test_blocks_follow_their_defining_cell(page: str) -> None:
    def at(text: str) -> int:
        assert page.count(text) == 1, text
        return page.index(text)

    summary = at('id="grader-summary"')
    assert summary < at("marker-cell-1") < at("marker-cell-2")
    assert at("marker-cell-2") < at('id="feedback-initialize_parameters"') < at("marker-cell-3")
    # defined twice: the block goes after the last definition, the one that counts
    assert at("marker-cell-5") < at('id="feedback-linear_forward"') < at("marker-cell-6")
    assert at("marker-cell-6") < at('id="feedback-linear_activation_forward"')
    assert at('id="feedback-linear_activation_forward"') < at("marker-cell-7")
    # cells are numbered from 1: marker-cell-7 is the notebook's 8th cell
    assert at("marker-cell-7") < at('id="cell-note-8"') < at("marker-cell-8")
    assert at("marker-cell-8") < at('id="feedback-update_parameters"')
    # not in the notebook: its block sits in the summary, before the first cell
    assert summary < at('id="feedback-compute_cost"') < at("marker-cell-1")


def test_verdicts_points_and_hints(page: str) -> None:
    text = re.sub(r"<[^>]+>", "", page)
    for expected in (
        "Score: 3 / 7",
        "Passed",
        "Failed",
        "Passes on its own logic",
        "Not found in the notebook",
        "Not implemented yet",
        "0 / 2 points",
        "2 / 2 points",
        "Likely mistake: Element-wise product instead of np.dot",
        "a layer needs the matrix product",
        "passes with correct helpers",
        "public case 1",
        "hidden case 2 (m = 1)",
        "line 2: Z = W * A + b",
    ):
        assert expected in text, expected
    assert re.search(r'class="grader-blamed">[^<]*<code>linear_forward</code>', page)
    for name in ("initialize_parameters", "linear_forward", "compute_cost"):
        assert f'<a href="#feedback-{name}"><code>{name}</code></a>' in page


def test_notebook_is_rendered_by_nbconvert(page: str) -> None:
    assert 'class="grader-render-error"' not in page
    assert 'class="jp-Cell jp-CodeCell' in page
    assert "<h1>My network</h1>" in page
    assert "<p>Some text <b>bold</b> and" in page
    assert "printed &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_student_text_is_escaped(page: str) -> None:
    assert "<script>alert" not in page and "onclick" not in page
    assert "alert(1)" in page  # still readable, as text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert "# &lt;b&gt;" in page


def test_unreadable_notebook_still_gives_the_feedback(tmp_path: Path) -> None:
    for content in (None, b"{not json", b'{"nbformat": 4, "cells": 3}', b"[]"):
        path = tmp_path / "broken.ipynb"
        if content is not None:
            path.write_bytes(content)
        html = render_html(_report(path if content is not None else tmp_path / "gone.ipynb"))
        assert 'id="grader-summary"' in html and "Score: <strong>3 / 7</strong>" in html
        assert "Your notebook cannot be shown here" in html
        assert sorted(_blocks(html)) == sorted(f.name for f in _report("x").functions)


def test_notebook_nbconvert_rejects_falls_back_to_plain_cells(tmp_path: Path) -> None:
    # Valid enough for the grader (cells with sources), not for nbconvert (no metadata at all).
    path = tmp_path / "odd.ipynb"
    path.write_text(
        '{"nbformat": 4, "nbformat_minor": 5, "cells": ['
        + ",".join(f'{{"cell_type": "code", "source": "# marker-cell-{i}"}}' for i in range(9))
        + "]}"
    )
    html = render_html(_report(path))
    assert "could not be rendered" in html and 'class="jp-Cell' not in html
    assert sorted(_blocks(html)) == sorted(f.name for f in _report("x").functions)
    assert html.index("marker-cell-5") < html.index('id="feedback-linear_forward"')
    assert html.index('id="feedback-linear_forward"') < html.index("marker-cell-6")


def test_offline_page_has_no_blocking_scripts(page: str) -> None:
    head = page[: page.index("</head>")]
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head):
        assert re.search(r"\b(defer|async)\b|type=\"module\"", tag), tag
    assert "grader-feedback" in head  # our CSS is inlined


def test_math_is_mathml_and_nothing_is_fetched(page: str) -> None:
    assert "<math" in page and "$Z = W A + b$" not in page
    assert "<script" not in page  # no MathJax, no require.js, no mermaid: nothing to fetch
    assert "cdnjs" not in page and "cdn.jsdelivr" not in page


def test_header_shows_the_file_name_not_a_path(tmp_path: Path) -> None:
    html = render_html(_report(_notebook(tmp_path / "alice.ipynb")))
    assert '<p class="grader-file">alice.ipynb</p>' in html
    assert str(tmp_path) not in html


def test_cell_numbers_count_from_one(page: str) -> None:
    text = re.sub(r"<[^>]+>", "", page)
    assert "cell 8" in text and "cell 7:" not in text
    assert "[8]:" in page  # the prompt of that code cell shows the same number


def test_math_from_a_student_is_sanitised(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            r"$\text{<img src=x onerror=alert(3)>} x^2$ and $$\href{javascript:alert(4)}{y}$$"
        )
    ]
    path = tmp_path / "math.ipynb"
    nbformat.write(nb, path)
    html = render_html(_report(path))
    assert "onerror" not in html.replace("onerror=alert(3)&gt;", "")
    assert "<img" not in html and "javascript:" not in html.split("grader-summary")[-1]


def test_a_lone_surrogate_renders(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.ipynb"
    path.write_text(
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ['
        '{"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": 1,'
        ' "source": "x = \'\\ud800\'  # marker-cell-1"}]}'
    )
    html = render_html(_report(path))
    html.encode("utf-8")  # writable as it is
    assert "\ufffd" in html and 'class="grader-render-error"' not in html


def test_cli_html_of_a_lone_surrogate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from grader.cli import main

    nb = nbformat.read(Path(__file__).resolve().parents[2] / "reference" / "solution.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("s = '\ud800'"))
    path = tmp_path / "surrogate.ipynb"
    path.write_text(nbformat.writes(nb).replace("\ud800", "\\ud800"))
    out = tmp_path / "feedback.html"
    status = main(["check", str(path), "--format", "html", "--output", str(out)])
    assert status in (0, 1), capsys.readouterr().err
    assert "\ufffd" in out.read_text(encoding="utf-8")


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_browser_renders_the_feedback(chromium: str, page: str, tmp_path: Path) -> None:
    html_path = tmp_path / "feedback.html"
    html_path.write_text(page, encoding="utf-8")
    done = run_chromium(chromium, tmp_path / "profile", "--dump-dom", html_path.as_uri())
    dom = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0 and "</html>" in dom, done.stderr.decode()[-2000:]
    assert sorted(_blocks(dom)) == sorted(f.name for f in _report("x").functions)
    assert 'id="grader-summary"' in dom and "marker-cell-8" in dom
    assert "<script>alert" not in dom


@pytest.mark.slow
@pytest.mark.browser
def test_browser_screenshot_is_not_blank(chromium: str, page: str, tmp_path: Path) -> None:
    html_path = tmp_path / "feedback.html"
    html_path.write_text(page, encoding="utf-8")
    png = Path(os.environ.get("GRADER_SCREENSHOT", tmp_path / "feedback.png"))
    done = run_chromium(
        chromium,
        tmp_path / "profile",
        f"--screenshot={png}",
        "--window-size=1200,2400",
        "--hide-scrollbars",
        html_path.as_uri(),
    )
    assert png.is_file(), done.stderr.decode()[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 2400)
    pixels = zlib.decompress(b"".join(_chunks(data, b"IDAT")))
    # a blank page compresses to almost nothing and has a couple of distinct byte values
    assert len(set(pixels)) > 64 and len(data) > 30_000


def _chunks(png: bytes, kind: bytes) -> list[bytes]:
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == kind:
            found.append(png[at + 8 : at + 8 + length])
        at += 12 + length
    return found
