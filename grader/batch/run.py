"""Grade a whole class: many notebooks in parallel, one folder of results per student.

Entry points: :func:`grader.batch.inputs.expand_inputs` turns the command line's notebooks,
folders and globs into entries (student id, notebook); :func:`grade_batch` grades them in
three steps, :func:`plan_batch` (what is up to date, what to grade, which earlier rows to
keep), the grading (:mod:`grader.batch.engines`) and :func:`write_class_files`, and writes,
under ``out`` (the per-student files: :mod:`grader.batch.records`)::

    out/<student>/results.json   Gradescope JSON (the same as `grader check --format json`)
    out/<student>/feedback.txt   the text report, without colour
    out/<student>/grading.json   the row below (score, diagnosed mistakes, notes) plus the
                                 content key (used to skip on re-runs)
    out/<student>/feedback.html  with ``html``: the same page as `grader check --format html`
                                 (by default, as the folder was made: summary.json says)
    out/gradebook.csv            one row per student (see grader.batch.gradebook)
    out/summary.json             class statistics (see grader.batch.gradebook)
    out/report.html              the class at a glance (see grader.batch.classreport)

Regrading never loses rows: the class files cover every student graded into ``out``, those of
this run and those of earlier runs that this one did not include, so grading one student again
(``grader grade submissions/nina --out out --force``) updates her row and keeps the 33 others.
A student whose ``grading.json`` is lost keeps the row of the previous gradebook (flagged in
the class report), or the batch stops before grading (:func:`grader.batch.records.earlier_rows`).
To drop a student, delete their folder in ``out``.

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
the batch starts ``jobs`` grading processes (:func:`grader.batch.engines.serve`), each with its own
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
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import quote

from grader.batch.engines import grade_in_processes, grade_in_threads, invalid_row, render_files
from grader.batch.gradebook import function_names, gradebook_csv, summarize, summary_json
from grader.batch.inputs import GRADEBOOK, REPORT, SUMMARY, Entry
from grader.batch.options import BatchOptions
from grader.batch.records import (
    FEEDBACK,
    FEEDBACK_HTML,
    content_key,
    earlier_rows,
    fingerprint,
    reusable,
    write_student,
)
from grader.batch.rows import (
    ERROR,
    GRADED,
    Finished,
    GraderLike,
    Note,
    OnRow,
    Rendered,
    StudentRow,
)
from grader.files import write_atomic
from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.options import CheckOptions

__all__ = [
    "BatchOptions",
    "BatchPlan",
    "BatchResult",
    "StudentRow",
    "default_fingerprint",
    "earlier_rows",
    "fingerprint",
    "grade_batch",
    "plan_batch",
]


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchPlan:
    """What a batch will do, decided before anything is graded (:func:`plan_batch`)."""

    out: Path
    #: The options, with ``html`` decided.
    options: BatchOptions
    fingerprint: str
    entries: tuple[Entry, ...]
    #: Rows known without grading, in the entries' order: invalid files (not regular, never
    #: opened) and up-to-date rows read back (``reused``).
    ready: tuple[tuple[Entry, StudentRow], ...]
    #: What to grade, with each notebook's content key.
    todo: tuple[tuple[Entry, str | None], ...]
    #: Rows of earlier runs this batch does not include (kept in the class files).
    kept: tuple[StudentRow, ...]
    #: Grading processes or threads: as asked (or one per CPU), at most one per submission.
    jobs: int
    #: What the instructor should read before the results (several notebooks for a student, an
    #: output the folder had that this run drops).
    warnings: tuple[str, ...] = ()


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
    #: Grading processes or threads used (0 when nothing needed grading).
    jobs: int
    #: Rows of earlier runs kept in the class files (students this run did not include).
    kept: tuple[StudentRow, ...] = ()
    #: Things the instructor should read (several notebooks for one student, a report that
    #: could not be drawn...).
    warnings: tuple[str, ...] = ()
    #: What was asked: ``jobs`` (0: one per CPU) and whether feedback.html was written.
    options: BatchOptions = BatchOptions()

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

    @property
    def rate(self) -> float | None:
        """Submissions graded per second of grading, when that means something: every job
        graded at least two (a lone submission's "rate" is only its own time, start-up
        included)."""
        if self.jobs == 0 or self.graded_now < 2 * self.jobs or self.grading_time <= 0:
            return None
        return self.graded_now / self.grading_time


# --- the grader and its fingerprint --------------------------------------------------------


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


# --- plan --------------------------------------------------------------------------------------


def folder_made_with_html(out_dir: Path) -> bool:
    """Whether ``out_dir`` was graded with feedback pages (its summary says; a folder of an
    older grader: whether a student's folder holds one)."""
    try:
        summary = json.loads((out_dir / SUMMARY).read_text(encoding="utf-8"))
        if isinstance(summary, dict) and isinstance(summary.get("feedback_html"), bool):
            return bool(summary["feedback_html"])
    except (OSError, ValueError):
        pass
    try:
        return any((p / FEEDBACK_HTML).is_file() for p in out_dir.iterdir() if p.is_dir())
    except OSError:
        return False


def _decide_pages(
    options: BatchOptions, out_dir: Path, kept: Sequence[StudentRow]
) -> tuple[BatchOptions, list[str]]:
    """``options`` with ``html`` decided (None: as the folder was made), and what to tell the
    instructor about the pages this run leaves different from the folder's."""
    warnings: list[str] = []
    had_pages = folder_made_with_html(out_dir)
    if options.html is None:
        return replace(options, html=had_pages), warnings
    if had_pages and not options.html:
        pages = sum(1 for r in kept if (out_dir / r.student / FEEDBACK_HTML).is_file())
        warnings.append(
            f"this folder was graded with --html; this run writes no {FEEDBACK_HTML} for the "
            f"students it grades (and removes theirs), while {pages} student(s) of earlier "
            "runs keep one: add --html to keep every page"
        )
    elif options.html:
        missing = [r.student for r in kept if not (out_dir / r.student / FEEDBACK_HTML).is_file()]
        if missing:
            warnings.append(
                f"{len(missing)} student(s) of earlier runs that this run does not grade have no "
                f"{FEEDBACK_HTML} ({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"
                ": grade them too to write every page"
            )
    return options, warnings


def plan_batch(
    entries: Sequence[Entry], out_dir: Path, options: BatchOptions, fp: str
) -> BatchPlan:
    """Decide what the batch does, grading nothing and writing nothing.

    Raises :class:`~grader.errors.UsageError` when the batch would drop an earlier student's
    row (see :func:`grader.batch.records.earlier_rows`)."""
    kept = tuple(earlier_rows(out_dir, skip={e.student for e in entries}, strict=True))
    warnings = [e.pick_note for e in entries if e.pick_note]
    options, said = _decide_pages(options, out_dir, kept)
    warnings += said
    ready: list[tuple[Entry, StudentRow]] = []
    todo: list[tuple[Entry, str | None]] = []
    for entry in entries:
        if entry.problem:  # not a regular file: never opened, never graded
            ready.append((entry, invalid_row(entry, entry.problem, options)))
            continue
        key = content_key(entry.path, fp)
        cached = None
        if not options.force:
            cached = reusable(out_dir / entry.student, key, entry.student, options.pages)
        if cached is not None:
            ready.append((entry, cached))
        else:
            todo.append((entry, key))
    jobs = min(options.jobs or default_jobs(), len(todo))
    return BatchPlan(
        out_dir, options, fp, tuple(entries), tuple(ready), tuple(todo), kept, jobs, tuple(warnings)
    )


# --- grade -------------------------------------------------------------------------------------


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
    problem of the whole batch (set-up, a row it would drop); a problem of one submission is
    its row.
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    fp = grader_fingerprint or _batch_fingerprint(options, real_grader=make_grader is None)
    plan = plan_batch(entries, out_dir, options, fp)
    collect = _Collector(out_dir, fp, len(entries), on_row)
    interrupted = False
    grading_started = time.perf_counter()
    try:
        for entry, row in plan.ready:
            if row.reused:
                collect.reuse(row)
            else:
                collect.finished(entry, None, row, render_files(row, None, plan.options.pages))
        grading_started = time.perf_counter()
        _grade(plan, make_grader, collect.finished)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # Even when the batch stops with a set-up error, what finished is in the class files.
        grading_time = time.perf_counter() - grading_started
        ordered = tuple(
            collect.rows[e.student]
            for e in sorted(entries, key=lambda e: e.student)
            if e.student in collect.rows
        )
        every = tuple(sorted((*ordered, *plan.kept), key=lambda r: r.student))
        drawn = write_class_files(
            out_dir, every, len(entries) + len(plan.kept), interrupted, html=plan.options.pages
        )
    return BatchResult(
        out_dir,
        ordered,
        len(entries),
        interrupted,
        time.perf_counter() - started,
        grading_time,
        plan.jobs,
        plan.kept,
        (*plan.warnings, *drawn),
        plan.options,
    )


def _grade(
    plan: BatchPlan, make_grader: Callable[[], GraderLike] | None, finished: Finished
) -> None:
    """Grade ``plan.todo``: threads sharing one grader (an injected one, or one job), else
    grading processes."""
    if not plan.todo:
        return
    # The class report's plotting library loads while the class is graded.
    threading.Thread(target=_warm_up_report, name="report-warm-up", daemon=True).start()
    if make_grader is not None or plan.jobs == 1:
        if make_grader is None:
            make_grader = default_grader(plan.options.check)[0]
        grade_in_threads(plan.todo, plan.jobs, make_grader, plan.options, finished)
    else:
        grade_in_processes(plan.todo, plan.jobs, plan.options, finished)


class _Collector:
    """Receives each finished submission, in the batch's thread only (so nothing is written
    once Ctrl-C has reached it), writes the student's files and keeps the row."""

    def __init__(self, out_dir: Path, fp: str, total: int, on_row: OnRow | None) -> None:
        self.out_dir, self.fp, self.total, self.on_row = out_dir, fp, total, on_row
        self.rows: dict[str, StudentRow] = {}

    def finished(self, entry: Entry, key: str | None, row: StudentRow, rendered: Rendered) -> None:
        if key is not None and content_key(entry.path, self.fp) != key:
            key = None  # the file changed while it was graded: grade it again next time
        if entry.pick_note:
            row = replace(row, notes=(Note("notebooks", entry.pick_note), *row.notes))
        try:
            write_student(self.out_dir / entry.student, row, key, rendered)
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


# --- write -------------------------------------------------------------------------------------


def write_class_files(
    out_dir: Path,
    rows: Sequence[StudentRow],
    total: int,
    interrupted: bool,
    *,
    html: bool = False,
) -> list[str]:
    """gradebook.csv, summary.json and report.html; returns warnings (a report that could
    not be drawn never costs the gradebook)."""
    functions = function_names(rows, GRADED_FUNCTIONS)
    write_atomic(out_dir / GRADEBOOK, gradebook_csv(rows, functions))
    summary = summarize(rows, functions, total=total, interrupted=interrupted)
    summary["feedback_html"] = html
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
