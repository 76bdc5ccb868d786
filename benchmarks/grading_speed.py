"""How fast is grading? One run, one machine, four figures and their ratios.

    python benchmarks/grading_speed.py [--n 200] [--jobs 2] [--hanging 3] [--timeout 5]

Generates ``--n`` submissions from ``reference/solution.ipynb`` in a temporary folder (mostly
correct copies, each made unique by a metadata field so nothing can be shared between them;
buggy ones with a line or two changed through nbformat; ``--hanging`` ones whose compute_cost
loops forever), then measures:

(a) the median wall time of a cold ``grader check reference/solution.ipynb`` (a fresh process
    each time, several runs);
(b) the throughput of one ``grader grade --jobs N`` run over all the submissions, in
    submissions per second. The hanging ones are named to be graded last, so the figure
    without them is the time until every other submission had finished; the time they add
    is reported against their own limit (per-call timeout x the calls and cells that hang);
(c) the same notebook executed by ``jupyter nbconvert --to notebook --execute`` (the kernel-based
    execution nbgrader and otter rely on), as the in-run baseline;
(d) ``python -c "import numpy"``, the floor of any Python grader of a numpy assignment;
(e) the throughput of ``grader grade --jobs N`` over ``--formats-n`` notebooks in the formats
    of the course's own published versions (copies of ``tests/course_formats/notebooks``, all
    six versions), with the same share of buggy notebooks as (b) (``--buggy``), so that (e)
    and (b) differ only by the format; and the same over the whole corpus in turn, which is
    mostly notebooks with two mistakes each (the worst case: re-runs and diagnosis);

and the peak memory of the batch: the sum of RSS (and of PSS, which counts shared pages once)
over the whole process tree, sampled from /proc every 20 milliseconds. Other load on the
machine skews every figure: the script prints the load average it started with.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "reference" / "solution.ipynb"
STUDENT_FOLDER = ROOT / "exercises" / "step_by_step"
COURSE_FORMATS = ROOT / "tests" / "course_formats" / "notebooks"
HANGING_FUNCTION = "compute_cost"

#: (name, function, old text, new text): typical mistakes, as edits of the solution's cells.
BUGS = [
    ("wrong-sign", "linear_forward", "Z = np.dot(W, A) + b", "Z = np.dot(W, A) - b"),
    (
        "no-keepdims",
        "linear_backward",
        "db = np.sum(dZ, axis=1, keepdims=True) / m",
        "db = np.sum(dZ, axis=1) / m",
    ),
    ("no-1/m", "compute_cost", "cost = (-1 / m) *", "cost = -1 *"),
    (
        "plus-update",
        "update_parameters",
        'parameters["W" + str(l)] - learning_rate',
        'parameters["W" + str(l)] + learning_rate',
    ),
    (
        "relu-last",
        "L_model_forward",
        'parameters["b" + str(L)], "sigmoid"',
        'parameters["b" + str(L)], "relu"',
    ),
]
HANG = (HANGING_FUNCTION, "m = Y.shape[1]\n", "m = Y.shape[1]\n    while True:\n        pass\n")


# --- submissions --------------------------------------------------------------------------------


def _edit(nb: nbformat.NotebookNode, function: str, old: str, new: str) -> None:
    cells = [c for c in nb.cells if c.cell_type == "code" and f"def {function}(" in c.source]
    if len(cells) != 1 or old not in cells[0].source:
        raise SystemExit(f"cannot apply the edit to {function}: the solution changed?")
    cells[0].source = cells[0].source.replace(old, new)


def make_submissions(folder: Path, n: int, hanging: int, buggy_share: float) -> dict[str, str]:
    """Write the notebooks; returns ``student id -> kind`` (correct, bug name, hanging)."""
    base = nbformat.read(SOLUTION, as_version=4)
    graded = n - hanging
    count = round(graded * buggy_share)
    buggy = {int(j * graded / count) + 1 for j in range(count)} if count else set()
    kinds: dict[str, str] = {}
    for i in range(n):
        nb = nbformat.from_dict(json.loads(json.dumps(base)))
        if i >= n - hanging:
            student, kind = f"zz-hanging-{i:04d}", "hanging"  # sorts last: graded last
            _edit(nb, *HANG)
        elif i in buggy:
            name, function, old, new = BUGS[len(kinds) % len(BUGS)]
            student, kind = f"s{i:04d}", name
            _edit(nb, function, old, new)
        else:
            student, kind = f"s{i:04d}", "correct"
        nb.metadata["student"] = student  # every file is different
        nbformat.write(nb, str(folder / f"{student}.ipynb"))
        kinds[student] = kind
    return kinds


# --- measuring --------------------------------------------------------------------------------


def _all_right(notebook: Path) -> bool:
    truth = json.loads(notebook.with_suffix(".json").read_text(encoding="utf-8"))
    return all(f["right"] for f in truth["functions"].values())


def make_course_submissions(folder: Path, n: int, buggy_share: float | None = None) -> int:
    """``n`` copies of the course-format corpus notebooks, each made unique: the corpus in turn,
    or (with ``buggy_share``) right notebooks of every version with that share of buggy ones
    spread evenly among them, as in (b). Returns how many distinct notebooks were used."""
    corpus = sorted(COURSE_FORMATS.glob("*/*.ipynb"))
    right = [s for s in corpus if _all_right(s)]
    wrong = [s for s in corpus if not _all_right(s)]
    count = round(n * buggy_share) if buggy_share is not None else 0
    buggy = {int(j * n / count) for j in range(count)} if count else set()
    used = set()
    for i in range(n):
        if buggy_share is None:
            source = corpus[i % len(corpus)]
        elif i in buggy:
            source = wrong[i % len(wrong)]
        else:
            source = right[i % len(right)]
        used.add(source)
        nb = nbformat.read(str(source), as_version=4)
        nb.metadata["benchmark_copy"] = i
        name = f"course-{i:04d}-{source.parent.name}-{source.stem}.ipynb"
        nbformat.write(nb, str(folder / name))
    return len(used)


def grader_command() -> list[str]:
    script = Path(sys.executable).with_name("grader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "grader"]


def wall(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def median_wall(command: list[str], runs: int, cwd: Path | None = None) -> float:
    wall(command, cwd)  # warm the file cache: every figure is a warm-cache figure
    return statistics.median(wall(command, cwd) for _ in range(runs))


class TreeMemory(threading.Thread):
    """Samples the summed RSS (every ``period`` s) and PSS (every 25th sample) of a process
    and all its descendants, through /proc/<pid>/task/<tid>/children.

    Sampling costs CPU that the batch then lacks (reading smaps_rollup walks page tables): at
    a 5 ms period with PSS every 10th sample it took ~10% off the measured throughput. Every
    20 ms still sees each long-lived process (batch, grading processes, zygotes) many times;
    the short-lived workers share most of their pages with their zygote."""

    def __init__(self, pid: int, period: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.period = period
        self.peak_rss = 0
        self.peak_pss = 0
        self.samples = 0
        self._halt = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        todo += [int(c) for c in f.read().split()]
            except OSError:
                continue
        return pids

    def rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * self._page
        except (OSError, IndexError, ValueError):
            return 0

    def pss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return 0

    def run(self) -> None:
        while not self._halt.is_set():
            pids = self.tree()
            self.peak_rss = max(self.peak_rss, sum(self.rss(p) for p in pids))
            if self.samples % 25 == 0:
                self.peak_pss = max(self.peak_pss, sum(self.pss(p) for p in pids))
            self.samples += 1
            time.sleep(self.period)

    def stop(self) -> None:
        self._halt.set()
        self.join()


@dataclass
class Batch:
    wall: float
    finished: dict[str, float]  # student -> seconds after start when its line came
    seconds: dict[str, float]  # student -> its own grading time, from its progress line
    peak_rss: int
    peak_pss: int
    samples: int
    exit_status: int


_LINE = re.compile(r"^\[\s*\d+/\d+\] (?P<student>\S+): .*\((?P<seconds>[\d.]+) s\)$")


def run_batch(submissions: Path, out: Path, jobs: int, timeout: float) -> Batch:
    command = grader_command() + [
        "grade",
        str(submissions),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--timeout",
        str(timeout),
        "--force",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    finished: dict[str, float] = {}
    seconds: dict[str, float] = {}
    assert proc.stderr is not None
    other = []
    for line in proc.stderr:
        match = _LINE.match(line.strip())
        if match:
            finished[match["student"]] = time.perf_counter() - start
            seconds[match["student"]] = float(match["seconds"])
        else:
            other.append(line)
    status = proc.wait()
    elapsed = time.perf_counter() - start
    sampler.stop()
    if status not in (0, 1):
        raise SystemExit(f"grader grade failed ({status}):\n{''.join(other)}")
    return Batch(
        elapsed, finished, seconds, sampler.peak_rss, sampler.peak_pss, sampler.samples, status
    )


def nbconvert_seconds(runs: int, work: Path) -> float:
    folder = work / "nbconvert"
    shutil.copytree(STUDENT_FOLDER, folder)
    shutil.copy(SOLUTION, folder / "solution.ipynb")
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [
        str(jupyter) if jupyter.exists() else "jupyter",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "solution.ipynb",
        "--output",
        "executed.ipynb",
    ]
    return median_wall(command, runs, cwd=folder)


def hanging_limit(timeout: float) -> float:
    """What one hanging submission may cost: the notebook cell that calls the hanging
    function, and its first graded call (after a time-out the grader runs none of that
    function's other cases), each stopped at the per-call timeout."""
    from grader.grading.engine import CheckOptions

    return min(2 * timeout, CheckOptions().submission_timeout)


def group(kind: str) -> str:
    return kind if kind in ("correct", "hanging") else "buggy"


# --- report -----------------------------------------------------------------------------------


def check_grades(out: Path, kinds: dict[str, str]) -> str:
    """The batch must have graded right, or its speed means nothing."""
    with (out / "gradebook.csv").open(newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    wrong = []
    for student, kind in kinds.items():
        row = rows.get(student)
        full = row is not None and row["total"] == row["max"] and row["status"] == "graded"
        if full != (kind == "correct") or row is None or row["status"] != "graded":
            wrong.append(f"{student} ({kind}): {row and row['total']}")
    if wrong:
        raise SystemExit("the batch graded some submissions wrongly: " + ", ".join(wrong))
    return f"all {len(kinds)} graded as expected (correct ones 100, the others less)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions in the batch")
    parser.add_argument("--jobs", type=int, default=2, help="grader grade --jobs")
    parser.add_argument("--hanging", type=int, default=3, help="of which hang forever")
    parser.add_argument("--buggy", type=float, default=0.15, help="share of buggy ones")
    parser.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        help="grader grade --timeout (the grader's default: 5)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold command")
    parser.add_argument(
        "--formats-n",
        type=int,
        default=None,
        help="course-format notebooks in batch (e) (default: --n, so (e) compares with (b))",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.formats_n is None:
        args.formats_n = args.n
    if not SOLUTION.exists() or not STUDENT_FOLDER.exists():
        raise SystemExit("run `grader generate` first (reference/solution.ipynb is missing)")

    load = os.getloadavg()[0]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load:.2f} at start"
        + ("  (busy: figures will be pessimistic)" if load > 0.5 else "")
    )
    work = Path(tempfile.mkdtemp(prefix="grading-speed-"))
    try:
        submissions = work / "submissions"
        submissions.mkdir()
        kinds = make_submissions(submissions, args.n, args.hanging, args.buggy)
        groups = {student: group(kind) for student, kind in kinds.items()}
        counts = {
            g: sum(1 for v in groups.values() if v == g) for g in ("correct", "buggy", "hanging")
        }
        print(
            f"submissions: {counts['correct']} correct, {counts['buggy']} buggy, "
            f"{counts['hanging']} hanging, in {submissions}"
        )

        numpy = median_wall([sys.executable, "-c", "import numpy"], args.runs)
        cold = median_wall(grader_command() + ["check", str(SOLUTION)], args.runs)
        kernel = nbconvert_seconds(max(3, args.runs // 2), work)
        batch = run_batch(submissions, work / "out", args.jobs, args.timeout)
        verdict = check_grades(work / "out", kinds)
        course = work / "course-formats"
        course.mkdir()
        distinct = make_course_submissions(course, args.formats_n, args.buggy)
        formats = run_batch(course, work / "out-course", args.jobs, args.timeout)
        corpus = work / "course-corpus"
        corpus.mkdir()
        corpus_distinct = make_course_submissions(corpus, args.formats_n)
        worst = run_batch(corpus, work / "out-corpus", args.jobs, args.timeout)

        others = [s for s, k in kinds.items() if k != "hanging"]
        hangers = [s for s, k in kinds.items() if k == "hanging"]
        until_others = max(batch.finished[s] for s in others)
        rate_all = args.n / batch.wall
        rate_others = len(others) / until_others
        hang_each = [batch.seconds[s] for s in hangers]
        limit = hanging_limit(args.timeout)
        per_kind = {
            g: statistics.mean(batch.seconds[s] for s, v in groups.items() if v == g)
            for g in ("correct", "buggy")
            if counts[g]
        }
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    mb = 1024 * 1024
    rows = [
        ("(a) cold `grader check` of the solution, median", f"{cold:.3f} s", ""),
        ("(c) `jupyter nbconvert --execute`, median", f"{kernel:.3f} s", ""),
        ('(d) `python -c "import numpy"`, median', f"{numpy:.3f} s", ""),
        ("(a) / (c)", f"{cold / kernel:.2f}", "<= 0.2"),
        ("(a) / (d)", f"{cold / numpy:.1f}", "<= 3"),
        (
            f"(b) `grader grade --jobs {args.jobs}`, without the hanging ones",
            f"{rate_others:.1f} /s",
            ">= 25 /s",
        ),
        ("(b) the whole batch, hanging ones included", f"{rate_all:.1f} /s", ""),
        (
            "    mean seconds per correct / buggy submission",
            " / ".join(f"{per_kind[k]:.3f}" for k in per_kind),
            "",
        ),
        (
            "    each hanging submission, mean (its limit: one cell + one call)",
            f"{statistics.mean(hang_each):.1f} s" if hang_each else "-",
            f"~ {limit:.0f} s + worker restarts" if hang_each else "",
        ),
        ("    time the hanging ones added to the batch", f"{batch.wall - until_others:.1f} s", ""),
        (
            f"(e) `grader grade --jobs {args.jobs}`, {args.formats_n} course-format notebooks "
            f"({distinct} distinct, {args.buggy:.0%} buggy as in (b))",
            f"{args.formats_n / formats.wall:.1f} /s",
            ">= 25 /s",
        ),
        (
            f"    the same over the corpus in turn ({corpus_distinct} distinct, mostly two "
            "mistakes each)",
            f"{args.formats_n / worst.wall:.1f} /s",
            "",
        ),
        (
            "    peak memory of that batch, sum of RSS / PSS",
            f"{formats.peak_rss / (1024 * 1024):.0f} / {formats.peak_pss / (1024 * 1024):.0f} MB",
            "",
        ),
        (
            f"peak memory of the {args.n}-submission batch, sum of RSS",
            f"{batch.peak_rss / mb:.0f} MB",
            "< 500 MB",
        ),
        (
            "    the same, sum of PSS (shared pages counted once)",
            f"{batch.peak_pss / mb:.0f} MB",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'value':>10}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    print()
    print(
        f"batch: {batch.wall:.1f} s wall for {args.n} submissions, {verdict}; "
        f"{batch.samples} memory samples"
    )
    command = (
        f"python benchmarks/grading_speed.py --n {args.n} --jobs {args.jobs} "
        f"--hanging {args.hanging} --timeout {args.timeout:g} --formats-n {args.formats_n}"
    )
    print(f"command: {command}")
    print()
    print("Markdown for the README:")
    print()
    print(
        f"Measured with `{command}` on {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}):"
    )
    print()
    print("| figure | value | target |")
    print("| --- | --- | --- |")
    for name, value, target in rows:
        print(f"| {name.strip()} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
