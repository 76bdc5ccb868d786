"""Issue 20 item 2 / issue 19 item 8: the class report says, for every student below full
marks, which functions lost points and why (not only the mistakes the catalogue names)."""

from __future__ import annotations

import re
from pathlib import Path

import crafted

from grader.batch.classreport import render_class_report
from grader.batch.engines import _row_from_report, explain
from grader.batch.gradebook import function_names, summarize
from grader.batch.inputs import Entry, expand_inputs
from grader.batch.rows import StudentRow
from grader.batch.run import BatchOptions, grade_batch
from grader.grading.comparison import GRADED_FUNCTIONS, Mismatch
from grader.grading.diagnose import Diagnosis
from grader.grading.engine import CheckOptions
from grader.grading.results import CaseResult, FunctionReport, GradeReport, Problem

MISMATCH = Mismatch(
    "value",
    "Z",
    "Z has the right shape, but 2 of 2 value(s) are wrong. More detail follows here.",
)


def _function(name: str, status: str = "passed", **fields) -> FunctionReport:
    points = 10.0 if status == "passed" else 0.0
    cases = fields.pop("cases", ())
    summary = fields.pop("summary", "")
    return FunctionReport(name, points, 10.0, status, cases, summary, **fields)


def _case(function: str, **fields) -> CaseResult:
    return CaseResult(function, f"{function}-public-1", "public", False, **fields)


def _report() -> GradeReport:
    lost = {
        "linear_forward": _function(
            "linear_forward",
            "failed",
            summary="fails 10 of 10 cases",
            diagnosis=Diagnosis("bias-sign", "linear_forward", "b subtracted instead of added", ""),
        ),
        "compute_cost": _function(
            "compute_cost",
            "failed",
            summary="fails 3 of 3 cases",
            cases=(_case("compute_cost", mismatches=(MISMATCH,)),),
        ),
        "linear_backward": _function(
            "linear_backward",
            "failed",
            summary="fails 4 of 4 cases",
            cases=(
                _case(
                    "linear_backward",
                    problem=Problem("error", "linear_backward raised ValueError: shapes differ."),
                ),
            ),
        ),
        "update_parameters": _function(
            "update_parameters", "missing", summary="not defined in the notebook"
        ),
        "L_model_forward": _function(
            "L_model_forward",
            "inherited",
            summary="your L_model_forward is right; it fails only because linear_forward is wrong",
            cases=(_case("L_model_forward", mismatches=(MISMATCH,)),),
        ),
    }
    functions = tuple(lost.get(name) or _function(name) for name in GRADED_FUNCTIONS)
    return GradeReport("x.ipynb", functions)


def test_each_lost_function_gets_an_explanation():
    report = _report()
    row = _row_from_report(Entry("ann", Path("ann.ipynb")), report, 1.0)
    why = {f.name: f.explanation for f in row.lost}
    assert why == {
        "linear_forward": "b subtracted instead of added",
        "compute_cost": "public case 1: Z has the right shape, but 2 of 2 value(s) are wrong.",
        "linear_backward": "public case 1: linear_backward raised ValueError: shapes differ.",
        "update_parameters": "not defined in the notebook",
        "L_model_forward": "your L_model_forward is right; it fails only because linear_forward "
        "is wrong",
    }
    assert all(f.explanation == "" for f in row.functions if f.points == f.max_points)
    assert StudentRow.from_dict(row.to_dict()) == row  # grading.json keeps it


def test_a_long_explanation_is_cut_to_one_line():
    text = "word " * 100 + "\nsecond line"
    function = _function(
        "compute_cost",
        "failed",
        cases=(_case("compute_cost", problem=Problem("error", text)),),
    )
    assert "\n" not in explain(function) and len(explain(function)) <= 240


def test_the_class_report_lists_every_lost_function_with_its_explanation():
    row = _row_from_report(Entry("ann", Path("ann.ipynb")), _report(), 1.0)
    full = _row_from_report(
        Entry("ben", Path("ben.ipynb")),
        GradeReport("b.ipynb", tuple(_function(n) for n in GRADED_FUNCTIONS)),
        1.0,
    )
    rows = [row, full]
    page = render_class_report(rows, summarize(rows, function_names(rows), total=2))
    every = page[page.index("<h2>Every student</h2>") :]
    ann = every[every.index(">ann<") : every.index(">ben<")]
    for function in row.lost:
        assert f"<code>{function.name}</code>: " in ann, function.name
    assert "b subtracted instead of added" in ann and "shapes differ" in ann
    ben = every[every.index(">ben<") :]
    assert "<li>" not in ben.split("</tr>")[0]


def test_no_student_below_full_marks_has_an_empty_cell(tmp_path):
    """Real grader: a slip the catalogue names, one it does not, a crash."""
    lf = crafted.reference_source("linear_forward").replace("np.dot(W, A) + b", "np.dot(W, A) - b")
    lb = crafted.reference_source("linear_backward").replace(
        "keepdims=True) / m", "keepdims=True) / m * 0.5"
    )
    up = "def update_parameters(params, grads, learning_rate):\n    raise KeyError('W9')\n"
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, replace in (("named", {"linear_forward": lf}), ("unnamed", {"linear_backward": lb})):
        crafted.write(crafted.notebook(replace=replace), subs / f"{name}.ipynb")
    crafted.write(crafted.notebook(replace={"update_parameters": up}), subs / "crash.ipynb")
    out = tmp_path / "out"
    options = BatchOptions(CheckOptions(cases="public", timeout=2.0), jobs=1)
    result = grade_batch(expand_inputs([subs]), out, options)
    assert all(not r.full_marks for r in result.rows)
    page = (out / "report.html").read_text()
    every = page[page.index("<h2>Every student</h2>") :]
    for row in result.rows:
        assert row.lost and all(f.explanation for f in row.lost), row
        cell = re.search(rf">{row.student}</a></td>.*?</tr>", every, re.S)
        assert cell and all(f"<code>{f.name}</code>: " in cell.group(0) for f in row.lost)
