"""Grade a whole class: many notebooks in parallel, one folder of results per student.

Entry points: :func:`expand_inputs` turns the command line's notebooks, folders and globs into
``(student id, path)`` entries; :func:`grade_batch` grades them and writes, under ``out``::

    out/<student>/results.json   Gradescope JSON (the same as `grader check --format json`)
    out/<student>/feedback.txt   the text report, without colour
    out/<student>/grading.json   the row below (score, diagnosed mistakes, notes) plus the
                                 content key (used to skip on re-runs)
    out/<student>/feedback.html  with ``html``: the same page as `grader check --format html`
    out/gradebook.csv            one row per student (see grader.batch.gradebook)
    out/summary.json             class statistics (see grader.batch.gradebook)
    out/report.html              the class at a glance (see grader.batch.classreport)

Regrading never loses rows: the class files cover every student with a ``grading.json`` in
``out``, those of this run and those of earlier runs that this one did not include, so grading
one student again (``grader grade submissions/nina --out out --force``) updates her row and
keeps the 33 others. To drop a student, delete their folder in ``out``.

Whatever happens to one submission (a file that is not a notebook, a symbolic link, a name
that is not UTF-8, a crash of the grader, a file that cannot be written), it costs that
submission's row only: the gradebook and the summary are written for all that finished.

Student ids: see :func:`grader.batch.inputs.expand_inputs` (a notebook is its file stem; a
class folder is split into its students' folders; a student folder with several notebooks is
one row, one notebook picked; no id is ever a class folder's name). Two different files with
the same id are an error (:class:`~grader.errors.UsageError`) naming both: results are never
silently attached to the wrong student.

Isolation and speed: every submission runs in its own confined worker process, forked from a
clean zygote, with its own time and memory limits (:mod:`grader.sandbox.api`). With ``jobs`` > 1
the batch starts ``jobs`` grading processes (:func:`serve`), each with its own
:class:`~grader.grading.engine.Grader` (its own zygote; the case bundles read once per process), so
the judging, which is Python, runs in parallel instead of queueing for one interpreter lock.
Each takes one submission at a time, so a hanging one holds up only its own process, for its
own limit. With ``jobs`` == 1, or a grader injected by the caller, threads of this process
share one grader. Either way this process writes every file, and only from its main thread.
Grading processes and workers sit in their own sessions, so Ctrl-C reaches only this
process: the batch stops them, keeps every finished student's files (each written
atomically), writes the gradebook and summary for what finished, and reports
``interrupted``.

Re-runs: each student's key is the sha256 of the notebook's bytes and of a fingerprint of
everything else that decides the grade (the grading options, the case bundles, the student
helper files and the grader's own source). A student whose key is unchanged and whose files
are all present is not graded again (its row is read back from ``grading.json``), unless
``force``. Submissions the grader itself failed on (status ``error``) are always retried.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from grader.batch.engines import grade_in_processes, grade_in_threads, invalid_row, render_files
from grader.batch.gradebook import function_names, gradebook_csv, summarize, summary_json
from grader.batch.inputs import GRADEBOOK, REPORT, SUMMARY, Entry
from grader.batch.rows import (
    ERROR,
    GRADED,
    GraderLike,
    Note,
    OnRow,
    Rendered,
    StudentRow,
)
from grader.files import write_atomic
from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions

RESULTS = "results.json"
FEEDBACK = "feedback.txt"
FEEDBACK_HTML = "feedback.html"
RECORD = "grading.json"
#: Bumped when the meaning of grading.json changes (old records are then ignored).
RECORD_VERSION = 1


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    check: CheckOptions = field(default_factory=CheckOptions)
    #: Submissions graded at the same time (0: one per CPU this process may use).
    jobs: int = 0
    #: Grade every submission, even those whose results are up to date.
    force: bool = False
    #: Write DIR/<student>/feedback.html too (costs ~40 ms a submission; see the README).
    html: bool = False


@dataclass(frozen=True)
class BatchResult:
    """What a batch did; ``rows`` (sorted by student) cover the submissions that finished."""

    out: Path
    rows: tuple[StudentRow, ...]
    #: Submissions given (when interrupted, more than ``len(rows)``).
    total: int
    interrupted: bool
    #: Wall seconds of the whole batch, and of the grading part only.
    elapsed: float
    grading_time: float
    jobs: int
    #: Rows of earlier runs kept in the class files (students this run did not include).
    kept: tuple[StudentRow, ...] = ()
    #: Things the instructor should read (several notebooks for one student, a report that
    #: could not be drawn...).
    warnings: tuple[str, ...] = ()

    @property
    def gradebook(self) -> Path:
        return self.out / GRADEBOOK

    @property
    def summary(self) -> Path:
        return self.out / SUMMARY

    @property
    def report(self) -> Path:
        return self.out / REPORT

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def graded_now(self) -> int:
        """Submissions graded by this run (not read back from an earlier one)."""
        return sum(1 for r in self.rows if not r.reused)

    @property
    def reused(self) -> int:
        return sum(1 for r in self.rows if r.reused)

    @property
    def full_marks(self) -> int:
        return sum(1 for r in self.rows if r.full_marks)

    @property
    def complete(self) -> bool:
        """Every submission finished and got a grade (none invalid, none errored)."""
        return not self.interrupted and all(r.status == GRADED for r in self.rows)


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


def _key(path: Path, fp: str) -> str | None:
    """The student's content key; None when the file cannot be read (it is graded, and
    reported invalid, every time)."""
    try:
        digest = _sha256_file(path)
    except OSError:
        return None
    return hashlib.sha256(f"{fp}\0{digest}".encode()).hexdigest()


# --- per-student files ---------------------------------------------------------------------


def _reusable(folder: Path, key: str | None, student: str, html: bool) -> StudentRow | None:
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


def _write_student(folder: Path, row: StudentRow, key: str | None, rendered: Rendered) -> None:
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


def earlier_rows(out_dir: Path, skip: Container[str] = ()) -> list[StudentRow]:
    """The rows recorded in ``out_dir`` by earlier runs (students in ``skip`` left out)."""
    rows = []
    try:
        folders = sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []
    for folder in folders:
        try:
            record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
            if record.get("version") != RECORD_VERSION:
                continue
            row = StudentRow.from_dict(record["row"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if row.student == folder.name and row.student not in skip:
            rows.append(StudentRow(**{**row.__dict__, "reused": True}))
    return rows


# --- the batch ---------------------------------------------------------------------------------


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_fingerprint(options: CheckOptions) -> str:
    """The fingerprint of the installed cases, student helper files and grader."""
    from grader.paths import bundle_paths, load_student_files

    paths = bundle_paths()
    bundles = [paths["public"]] + ([paths["hidden"]] if options.cases == "all" else [])
    return fingerprint(options, bundles, load_student_files())


def default_grader(options: CheckOptions) -> tuple[Callable[[], GraderLike], str]:
    """The real grader's factory and the fingerprint of what it grades with.

    The factory loads the case bundles only when called (a re-run with nothing to grade
    reads no cases and starts no sandbox)."""
    from grader.grading.engine import Grader
    from grader.paths import load_student_files

    fp = default_fingerprint(options)

    def make() -> GraderLike:
        # Grader starts its zygote first, then reads the bundles while the zygote warms up.
        return Grader(options, student_files=load_student_files())

    return make, fp


def _batch_fingerprint(options: BatchOptions, real_grader: bool) -> str:
    """The real grader's fingerprint, or the options alone for an injected grader."""
    if real_grader:
        return default_fingerprint(options.check)
    return hashlib.sha256(json.dumps(asdict(options.check), sort_keys=True).encode()).hexdigest()


