"""`grader grade`: a whole class in one run, one row per student whatever each notebook does.

One real batch (correct, buggy, hanging, crashing and invalid notebooks, all made from
``reference/solution.ipynb`` by editing cell sources) serves most tests; input expansion,
resume, errors and interrupts are also checked with a fake grader, which is instant.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from fake_grader import FakeGrader

from grader.batch.inputs import Entry, expand_inputs
from grader.batch.progress import Progress
from grader.batch.run import (
    BatchOptions,
    StudentRow,
    default_fingerprint,
    fingerprint,
    grade_batch,
)
from grader.cli import main
from grader.errors import SetupError, UsageError
from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "reference" / "solution.ipynb"
TIMEOUT = 1.0
OPTIONS = CheckOptions(cases="public", timeout=TIMEOUT, memory_mb=600)

# Edits of the solution: (function, old text, new text) on that function's cell source.
EDITS = {
    "correct": [],
    "buggy": [
        ("linear_forward", "Z = np.dot(W, A) + b", "Z = np.dot(W, A) - b"),
        (
            "linear_backward",
            "db = np.sum(dZ, axis=1, keepdims=True) / m",
            "db = np.sum(dZ, axis=1) / m",
        ),
    ],
    "hanging": [
        ("compute_cost", "m = Y.shape[1]\n", "m = Y.shape[1]\n    while True:\n        pass\n")
    ],
    "crashing": [
        (
            "update_parameters",
            "L = len(parameters) // 2",
            "L = len(parameters) // 2\n    import os\n    os._exit(1)",
        )
    ],
}
INVALID = {"not_json": b"{this is not json", "empty": b""}
EXPECTED_ZEROS = {
    "correct": set(),
    "buggy": {"linear_forward", "linear_backward"},
    "hanging": {"compute_cost"},
    "crashing": {"update_parameters"},
}


def edited_solution(edits):
    nb = nbformat.read(SOLUTION, as_version=4)
    for function, old, new in edits:
        cells = [c for c in nb.cells if c.cell_type == "code" and f"def {function}(" in c.source]
        assert len(cells) == 1 and old in cells[0].source, (function, old)
        cells[0].source = cells[0].source.replace(old, new)
    return nb


def write_class(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for student, edits in EDITS.items():
        nbformat.write(edited_solution(edits), str(folder / f"{student}.ipynb"))
    for student, data in INVALID.items():
        (folder / f"{student}.ipynb").write_bytes(data)
    return folder


def read_gradebook(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def real_fingerprint():
    """Computed once: another edit of the grader's sources mid-module must not regrade."""
    return default_fingerprint(OPTIONS)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, real_fingerprint):
    """The real grader, two grading processes."""
    base = tmp_path_factory.mktemp("class")
    submissions = write_class(base / "submissions")
    out = base / "out"
    seen = []
    result = grade_batch(
        expand_inputs([submissions]),
        out,
        BatchOptions(OPTIONS, jobs=2, html=True),
        grader_fingerprint=real_fingerprint,
        on_row=lambda row, done, total: seen.append((row.student, done, total)),
    )
    return result, submissions, out, seen


# --- the real batch ---------------------------------------------------------------------------


@pytest.mark.parametrize("student", sorted(EDITS), ids=str)
@pytest.mark.slow
def test_graded_rows_have_the_right_zero_columns(batch, student):
    result, _, out, _ = batch
    row = read_gradebook(out / "gradebook.csv")[student]
    assert row["status"] == "graded"
    zeros = {f for f in GRADED_FUNCTIONS if float(row[f]) == 0}
    assert zeros == EXPECTED_ZEROS[student]
    assert float(row["total"]) == 10 * (len(GRADED_FUNCTIONS) - len(zeros))
    assert float(row["max"]) == 10 * len(GRADED_FUNCTIONS)


@pytest.mark.parametrize(
    "student, reason",
    [("not_json", "not valid JSON"), ("empty", "is empty")],
    ids=["not-json", "empty"],
)
def test_invalid_submissions_get_a_row_with_the_reason(batch, student, reason):
    _, _, out, _ = batch
    row = read_gradebook(out / "gradebook.csv")[student]
    assert row["status"] == "invalid"
    assert reason in row["error"] and "\n" not in row["error"]
    assert row["total"] == "0" and all(row[f] == "0" for f in GRADED_FUNCTIONS)
    results = json.loads((out / student / "results.json").read_text())
    assert results["score"] == 0 and reason in results["output"]


