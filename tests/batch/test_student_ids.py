"""Issue 17 item 4 (finding 5) and issue 20 item 1: student ids that cannot collide with the
class. A student folder with several notebooks is one student; no id is the class folder's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fake_grader import fake_batch

from grader.batch.inputs import expand_inputs
from grader.cli import main
from grader.errors import UsageError


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def ids(*inputs, known=()):
    return sorted(e.student for e in expand_inputs(list(inputs), known=set(known)))


def test_shell_expanded_student_folders_with_drafts_stay_one_student(tmp_path, monkeypatch):
    """`grader grade submissions/*`: nina's final.ipynb and draft.ipynb are nina's."""
    monkeypatch.chdir(tmp_path)
    touch(tmp_path / "submissions/nina/final.ipynb")
    touch(tmp_path / "submissions/nina/draft.ipynb")
    touch(tmp_path / "submissions/omar/hw.ipynb")
    touch(tmp_path / "submissions/pia/hw.ipynb")
    assert ids("submissions/*") == ["nina", "omar", "pia"]
    folders = sorted(str(p) for p in (tmp_path / "submissions").iterdir())
    assert ids(*folders) == ["nina", "omar", "pia"]
    assert ids("submissions") == ["nina", "omar", "pia"]


def test_a_lone_student_never_takes_the_class_folders_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    touch(tmp_path / "submissions/alice/hw.ipynb")
    assert ids("submissions") == ["alice"]
    touch(tmp_path / "flat/alice.ipynb")
    assert ids("flat") == ["alice"]


def test_the_class_does_not_collapse_into_its_first_student(tmp_path):
    """Graded while only alice had uploaded, then with the whole class: one row each."""
    subs, out = tmp_path / "submissions", tmp_path / "out"
    touch(subs / "alice" / "hw.ipynb", "linear_forward")
    fake_batch(subs, out, [])
    for student in ("bob", "cat"):
        touch(subs / student / "hw.ipynb", "linear_forward compute_cost")
    known = {p.name for p in out.iterdir() if p.is_dir()}
    result = fake_batch(subs, out, [], known=known)
    assert sorted(r.student for r in (*result.rows, *result.kept)) == ["alice", "bob", "cat"]
    assert {r.student: r.score for r in result.rows} == {"alice": 10, "bob": 20, "cat": 20}


def test_an_output_folder_that_named_a_student_after_the_class_is_refused(tmp_path):
    """An older grader named the lone student 'submissions': the class is never graded as her."""
    touch(tmp_path / "submissions/alice/hw.ipynb")
    touch(tmp_path / "submissions/bob/hw.ipynb")
    with pytest.raises(UsageError, match="class folder never names a student"):
        expand_inputs([tmp_path / "submissions"], known={"submissions"})


def test_a_notebook_named_like_the_class_folder_is_refused(tmp_path, capsys):
    subs = tmp_path / "submissions"
    touch(subs / "alice.ipynb", "{}")
    touch(subs / "submissions.ipynb", "{}")
    with pytest.raises(UsageError, match="would be the name of the class folder"):
        expand_inputs([subs])
    assert main(["grade", str(subs), "--out", str(tmp_path / "out")]) == UsageError.exit_code
    err = capsys.readouterr().err
    assert "submissions.ipynb" in err and "rename" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_regrade_of_a_student_folder_with_drafts_keeps_her_id(tmp_path):
    touch(tmp_path / "submissions/nina/final.ipynb")
    touch(tmp_path / "submissions/nina/draft.ipynb")
    assert ids(tmp_path / "submissions/nina", known={"nina", "omar"}) == ["nina"]
    touch(tmp_path / "submissions/omar/Week4/hw.ipynb")  # he uploaded his folder
    assert ids(tmp_path / "submissions/omar", known={"nina", "omar"}) == ["omar"]


def test_a_student_who_uploaded_a_folder_stays_one_student_among_siblings(tmp_path):
    touch(tmp_path / "submissions/nina/hw.ipynb")
    touch(tmp_path / "submissions/omar/Week4/hw.ipynb")
    touch(tmp_path / "submissions/omar/Week4/old/hw-draft.ipynb")
    folders = sorted(str(p) for p in (tmp_path / "submissions").iterdir())
    assert ids(*folders) == ["nina", "omar"]
    assert ids(tmp_path / "submissions") == ["nina", "omar"]


def test_sections_in_the_lms_layout_are_class_folders_among_siblings(tmp_path):
    for section, students in (("sec1", ("ann", "ben")), ("sec2", ("cat", "dan"))):
        for student in students:
            touch(tmp_path / section / student / "hw.ipynb")
    assert ids(tmp_path / "sec1", tmp_path / "sec2") == ["ann", "ben", "cat", "dan"]


def test_a_shell_expanded_class_picks_each_students_latest_notebook(tmp_path):
    subs = tmp_path / "submissions"
    touch(subs / "nina" / "final.ipynb", "linear_forward")
    touch(subs / "nina" / "draft.ipynb", "linear_forward compute_cost")
    os.utime(subs / "nina" / "final.ipynb", (1_000_000, 1_000_000))  # the draft is newer
    touch(subs / "omar" / "hw.ipynb", "linear_forward")
    folders = sorted(str(p) for p in subs.iterdir())
    expanded = expand_inputs(folders)
    assert [(e.student, e.path.name) for e in expanded] == [
        ("nina", "draft.ipynb"),
        ("omar", "hw.ipynb"),
    ]
    assert "not graded: final.ipynb" in expanded[0].pick_note