def grade_batch(
    entries: Sequence[Entry],
    out: str | os.PathLike[str],
    options: BatchOptions | None = None,
    *,
    make_grader: Callable[[], GraderLike] | None = None,
    grader_fingerprint: str | None = None,
    on_row: OnRow | None = None,
) -> BatchResult:
    """Grade ``entries`` into ``out`` (see the module's docstring); returns every row.

    ``make_grader`` replaces the real grader (tests inject fakes): it is called once, and the
    grader it returns serves ``jobs`` threads of this process. ``grader_fingerprint`` stands
    for the options, cases, helper files and grader in the content keys (default: the real
    ones, or the options alone with ``make_grader``). Raises :class:`GraderError` only for a
    problem of the whole batch (set-up); a problem of one submission is its row.
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = len(entries)
    fp = grader_fingerprint or _batch_fingerprint(options, real_grader=make_grader is None)
    max_score = options.check.points_per_function * len(GRADED_FUNCTIONS)
    collect = _Collector(out_dir, fp, total, on_row)
    finished, reuse, rows = collect.finished, collect.reuse, collect.rows
    warnings: list[str] = [e.pick_note for e in entries if e.pick_note]

    todo: list[tuple[Entry, str | None]] = []
    interrupted = False
    grading_started = time.perf_counter()
    jobs = 1
    try:
        for entry in entries:
            if entry.problem:  # not a regular file: never opened, never graded
                row = invalid_row(entry, entry.problem, max_score)
                finished(entry, None, row, render_files(row, None, options.html))
                continue
            key = _key(entry.path, fp)
            cached = _cached(out_dir, entry, key, options)
            if cached is not None:
                reuse(cached)
            else:
                todo.append((entry, key))
        grading_started = time.perf_counter()
        if todo:  # the class report's plotting library loads while the class is graded
            threading.Thread(target=_warm_up_report, name="report-warm-up", daemon=True).start()
        jobs = min(options.jobs or default_jobs(), max(len(todo), 1))
        if todo and (make_grader is not None or jobs == 1):
            if make_grader is None:
                make_grader = default_grader(options.check)[0]
            grade_in_threads(todo, jobs, make_grader, max_score, finished, options.html)
        elif todo:
            grade_in_processes(todo, jobs, options.check, max_score, finished, options.html)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # Even when the batch stops with a set-up error, what finished is in the class files.
        grading_time = time.perf_counter() - grading_started
        ordered = tuple(
            rows[e.student] for e in sorted(entries, key=lambda e: e.student) if e.student in rows
        )
        kept = tuple(earlier_rows(out_dir, skip={e.student for e in entries}))
        every = tuple(sorted((*ordered, *kept), key=lambda r: r.student))
        warnings += _write_class_files(out_dir, every, total + len(kept), interrupted)
    return BatchResult(
        out_dir,
        ordered,
        total,
        interrupted,
        time.perf_counter() - started,
        grading_time,
        jobs,
        kept,
        tuple(warnings),
    )


class _Collector:
    """Receives each finished submission, in the batch's thread only (so nothing is written
    once Ctrl-C has reached it), writes the student's files and keeps the row."""

    def __init__(self, out_dir: Path, fp: str, total: int, on_row: OnRow | None) -> None:
        self.out_dir, self.fp, self.total, self.on_row = out_dir, fp, total, on_row
        self.rows: dict[str, StudentRow] = {}

    def finished(self, entry: Entry, key: str | None, row: StudentRow, rendered: Rendered) -> None:
        if key is not None and _key(entry.path, self.fp) != key:
            key = None  # the file changed while it was graded: grade it again next time
        if entry.pick_note:
            row = replace(row, notes=(Note("notebooks", entry.pick_note), *row.notes))
        try:
            _write_student(self.out_dir / entry.student, row, key, rendered)
        except Exception as exc:  # a full disk, an unwritable folder: this row only
            row = replace(row, status=ERROR, message=f"its results could not be written: {exc}")
        self.reuse(row)

    def reuse(self, row: StudentRow) -> None:
        self.rows[row.student] = row
        if self.on_row is not None:
            self.on_row(row, len(self.rows), self.total)


