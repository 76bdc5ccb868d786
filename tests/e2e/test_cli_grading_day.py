"""The README's grading day, command by command, on an LMS export where a student uploaded a
draft too: one row per student, every page kept by the regrade, grades exported."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import crafted
import pytest

from grader.cli import main


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


@pytest.mark.slow
def test_grading_day_one_row_per_student_and_every_page_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    subs = tmp_path / "submissions"
    wrong = crafted.reference_source("linear_forward").replace(
        "np.dot(W, A) + b", "np.dot(W, A) - b"
    )
    for student in ("ann", "ben", "nina"):
        (subs / student).mkdir(parents=True)
        crafted.write(crafted.notebook(), subs / student / "hw.ipynb")
    crafted.write(
        crafted.notebook(replace={"linear_forward": wrong}), subs / "nina" / "draft.ipynb"
    )
    os.utime(subs / "nina" / "hw.ipynb", (1_000_000, 1_000_000))  # the draft is newer
    common = ["--cases", "public", "--jobs", "2"]

    assert (
        main(["grade", *sorted(str(p) for p in subs.iterdir()), "--out", "out", "--html", *common])
        == 0
    )
    book = _rows(tmp_path / "out" / "gradebook.csv")
    assert sorted(book) == ["ann", "ben", "nina"]  # not "hw" and "draft"
    assert book["nina"]["total"] == "90"
    capsys.readouterr()

    # she uploads again (without the draft) and is regraded; the README's line has no --html
    (subs / "nina" / "draft.ipynb").unlink()
    assert main(["grade", "submissions/nina", "--out", "out", "--force", *common]) == 0
    out = capsys.readouterr().out
    assert "graded 1 in" in out and not re.search(r"\d/s\b", out)
    book = _rows(tmp_path / "out" / "gradebook.csv")
    assert sorted(book) == ["ann", "ben", "nina"] and book["nina"]["total"] == "100"
    for student in book:
        assert (tmp_path / "out" / student / "feedback.html").is_file(), student

    assert main(["export", "out", "--format", "canvas", "--output", "canvas.csv"]) == 0
    lines = (tmp_path / "canvas.csv").read_text().splitlines()
    assert len(lines) == 2 + 3
