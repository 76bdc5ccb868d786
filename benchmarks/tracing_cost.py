"""What tracing failing functions costs on benchmark (b)'s mix of submissions.

    python benchmarks/tracing_cost.py [--n 60] [--rounds 3] [--buggy 0.15]

Writes ``--n`` submissions the way ``grading_speed.py`` does (mostly correct copies of the
solution, ``--buggy`` of them with one typical mistake), then grades each one twice in one
``Grader``, once as the grader does (failing functions traced on two failing cases) and once
with the traced re-runs left out, in alternating order, ``--rounds`` times. Both modes share
the process, the zygote and the machine's load, so the ratio of their mean times per
submission is the cost of tracing, even on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grading_speed

import grader.grading.engine as engine
from grader.grading.engine import CheckOptions, Grader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=60, help="submissions")
    parser.add_argument("--rounds", type=int, default=3, help="times each one is graded per mode")
    parser.add_argument("--buggy", type=float, default=0.15, help="share of buggy ones")
    args = parser.parse_args()
    traced = engine.trace_calls
    times: dict[str, list[tuple[str, float]]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kinds = grading_speed.make_submissions(folder, args.n, 0, args.buggy)
        notebooks = sorted(folder.glob("*.ipynb"))
        with Grader(CheckOptions()) as grader:
            grader.grade(notebooks[0])  # warm-up
            for round_ in range(args.rounds):
                for i, notebook in enumerate(notebooks):
                    order = ("with", "without") if (i + round_) % 2 == 0 else ("without", "with")
                    for mode in order:
                        engine.trace_calls = traced if mode == "with" else lambda *a, **k: []
                        start = time.perf_counter()
                        grader.grade(notebook)
                        times[mode].append((kinds[notebook.stem], time.perf_counter() - start))
        engine.trace_calls = traced
    mean = {mode: statistics.mean(t for _, t in got) for mode, got in times.items()}
    for mode in ("without", "with"):
        buggy = [t for kind, t in times[mode] if kind != "correct"]
        correct = [t for kind, t in times[mode] if kind == "correct"]
        print(
            f"{mode:>7} tracing: {mean[mode] * 1000:.1f} ms per submission "
            f"(correct {statistics.mean(correct) * 1000:.1f} ms, "
            f"buggy {statistics.mean(buggy) * 1000:.1f} ms; {len(times[mode])} gradings)"
        )
    print(f"tracing adds {100 * (mean['with'] / mean['without'] - 1):+.1f}% per submission")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
