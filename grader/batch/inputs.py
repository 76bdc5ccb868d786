"""Which notebooks a batch grades, and the student id of each (the rules are in
:func:`expand_inputs`, the README and ``grader grade --help``).

Only regular files are graded. A symbolic link, a device, a FIFO or a socket with a notebook's
name (a student's zip, unpacked) becomes an entry with a ``problem``: its row is ``invalid``
and the file is never opened, so a link to the reference solution earns nothing, a link to a
classmate's notebook never takes her grade, and a link to ``/dev/zero`` never hangs the batch.

File names come from the file system as bytes; Python hands names that are not valid UTF-8
(Latin-1 names from unzip) over with "surrogate escapes". The path keeps them, so the file can
still be opened; every name shown (the student id, the folder of results, the reports) uses
:func:`display_name`, with U+FFFD in place of the bytes that are not UTF-8.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError

GRADEBOOK = "gradebook.csv"
SUMMARY = "summary.json"
REPORT = "report.html"
#: Names in the output folder that a student id may not take.
RESERVED = frozenset({GRADEBOOK, SUMMARY, REPORT})


@dataclass(frozen=True)
class Entry:
    """One submission to grade: the student's id and their notebook.

    problem -- why the file is not graded at all (not a regular file), or ""
    others -- the student's other notebooks, passed over by the pick rule (display names)
    pick_note -- how the notebook was chosen among several, or ""
    """

    student: str
    path: Path
    problem: str = ""
    others: tuple[str, ...] = ()
    pick_note: str = ""

    @property
    def shown_path(self) -> str:
        return display_name(str(self.path))


def display_name(text: str) -> str:
    """``text`` as valid Unicode: undecodable bytes and lone surrogates become U+FFFD."""
    try:
        return os.fsencode(text).decode("utf-8", "replace")
    except UnicodeError:  # a lone surrogate that is not an escaped byte
        return text.encode("utf-8", "replace").decode("utf-8").replace("?", "\ufffd")


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def not_regular(path: Path) -> str:
    """Why ``path`` is not a regular file that can be graded ("" when it is one)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror or type(exc).__name__})"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISLNK(mode):
        try:
            target = display_name(os.readlink(path))
        except OSError:
            target = "?"
        return (
            f"it is a symbolic link (to {target}), not a notebook file: only regular files "
            "are graded; ask the student to upload the notebook itself"
        )
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "not a regular file"
    )
    return f"it is {kind}, not a notebook file: only regular files are graded"


def _notebooks_under(folder: Path, exclude: Path | None) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if not _hidden(d)
            and not os.path.islink(os.path.join(root, d))  # never follow a student's link
            and (exclude is None or Path(root, d).resolve() != exclude)
        )
        found += [Path(root, f) for f in sorted(files) if f.endswith(".ipynb") and not _hidden(f)]
    return found


def _mtime(path: Path) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return float("-inf")


def pick_notebook(
    notebooks: Sequence[Path], folder: Path, pattern: str | None
) -> tuple[Path, str, str]:
    """One student's notebook among several: ``(chosen, problem, note)``.

    The rule: regular files only; among those whose path inside the student's folder (or file
    name) matches ``pattern`` -- or all of them without a pattern, or when none matches -- the
    most recently modified (ties: the last name in sorted order). ``problem`` is set when no
    notebook is a regular file (the chosen one is then the first, for its reason).
    """
    regular = [p for p in notebooks if not not_regular(p)]
    if not regular:
        return notebooks[0], not_regular(notebooks[0]), ""
    candidates, how = regular, "the most recently modified"
    if pattern is not None:
        matching = [
            p
            for p in regular
            if fnmatch.fnmatch(p.relative_to(folder).as_posix(), pattern)
            or fnmatch.fnmatch(p.name, pattern)
        ]
        if matching:
            candidates, how = matching, f"matching --pick {pattern!r}, the most recently modified"
        else:
            how = f"none matched --pick {pattern!r}, so the most recently modified"
    chosen = max(candidates, key=lambda p: (_mtime(p), p.as_posix()))
    return chosen, "", how


def _student_entry(name: str, folder: Path, paths: Sequence[Path], pick: str | None) -> Entry:
    """The one entry of a student whose folder holds ``paths``."""
    chosen, problem, how = pick_notebook(paths, folder, pick)

    def shown(path: Path) -> str:
        return display_name(path.relative_to(folder).as_posix())

    others = tuple(shown(p) for p in paths if p != chosen)
    note = ""
    if others:
        note = (
            f"{len(paths)} notebooks in {name}/: graded {shown(chosen)} ({how}); "
            f"not graded: {', '.join(others)}"
        )
    return Entry(name, chosen, problem, others, note)