def test_gradebook_has_one_row_per_submission_in_csv(batch):
    result, submissions, out, seen = batch
    with (out / "gradebook.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "total", "max", *GRADED_FUNCTIONS, "status", "error", "notebook"]
    assert sorted(r[0] for r in rows[1:]) == sorted(p.stem for p in submissions.iterdir())
    assert len(result.rows) == result.total == len(rows) - 1
    assert sorted(done for _, done, _ in seen) == list(range(1, result.total + 1))
    assert not result.interrupted and not result.complete  # two invalid submissions


def test_each_student_gets_gradescope_json_and_plain_feedback(batch):
    _, submissions, out, _ = batch
    results = json.loads((out / "correct" / "results.json").read_text())
    assert results["score"] == 10 * len(GRADED_FUNCTIONS)
    assert {t["status"] for t in results["tests"]} == {"passed"}
    hanging = json.loads((out / "hanging" / "results.json").read_text())
    failed = {t["name"].split(":")[0] for t in hanging["tests"] if t["status"] == "failed"}
    assert failed == {"compute_cost"}
    feedback = (out / "buggy" / "feedback.txt").read_text()
    assert "\033" not in feedback and "Total: 80 / 100" in feedback
    assert not list(out.rglob("*.tmp"))


def test_json_matches_grader_check(batch, capsys):
    _, submissions, out, _ = batch
    status = main(
        [
            "check",
            str(submissions / "buggy.ipynb"),
            "--format",
            "json",
            "--cases",
            "public",
            "--timeout",
            str(TIMEOUT),
            "--memory",
            "600",
        ]
    )
    single = json.loads(capsys.readouterr().out)
    batched = json.loads((out / "buggy" / "results.json").read_text())
    assert status == 1
    for data in (single, batched):
        data.pop("execution_time")
    assert single == batched


def test_summary_has_pass_rates_and_the_score_distribution(batch):
    _, _, out, _ = batch
    summary = json.loads((out / "summary.json").read_text())
    assert (
        summary["submissions"],
        summary["graded"],
        summary["invalid"],
        summary["error"],
        summary["full_marks"],
    ) == (6, 4, 2, 0, 1)
    rates = {name: f["pass_rate"] for name, f in summary["functions"].items()}
    assert rates["initialize_parameters"] == 1.0
    for name in ("linear_forward", "compute_cost", "update_parameters", "linear_backward"):
        assert rates[name] == 0.75, name
    # 100 (correct), 80 (buggy), 90 (hanging, crashing)
    assert summary["score"]["median"] == 90 and summary["score"]["mean"] == 90
    assert summary["distribution"]["90"] == 2 and summary["distribution"]["0"] == 0
    assert len(summary["distribution"]) == len(GRADED_FUNCTIONS) + 1


def test_rerun_skips_unchanged_submissions(batch, real_fingerprint):
    result, submissions, out, _ = batch
    stamps = {p.parent.name: p.read_text() for p in out.glob("*/grading.json")}
    again = grade_batch(
        expand_inputs([submissions]),
        out,
        BatchOptions(OPTIONS, jobs=2),
        grader_fingerprint=real_fingerprint,
    )
    assert again.graded_now == 0 and again.reused == result.total
    assert stamps == {p.parent.name: p.read_text() for p in out.glob("*/grading.json")}
    assert read_gradebook(out / "gradebook.csv") == read_gradebook(result.gradebook)
    assert [r.score for r in again.rows] == [r.score for r in result.rows]


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "students, status",
    [(["correct"], 0), (["correct", "empty"], 1)],
    ids=["all-graded", "some-invalid"],
)
def test_cli_exit_status(batch, tmp_path, capsys, students, status):
    _, submissions, _, _ = batch
    inputs = [str(submissions / f"{s}.ipynb") for s in students]
    code = main(
        [
            "grade",
            *inputs,
            "--out",
            str(tmp_path / "out"),
            "--cases",
            "public",
            "--timeout",
            str(TIMEOUT),
            "--memory",
            "600",
            "--jobs",
            "2",
        ]
    )
    assert code == status
    assert f"{len(students)} of {len(students)} submissions" in capsys.readouterr().out


