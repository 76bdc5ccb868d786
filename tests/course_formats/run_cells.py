"""Runs a notebook's code cells in a plain Python process, the way a course notebook would run.

    python run_cells.py NOTEBOOK [--reference]

``sys.path`` gets the course helper modules (``grader/assets/course``) first, then the student
folder (``exercises/step_by_step``), then the repository. IPython magics and shell escapes are
dropped, and so are the plotting and image libraries (matplotlib, h5py, PIL, scipy): their
import lines and the ``plt.`` lines that use them. Every cell runs in one fresh namespace; the
output is a JSON list on stdout with, per code cell, what it printed and the error it raised.

With ``--reference`` the graded-function cells are not run: the reference solution's functions
are put in the namespace instead (with the notebook's own dA key convention, read from the JSON
record beside it), so the check cells print what a right notebook of that version prints.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DROPPED = re.compile(
    r"^\s*(%|!|plt\.|import (matplotlib|h5py|scipy|PIL)\b|from (matplotlib|h5py|scipy|PIL)\b)"
)


def clean(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not DROPPED.match(line))


def reference_namespace(convention: str) -> dict[str, Any]:
    import reference

    names = {name: getattr(reference, name) for name in reference.GRADED_FUNCTIONS}

    if convention == "shifted":
        own = names["L_model_backward"]

        def L_model_backward(AL: Any, Y: Any, caches: Any) -> dict[str, Any]:
            grads = own(AL, Y, caches)
            return {
                (f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()
            }

        names["L_model_backward"] = L_model_backward
    return names


def run(notebook: Path, use_reference: bool) -> list[dict[str, Any]]:
    import nbformat

    sys.path[:0] = [
        str(ROOT / "grader" / "assets" / "course"),
        str(ROOT / "exercises" / "step_by_step"),
        str(ROOT),
    ]
    nb = nbformat.read(str(notebook), as_version=4)
    convention = json.loads(notebook.with_suffix(".json").read_text())["dA_convention"]
    namespace: dict[str, Any] = {"__name__": "__main__"}
    results = []
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        graded = "def " in cell.source and "return" in cell.source
        if use_reference and graded:
            namespace.update(reference_namespace(convention))
            results.append({"cell": index, "graded": True, "stdout": "", "error": None})
            continue
        out = io.StringIO()
        error = None
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(clean(cell.source), f"<cell {index}>", "exec"), namespace)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-2)}"
        results.append({"cell": index, "graded": graded, "stdout": out.getvalue(), "error": error})
    return results


if __name__ == "__main__":
    path = Path(sys.argv[1])
    json.dump(run(path, "--reference" in sys.argv[2:]), sys.stdout)
