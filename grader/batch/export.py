"""Publishing grades: the gradebook of a batch as a CSV file that Canvas or Moodle imports.

Canvas ("Grades > Import"): the columns of its own gradebook export, ``Student, ID, SIS User
ID, SIS Login ID, Section`` and one column per assignment, followed here by a ``Points
Possible`` row as in an export. Canvas matches a row by ``ID`` (its user id) when given, else by
``SIS User ID`` or ``SIS Login ID``; the assignment column is matched by name, so
``--assignment`` should be the assignment's name in Canvas (a name Canvas does not know
creates a new assignment).

Moodle ("Grades > Import > CSV file"): one row per student, identity columns (``Username``,
``ID number``, ``Email address``: those the roster fills) and a grade column named after the
grade item; at import, map the identity column to the matching user field ("Map from" /
"Map to") and the grade column to the grade item.

The roster (optional, CSV with a header) maps the grader's student ids (``student`` column: the
folder or file names the batch used) to LMS identities: ``name``, ``id``, ``sis_user_id``,
``sis_login_id``, ``section`` for Canvas; ``username``, ``idnumber``, ``email`` for Moodle.
Without one, the grader's id is taken as the SIS login id (Canvas) or the username (Moodle).

Every cell is made safe for spreadsheets (:func:`grader.batch.gradebook.cell`: a name starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``), and the
gradebook's cells are read back with :func:`~grader.batch.gradebook.uncell`.

Scores: a graded row gives its total, an invalid one 0 (the file was not a notebook), an
``error`` row (the grader failed) a blank cell and a warning, never a zero by accident.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.batch.gradebook import cell, uncell
from grader.batch.inputs import GRADEBOOK
from grader.errors import UsageError
from grader.files import write_atomic

FORMATS = ("canvas", "moodle")
ROSTER_COLUMNS = (
    "student",
    "name",
    "id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "username",
    "idnumber",
    "email",
)


@dataclass(frozen=True)
class Exported:
    """What an export wrote: how many rows carry a grade, out of what, and what to check."""

    path: Path
    rows: int
    max_score: float
    warnings: tuple[str, ...]


def read_gradebook(folder: Path) -> list[dict[str, str]]:
    path = folder / GRADEBOOK
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = [
                {uncell(k or ""): uncell(v or "") for k, v in row.items()}
                for row in csv.DictReader(f)
            ]
    except FileNotFoundError:
        raise UsageError(
            f"{folder}: no {GRADEBOOK} here; give the --out folder of `grader grade`"
        ) from None
    except (OSError, UnicodeError, csv.Error) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    if rows and not {"student", "total", "max", "status"} <= set(rows[0]):
        raise UsageError(f"{path}: not a gradebook written by `grader grade`")
    return rows


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """The roster by student id (see the module's docstring for its columns)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            fields = [(name or "").strip().lower() for name in reader.fieldnames or ()]
            rows = list(reader)
    except (OSError, UnicodeError, csv.Error) as exc:
        raise UsageError(f"--roster {path}: cannot be read ({exc})") from None
    if "student" not in fields:
        raise UsageError(
            f"--roster {path}: needs a 'student' column (the grader's student ids), and any "
            f"of {', '.join(ROSTER_COLUMNS[1:])}"
        )
    roster: dict[str, dict[str, str]] = {}
    for row in rows:
        entry = {
            (k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None
        }
        student = entry.get("student", "")
        if student:
            roster[student] = entry
    return roster


def _score(row: Mapping[str, str]) -> str | None:
    """The grade to publish: the total (0 for an invalid file), None when the grader failed."""
    if row.get("status") == "error" or row.get("total", "") == "":
        return None
    return row["total"]


class _SafeWriter:
    """A CSV writer whose every cell goes through :func:`cell` (no cell is a formula)."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, cells: Sequence[str]) -> None:
        self._writer.writerow([cell(c) for c in cells])


def _canvas(
    rows: Sequence[tuple[str, dict[str, str], str | None]], assignment: str, max_score: float
) -> str:
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment])
    writer.writerow(["Points Possible", "", "", "", "", f"{max_score:g}"])
    for student, who, score in rows:
        login = who.get("sis_login_id", "") if who else student
        writer.writerow(
            [
                who.get("name", "") or student,
                who.get("id", ""),
                who.get("sis_user_id", ""),
                login,
                who.get("section", ""),
                "" if score is None else score,
            ]
        )
    return out.getvalue()


def _moodle(rows: Sequence[tuple[str, dict[str, str], str | None]], assignment: str) -> str:
    columns = [("username", "Username"), ("idnumber", "ID number"), ("email", "Email address")]
    used = [(k, title) for k, title in columns if any(who.get(k) for _, who, _ in rows)]
    if not used:
        used = columns[:1]
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow([title for _, title in used] + [assignment])
    for student, who, score in rows:
        identity = [who.get(k, "") for k, _ in used] if who else [student]
        writer.writerow(identity + ["" if score is None else score])
    return out.getvalue()


def export_grades(
    folder: Path,
    lms: str,
    output: Path,
    *,
    roster: Path | None = None,
    assignment: str = "DNN Step by Step",
) -> Exported:
    """Write ``folder``'s gradebook to ``output`` for ``lms`` (``canvas`` or ``moodle``)."""
    if lms not in FORMATS:
        raise UsageError(f"unknown LMS format {lms!r}: choose one of {', '.join(FORMATS)}")
    if output.is_dir():
        raise UsageError(f"--output {output}: this is a folder; give a file name")
    book = read_gradebook(folder)
    people = read_roster(roster) if roster is not None else None
    warnings: list[str] = []
    rows: list[tuple[str, dict[str, str], str | None]] = []
    for row in book:
        score = _score(row)
        if score is None:
            warnings.append(
                f"{row['student']}: the grader failed on this submission ({row.get('error', '')})"
                "; left blank: run `grader grade` again"
            )
        if people is None:
            rows.append((row["student"], {}, score))
        elif row["student"] in people:
            rows.append((row["student"], people[row["student"]], score))
        else:
            warnings.append(f"{row['student']}: graded but not in the roster; not exported")
    if people is not None:
        graded = {r["student"] for r in book}
        for student, who in sorted(people.items()):
            if student not in graded:
                warnings.append(f"{student}: in the roster but not graded; left blank")
                rows.append((student, who, None))
    maxima = [float(r["max"]) for r in book if r.get("max")]
    max_score = max(maxima) if maxima else 0.0
    text = _canvas(rows, assignment, max_score) if lms == "canvas" else _moodle(rows, assignment)
    write_atomic(output, text)
    exported = sum(1 for _, _, score in rows if score is not None)
    return Exported(output, exported, max_score, tuple(warnings))
