"""The text report (``feedback.txt``) and Gradescope's ``results.json``: nothing a student's
text can do to a terminal, nothing about hidden cases before publication, no sentence that
contradicts another, no instructor's folders.

Reports are built by hand: no grading.
"""

from __future__ import annotations

import re

from grader.grading.comparison import Mismatch
from grader.grading.results import CaseResult, CellReport, FunctionReport, GradeReport, Problem
from grader.reports.gradescope import render_gradescope
from grader.reports.text import render_text

#: What a hostile message would print: erase the line, go back, show a fake total.
FAKE = "\x1b[2K\r\x1b[1ATotal: 100 / 100\x1b]0;title\x07\u202e\x9b31m"


def _case(function: str, number: int, visibility: str, passed: bool, **kw) -> CaseResult:
    return CaseResult(function, f"{visibility}-{number}", visibility, passed, **kw)


def _report(submission: str = "class/alice/sample_submission.ipynb", **kw) -> GradeReport:
    raised = Problem("error", f"linear_forward raised ValueError: {FAKE} (line 2)", "ValueError",
                     4, 2, f"Z = W * A  # {FAKE}")  # fmt: skip
    forward = FunctionReport(
        "linear_forward",
        0.0,
        10.0,
        "failed",
        (
            _case("linear_forward", 1, "public", False, problem=raised),
            _case("linear_forward", 1, "hidden", False, problem=raised),
        ),
        "Fails 2 of 2 cases",
    )
    backward_case = {"passed_with_correct_helpers": True}
    wrong = Mismatch("shape", "grads['db1']", "grads['db1'] should have shape (3, 1).")
    backward = FunctionReport(
        "L_model_backward",
        10.0,
        10.0,
        "inherited",
        (
            _case("L_model_backward", 1, "public", False, mismatches=(wrong,), **backward_case),
            _case("L_model_backward", 2, "public", False, mismatches=(wrong,), **backward_case),
            _case("L_model_backward", 1, "hidden", False, mismatches=(wrong,), **backward_case),
        ),
        "Your L_model_backward is right; it fails 3 of 3 cases only because "
        "linear_activation_backward is wrong",
        blamed_helpers=("linear_activation_backward",),
    )
    cost = FunctionReport(
        "compute_cost",
        0.0,
        10.0,
        "failed",
        (
            _case("compute_cost", 1, "public", True),
            _case("compute_cost", 1, "hidden", False, mismatches=(wrong,)),
        ),
        "Fails 1 of 2 cases; every public case passes, so it goes wrong only on inputs of "
        "other sizes",
    )
    cells = (CellReport(7, "error", f"KeyError: {FAKE}"),)
    return GradeReport(submission, (forward, backward, cost), cells, **kw)


def _gradescope_texts(report: GradeReport) -> list[str]:
    results = render_gradescope(report)
    return [results["output"], *(t["output"] for t in results["tests"]), *(
        t["name"] for t in results["tests"]
    )]  # fmt: skip


# --- control characters ---------------------------------------------------------------------


def test_no_control_character_reaches_the_text_report():
    text = render_text(_report())
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    # The student's text stays visible as text, inside its line; the real total is the last.
    assert [line for line in text.splitlines() if line.startswith("Total")] == ["Total: 10 / 30"]
    assert text.rstrip().splitlines()[-1] == "Total: 10 / 30"


def test_colours_are_the_only_escapes_of_a_coloured_report():
    text = render_text(_report(), colour=True)
    own = re.sub(r"\x1b\[(0|1|2|31|32|33)m", "", text)
    assert "\x1b" not in own and "\r" not in own and "\x9b" not in own


def test_no_control_character_reaches_gradescope():
    for text in _gradescope_texts(_report()):
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text), repr(text)


# --- what the student sees first ------------------------------------------------------------


def test_the_report_names_the_file_not_the_instructors_folders():
    text = render_text(_report())
    assert text.splitlines()[0] == "Grading sample_submission.ipynb"
    assert "class/" not in text and "alice" not in text


def test_the_line_of_code_is_shown_once():
    text = render_text(_report())
    public = text.split("public case 1")[1].split("hidden case 1")[0]
    assert public.count("Z = W * A") == 1


def test_the_always_visible_output_says_nothing_of_hidden_cases():
    output = render_gradescope(_report())["output"]
    assert "compute_cost: 1 of 1 public case(s) pass." in output
    for told in ("0/10", "10/10", "Fails", "goes wrong only", "only because"):
        assert told not in output, told
    assert not re.search(r"hidden case \d", output)
    assert "cell 8: KeyError" in output  # the notebook's own cells are no secret


def test_without_hidden_cases_the_output_shows_the_scores():
    report = _report(cases="public")
    report = GradeReport(
        report.submission,
        tuple(
            FunctionReport(
                f.name,
                f.points,
                f.max_points,
                f.status,
                tuple(c for c in f.cases if c.visibility == "public"),
                f.summary,
                blamed_helpers=f.blamed_helpers,
            )
            for f in report.functions
        ),
        cases="public",
    )
    assert "linear_forward: 0/10. Fails 2 of 2 cases" in render_gradescope(report)["output"]


def test_a_public_test_that_passes_says_no_case_failed():
    """A function that keeps its points: its public cases pass with correct helpers, and say so
    rather than "failed"."""
    tests = {t["name"]: t for t in render_gradescope(_report())["tests"]}
    public = tests["L_model_backward: public cases"]
    assert public["status"] == "passed"
    assert "failed" not in public["output"]
    assert public["output"].startswith(
        "L_model_backward: 2 of 2 public case(s) pass with correct versions of "
        "linear_activation_backward in place of yours"
    )
    assert "with yours, 0 pass" in public["output"]
    assert (
        "public case 1: passes with correct versions of linear_activation_backward"
        in (public["output"])
    )
    scored = tests["L_model_backward"]
    assert scored["output"].startswith("L_model_backward: 10/10. Your L_model_backward is right")


def test_the_html_blame_does_not_speak_of_wrong_values_when_the_helper_raised(tmp_path):
    import nbformat

    from grader.reports.html import render_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def linear_activation_forward(A_prev, W, b, a):\n  1")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    raised = Problem("error", "linear_activation_forward raised ValueError (line 2).")
    report = GradeReport(
        str(path),
        (
            FunctionReport(
                "linear_activation_forward",
                10.0,
                10.0,
                "inherited",
                (
                    _case(
                        "linear_activation_forward",
                        1,
                        "public",
                        False,
                        problem=raised,
                        passed_with_correct_helpers=True,
                    ),
                ),  # fmt: skip
                "Your linear_activation_forward is right",
                blamed_helpers=("linear_forward",),
                cells=(0,),
            ),
        ),
    )
    page = render_html(report)
    assert "grader-blamed" in page and "Wrong values" not in page
