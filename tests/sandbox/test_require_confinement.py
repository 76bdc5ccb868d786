"""``--require-confinement``: where neither Landlock nor a separate, unprivileged user confines
the worker's file access, nothing is graded: one line on stderr, exit status 5. Where either
applies, grading goes on as usual.

The sandbox's report is replaced here (an ordinary user on a kernel without Landlock cannot be
made on demand); what the real sandbox reports is tested in test_sandbox.py and
test_as_root.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import cli
from grader.grading.results import has_file_confinement
from grader.sandbox.api import Sandbox

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"
NONE = {"landlock_filesystem": False, "separate_user": False, "seccomp": True, "rlimits": True}


def reporting(monkeypatch: pytest.MonkeyPatch, protections: dict[str, bool]) -> list[int]:
    """Make every sandbox report ``protections``; returns the list of workers it started."""
    started: list[int] = []

    def fake(self: Sandbox) -> dict[str, bool]:
        started.append(1)
        return dict(protections)

    monkeypatch.setattr(Sandbox, "protections", fake)
    return started


@pytest.mark.parametrize("command", ["check", "grade"])
def test_without_file_confinement_nothing_is_graded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, command
):
    asked = reporting(monkeypatch, NONE)
    args = [command, "--require-confinement"]
    args += ["--out", str(tmp_path / "out"), "--jobs", "1"] if command == "grade" else []
    status = cli.main([*args, "--", str(SAMPLE)])
    said = capsys.readouterr()
    assert status == 5 and asked, said
    assert said.err.startswith("grader: --require-confinement: ") and said.out == ""
    assert len(said.err.strip().splitlines()) == 1
    gradebook = tmp_path / "out" / "gradebook.csv"
    assert not gradebook.exists() or len(gradebook.read_text().splitlines()) <= 1


@pytest.mark.parametrize("which", ["landlock_filesystem", "separate_user"])
def test_either_protection_is_enough(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], which: str
):
    reporting(monkeypatch, {**NONE, which: True})
    status = cli.main(["check", "--require-confinement", "--", str(SAMPLE)])
    said = capsys.readouterr()
    assert status == 1 and "Total: 70 / 100" in said.out, said.err
    assert f"Sandbox: {which}" in said.out or f", {which}" in said.out


def test_grading_processes_refuse_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """``grade --jobs 2`` with Landlock switched off: its grading processes refuse exactly
    when the real sandbox has no file confinement (here: not root, or a Python out of an
    unprivileged user's reach), with the same line and status as ``check``."""
    monkeypatch.setenv("DNN_GRADER_NO_LANDLOCK", "1")
    with Sandbox() as sandbox:
        confined = has_file_confinement(sandbox.protections())
    for student in ("ann", "bob"):
        (tmp_path / "class" / student).mkdir(parents=True)
        shutil.copy(SAMPLE, tmp_path / "class" / student / "work.ipynb")
    args = ["grade", "--require-confinement", "--jobs", "2", "--out", str(tmp_path / "out")]
    status = cli.main([*args, "--", str(tmp_path / "class")])
    said = capsys.readouterr()
    if confined:
        assert status == 1, said.err
    else:
        assert status == 5, said.err
        assert "grader: --require-confinement: " in said.err
