"""Which notebooks a batch grades, and the student id of each (the rules are in
:func:`expand_inputs` and the README)."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError

GRADEBOOK = "gradebook.csv"
SUMMARY = "summary.json"
#: Names in the output folder that a student id may not take.
RESERVED = frozenset({GRADEBOOK, SUMMARY})


@dataclass(frozen=True)
class Entry:
    """One submission to grade: the student's id and their notebook."""

    student: str
    path: Path


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def _notebooks_under(folder: Path, exclude: Path | None) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if not _hidden(d) and (exclude is None or Path(root, d).resolve() != exclude)
        )
        found += [Path(root, f) for f in sorted(files) if f.endswith(".ipynb") and not _hidden(f)]
    return found


def _folder_entries(folder: Path, exclude: Path | None) -> list[Entry]:
    notebooks = _notebooks_under(folder, exclude)
    if len(notebooks) == 1:
        return [Entry(folder.resolve().name, notebooks[0])]
    per_subfolder: dict[str, int] = {}
    for path in notebooks:
        parts = path.relative_to(folder).parts
        if len(parts) > 1:
            per_subfolder[parts[0]] = per_subfolder.get(parts[0], 0) + 1
    entries = []
    for path in notebooks:
        parts = path.relative_to(folder).parts
        if len(parts) > 1 and per_subfolder[parts[0]] == 1:
            entries.append(Entry(parts[0], path))
        else:
            entries.append(Entry(path.stem, path))
    return entries


def expand_inputs(
    inputs: Iterable[str | os.PathLike[str]], exclude: Path | None = None
) -> list[Entry]:
    """The submissions named by ``inputs`` (notebooks, folders, glob patterns), by student id.

    ``exclude`` (the output folder) is never searched. Raises :class:`UsageError` for an input
    that matches nothing, a folder without notebooks, or two files with one student id.
    """
    exclude = exclude.resolve() if exclude is not None else None
    entries: list[Entry] = []
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.exists():
            matches = [path]
        elif glob.has_magic(text):
            matches = [Path(p) for p in sorted(glob.glob(text, recursive=True))]
            if not matches:
                raise UsageError(f"{text}: no file or folder matches this pattern")
        else:
            raise UsageError(f"{text}: no such file or folder")
        for match in matches:
            if match.is_dir():
                found = _folder_entries(match, exclude)
                if not found and not glob.has_magic(text):
                    raise UsageError(f"{match}: this folder holds no .ipynb notebook")
                entries += found
            else:
                entries.append(Entry(match.stem, match))
    return _unique(entries)


def _unique(entries: Sequence[Entry]) -> list[Entry]:
    """One entry per file (the id of its first match) and one file per id."""
    by_id: dict[str, Entry] = {}
    paths: set[Path] = set()
    for entry in entries:
        if entry.student in RESERVED or entry.student in ("", ".", ".."):
            raise UsageError(
                f"{entry.path}: {entry.student!r} cannot be a student id (rename the file)"
            )
        resolved = entry.path.resolve()
        if resolved in paths:
            continue
        seen = by_id.get(entry.student)
        if seen is None:
            by_id[entry.student] = entry
            paths.add(resolved)
        else:
            raise UsageError(
                f"two submissions have the student id {entry.student!r}: {seen.path} and "
                f"{entry.path}. Give each student's notebook its own name, or put each in its "
                "own folder and pass the parent folder (see `grader grade --help`)."
            )
    if not by_id:
        raise UsageError("no notebooks to grade")
    return sorted(by_id.values(), key=lambda e: e.student)
