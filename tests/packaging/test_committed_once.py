"""Each file is committed once, and every committed Python line is short (issue 18, item 1).

The student folder ``exercises/step_by_step`` is committed where students and instructors
browse it; the package's copy of it is made when the wheel is built (setup.py), and the two
modules the grader shares with it (``comparison.py`` and the check runtime ``public_tests.py``)
are symbolic links there. Read from git's index, so only what is committed counts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The empty file (``__init__.py``, ``py.typed``): the same blob wherever it is.
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
SYMLINK = "120000"
STUDENT_FOLDER = "exercises/step_by_step/"


def committed() -> list[tuple[str, str, str]]:
    """(mode, blob, path) of every file in git's index."""
    listing = subprocess.run(
        ["git", "ls-files", "-s", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    entries = []
    for record in filter(None, listing.split("\0")):
        meta, path = record.split("\t", 1)
        mode, blob, _stage = meta.split()
        entries.append((mode, blob, path))
    assert len(entries) > 100
    return entries


def test_no_file_is_committed_twice() -> None:
    paths_by_blob: dict[str, list[str]] = {}
    for mode, blob, path in committed():
        if mode != SYMLINK and blob != EMPTY_BLOB:
            paths_by_blob.setdefault(blob, []).append(path)
    assert [paths for paths in paths_by_blob.values() if len(paths) > 1] == []


def test_the_student_folder_links_to_the_modules_it_shares_with_the_grader() -> None:
    modes = {path: mode for mode, _blob, path in committed()}
    for name in ("comparison.py", "public_tests.py"):
        assert modes[STUDENT_FOLDER + name] == SYMLINK, name
        target = (ROOT / STUDENT_FOLDER / name).resolve()
        assert modes[target.relative_to(ROOT).as_posix()] != SYMLINK
    assert modes[STUDENT_FOLDER + "public_cases.py"] != SYMLINK
    assert not any(path.startswith("grader/assets/student/") for path in modes)


def test_no_committed_python_line_is_over_100_characters() -> None:
    long = []
    for mode, _blob, path in committed():
        if path.endswith(".py") and mode != SYMLINK:
            text = (ROOT / path).read_text(encoding="utf-8")
            long += [
                f"{path}:{number} ({len(line)})"
                for number, line in enumerate(text.splitlines(), start=1)
                if len(line) > 100
            ]
    assert long == []
