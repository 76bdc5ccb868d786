"""What the grading day's new outputs cost: report.html, and the per-student HTML pages.

Run once from the repository (it prints figures; it is not a test):

    python benchmarks/grading_day_cost.py [--students 34] [--rounds 3]

It builds a class in a temporary folder (copies of the reference solution and of the sample
submission, a few with a cell edited so that they fail), then times, in fresh processes:

- `grader grade CLASS --out NEW --jobs 2 --cases all`, without and with --html (wall time, so
  submissions per second as the README counts them);
- report.html alone: importing matplotlib and drawing the page for that class;
- one feedback page (render_html) in a fresh process: the first, then the next ones.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "reference" / "solution.ipynb"
SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"


def make_class(folder: Path, students: int) -> None:
    for i in range(students):
        source = SAMPLE if i % 6 == 0 else SOLUTION
        student = folder / f"student{i:02d}"
        student.mkdir(parents=True)
        text = source.read_text(encoding="utf-8")
        if i % 6 == 3:  # a sign slip in the cost
            text = text.replace("cost = -", "cost = ", 1)
        (student / "assignment.ipynb").write_text(text, encoding="utf-8")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def grade(folder: Path, out: Path, html: bool) -> float:
    command = [sys.executable, "-m", "grader", "grade", str(folder), "--out", str(out)]
    command += ["--jobs", "2"] + (["--html"] if html else [])
    return timed(command)


REPORT = """
import json, sys, time
start = time.perf_counter()
from grader.batch.classreport import render_class_report
from grader.batch.run import earlier_rows
from pathlib import Path
out = Path(sys.argv[1])
rows = earlier_rows(out)
summary = json.loads((out / "summary.json").read_text())
render_class_report(rows, summary)
first = time.perf_counter() - start
start = time.perf_counter()
render_class_report(rows, summary)
print(json.dumps([first, time.perf_counter() - start]))
"""

PAGE = """
import json, sys, time
from grader.grading.engine import CheckOptions, check_notebook
from grader.submission import load_submission
report = check_notebook(load_submission(sys.argv[1]), CheckOptions())
start = time.perf_counter()
from grader.reports.html import render_html
render_html(report)
first = time.perf_counter() - start
start = time.perf_counter()
for _ in range(10):
    render_html(report)
print(json.dumps([first, (time.perf_counter() - start) / 10]))
"""


def in_process(code: str, *args: str) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return [float(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=34)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        make_class(folder, args.students)
        plain, pages = [], []
        for r in range(args.rounds):
            plain.append(grade(folder, Path(tmp) / f"plain{r}", html=False))
            pages.append(grade(folder, Path(tmp) / f"html{r}", html=True))
        report = [in_process(REPORT, str(Path(tmp) / "plain0")) for _ in range(args.rounds)]
        page = [in_process(PAGE, str(SAMPLE)) for _ in range(args.rounds)]
    n = args.students
    med = statistics.median
    print(f"class of {n}, --jobs 2, medians of {args.rounds} runs")
    print(f"grade (report.html included):      {med(plain):.2f} s  {n / med(plain):.1f} /s")
    print(f"grade --html (and student pages):  {med(pages):.2f} s  {n / med(pages):.1f} /s")
    print(
        f"report.html alone: {med(r[0] for r in report):.2f} s in a fresh process "
        f"(matplotlib's import included), {med(r[1] for r in report) * 1000:.0f} ms once loaded"
    )
    print(
        f"one feedback page: first {med(p[0] for p in page):.2f} s in a process "
        f"(nbconvert's import included), then {med(p[1] for p in page) * 1000:.0f} ms each"
    )


if __name__ == "__main__":
    main()