def test_cli_refuses_duplicate_student_ids(tmp_path, capsys):
    for section in ("a", "b"):  # two sections' LMS exports, with a student in both
        for student in ("alice", "bob"):
            (tmp_path / section / student).mkdir(parents=True)
            (tmp_path / section / student / "hw.ipynb").write_text("{}")
    code = main(["grade", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out")])
    assert code == UsageError.exit_code
    assert "two submissions have the student id" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", [1, 2], ids=["threads", "processes"])
@pytest.mark.slow
def test_ctrl_c_keeps_finished_results_and_exits_130(batch, tmp_path, jobs):
    _, submissions, _, _ = batch
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "grader",
        "grade",
        str(submissions / "correct.ipynb"),
        str(submissions / "hanging.ipynb"),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--cases",
        "public",
        "--timeout",
        "20",
        "--memory",
        "600",
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # correct.ipynb finishes first; hanging.ipynb hangs
        assert first.startswith("[1/2] correct: 100/100"), first
        # Grading processes, zygotes and the hanging worker, once it has been forked (the
        # first report can come before the next submission's worker exists).
        wanted = 2 if jobs == 1 else 4
        deadline = time.monotonic() + 10
        tree = descendants(proc.pid)
        while len(alive(tree)) < wanted and time.monotonic() < deadline:
            time.sleep(0.02)
            tree = descendants(proc.pid)
        assert len(alive(tree)) >= wanted, tree
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, err = proc.communicate(timeout=15)
        assert time.monotonic() - start < 5
    finally:
        proc.kill()
        proc.wait()
        for pipe in (proc.stdout, proc.stderr):  # even after a failed assertion above
            if pipe is not None:
                pipe.close()
    assert proc.returncode == 130, err
    assert list(read_gradebook(out / "gradebook.csv")) == ["correct"]
    assert json.loads((out / "correct" / "results.json").read_text())["score"] == 100
    assert json.loads((out / "summary.json").read_text())["interrupted"] is True
    assert not (out / "hanging").exists()
    deadline = time.monotonic() + 5
    while alive(tree) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(tree)


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += children - found
            found |= children
    return found


def alive(pids: set[int]) -> set[int]:
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


@pytest.mark.parametrize(
    "submissions, outcome",
    [(2, "rows"), (4, "set-up error")],
    ids=["each-death-is-a-row", "repeated-deaths-stop"],
)
def test_a_dying_grading_process(batch, tmp_path, monkeypatch, submissions, outcome):
    """A grading process that dies costs its submission a row; one that always dies means
    the grader cannot run here."""
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nread line\necho 'out of cheese' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    folder = tmp_path / "subs"
    for i in range(submissions):
        touch(folder / f"s{i}.ipynb")
    entries = expand_inputs([folder])
    if outcome == "rows":
        result = grade_batch(
            entries, tmp_path / "out", BatchOptions(OPTIONS, jobs=2), grader_fingerprint="x"
        )
        assert [r.status for r in result.rows] == ["error"] * submissions
        assert all("exit status 3): out of cheese" in r.message for r in result.rows)
    else:
        with pytest.raises(SetupError, match="out of cheese"):
            grade_batch(
                entries, tmp_path / "out", BatchOptions(OPTIONS, jobs=2), grader_fingerprint="x"
            )


# --- a fake grader: resume, force, errors, interrupts ---------------------------------------


def fake_batch(folder, out, calls, *, force=False, fp="v1", on_row=None):
    return grade_batch(
        expand_inputs([folder]),
        out,
        BatchOptions(OPTIONS, jobs=3, force=force),
        make_grader=lambda: FakeGrader(calls),
        grader_fingerprint=fp,
        on_row=on_row,
    )


@pytest.fixture
def fake_class(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "ann.ipynb").write_text(" ".join(GRADED_FUNCTIONS))
    (folder / "ben.ipynb").write_text("linear_forward compute_cost")
    (folder / "cat.ipynb").write_text("")
    (folder / "dan.ipynb").write_text("boom")
    return folder


def test_fake_batch_rows(fake_class, tmp_path):
    calls: list[str] = []
    result = fake_batch(fake_class, tmp_path / "out", calls)
    rows = {r.student: r for r in result.rows}
    assert sorted(calls) == ["ann", "ben", "cat", "dan"]
    assert (rows["ann"].score, rows["ben"].score, rows["cat"].score) == (100, 20, 0)
    assert rows["cat"].status == "invalid" and rows["dan"].status == "error"
    assert rows["dan"].message == "RuntimeError: the grader broke on two lines"
    book = read_gradebook(result.gradebook)
    assert book["dan"]["total"] == "" and book["dan"]["linear_forward"] == ""
    assert not (tmp_path / "out" / "dan" / "results.json").exists()
    assert "the grader broke" in (tmp_path / "out" / "dan" / "feedback.txt").read_text()


def test_resume_force_and_changes(fake_class, tmp_path):
    out = tmp_path / "out"
    calls: list[str] = []
    fake_batch(fake_class, out, calls)
    calls.clear()
    again = fake_batch(fake_class, out, calls)
    assert calls == ["dan"]  # errors are retried, everything else is up to date
    assert again.reused == 3 and again.graded_now == 1
    (fake_class / "ben.ipynb").write_text("linear_forward")
    calls.clear()
    fake_batch(fake_class, out, calls)
    assert sorted(calls) == ["ben", "dan"]
    assert read_gradebook(out / "gradebook.csv")["ben"]["total"] == "10"
    calls.clear()
    fake_batch(fake_class, out, calls, fp="v2")  # other options or cases: all regraded
    assert sorted(calls) == ["ann", "ben", "cat", "dan"]
    calls.clear()
    forced = fake_batch(fake_class, out, calls, fp="v2", force=True)
    assert sorted(calls) == ["ann", "ben", "cat", "dan"] and forced.reused == 0


def test_missing_results_file_regrades(fake_class, tmp_path):
    out = tmp_path / "out"
    calls: list[str] = []
    fake_batch(fake_class, out, calls)
    (out / "ann" / "feedback.txt").unlink()
    calls.clear()
    fake_batch(fake_class, out, calls)
    assert sorted(calls) == ["ann", "dan"]


def test_a_file_changed_while_graded_is_graded_again(fake_class, tmp_path):
    out = tmp_path / "out"
    calls: list[str] = []

    class Editing(FakeGrader):
        def grade(self, path):
            report = super().grade(path)
            if Path(path).stem == "ann":
                Path(path).write_text("linear_forward")  # the student saved again meanwhile
            return report

    grade_batch(
        expand_inputs([fake_class]),
        out,
        BatchOptions(OPTIONS, jobs=1),
        make_grader=lambda: Editing(calls),
        grader_fingerprint="v1",
    )
    calls.clear()
    again = fake_batch(fake_class, out, calls)
    assert sorted(calls) == ["ann", "dan"]
    assert {r.student: r.score for r in again.rows}["ann"] == 10


def test_interrupt_keeps_what_finished(fake_class, tmp_path):
    out = tmp_path / "out"

    def interrupt(row, done, total):
        if done == 2:
            raise KeyboardInterrupt

    result = fake_batch(fake_class, out, [], on_row=interrupt)
    assert result.interrupted and len(result.rows) == 2 and result.total == 4
    assert len(read_gradebook(out / "gradebook.csv")) == 2
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] and summary["finished"] == 2 and summary["submissions"] == 4
    for row in result.rows:
        record = json.loads((out / row.student / "grading.json").read_text())
        assert StudentRow.from_dict(record["row"]).score == row.score


def test_fingerprint_changes_with_options_cases_and_helpers(tmp_path):
    bundle = tmp_path / "public.h5"
    bundle.write_bytes(b"cases v1")
    files = {"dnn_utils.py": b"x = 1"}
    base = fingerprint(OPTIONS, [bundle], files)
    assert fingerprint(OPTIONS, [bundle], files) == base
    assert fingerprint(CheckOptions(cases="public", timeout=2.0), [bundle], files) != base
    assert fingerprint(OPTIONS, [bundle], {"dnn_utils.py": b"x = 2"}) != base
    bundle.write_bytes(b"cases v2")
    assert fingerprint(OPTIONS, [bundle], files) != base


# --- student ids --------------------------------------------------------------------------------


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


@pytest.mark.parametrize(
    "layout, inputs, expected",
    [
        (["subs/alice.ipynb", "subs/bob.ipynb"], ["subs"], {"alice", "bob"}),
        (
            ["subs/alice/Assignment.ipynb", "subs/bob/work/Assignment.ipynb"],
            ["subs"],
            {"alice", "bob"},
        ),
        (
            ["subs/alice/Assignment.ipynb", "subs/bob/Assignment.ipynb"],
            ["subs/alice", "subs/bob"],
            {"alice", "bob"},
        ),
        (
            ["subs/sec1/alice.ipynb", "subs/sec1/bob.ipynb", "subs/carol.ipynb"],
            ["subs/sec1", "subs/carol.ipynb"],
            {"alice", "bob", "carol"},
        ),
        (
            ["subs/nina/final.ipynb", "subs/nina/draft.ipynb", "subs/omar/hw.ipynb"],
            ["subs"],
            {"nina", "omar"},
        ),
        (
            ["subs/alice.ipynb", "subs/bob.ipynb", "subs/notes.txt"],
            ["subs/*.ipynb"],
            {"alice", "bob"},
        ),
        (
            [
                "subs/alice.ipynb",
                "subs/.ipynb_checkpoints/alice-checkpoint.ipynb",
                "subs/._alice.ipynb",
                "subs/bob.ipynb",
            ],
            ["subs"],
            {"alice", "bob"},
        ),
        (["a/alice.ipynb"], ["a"], {"alice"}),
        (["a/alice.ipynb"], ["a/alice.ipynb"], {"alice"}),
        (["a/alice.ipynb"], ["a/alice.ipynb", "a"], {"alice"}),
    ],
    ids=[
        "flat-folder",
        "one-per-subfolder",
        "shell-expanded-folders",
        "sections",
        "subfolder-is-one-student",
        "glob",
        "hidden-ignored",
        "lone-notebook-folder",
        "explicit-file-is-stem",
        "first-match-wins",
    ],
)
def test_student_ids(tmp_path, monkeypatch, layout, inputs, expected):
    monkeypatch.chdir(tmp_path)
    for name in layout:
        touch(tmp_path / name)
    assert {e.student for e in expand_inputs(inputs)} == expected


@pytest.mark.parametrize(
    "inputs, message",
    [
        (["missing.ipynb"], "no such file"),
        (["nothing*.ipynb"], "no file or folder matches"),
        (["emptydir"], "holds no .ipynb"),
        (["x/Assignment.ipynb", "y/Assignment.ipynb"], "two submissions have the student id"),
        (["summary.json.ipynb"], "cannot be a student id"),
    ],
    ids=["missing", "glob-no-match", "empty-folder", "duplicate", "reserved"],
)
def test_bad_inputs(tmp_path, monkeypatch, inputs, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "emptydir").mkdir()
    touch(tmp_path / "x" / "Assignment.ipynb")
    touch(tmp_path / "y" / "Assignment.ipynb")
    touch(tmp_path / "summary.json.ipynb")
    with pytest.raises(UsageError, match=message):
        expand_inputs(inputs)


def test_same_file_twice_is_one_submission(tmp_path):
    path = touch(tmp_path / "subs" / "alice.ipynb")
    touch(tmp_path / "subs" / "bob.ipynb")
    entries = expand_inputs([path, tmp_path / "subs", str(path)])
    assert entries == [Entry("alice", path), Entry("bob", tmp_path / "subs" / "bob.ipynb")]


def test_output_folder_is_not_searched(tmp_path):
    touch(tmp_path / "alice.ipynb")
    touch(tmp_path / "bob.ipynb")
    touch(tmp_path / "out" / "alice" / "copy.ipynb")
    entries = expand_inputs([tmp_path], exclude=tmp_path / "out")
    assert [e.student for e in entries] == ["alice", "bob"]


# --- progress -------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def row(student, score, status="graded", reused=False):
    return StudentRow(
        student,
        f"{student}.ipynb",
        status,
        score,
        100.0,
        (),
        "" if status == "graded" else "is empty.",
        0.5,
        reused,
    )


def test_progress_plain_lines():
    stream = io.StringIO()
    progress = Progress(3, stream, live=False, clock=Clock())
    progress(row("ann", 100.0), 1, 3)
    progress(row("ben", 80.0, reused=True), 2, 3)
    progress(row("cat", 0.0, "invalid"), 3, 3)
    progress.close()
    assert stream.getvalue().splitlines() == [
        "[1/3] ann: 100/100 (0.50 s)",
        "[2/3] ben: 80/100 (reused)",
        "[3/3] cat: invalid: is empty. (0.50 s)",
    ]
    assert (progress.passed, progress.failed, progress.errors, progress.reused) == (1, 1, 1, 1)


def test_progress_live_bar_counts_and_rate():
    clock = Clock()
    stream = io.StringIO()
    progress = Progress(4, stream, live=True, clock=clock)
    clock.now += 0.5
    progress(row("ann", 100.0), 1, 4)
    clock.now += 1.0
    progress(row("ben", 50.0), 2, 4)
    assert progress.rate() == pytest.approx(2 / 1.5)  # from the first one's start
    bar = progress.bar()
    assert bar.startswith("[" + "#" * 12 + "." * 12 + "] 2/4")
    assert "passed 1  failed 1  errors 0" in bar and "1.3/s" in bar and "eta 2 s" in bar
    progress(row("cat", 0.0, "invalid"), 3, 4)
    progress.close()
    text = stream.getvalue()
    assert "\r" in text and "cat: invalid: is empty.\n" in text and text.endswith("\n")


def test_environment_has_no_stray_workers_after_batch(batch):
    """The batch closed its sandbox: no zygote of ours is left running."""
    me = str(os.getpid())
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
        except OSError:
            continue
        assert fields.get("PPid", "").strip() != me or "zygote" not in (
            status.parent / "cmdline"
        ).read_bytes().decode(errors="replace")


# --- the instructor's grading day (issue 13) ---------------------------------------------------


@pytest.mark.slow
def test_student_pages_are_the_check_html_page(batch, capsys, tmp_path):
    _, submissions, out, _ = batch
    page = tmp_path / "check.html"
    status = main(
        [
            "check",
            str(submissions / "buggy.ipynb"),
            "--format",
            "html",
            "--output",
            str(page),
            "--cases",
            "public",
            "--timeout",
            str(TIMEOUT),
            "--memory",
            "600",
        ]
    )
    assert status == 1
    captured = capsys.readouterr()
    assert "wrote the html report of buggy.ipynb" in captured.err and captured.out == ""
    batched = (out / "buggy" / "feedback.html").read_text()
    assert batched == page.read_text()
    assert str(submissions) not in batched  # the file's name only, no path of this machine
    # a file that is not a notebook still gets a page, with the reason
    assert "not valid JSON" in (out / "not_json" / "feedback.html").read_text()


def test_grading_json_and_summary_carry_the_diagnoses(batch):
    _, _, out, _ = batch
    record = json.loads((out / "buggy" / "grading.json").read_text())
    named = {(m["function"], m["name"]) for m in record["row"]["mistakes"]}
    assert {f for f, _ in named} <= EXPECTED_ZEROS["buggy"] and named
    summary = json.loads((out / "summary.json").read_text())
    counted = {(m["function"], m["name"]): m for m in summary["mistakes"]}
    for key in named:
        assert counted[key]["count"] >= 1 and "buggy" in counted[key]["students"]
    attention = {a["student"]: a for a in summary["needs_attention"]}
    assert {"empty", "not_json", "hanging"} <= set(attention)
    assert any("time limit" in r for r in attention["hanging"]["reasons"])
    assert "correct" not in attention


def test_error_column_is_for_rows_that_did_not_grade(batch):
    _, _, out, _ = batch
    book = read_gradebook(out / "gradebook.csv")
    for student in EDITS:
        assert book[student]["status"] == "graded" and book[student]["error"] == "", student
    # the crashing notebook's cell problems are a note of its row, not an error
    record = json.loads((out / "crashing" / "grading.json").read_text())
    assert record["row"]["message"] == ""


def test_files_honour_the_umask(batch):
    _, _, out, _ = batch
    mask = os.umask(0o022)
    os.umask(mask)
    expected = 0o666 & ~mask
    files = [out / "gradebook.csv", out / "summary.json", out / "report.html"]
    files += [p for p in (out / "buggy").iterdir()]
    for path in files:
        assert path.stat().st_mode & 0o777 == expected, path


def test_invalid_feedback_says_out_of_what(batch):
    _, _, out, _ = batch
    assert (out / "empty" / "feedback.txt").read_text().rstrip().endswith("Total: 0 / 100")


def test_cell_numbers_agree_in_text_json_and_html(batch):
    """The crashing notebook: its update_parameters cell and the check cell after it."""
    _, submissions, out, _ = batch
    nb = nbformat.read(submissions / "crashing.ipynb", as_version=4)
    defining = next(
        i + 1 for i, c in enumerate(nb.cells) if "def update_parameters(" in c.get("source", "")
    )
    text = (out / "crashing" / "feedback.txt").read_text()
    results = json.loads((out / "crashing" / "results.json").read_text())
    html = (out / "crashing" / "feedback.html").read_text()
    numbers = {int(n) for n in re.findall(r"\bcell (\d+)", text)}
    assert numbers and numbers == {int(n) for n in re.findall(r"\bcell (\d+)", results["output"])}
    assert numbers <= {int(n) for n in re.findall(r"\bcell (\d+)", html)}
    assert defining in numbers or defining + 1 in numbers
    # each code cell's prompt shows the same number, not the student's execution count
    for n in numbers:
        assert f"[{n}]:" in html


def _class_tree(folder: Path) -> Path:
    """An LMS export: one folder per student, some with oddities."""
    for student, text in {
        "ann": " ".join(GRADED_FUNCTIONS),
        "ben": "linear_forward compute_cost",
        "cat": "",
    }.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "hw.ipynb").write_text(text)
    nina = folder / "nina"
    nina.mkdir()
    (nina / "final.ipynb").write_text(" ".join(GRADED_FUNCTIONS))
    (nina / "draft.ipynb").write_text("linear_forward")
    os.utime(nina / "final.ipynb", (1_000_000, 1_000_000))  # the draft is newer
    return folder


