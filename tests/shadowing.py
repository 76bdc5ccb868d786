"""Files a student can put beside their notebook (or an instructor can have in the current
folder) that would stand in for a module of the grader if any process of the grader imported
from there: each writes a marker when imported, so a test sees that it ran.

Used by tests/packaging/test_isolation.py and tests/packaging/test_gradescope_bundle.py.
"""

from __future__ import annotations

from pathlib import Path

import crafted
import nbformat

#: Every file that shadows a module the grader imports, relative to the folder it sits in.
SHADOWS = (
    "grader.py",
    "grader/__init__.py",
    "grader/__main__.py",
    "reference.py",
    "testcases.py",
    "numpy.py",
    "json.py",
)

#: The last cell of the notebook: a correct notebook that loses 10 points when the worker
#: can read the reference solution, the case generators or the hidden cases of the grader
#: installed in ``site-packages`` (a decoy ``reference.py`` once made the grader grant it
#: the first two).
PROBE = """
import os, sysconfig

def _readable(*parts):
    try:
        with open(os.path.join(sysconfig.get_paths()["purelib"], *parts), "rb") as f:
            return len(f.read(10)) > 0
    except OSError:
        return False

if (
    _readable("reference", "network.py")
    or _readable("testcases", "cases.py")
    or _readable("grader", "assets", "cases", "hidden.h5")
):
    def linear_forward(A, W, b):
        return None
"""


def write_shadows(folder: Path, markers: Path, names: tuple[str, ...] = SHADOWS) -> None:
    """Put the decoys ``names`` in ``folder``; each writes ``markers/<folder>-<name>`` when
    imported (and a ``grader.py`` also writes a perfect ``results.json``)."""
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        marker = markers / f"{folder.name}-{name.replace('/', '-')}"
        path.write_text(
            "import pathlib as _p, sys as _s\n"
            f"_p.Path({str(marker)!r}).write_text('imported')\n"
            "for _a in _s.argv:\n"
            "    if _a.endswith('results.json'):\n"
            '        _p.Path(_a).write_text(\'{"score": 100.0, "tests": []}\')\n',
            encoding="utf-8",
        )


def probing_notebook(path: Path) -> Path:
    """A correct notebook, minus 10 points if the worker could read the project's code."""
    nb = crafted.notebook(extra=[PROBE])
    nbformat.write(nb, str(path))
    return path


def fired(markers: Path) -> list[str]:
    """The decoys that were imported."""
    return sorted(p.name for p in markers.iterdir())
