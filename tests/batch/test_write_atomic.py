"""grader.files.write_atomic: one writer for every file the grader leaves for others to read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import crafted
import pytest

from grader.files import atomic_path, write_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.txt"
    write_atomic(target, "old\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_text_and_bytes_are_written_as_given(tmp_path):
    write_atomic(tmp_path / "a.csv", "x\r\ny\n")
    write_atomic(tmp_path / "b.bin", b"\x00\xff")
    write_atomic(tmp_path / "deep" / "c.txt", "name \udce9\n")  # not UTF-8: never fails
    assert (tmp_path / "a.csv").read_bytes() == b"x\r\ny\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "deep" / "c.txt").read_bytes() == b"name ?\n"


def test_new_files_get_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        from grader.files import file_mode

        file_mode.cache_clear()
        write_atomic(tmp_path / "f.txt", "x")
    finally:
        os.umask(old)
        file_mode.cache_clear()
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == 0o640


def test_a_missing_folder_names_the_file_asked_for(tmp_path):
    target = tmp_path / "missing" / "out.json"
    with pytest.raises(FileNotFoundError) as caught:
        write_atomic(target, "{}", parents=False)
    assert caught.value.filename == str(target)


def test_check_output_replaces_the_report_instead_of_rewriting_it(tmp_path):
    """A reader holding the old report (here: a hard link) never sees it change under it."""
    path = crafted.write(crafted.notebook(), tmp_path / "s.ipynb")
    out = tmp_path / "results.json"
    out.write_text("old report\n")
    os.link(out, tmp_path / "held.json")
    result = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path), "--format", "json"]
        + ["--cases", "public", "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert Path(tmp_path / "held.json").read_text() == "old report\n"
    assert '"tests"' in out.read_text()