def test_regrading_one_student_keeps_every_other_row(tmp_path):
    subs = _class_tree(tmp_path / "subs")
    out = tmp_path / "out"
    calls: list[str] = []
    first = fake_batch(subs, out, calls)
    before = read_gradebook(out / "gradebook.csv")
    assert set(before) == {"ann", "ben", "cat", "nina"} and first.total == 4
    (subs / "ben" / "hw.ipynb").write_text(" ".join(GRADED_FUNCTIONS))
    calls.clear()
    again = grade_batch(
        expand_inputs([subs / "ben"], known=set(before)),
        out,
        BatchOptions(OPTIONS, jobs=1, force=True),
        make_grader=lambda: FakeGrader(calls),
        grader_fingerprint="v1",
    )
    assert calls == ["hw"] and [r.student for r in again.rows] == ["ben"]
    assert sorted(r.student for r in again.kept) == ["ann", "cat", "nina"]
    after = read_gradebook(out / "gradebook.csv")
    assert after["ben"]["total"] == "100" and before["ben"]["total"] == "20"
    for student in ("ann", "cat", "nina"):
        assert after[student] == before[student], student
    summary = json.loads((out / "summary.json").read_text())
    assert summary["finished"] == 4 and summary["graded"] == 3 and summary["invalid"] == 1
    report = (out / "report.html").read_text()
    assert all(f">{s}</a>" in report for s in ("ann", "ben", "cat", "nina"))


