"""No student file is ever on an import path of the grader: decoys named like the grader's
modules (``grader.py``, ``reference.py``, ``numpy.py``...), beside the notebook and in the
current folder, are never imported by ``grader check`` or by ``grader grade --jobs 2``'s
grading processes, and never widen what the worker may read.

Run against the installed wheel, where the solution's packages sit in ``site-packages`` next
to numpy (in a checkout the whole repository is out of the worker's reach anyway). The same
for Gradescope's ``run_autograder`` is in test_gradescope_bundle.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from install_support import Dists, fresh_venv, run, venv_env
from shadowing import fired, probing_notebook, write_shadows

pytestmark = [pytest.mark.slow, pytest.mark.install]


@pytest.fixture(scope="module")
def wheel_bin(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel installed (its dependencies resolved offline)."""
    bin_dir = fresh_venv(tmp_path_factory.mktemp("isolation") / "venv")
    run([str(bin_dir / "python3"), "-m", "pip", "install", str(dists.wheel)], env=venv_env(bin_dir))
    return bin_dir


def in_venv(bin_dir: Path, cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=venv_env(bin_dir),
        timeout=300,
    )


# `python -m grader` itself is found in the current folder before anything of ours runs: a
# grader.py there is the caller's to avoid (the README says to run `grader`); everything
# else is taken off sys.path before it can be imported.
@pytest.mark.parametrize(
    "decoys",
    [("reference.py",), ("testcases.py",), ("numpy.py", "json.py")],
    ids=["reference", "testcases", "numpy+json"],
)
def test_check_imports_nothing_from_the_notebooks_or_the_current_folder(
    wheel_bin: Path, tmp_path: Path, decoys: tuple[str, ...]
):
    here, upload, markers = tmp_path / "here", tmp_path / "upload", tmp_path / "markers"
    for folder in (here, upload, markers):
        folder.mkdir()
    notebook = probing_notebook(upload / "work.ipynb")
    for folder in (here, upload):
        write_shadows(folder, markers, decoys)
    done = in_venv(
        wheel_bin, here, str(wheel_bin / "python3"), "-m", "grader", "check", "--format",
        "json", "--", str(notebook),
    )  # fmt: skip
    assert fired(markers) == []
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 100.0


def test_grading_processes_import_nothing_from_the_class_or_the_current_folder(
    wheel_bin: Path, tmp_path: Path
):
    here, markers = tmp_path / "here", tmp_path / "markers"
    here.mkdir()
    markers.mkdir()
    write_shadows(here, markers)
    for student in ("ann", "bob"):
        folder = here / "class" / student
        folder.mkdir(parents=True)
        probing_notebook(folder / "work.ipynb")
        write_shadows(folder, markers)
    done = in_venv(
        wheel_bin, here, str(wheel_bin / "grader"), "grade", "class", "--out", "out", "--jobs", "2"
    )
    assert fired(markers) == []
    assert done.returncode == 0, done.stderr
    rows = (here / "out" / "gradebook.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(row.split(",")[:2] for row in rows) == [["ann", "100"], ["bob", "100"]], rows
