"""Issue 17, finding 11: gradebook.csv and the LMS exports never hold a spreadsheet formula."""

from __future__ import annotations

import csv

import pytest
from fake_grader import fake_batch

from grader.batch.export import export_grades, read_gradebook
from grader.batch.gradebook import cell, uncell
from grader.grading.comparison import GRADED_FUNCTIONS

HOSTILE = ['=HYPERLINK("x","y")', "+1+2", "-3+cmd", "@SUM(A1)", "\tx", "\rx", "'quoted"]


@pytest.mark.parametrize("text", [*HOSTILE, "alice", "", "a=b", "3"])
def test_cells_round_trip_and_never_start_like_a_formula(text):
    assert uncell(cell(text)) == text
    assert not cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def _cells(path):
    with path.open(newline="", encoding="utf-8") as f:
        return [c for row in csv.reader(f) for c in row]


def test_the_gradebook_and_exports_neutralise_hostile_folder_names(tmp_path):
    subs = tmp_path / "subs"
    for name in HOSTILE[:4] + ["alice"]:
        (subs / name).mkdir(parents=True)
        (subs / name / "hw.ipynb").write_text(" ".join(GRADED_FUNCTIONS))
    out = tmp_path / "out"
    fake_batch(subs, out, [])
    written = [out / "gradebook.csv"]
    for lms in ("canvas", "moodle"):
        exported = export_grades(out, lms, tmp_path / f"{lms}.csv")
        assert exported.rows == 5 and not exported.warnings
        written.append(exported.path)
    for path in written:
        cells = _cells(path)
        dangerous = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert not dangerous, (path.name, dangerous)
        assert '\'=HYPERLINK("x","y")' in cells, path.name
    # read back, the gradebook gives the ids the batch used
    assert {r["student"] for r in read_gradebook(out)} == {*HOSTILE[:4], "alice"}


def test_a_roster_matches_an_id_that_needed_escaping(tmp_path):
    subs = tmp_path / "subs"
    (subs / "-dash").mkdir(parents=True)
    (subs / "-dash" / "hw.ipynb").write_text("linear_forward")
    (subs / "bob").mkdir()
    (subs / "bob" / "hw.ipynb").write_text("linear_forward")
    out = tmp_path / "out"
    fake_batch(subs, out, [])
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,sis_login_id\n-dash,Dash,d1\nbob,Bob,b1\n")
    exported = export_grades(out, "canvas", tmp_path / "c.csv", roster=roster)
    assert exported.rows == 2 and not exported.warnings