def test_a_student_folder_with_several_notebooks_is_one_row(tmp_path):
    subs = _class_tree(tmp_path / "subs")
    result = fake_batch(subs, tmp_path / "out", [])
    nina = {r.student: r for r in result.rows}["nina"]
    assert nina.path.endswith("draft.ipynb") and nina.score == 10  # the most recent one
    assert "final.ipynb" in nina.notes[0].text and nina.notes[0].kind == "notebooks"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert any("not graded: final.ipynb" in w for w in summary["warnings"])
    assert read_gradebook(result.gradebook)["nina"]["notebook"].endswith("draft.ipynb")
    picked = expand_inputs([subs], pick="final*")
    assert {e.student: e.path.name for e in picked}["nina"] == "final.ipynb"


def test_cli_warns_about_several_notebooks(tmp_path, capsys, monkeypatch):
    subs = _class_tree(tmp_path / "subs")
    for student in ("ann", "ben", "cat"):
        shutil.rmtree(subs / student)
    nbformat.write(edited_solution([]), str(subs / "nina" / "draft.ipynb"))
    args = ["grade", str(subs), "--out", str(tmp_path / "out"), "--jobs", "1"]
    args += ["--cases", "public", "--timeout", str(TIMEOUT), "--memory", "600"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "warning: 2 notebooks in nina/: graded draft.ipynb" in captured.err
    assert "with 1 job" in captured.out and "1 jobs" not in captured.out


def test_only_regular_files_are_graded(tmp_path):
    subs = _class_tree(tmp_path / "subs")
    (subs / "eve").mkdir()
    (subs / "eve" / "hw.ipynb").symlink_to(subs / "ann" / "hw.ipynb")  # a classmate's
    (subs / "zoe").mkdir()
    os.mkfifo(subs / "zoe" / "hw.ipynb")  # would block whoever opens it
    (subs / "dev").mkdir()
    (subs / "dev" / "hw.ipynb").symlink_to("/dev/zero")
    calls: list[str] = []
    result = fake_batch(subs, tmp_path / "out", calls)
    rows = {r.student: r for r in result.rows}
    for student, reason in (("eve", "symbolic link"), ("zoe", "FIFO"), ("dev", "symbolic link")):
        assert rows[student].status == "invalid" and reason in rows[student].message, student
        assert "\n" not in rows[student].message
    assert rows["ann"].status == "graded" and rows["ann"].score == 100  # her row is hers
    assert sorted(calls) == ["draft", "hw", "hw", "hw"]  # no link or FIFO was opened


def test_names_that_are_not_utf8(tmp_path):
    subs = tmp_path / "subs"
    raw = os.fsencode(subs) + b"/Jos\xe9"
    os.makedirs(raw)
    with open(raw + b"/r\xe9ponse.ipynb", "w") as f:
        f.write(" ".join(GRADED_FUNCTIONS))
    with open(os.fsencode(subs) + b"/caf\xe9.ipynb", "w") as f:
        f.write("linear_forward")
    result = fake_batch(subs, tmp_path / "out", [])
    rows = {r.student: r for r in result.rows}
    assert set(rows) == {"Jos\ufffd", "caf\ufffd"}
    assert rows["Jos\ufffd"].score == 100 and rows["Jos\ufffd"].path.endswith("r\ufffdponse.ipynb")
    book = read_gradebook(result.gradebook)
    assert book["caf\ufffd"]["total"] == "10"


@pytest.mark.slow
def test_real_batch_with_a_latin1_name(tmp_path, real_fingerprint):
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(edited_solution([]), str(subs / "ann.ipynb"))
    with open(os.fsencode(subs) + b"/ren\xe9e.ipynb", "wb") as f:
        f.write((subs / "ann.ipynb").read_bytes())
    result = grade_batch(
        expand_inputs([subs]),
        tmp_path / "out",
        BatchOptions(OPTIONS, jobs=2, html=True),
        grader_fingerprint=real_fingerprint,
    )
    assert [(r.student, r.status, r.score) for r in result.rows] == [
        ("ann", "graded", 100.0),
        ("ren\ufffde", "graded", 100.0),
    ]
    assert "ren\ufffde.ipynb" in (tmp_path / "out" / "ren\ufffde" / "feedback.txt").read_text()


class _Exploding(FakeGrader):
    def grade(self, path):
        if "boom" in Path(path).read_text():
            raise MemoryError("out of memory in the grader")
        return super().grade(path)


def test_one_broken_submission_never_costs_the_gradebook(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann.ipynb").write_text(" ".join(GRADED_FUNCTIONS))
    (subs / "bob.ipynb").write_text("boom")
    (subs / "cid.ipynb").write_text("linear_forward")
    out = tmp_path / "out"
    out.mkdir()
    (out / "cid").write_text("a file where cid's folder should be")
    result = grade_batch(
        expand_inputs([subs]),
        out,
        BatchOptions(OPTIONS, jobs=2),
        make_grader=lambda: _Exploding([]),
        grader_fingerprint="v1",
    )
    rows = {r.student: r for r in result.rows}
    assert rows["ann"].score == 100
    assert rows["bob"].status == "error" and "MemoryError" in rows["bob"].message
    assert rows["cid"].status == "error" and "could not be written" in rows["cid"].message
    book = read_gradebook(out / "gradebook.csv")
    assert set(book) == {"ann", "bob", "cid"}
    assert json.loads((out / "summary.json").read_text())["error"] == 2


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_class_files_are_written_when_the_batch_stops(tmp_path):
    """Even a failure of the whole batch leaves the gradebook of what finished."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann.ipynb").write_text(" ".join(GRADED_FUNCTIONS))
    (subs / "bob.ipynb").write_text("stop")

    class Stopping(FakeGrader):
        def grade(self, path):
            if "stop" in Path(path).read_text():
                raise SystemExit(1)  # ends the grading thread without a row
            return super().grade(path)

    with pytest.raises(RuntimeError, match="stopped early"):
        grade_batch(
            expand_inputs([subs]),
            tmp_path / "out",
            BatchOptions(OPTIONS, jobs=1),
            make_grader=lambda: Stopping([]),
            grader_fingerprint="v1",
        )
    assert set(read_gradebook(tmp_path / "out" / "gradebook.csv")) == {"ann"}
