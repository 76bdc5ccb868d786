"""The two ways a batch runs its submissions, and the work done per submission.

Engine 1 (:func:`grade_in_threads`): threads of the batch's process sharing one grader
(``jobs == 1``, or an injected grader). Engine 2 (:func:`grade_in_processes`): ``jobs``
grading processes (:func:`serve`), each with its own
:class:`~grader.grading.engine.Grader`, talking JSON lines with the batch. Either way each
submission runs in its own sandbox worker, and only the batch's main thread writes files.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from grader.batch.inputs import Entry, display_name
from grader.batch.options import BatchOptions
from grader.batch.rows import (
    ERROR,
    GRADED,
    INVALID,
    Finished,
    FunctionScore,
    GraderLike,
    Mistake,
    Note,
    Rendered,
    StudentRow,
)
from grader.errors import ConfinementMissing, GraderError, InvalidSubmission
from grader.grading.engine import CheckOptions
from grader.grading.results import FunctionReport, GradeReport


def _row_notes(report: GradeReport) -> tuple[Note, ...]:
    from grader.grading.results import cell_number

    notes = []
    timed_out = [
        f.name
        for f in report.functions
        if any(c.problem is not None and c.problem.status == "timeout" for c in f.cases)
    ]
    timed_out_cells = [c for c in report.cells if c.status == "timeout"]
    if timed_out or timed_out_cells:
        where = [f"cell {cell_number(c.index)}" for c in timed_out_cells] + timed_out
        notes.append(Note("timeout", f"hit the time limit: {', '.join(where)}"))
    cells = [c for c in report.cells if c.status != "skipped"]
    if cells:
        numbers = ", ".join(str(cell_number(c.index)) for c in cells)
        notes.append(Note("cells", f"{len(cells)} cell(s) did not run cleanly (cell {numbers})"))
    return tuple(notes)


#: The longest explanation a row keeps (the class report shows one per lost function).
EXPLANATION_CHARS = 240


def explain(function: FunctionReport) -> str:
    """Why ``function`` lost points, in a sentence for the class report: its named mistake;
    else, when it is missing, a stub or failed only through a wrong helper, its summary; else
    what its first failing case says (the first sentence of its problem or first mismatch)."""
    if function.diagnosis is not None:
        return function.diagnosis.title
    failing = next((c for c in function.cases if not c.passed), None)
    text = function.summary
    # missing, a stub, or right but scored with a wrong helper (strict dependencies): the
    # summary says it; otherwise the first failing case does
    if function.status == "failed" and failing is not None:
        if failing.problem is not None:
            text = f"{failing.label}: {failing.problem.message}"
        elif failing.mismatches:
            text = f"{failing.label}: {failing.mismatches[0].message}"
    text = _one_line(text)
    first, dot, _rest = text.partition(". ")
    text = first + "." if dot else text
    if len(text) > EXPLANATION_CHARS:
        text = text[: EXPLANATION_CHARS - 1].rstrip() + "\u2026"
    return text


def _row_from_report(entry: Entry, report: GradeReport, seconds: float) -> StudentRow:
    functions = tuple(
        FunctionScore(
            f.name,
            f.points,
            f.max_points,
            f.status,
            explain(f) if f.points < f.max_points else "",
        )
        for f in report.functions
    )
    mistakes = tuple(
        Mistake(f.name, f.diagnosis.name, f.diagnosis.title)
        for f in report.functions
        if f.diagnosis is not None and f.status != "passed"
    )
    return StudentRow(
        entry.student,
        entry.shown_path,
        GRADED,
        report.score,
        report.max_score,
        functions,
        "",
        round(seconds, 3),
        mistakes=mistakes,
        notes=_row_notes(report),
    )


def _one_line(text: str) -> str:
    return display_name(" ".join(text.split()))


def _grade_one(
    grader: GraderLike, entry: Entry, options: BatchOptions
) -> tuple[StudentRow, GradeReport | None]:
    """Grade one notebook; whatever happens, a row (and the report when there is one)."""
    begin = time.perf_counter()
    try:
        report = grader.grade(entry.path)
        return _row_from_report(entry, report, time.perf_counter() - begin), report
    except InvalidSubmission as exc:
        return invalid_row(entry, exc.message, options, time.perf_counter() - begin), None
    except GraderError as exc:
        message = exc.message
    except Exception as exc:  # a grader bug must cost one row, not the batch
        message = f"{type(exc).__name__}: {exc}"
    return StudentRow(
        entry.student,
        entry.shown_path,
        ERROR,
        message=_one_line(message),
        seconds=round(time.perf_counter() - begin, 3),
    ), None


def invalid_row(
    entry: Entry, reason: str, options: BatchOptions, seconds: float = 0.0
) -> StudentRow:
    """The row of a file that is not a gradable notebook: scored 0 (out of the options'
    maximum), the reason on one line."""
    return StudentRow(
        entry.student,
        entry.shown_path,
        INVALID,
        0.0,
        options.max_score,
        (),
        _one_line(reason),
        round(seconds, 3),
    )


def _grade_and_render(
    grader: GraderLike, entry: Entry, options: BatchOptions
) -> tuple[StudentRow, Rendered]:
    """One submission, start to finish: its row and the texts of its files."""
    html = options.pages
    row, report = _grade_one(grader, entry, options)
    try:
        rendered = render_files(row, report, html)
    except Exception as exc:  # a renderer bug costs this row, not the batch
        row = StudentRow(
            entry.student,
            entry.shown_path,
            ERROR,
            message=_one_line(f"rendering the report failed: {type(exc).__name__}: {exc}"),
        )
        rendered = render_files(row, None, html)
    return row, rendered


def render_files(row: StudentRow, report: GradeReport | None, html: bool) -> Rendered:
    """The texts of results.json (None: the grader failed, nothing to upload),
    feedback.txt and, when ``html``, feedback.html."""
    from grader.reports.gradescope import render_gradescope
    from grader.reports.text import render_text

    if report is not None:
        page = None
        if html:
            from grader.reports.html import render_html

            page = render_html(report)
        return Rendered(
            json.dumps(render_gradescope(report), indent=2) + "\n",
            render_text(report, colour=False),
            page,
        )
    if row.status == INVALID:
        results = {
            "score": 0.0,
            "output": f"This submission could not be graded: {row.message}",
            "stdout_visibility": "hidden",
            "tests": [],
        }
        total = f"{row.max_score:g}" if row.max_score is not None else "?"
        text = (
            f"Grading {row.path}\n\nThis submission could not be graded: {row.message}"
            f"\n\nTotal: 0 / {total}\n"
        )
    else:
        results = None
        text = (
            f"Grading {row.path}\n\nThe grader failed on this submission: "
            f"{row.message}\nRun the batch again to retry it.\n"
        )
    page = _plain_page(row, text) if html else None
    return Rendered(None if results is None else json.dumps(results, indent=2) + "\n", text, page)


def _plain_page(row: StudentRow, text: str) -> str:
    """feedback.html for a submission without a report: the feedback text, escaped."""
    from html import escape

    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Feedback: {escape(row.student)}</title>\n</head>\n<body>\n"
        f"<pre>{escape(text)}</pre>\n</body>\n</html>\n"
    )


# --- engine 1: threads of this process sharing one grader -------------------------------------


def grade_in_threads(
    todo: Sequence[tuple[Entry, str | None]],
    jobs: int,
    make_grader: Callable[[], GraderLike],
    options: BatchOptions,
    finished: Finished,
) -> None:
    """Grade in ``jobs`` threads sharing one grader (the sandbox is thread-safe).

    The threads grade and render; the files are written here, in the calling thread, so once
    Ctrl-C has reached it nothing more is written: a report that finishes after the interrupt
    is dropped, never half-saved.
    """
    grader = make_grader()
    work: queue.SimpleQueue[tuple[Entry, str | None]] = queue.SimpleQueue()
    for item in todo:
        work.put(item)
    done: queue.SimpleQueue[tuple[Entry, str | None, StudentRow, Rendered]] = queue.SimpleQueue()
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            try:
                entry, key = work.get_nowait()
            except queue.Empty:
                return
            row, rendered = _grade_and_render(grader, entry, options)
            done.put((entry, key, row, rendered))

    threads = [threading.Thread(target=worker, name=f"grade-{i}", daemon=True) for i in range(jobs)]
    try:
        for thread in threads:
            thread.start()
        remaining = len(todo)
        while remaining:
            try:
                graded = done.get(timeout=0.2)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and done.empty():
                    raise RuntimeError("grading threads stopped early") from None
                continue
            finished(*graded)
            remaining -= 1
    finally:
        stop.set()
        grader.close()


# --- engine 2: processes, each with its own grader ------------------------------------------


#: A grading process that dies this many times in a row (no submission finished in between)
#: means the grader cannot run here: the batch stops with a set-up error.
MAX_CONSECUTIVE_DEATHS = 3


class _Child:
    """A grading process (:func:`serve`): JSON lines in on stdin, JSON lines out on stdout."""

    def __init__(
        self,
        slot: int,
        options: CheckOptions,
        max_score: float,
        done: queue.SimpleQueue[tuple[int, bytes | None]],
        html: bool = False,
    ) -> None:
        import subprocess
        import tempfile

        from grader.paths import python_command

        config = json.dumps({"options": asdict(options), "max_score": max_score, "html": html})
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        # Isolated: a student's numpy.py or grader.py in the current folder is never imported.
        self.process = subprocess.Popen(
            python_command("from grader.batch.engines import serve; serve()", config),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            start_new_session=True,  # Ctrl-C reaches the batch, which stops us
        )
        self.slot = slot
        self.reader = threading.Thread(
            target=self._read, args=(done,), daemon=True, name=f"grade-reader-{slot}"
        )
        self.reader.start()

    def _read(self, done: queue.SimpleQueue[tuple[int, bytes | None]]) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            done.put((self.slot, line))
        done.put((self.slot, None))

    def send(self, entry: Entry) -> None:
        assert self.process.stdin is not None
        # ASCII JSON: a name that is not UTF-8 travels as its surrogate escapes, intact.
        line = json.dumps({"student": entry.student, "path": str(entry.path)}) + "\n"
        try:
            self.process.stdin.write(line.encode())
            self.process.stdin.flush()
        except OSError:
            pass  # it died: its reader reports the end of its output

    def why_dead(self) -> str:
        status = self.process.wait()
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors="replace").strip().splitlines()
        last = f": {lines[-1].strip()}" if lines else ""
        return f"the grading process stopped unexpectedly (exit status {status}){last}"

    def close(self, now: bool) -> None:
        """End the process: at once (SIGTERM, which it turns into a clean exit), or by
        closing its input and letting it finish."""
        import signal
        import subprocess

        try:
            if now:
                self.process.send_signal(signal.SIGTERM)
            elif self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)  # its output ends with the process
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def grade_in_processes(
    todo: Sequence[tuple[Entry, str | None]],
    jobs: int,
    options: BatchOptions,
    finished: Finished,
) -> None:
    """Grade in ``jobs`` processes, each with its own grader (own zygote and cases), so the
    judging of one submission never waits for another's (no shared interpreter lock).

    Each process takes one submission at a time, grades and renders it, and sends back the
    row and the texts; the files are written here, as with threads.
    """
    import collections

    from grader.errors import SetupError

    pending = collections.deque(todo)
    done: queue.SimpleQueue[tuple[int, bytes | None]] = queue.SimpleQueue()
    children: list[_Child] = []
    in_flight: dict[int, tuple[Entry, str | None]] = {}
    deaths = 0

    def start(slot: int) -> _Child:
        return _Child(slot, options.check, options.max_score, done, options.pages)

    def dispatch(slot: int) -> None:
        if pending:
            entry, key = pending.popleft()
            in_flight[slot] = (entry, key)
            children[slot].send(entry)

    abort = True  # until the loop ends normally: stop the processes at once
    try:
        for slot in range(jobs):
            children.append(start(slot))
            dispatch(slot)
        while in_flight:
            try:
                slot, line = done.get(timeout=0.2)
            except queue.Empty:
                continue
            if slot not in in_flight:
                continue
            entry, key = in_flight.pop(slot)
            if line is None:  # the process died with this submission
                deaths += 1
                reason = children[slot].why_dead()
                if deaths >= MAX_CONSECUTIVE_DEATHS:
                    raise SetupError(reason)
                row = StudentRow(entry.student, entry.shown_path, ERROR, message=reason)
                finished(entry, key, row, render_files(row, None, options.pages))
                children[slot].close(now=True)
                children[slot] = start(slot)
            else:
                message = json.loads(line)
                if "fatal" in message:
                    refused = message.get("refused") is True  # --require-confinement
                    raise (ConfinementMissing if refused else SetupError)(str(message["fatal"]))
                deaths = 0
                row = StudentRow.from_dict(message["row"])
                rendered = Rendered(message["results"], message["feedback"], message.get("html"))
                finished(entry, key, row, rendered)
            dispatch(slot)
        abort = False
    finally:
        for child in children:
            child.close(now=abort)


def serve() -> None:
    """A grading process of :func:`grade_in_processes` (``sys.argv[1]``: its config, written
    by :class:`_Child`)."""
    import signal

    from grader.grading.engine import Grader
    from grader.paths import load_student_files

    config = json.loads(sys.argv[1])
    options = BatchOptions(CheckOptions(**config["options"]), html=bool(config.get("html")))
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # nothing printed by accident can corrupt the channel
    sys.stdout = sys.stderr

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, stop)
    try:
        grader = Grader(options.check, student_files=load_student_files())
    except GraderError as exc:
        refused = isinstance(exc, ConfinementMissing)
        channel.write(json.dumps({"fatal": exc.message, "refused": refused}) + "\n")
        channel.flush()
        return
    try:
        for line in sys.stdin:
            task = json.loads(line)
            entry = Entry(task["student"], Path(task["path"]))
            row, rendered = _grade_and_render(grader, entry, options)
            reply = {
                "row": row.to_dict(),
                "results": rendered.results,
                "feedback": rendered.feedback,
                "html": rendered.html,
            }
            channel.write(json.dumps(reply) + "\n")
            channel.flush()
    finally:
        grader.close()