def _warm_up_report() -> None:
    with contextlib.suppress(Exception):  # a missing matplotlib is reported with the report
        from grader.batch.classreport import warm_up

        warm_up()


def _cached(
    out_dir: Path, entry: Entry, key: str | None, options: BatchOptions
) -> StudentRow | None:
    if options.force:
        return None
    return _reusable(out_dir / entry.student, key, entry.student, options.html)


def _write_class_files(
    out_dir: Path, rows: Sequence[StudentRow], total: int, interrupted: bool
) -> list[str]:
    """gradebook.csv, summary.json and report.html; returns warnings (a report that could
    not be drawn never costs the gradebook)."""
    functions = function_names(rows, GRADED_FUNCTIONS)
    write_atomic(out_dir / GRADEBOOK, gradebook_csv(rows, functions))
    summary = summarize(rows, functions, total=total, interrupted=interrupted)
    write_atomic(out_dir / SUMMARY, summary_json(summary))
    pages = {}
    for row in rows:
        name = FEEDBACK_HTML if (out_dir / row.student / FEEDBACK_HTML).is_file() else FEEDBACK
        pages[row.student] = f"{quote(row.student)}/{name}"
    # Drawn again only when what it shows changed (a re-run that grades nothing draws nothing).
    shown = {k: v for k, v in summary.items() if k != "reused"}
    digest = hashlib.sha256(
        json.dumps([shown, pages, [r.to_dict() for r in rows]], sort_keys=True).encode()
    ).hexdigest()
    stamp = f"<!-- grader report {digest} -->\n"
    try:
        with (out_dir / REPORT).open(encoding="utf-8") as f:
            if stamp in (f.readline(), f.readline()):
                return []
    except (OSError, UnicodeError):
        pass
    try:
        from grader.batch.classreport import render_class_report

        page = render_class_report(rows, summary, pages).replace("\n", "\n" + stamp, 1)
        write_atomic(out_dir / REPORT, page)
    except Exception as exc:  # matplotlib missing or broken: the gradebook is what matters
        (out_dir / REPORT).unlink(missing_ok=True)
        return [f"{REPORT} could not be written ({type(exc).__name__}: {exc})"]
    return []
