"""Regrading into an existing output folder: rows never lost silently (issue 17 item 9), the
pages the folder was made with kept (issue 20 item 3), counters that mean something (item 9)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fake_grader import FakeGrader, fake_batch

from grader.batch.inputs import expand_inputs
from grader.batch.progress import Progress
from grader.batch.records import earlier_rows
from grader.batch.rows import StudentRow
from grader.batch.run import BatchOptions, grade_batch
from grader.cli import main
from grader.errors import UsageError
from grader.grading.comparison import GRADED_FUNCTIONS

ALL = " ".join(GRADED_FUNCTIONS)


def _class(folder: Path) -> Path:
    for student, text in {"ann": ALL, "ben": "linear_forward compute_cost", "cat": ""}.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "hw.ipynb").write_text(text)
    return folder


def _book(out: Path) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(newline="") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def _regrade_ann(subs: Path, out: Path, **options):
    known = {r.student for r in earlier_rows(out)}
    return fake_batch([subs / "ann"], out, [], known=known, force=True, **options)


@pytest.mark.parametrize("damage", ["missing", "truncated", "not-json-object", "other-version"])
def test_a_lost_grading_json_keeps_the_row_of_the_gradebook(tmp_path, damage):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    fake_batch(subs, out, [])
    before = _book(out)
    record = out / "ben" / "grading.json"
    text = record.read_text()
    if damage == "missing":
        record.unlink()
    elif damage == "truncated":
        record.write_text(text[: len(text) // 2])  # what a kill mid-write leaves
    elif damage == "not-json-object":
        record.write_text("[1, 2]")
    else:
        record.write_text(text.replace('"version": 1', '"version": 99'))
    again = _regrade_ann(subs, out)
    after = _book(out)
    assert sorted(after) == ["ann", "ben", "cat"]
    assert after["ben"] == before["ben"]
    ben = {r.student: r for r in again.kept}["ben"]
    assert ben.score == 20 and any(n.kind == "kept" for n in ben.notes)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["finished"] == 3
    assert any(a["student"] == "ben" for a in summary["needs_attention"])


def test_a_lost_row_with_no_gradebook_row_stops_before_grading(tmp_path, capsys):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    fake_batch(subs, out, [])
    (out / "ben" / "grading.json").unlink()
    (out / "gradebook.csv").unlink()
    calls: list[str] = []
    with pytest.raises(UsageError, match="would drop this student"):
        grade_batch(
            expand_inputs([subs / "ann"], known={"ann", "cat"}),
            out,
            BatchOptions(jobs=1, force=True),
            make_grader=lambda: FakeGrader(calls),
            grader_fingerprint="v1",
        )
    assert calls == []  # nothing graded, nothing overwritten
    args = ["grade", str(subs / "ann"), "--out", str(out), "--force", "--jobs", "1"]
    assert main(args) == UsageError.exit_code
    err = capsys.readouterr().err
    assert "ben" in err and len(err.strip().splitlines()) == 1


def test_a_folder_that_is_not_a_students_is_passed_over(tmp_path):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    fake_batch(subs, out, [])
    (out / "notes").mkdir()
    (out / "notes" / "todo.md").write_text("regrade ben")
    again = _regrade_ann(subs, out)
    assert sorted(r.student for r in again.kept) == ["ben", "cat"]


def test_a_regrade_keeps_the_pages_the_folder_was_made_with(tmp_path):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    fake_batch(subs, out, [], html=True)
    assert (out / "ann" / "feedback.html").is_file()
    again = _regrade_ann(subs, out)  # no html asked: as the folder was made
    assert again.options.html is True and not again.warnings
    assert all((out / s / "feedback.html").is_file() for s in ("ann", "ben", "cat"))
    assert json.loads((out / "summary.json").read_text())["feedback_html"] is True
    dropped = _regrade_ann(subs, out, html=False)  # asked: said clearly
    assert not (out / "ann" / "feedback.html").exists()
    assert any("--html" in w and "ann" not in w for w in dropped.warnings)


def test_the_cli_regrade_keeps_the_pages(tmp_path, capsys):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    fake_batch(subs, out, [], html=True)
    (subs / "ann" / "hw.ipynb").write_text("{}")  # re-uploaded: invalid now, graded for real
    assert main(["grade", str(subs / "ann"), "--out", str(out), "--jobs", "1"]) == 1
    assert (out / "ann" / "feedback.html").is_file()
    assert "as this folder was made with --html" in capsys.readouterr().out


@pytest.mark.slow
def test_counters_of_a_no_op_run_and_of_a_lone_regrade(tmp_path, capsys):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    (subs / "ann" / "hw.ipynb").write_text("{}")
    (subs / "ben" / "hw.ipynb").write_text("{}")
    args = ["grade", str(subs), "--out", str(out), "--jobs", "2", "--cases", "public"]
    main(args)
    capsys.readouterr()
    main(args)  # nothing changed
    line = capsys.readouterr().out.splitlines()[0]
    assert "nothing to grade" in line and "job" not in line and "/s" not in line
    main([*args[:1], str(subs / "ann"), *args[2:], "--force"])
    line = capsys.readouterr().out.splitlines()[0]
    assert "graded 1 in" in line and "with 1 job (of --jobs 2" in line and "/s" not in line


def test_the_live_bar_shows_no_rate_for_a_lone_regrade():
    now = [100.0]
    stream = io.StringIO()
    progress = Progress(1, stream, live=True, clock=lambda: now[0])
    now[0] += 3.0
    progress(StudentRow("ann", "ann.ipynb", "graded", 50.0, 100.0, seconds=3.0), 1, 1)
    progress.close()
    assert progress.rate() == 0 and "/s" not in stream.getvalue()


def test_pages_asked_for_a_folder_made_without_them_say_who_has_none(tmp_path):
    subs, out = _class(tmp_path / "subs"), tmp_path / "out"
    fake_batch(subs, out, [])
    again = _regrade_ann(subs, out, html=True)
    assert (out / "ann" / "feedback.html").is_file()
    assert any("have no feedback.html (ben, cat)" in w for w in again.warnings)
