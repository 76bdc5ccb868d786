"""What a batch keeps per student in the output folder, and how it knows it is up to date.

``DIR/<student>/`` holds ``results.json`` (Gradescope JSON), ``feedback.txt``, optionally
``feedback.html``, and ``grading.json``: the student's row and the content key, written last
(:func:`write_student`), so its presence marks the other files complete.

The content key (:func:`content_key`) is the sha256 of the notebook's bytes and of a
:func:`fingerprint` of everything else that decides the grade (the grading options, the case
bundles, the student helper files and the grader's own source): a student whose key is
unchanged is not graded again (:func:`reusable`).

:func:`earlier_rows` reads back the rows of students graded by earlier runs; a student whose
``grading.json`` is lost keeps the row of the previous ``gradebook.csv``, or the run stops
before grading rather than drop the student.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Mapping, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

from grader.batch.gradebook import rows_from_gradebook
from grader.batch.inputs import GRADEBOOK
from grader.batch.rows import ERROR, Note, Rendered, StudentRow
from grader.errors import UsageError
from grader.files import write_atomic
from grader.grading.options import CheckOptions

RESULTS = "results.json"
FEEDBACK = "feedback.txt"
FEEDBACK_HTML = "feedback.html"
RECORD = "grading.json"
#: Bumped when the meaning of grading.json changes (old records are then ignored).
RECORD_VERSION = 1


# --- keys --------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def grader_source_digest() -> str:
    """sha256 over the grader package's Python sources (a grader change regrades)."""
    h = hashlib.sha256()
    from grader.paths import package as grader_package

    package = grader_package()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def fingerprint(
    options: CheckOptions,
    bundles: Sequence[Path],
    student_files: Mapping[str, bytes],
    extra: str = "",
) -> str:
    """Everything but the notebook that decides a grade, as one digest."""
    h = hashlib.sha256(b"dnn-autograder batch\0")
    h.update(json.dumps(asdict(options), sort_keys=True).encode() + b"\0")
    for path in bundles:
        h.update(path.name.encode() + b"\0" + _sha256_file(path).encode() + b"\0")
    for name in sorted(student_files):
        h.update(name.encode() + b"\0" + hashlib.sha256(student_files[name]).digest())
    h.update(grader_source_digest().encode() + b"\0" + extra.encode())
    return h.hexdigest()


def content_key(path: Path, fp: str) -> str | None:
    """The student's content key; None when the file cannot be read (it is graded, and
    reported invalid, every time)."""
    try:
        digest = _sha256_file(path)
    except OSError:
        return None
    return hashlib.sha256(f"{fp}\0{digest}".encode()).hexdigest()


# --- per-student files ---------------------------------------------------------------------


def reusable(folder: Path, key: str | None, student: str, html: bool) -> StudentRow | None:
    if key is None or (html and not (folder / FEEDBACK_HTML).is_file()):
        return None
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if (
            record.get("version") != RECORD_VERSION
            or record.get("key") != key
            or record["row"]["status"] == ERROR
        ):
            return None
        if not (folder / RESULTS).is_file() or not (folder / FEEDBACK).is_file():
            return None
        row = StudentRow.from_dict(record["row"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if row.student != student:
        return None
    return StudentRow(**{**row.__dict__, "reused": True})


def write_student(folder: Path, row: StudentRow, key: str | None, rendered: Rendered) -> None:
    """The student's files; grading.json goes last and marks them complete."""
    (folder / RECORD).unlink(missing_ok=True)
    for name, text in ((RESULTS, rendered.results), (FEEDBACK_HTML, rendered.html)):
        if text is None:  # nothing to upload, or no page asked for: no stale file either
            (folder / name).unlink(missing_ok=True)
        else:
            write_atomic(folder / name, text)
    write_atomic(folder / FEEDBACK, rendered.feedback)
    record = {
        "version": RECORD_VERSION,
        "key": key,
        "graded_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "row": row.to_dict(),
    }
    write_atomic(folder / RECORD, json.dumps(record, indent=2) + "\n")


def _recorded_row(folder: Path) -> StudentRow | None:
    """The row in ``folder/grading.json`` (None: missing, damaged, of another version or of
    another student)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if record.get("version") != RECORD_VERSION:
            return None
        row = StudentRow.from_dict(record["row"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return row if row.student == folder.name else None


def _graded_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a student's files (or what is left of them after a kill)."""
    names = (RECORD, RESULTS, FEEDBACK, FEEDBACK_HTML)
    try:
        return any(
            p.name in names or p.name.startswith(tuple(f".{n}." for n in names))
            for p in folder.iterdir()
        )
    except OSError:
        return False


#: The note of a row read back from the gradebook.
KEPT_NOTE = (
    f"row kept from the previous {GRADEBOOK}: its {RECORD} is missing or damaged (a run "
    "stopped while writing it?); grade the student again to restore the details"
)


def earlier_rows(
    out_dir: Path, skip: Container[str] = (), *, strict: bool = False
) -> list[StudentRow]:
    """The rows recorded in ``out_dir`` by earlier runs (students in ``skip`` left out).

    A student folder whose ``grading.json`` is missing or damaged keeps the student's row of
    the previous ``gradebook.csv`` (with a note that puts it on the "needs attention" list).
    When the gradebook has no row for it either: with ``strict``, :class:`UsageError` (the
    run would drop the student); otherwise the folder is passed over."""
    rows = []
    try:
        folders = sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []
    book: dict[str, StudentRow] | None = None
    for folder in folders:
        if folder.name in skip:
            continue
        row = _recorded_row(folder)
        if row is None:
            if not _graded_folder(folder):
                continue  # not a student's folder
            if book is None:
                book = _previous_gradebook(out_dir)
            row = book.get(folder.name)
            if row is None:
                if strict:
                    raise UsageError(
                        f"{folder / RECORD} is missing or damaged and {out_dir / GRADEBOOK} has "
                        f"no row for {folder.name!r}: grading would drop this student. Grade "
                        f"the student again with this run, or delete {folder} to drop them"
                    )
                continue
            row = replace(row, notes=(*row.notes, Note("kept", KEPT_NOTE)))
        rows.append(replace(row, reused=True))
    return rows


def _previous_gradebook(out_dir: Path) -> dict[str, StudentRow]:
    try:
        text = (out_dir / GRADEBOOK).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return rows_from_gradebook(text)