def _folder_entries(
    folder: Path,
    exclude: Path | None,
    pick: str | None,
    known: Container[str],
    among_siblings: bool,
) -> tuple[list[Entry], bool]:
    """The entries of a folder INPUT, and whether it is a class folder (see
    :func:`expand_inputs` for the rules)."""
    notebooks = _notebooks_under(folder, exclude)
    name = display_name(Path(os.path.abspath(folder)).name)
    per_student: dict[str, list[Path]] = {}
    direct = []
    for path in notebooks:
        parts = path.relative_to(folder).parts
        if len(parts) > 1:
            per_student.setdefault(parts[0], []).append(path)
        else:
            direct.append(Entry(display_name(path.stem), path, not_regular(path)))
    split = direct + [
        _student_entry(display_name(sub), folder / sub, paths, pick)
        for sub, paths in per_student.items()
    ]
    # Notebooks in several subfolders, or beside one: the layout of a class.
    classlike = len(per_student) > 1 or bool(per_student and direct)
    if classlike and name in known:
        raise UsageError(
            f"{display_name(str(folder))}: holds students' subfolders ({_few(per_student)}), so "
            f"it is a class folder, yet the output folder has a student named {name!r}: a class "
            "folder never names a student (an older grader named a lone student after it). "
            f"Delete the folder {name!r} in the output folder and grade again"
        )
    if notebooks and not classlike and (name in known or among_siblings):
        return [_student_entry(name, folder, notebooks, pick)], False
    return split, True


def _few(names: Iterable[str]) -> str:
    listed = sorted(names)
    return ", ".join(listed[:3]) + (", ..." if len(listed) > 3 else "")


def _matches(text: str) -> list[Path]:
    path = Path(text)
    if os.path.lexists(path):
        return [path]
    if glob.has_magic(text):
        matches = [Path(p) for p in sorted(glob.glob(text, recursive=True))]
        if not matches:
            raise UsageError(f"{display_name(text)}: no file or folder matches this pattern")
        return matches
    raise UsageError(f"{display_name(text)}: no such file or folder")


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def expand_inputs(
    inputs: Iterable[str | os.PathLike[str]],
    exclude: Path | None = None,
    pick: str | None = None,
    known: Container[str] = (),
) -> list[Entry]:
    """The submissions named by ``inputs`` (notebooks, folders, glob patterns), by student id.

    A notebook INPUT is the student named by its file stem. A folder INPUT is either

    - a **class folder**, split into students: everything under ``INPUT/<name>/`` is the
      student ``<name>``, a notebook directly inside is named by its stem. A folder with
      notebooks in several subfolders, or in a subfolder and beside it, is always one (the
      LMS layout ``submissions/<student>/...``), and so is any folder named alone
      (``grader grade submissions``, even while one student's folder is in it);
    - or **one student's folder**, named after the folder, however many notebooks it holds
      (one is picked, see :func:`pick_notebook`): a folder with its notebooks directly inside
      or in a single subfolder (a student who uploaded a folder), named together with other
      folders of the same parent (``grader grade submissions/*``) or named like a student
      already graded into the output folder (``known``: ``grader grade submissions/nina``
      regrades nina).

    No student id is ever the name of a class folder: a notebook whose id would be one
    (``submissions/submissions.ipynb``) is refused, and so is a class folder named like a
    student of the output folder (an older grader named a lone student after the class
    folder; grading the class as that student would give everyone one notebook's grade).

    ``exclude`` (the output folder) is never searched. Raises :class:`UsageError` for an input
    that matches nothing, a folder without notebooks, an id refused as above, or two files
    with one student id.
    """
    exclude = exclude.resolve() if exclude is not None else None
    named = [(os.fspath(item), _matches(os.fspath(item))) for item in inputs]
    parents = Counter(
        Path(os.path.abspath(m)).parent for _, ms in named for m in ms if _is_folder(m)
    )
    shared = {p for p, n in parents.items() if n > 1}
    entries: list[Entry] = []
    class_folders: dict[str, Path] = {}
    for text, matches in named:
        for match in matches:
            if not _is_folder(match):
                entries.append(Entry(display_name(match.stem), match, not_regular(match)))
                continue
            among_siblings = Path(os.path.abspath(match)).parent in shared
            found, is_class = _folder_entries(match, exclude, pick, known, among_siblings)
            if not found and not glob.has_magic(text):
                raise UsageError(
                    f"{display_name(str(match))}: this folder holds no .ipynb notebook"
                )
            if is_class:
                class_folders[display_name(Path(os.path.abspath(match)).name)] = match
            entries += found
    for entry in entries:
        folder = class_folders.get(entry.student)
        if folder is not None:
            raise UsageError(
                f"{entry.shown_path}: its student id {entry.student!r} would be the name of the "
                f"class folder {display_name(str(folder))}, which is never a student; rename the "
                "file (or its folder) and grade again"
            )
    return _unique(entries)


def _unique(entries: Sequence[Entry]) -> list[Entry]:
    """One entry per file (the id of its first match) and one file per id."""
    by_id: dict[str, Entry] = {}
    paths: set[Path] = set()
    for entry in entries:
        if entry.student in RESERVED or entry.student in ("", ".", ".."):
            raise UsageError(
                f"{entry.shown_path}: {entry.student!r} cannot be a student id (rename the file)"
            )
        resolved = Path(os.path.abspath(entry.path))
        if resolved in paths:
            continue
        seen = by_id.get(entry.student)
        if seen is None:
            by_id[entry.student] = entry
            paths.add(resolved)
        else:
            raise UsageError(
                f"two submissions have the student id {entry.student!r}: {seen.shown_path} and "
                f"{entry.shown_path}. Rename one of them, or grade them in separate runs with "
                "separate --out folders (see `grader grade --help` for how ids are made)."
            )
    if not by_id:
        raise UsageError("no notebooks to grade")
    return sorted(by_id.values(), key=lambda e: e.student)
