"""How long does naming a mistake take? One run, one machine.

    python benchmarks/diagnosis_speed.py [--repeat 20]

For a few catalogued mistakes (one per kind of graded function), the observations are what
the mistake returns on every case of the bundles (public and hidden), as the judge hands them
over; the script prints, per mistake, the CPU time of the first diagnosis in a fresh process
(which reads the diagnosis data, or imports the catalogue, on first use), the median of
``--repeat`` more, and whether the grading process imported ``reference`` or ``testcases``.

Runs from a checkout (it replays the catalogue to make the observations). The same script runs
against an older grader whose diagnosis replayed the catalogue (``replay`` then lived in
``grader.grading.diagnose``), for a before/after comparison side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

MISTAKES = (
    "deep-init-seed-not-set",
    "linear-forward-bias-missing",
    "cost-missing-minus",
    "model-forward-relu-output",
    "model-backward-dal-sign",
)

_OBSERVE = """
import pickle, sys
from grader import paths
from grader.bundle import read_bundle
try:
    from grader.authoring.catalogue_table import replay
except ImportError:  # the grader before the diagnosis became a lookup
    from grader.grading.diagnose import replay
from reference.mutants import MISTAKES

mistake = next(m for m in MISTAKES if m.name == sys.argv[1])
cases = [c for p in paths.bundle_paths().values() for c in read_bundle(p)]
observed = []
for case in cases:
    if case.function == mistake.function:
        try:
            observed.append((case.args, replay(mistake.impl, case.args)))
        except Exception:
            pass
sys.stdout.buffer.write(pickle.dumps((mistake.function, observed)))
"""

#: A fresh grading process: what grading loads anyway, then the diagnoses (the first one reads
#: the diagnosis data, or imported the catalogue, on first use). CPU time: other load on the
#: machine inflates it less than wall time.
_DIAGNOSE = """
import pickle, sys, time
import numpy, h5py, grader.grading.comparison, grader.bundle, grader.grading.judge

function, observed = pickle.loads(sys.stdin.buffer.read())
start = time.process_time()
from grader.grading.diagnose import diagnose
first = diagnose(function, observed)
times = [time.process_time() - start]
for _ in range(int(sys.argv[1])):
    start = time.process_time()
    again = diagnose(function, observed)
    times.append(time.process_time() - start)
    assert again == first
loaded = any(m.split(".")[0] in ("reference", "testcases") for m in sys.modules)
print(first.name if first else None, "yes" if loaded else "no", *times)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(
        f"{'mistake':32s} {'named':6s} {'imports reference':18s} {'first (ms)':>11s}"
        f" {'then, median (ms)':>18s}"
    )
    for name in MISTAKES:
        observed = subprocess.run(
            [sys.executable, "-c", _OBSERVE, name], capture_output=True, check=True
        ).stdout
        done = subprocess.run(
            [sys.executable, "-c", _DIAGNOSE, str(args.repeat)],
            input=observed,
            capture_output=True,
            check=True,
        )
        found, loaded, *times = done.stdout.decode().split()
        first, rest = float(times[0]), [float(t) for t in times[1:]]
        named = "yes" if found == name else "NO"
        print(
            f"{name:32s} {named:6s} {loaded:18s} {first * 1000:11.1f}"
            f" {statistics.median(rest) * 1000:18.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
