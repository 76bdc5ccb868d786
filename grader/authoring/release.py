"""``grader release``: hand out the student folder, after making sure it is safe to.

A release is exactly the files ``grader generate`` writes into ``exercises/step_by_step/`` and
nothing else: no ``__pycache__``, no notebook checkpoints, no solution notebook, whatever else
lies around in that folder. Before copying, two checks refuse a bad release:

- the folder must be up to date: byte for byte what a fresh generation gives (otherwise run
  ``grader generate`` and commit);
- no file may contain a line of the reference solution's code regions, in case one was pasted
  into the prose template or a provided module.

The release is written where it is asked: the folder ``DEST`` itself (created, or empty) holds
the student files; with ``zipped=True``, ``DEST`` is the zip file (``.zip`` added when missing),
holding them in one folder ``step_by_step/``, so that unpacking it gives one folder. The zip is
deterministic: sorted entries, fixed timestamps and permissions. Every file is written
atomically (:mod:`grader.files`).
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import SetupError, UsageError
from grader.files import atomic_path, write_atomic

FOLDER_NAME = "step_by_step"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Solution lines shorter than this (after stripping) are too generic to count as a leak: ")".
_MIN_LEAK_LENGTH = 12


def release(dest: Path, zipped: bool = False, student_dir: Path | None = None) -> Path:
    """Check the student folder and copy it to ``dest`` (see the module's docstring); returns
    the folder or zip made."""
    from grader.authoring.generate import student_files
    from grader.paths import student_folder

    source = student_dir or student_folder()
    files = student_files()
    stale = [name for name in files if _read(source / name) != files[name]]
    if stale:
        raise SetupError(f"{source} is out of date ({', '.join(stale)}): run `grader generate`")
    leaks = solution_leaks(files)
    if leaks:
        raise SetupError("refusing to release: " + "; ".join(leaks))
    if zipped:
        target = dest if dest.suffix == ".zip" else dest.with_name(dest.name + ".zip")
        if target.exists():
            raise UsageError(f"{target} already exists: remove it or choose another name")
        _write_zip(target, files)
        return target
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(
            f"{dest} already exists and is not an empty folder: remove it or choose another"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_atomic(dest / name, data)
    return dest


def solution_leaks(files: dict[str, bytes]) -> list[str]:
    """Which files contain which lines of the reference's code regions."""
    from grader.authoring.stubs import graded_functions

    answers = {
        line.strip()
        for graded in graded_functions()
        for line in graded.answers
        if len(line.strip()) >= _MIN_LEAK_LENGTH
    }
    leaks = []
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        leaks += [
            f"{name} contains the solution line {line!r}"
            for line in sorted(answers)
            if line in text
        ]
    return leaks


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_zip(target: Path, files: dict[str, bytes]) -> None:
    import zipfile

    with (
        atomic_path(target) as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{FOLDER_NAME}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
