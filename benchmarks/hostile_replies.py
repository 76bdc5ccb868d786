"""What a hostile submission costs the grader's own process: peak memory and wall time.

    python benchmarks/hostile_replies.py [--before REV] [--timeout 60] [--only SCENARIO]

Four hostile submissions (issue 10, items 3 to 6), each handled in a fresh Python process
whose peak resident memory (``ru_maxrss``; the zygote and the worker are other processes and
are not counted) and wall time are printed:

* ``colliding keys``: student code writes its own reply on the worker's socket, a dict of
  40,000 int keys that all hash alike (decoding it is quadratic without a cap);
* ``huge arrays``: a function returning a 120 MB array, called 9 times;
* ``huge notebook``: a notebook of 2 million lines (10 MB of code in one cell), read and its
  functions listed as the grader does;
* ``huge class names``: ``compute_cost`` returns an object whose class name is 2 MB long,
  graded on every case and rendered as Gradescope JSON (the size of ``results.json`` is
  printed too).

With ``--before REV`` the same scenarios also run on that revision of the grader (exported
with ``git archive`` into a temporary folder), for before-versus-caps figures. A scenario
that outlives ``--timeout`` seconds is stopped and shown as such. Not a test: figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Each scenario runs as ``python -c SETUP + CODE``; it prints one JSON object of extras.
SETUP = """
import json, os, resource, sys, tempfile, time
from pathlib import Path
import nbformat
workdir = Path(tempfile.mkdtemp(prefix="hostile-bench-"))

def write(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = workdir / "hostile.ipynb"
    nbformat.write(nb, str(path))
    return path

def done(**extras):
    import shutil
    extras["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(extras))
"""

FORGE_COLLIDING = """
import os, sys
def forged(n):
    codec = sys.modules["grader.sandbox.codec"]
    frame = sys._getframe()
    while frame.f_code.co_name != "serve":
        frame = frame.f_back
    keys = [[{"t": "int", "v": k * (2**61 - 1)}, {"t": "none"}] for k in range(1, n + 1)]
    tree = {"t": "tuple", "items": [{"t": "none"}, {"t": "dict", "items": keys}]}
    header = {"op": "call_done", "seq": frame.f_locals["seq"], "status": "ok", "exception": None,
              "output": "", "tree": tree, "args_unchanged": True}
    payload = codec.encode_message(header, [])
    os.write(3, len(payload).to_bytes(8, "big") + payload)
    while True:
        pass
"""

SCENARIOS = {
    "colliding keys": f"""
from grader.sandbox.api import Call, Limits, Sandbox
from grader.submission import load_submission
with Sandbox(Limits(call_timeout=300.0, submission_timeout=600.0)) as sb:
    submission = load_submission(write({FORGE_COLLIDING!r}))
    started = time.monotonic()
    result = sb.run(submission, [Call("forged", "forged", (40_000,))])
    took = time.monotonic() - started
outcome = result.calls[0]
done(status=outcome.status, detail=outcome.detail[:60], handling_s=round(took, 2))
""",
    "huge arrays": """
from grader.sandbox.api import Call, Limits, Sandbox
from grader.submission import load_submission
source = "import numpy as np\\ndef big():\\n    return np.ones(15_000_000)\\n"
with Sandbox(Limits(call_timeout=60.0, submission_timeout=600.0, memory_mb=2048)) as sb:
    result = sb.run(load_submission(write(source)), [Call(f"c{i}", "big", ()) for i in range(9)])
statuses = sorted({o.status for o in result.calls})
done(statuses=statuses, detail=result.calls[0].detail[:60])
""",
    "huge notebook": """
from grader.errors import InvalidSubmission
from grader.submission import defined_functions, load_submission
path = workdir / "lines.ipynb"  # written as raw JSON: nbformat would cost more than reading
cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
        "source": "x=10\\n" * 2_000_000}
path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}))
try:
    functions = defined_functions(load_submission(path))
    outcome = f"graded ({len(functions)} functions)"
except InvalidSubmission as exc:
    outcome = "refused: " + str(exc).split("cannot be graded: ")[-1][:60]
done(outcome=outcome)
""",
    "huge class names": """
import crafted
from grader.grading.engine import CheckOptions, Grader
from grader.paths import load_student_files
from grader.reports.gradescope import render_gradescope
source = "def compute_cost(AL, Y):\\n    return type('M' * 2_000_000, (), {})()\\n"
path = crafted.write(crafted.notebook(replace={"compute_cost": source}), workdir / "m.ipynb")
files = {k: v for k, v in load_student_files().items() if k in ("dnn_utils.py", "testCases.py")}
with Grader(CheckOptions(diagnose=False), student_files=files) as grader:
    report = grader.grade(path)
results = json.dumps(render_gradescope(report), indent=2)
done(score=report.score, results_json_mb=round(len(results) / 1e6, 2))
""",
}


def run(name: str, root: Path, timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(ROOT / "tests")])}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", SETUP + SCENARIOS[name]],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=root,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout:g} s"
    seconds = time.monotonic() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        error = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"failed (exit {done.returncode}: {error[:100]}) after {seconds:.1f} s"
    extras = json.loads(lines[-1])
    peak = extras.pop("peak_mb")
    details = ", ".join(f"{k} {v}" for k, v in extras.items())
    return f"peak RSS {peak:7.0f} MB, wall {seconds:6.1f} s; {details}"


def export(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="a git revision to measure as well (e.g. main~5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per scenario")
    parser.add_argument("--only", choices=list(SCENARIOS), help="run this scenario alone")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-before-") as folder:
        trees = {"caps": ROOT}
        if options.before:
            trees = {f"before ({options.before})": export(options.before, Path(folder)), **trees}
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"grader process only (not the zygote or the worker); load average {load:.2f}")
        for name in [options.only] if options.only else SCENARIOS:
            print(f"\n{name}")
            for label, root in trees.items():
                print(f"  {label:<24} {run(name, root, options.timeout)}", flush=True)


if __name__ == "__main__":
    main()
