"""Grade a whole class: many notebooks in parallel, one folder of results per student.

Entry points: :func:`expand_inputs` turns the command line's notebooks, folders and globs into
``(student id, path)`` entries; :func:`grade_batch` grades them and writes, under ``out``::

    out/<student>/results.json   Gradescope JSON (the same as `grader check --format json`)
    out/<student>/feedback.txt   the text report, without colour
    out/<student>/grading.json   the row below plus the content key (used to skip on re-runs)
    out/gradebook.csv            one row per student (see grader.batch.gradebook)
    out/summary.json             class statistics (see grader.batch.gradebook)

Student ids: a notebook named on the command line (or matched by a glob) is
the student named by its file stem (``alice.ipynb`` -> ``alice``). Inside a folder given as
INPUT, a notebook directly in that folder is named by its stem, and one inside a subfolder
``INPUT/<name>/...`` is named ``<name>`` when that subfolder holds exactly one notebook (at any
depth: the Gradescope / LMS export layout ``submissions/<student>/anything.ipynb``), otherwise
by its stem. A folder given as INPUT that holds exactly one notebook in all names it by the
folder's name (so ``grader grade submissions/*`` works on that layout too). Hidden files and
folders (``.ipynb_checkpoints``, macOS ``._x.ipynb``) are ignored. A file matched twice is
graded once, under the id of its first match. Two different files with the same id are an
error (:class:`~grader.errors.UsageError`) naming both: results are never silently attached
to the wrong student.

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

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from grader.batch.engines import grade_in_processes, grade_in_threads
from grader.batch.gradebook import (
    function_names,
    gradebook_csv,
    summarize,
    summary_json,
    write_atomic,
)
from grader.batch.inputs import GRADEBOOK, SUMMARY, Entry
from grader.batch.rows import (
    ERROR,
    GRADED,
    GraderLike,
    OnRow,
    StudentRow,
)
from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions

RESULTS = "results.json"
FEEDBACK = "feedback.txt"
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

    @property
    def gradebook(self) -> Path:
        return self.out / GRADEBOOK

    @property
    def summary(self) -> Path:
        return self.out / SUMMARY

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


def _reusable(folder: Path, key: str | None, student: str) -> StudentRow | None:
    if key is None:
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


def _write_student(
    folder: Path, row: StudentRow, key: str | None, results: str | None, feedback: str
) -> None:
    """The student's files; grading.json goes last and marks them complete."""
    (folder / RECORD).unlink(missing_ok=True)
    if results is None:
        (folder / RESULTS).unlink(missing_ok=True)
    else:
        write_atomic(folder / RESULTS, results)
    write_atomic(folder / FEEDBACK, feedback)
    record = {
        "version": RECORD_VERSION,
        "key": key,
        "graded_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "row": row.to_dict(),
    }
    write_atomic(folder / RECORD, json.dumps(record, indent=2) + "\n")


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
    rows: dict[str, StudentRow] = {}

    def finished(
        entry: Entry, key: str | None, row: StudentRow, results: str | None, feedback: str
    ) -> None:
        """Called in this thread only, so nothing is written once Ctrl-C has reached it."""
        if key is not None and _key(entry.path, fp) != key:
            key = None  # the file changed while it was graded: grade it again next time
        _write_student(out_dir / entry.student, row, key, results, feedback)
        reuse(row)

    def reuse(row: StudentRow) -> None:
        rows[row.student] = row
        if on_row is not None:
            on_row(row, len(rows), total)

    todo: list[tuple[Entry, str | None]] = []
    interrupted = False
    grading_started = time.perf_counter()
    jobs = 1
    try:
        for entry in entries:
            key = _key(entry.path, fp)
            cached = (
                None if options.force else _reusable(out_dir / entry.student, key, entry.student)
            )
            if cached is not None:
                reuse(cached)
            else:
                todo.append((entry, key))
        grading_started = time.perf_counter()
        jobs = min(options.jobs or default_jobs(), max(len(todo), 1))
        if todo and (make_grader is not None or jobs == 1):
            if make_grader is None:
                make_grader = default_grader(options.check)[0]
            grade_in_threads(todo, jobs, make_grader, max_score, finished)
        elif todo:
            grade_in_processes(todo, jobs, options.check, max_score, finished)
    except KeyboardInterrupt:
        interrupted = True
    grading_time = time.perf_counter() - grading_started

    ordered = tuple(
        rows[e.student] for e in sorted(entries, key=lambda e: e.student) if e.student in rows
    )
    _write_class_files(out_dir, ordered, total, interrupted)
    return BatchResult(
        out_dir, ordered, total, interrupted, time.perf_counter() - started, grading_time, jobs
    )


def _write_class_files(
    out_dir: Path, rows: Sequence[StudentRow], total: int, interrupted: bool
) -> None:
    functions = function_names(rows, GRADED_FUNCTIONS)
    write_atomic(out_dir / GRADEBOOK, gradebook_csv(rows, functions))
    summary = summarize(rows, functions, total=total, interrupted=interrupted)
    write_atomic(out_dir / SUMMARY, summary_json(summary))
