"""Issue 20 item 10: `grader release DEST` writes into DEST itself, says what it does and how
it exits, and the released folder has a README for students, generated from its template."""

from __future__ import annotations

import json
import zipfile

import pytest

from grader import paths
from grader.authoring.student_readme import README_NAME, student_readme
from grader.cli import main
from grader.grading.comparison import GRADED_FUNCTIONS

pytestmark = pytest.mark.slow


@pytest.mark.slow  # a release generates the student folder
def test_release_writes_into_dest_itself_with_a_readme(tmp_path, capsys):
    dest = tmp_path / "handout"
    assert main(["release", str(dest)]) == 0
    names = sorted(p.name for p in dest.iterdir())
    assert paths.NOTEBOOK_NAME in names and README_NAME in names
    assert not (dest / "step_by_step").exists()
    assert str(dest) in capsys.readouterr().out
    assert main(["release", str(dest)]) == 4  # never over an earlier release
    assert "not an empty folder" in capsys.readouterr().err


@pytest.mark.slow  # a release generates the student folder
def test_the_zip_unpacks_to_one_folder_with_the_readme(tmp_path):
    assert main(["release", str(tmp_path / "handout"), "--zip"]) == 0
    with zipfile.ZipFile(tmp_path / "handout.zip") as archive:
        names = archive.namelist()
    assert f"step_by_step/{README_NAME}" in names
    assert {name.split("/")[0] for name in names} == {"step_by_step"}


@pytest.mark.slow  # a release generates the student folder
def test_the_readme_tells_students_what_to_do(tmp_path):
    main(["release", str(tmp_path / "handout")])
    text = (tmp_path / "handout" / README_NAME).read_text(encoding="utf-8")
    assert text == student_readme()  # from the template, not written by hand
    # what to fill in: every graded function, in the notebook's order
    at = [text.index(f"`{name}`") for name in GRADED_FUNCTIONS]
    assert at == sorted(at)
    notebook = json.loads((tmp_path / "handout" / paths.NOTEBOOK_NAME).read_text())
    graded = [
        line.split(":", 1)[1].strip()
        for cell in notebook["cells"]
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("# GRADED FUNCTION:")
    ]
    assert graded == list(GRADED_FUNCTIONS)
    assert "### START CODE HERE ###" in text
    # how to run the checks, and what they print when all is well
    assert "_test(<name>)" in text and "All tests passed." in text
    assert "All tests passed." in (tmp_path / "handout" / "public_tests.py").read_text()
    # what to submit, under which name
    assert f"`{paths.NOTEBOOK_NAME}`" in text.split("## What to submit", 1)[1]
    assert "$" not in text  # every placeholder filled


def test_release_help_has_a_description_and_exit_statuses(capsys):
    try:
        main(["release", "--help"])
    except SystemExit as stop:
        assert stop.code == 0
    out = capsys.readouterr().out
    assert "README.md for students" in out and "Exit status: 0 released" in out
    assert "DEST" in out
