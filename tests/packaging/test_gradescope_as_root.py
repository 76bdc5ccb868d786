"""Gradescope grades as root, and its container may have no Landlock: there, with Landlock
switched off (DNN_GRADER_NO_LANDLOCK=1), the image that setup.sh made still keeps the worker
from the hidden cases and the solution. The worker runs as an unprivileged user, setup.sh
made those files root's only, and results.json says which protections applied.

The image lives in a folder every user may enter, on a Python the worker's user can read
(tests/reachable_python.py). Needs root; skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import reachable_python
from install_support import Dists, run, venv_env
from shadowing import probing_notebook

from grader.authoring.gradescope_bundle import build_bundle
from grader.paths import NOTEBOOK_NAME

pytestmark = [
    pytest.mark.slow,
    pytest.mark.install,
    pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root, as on Gradescope"
    ),
]


@pytest.fixture(scope="module")
def image(dists: Dists) -> Iterator[tuple[Path, Path]]:
    """``/autograder`` after setup.sh, and the image's ``bin`` folder."""
    if reachable_python.base_python() is None:
        pytest.skip("no Python here that an unprivileged user can read")
    folder = Path(tempfile.mkdtemp(prefix="dnn-grader-image-"))
    try:
        folder.chmod(0o755)
        bin_dir = reachable_python.environment(folder / "python", with_checkout=False)
        root = folder / "autograder"
        bundle = build_bundle(folder / "autograder.zip", wheel=dists.wheel).path
        with zipfile.ZipFile(bundle) as archive:
            archive.extractall(root / "source")
        for script in ("setup.sh", "run_autograder"):
            (root / "source" / script).chmod(0o755)
        env = venv_env(bin_dir, AUTOGRADER_ROOT=str(root))  # no user added to this machine
        run(["bash", str(root / "source" / "setup.sh")], env=env, cwd=root)
        yield root, bin_dir
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def grade(image: tuple[Path, Path], notebook: Path) -> dict:
    root, bin_dir = image
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    shutil.copy(notebook, root / "submission" / NOTEBOOK_NAME)
    env = venv_env(bin_dir, AUTOGRADER_ROOT=str(root), DNN_GRADER_NO_LANDLOCK="1")
    done = subprocess.run(
        [str(root / "source" / "run_autograder")],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_without_landlock_the_image_keeps_its_secrets(image, tmp_path: Path):
    notebook = probing_notebook(tmp_path / "probe.ipynb")
    results = grade(image, notebook)
    protections = results["extra_data"]["protections"]
    assert not protections["landlock_filesystem"]
    assert protections["separate_user"] and protections["secrets_unreadable"]
    assert results["score"] == 100.0, results["output"]


def test_the_probe_sees_files_left_readable(image, tmp_path: Path):
    """The same notebook, with setup.sh's modes undone: it reads the solution and loses the
    points it is built to lose (so the test above can fail)."""
    _, bin_dir = image
    code = "import grader.paths as p; print(p.install_root())"
    site = Path(run([str(bin_dir / "python3"), "-I", "-c", code]).stdout.strip())
    (site / "reference").chmod(0o755)
    try:
        results = grade(image, probing_notebook(tmp_path / "probe.ipynb"))
    finally:
        (site / "reference").chmod(0o700)
    assert not results["extra_data"]["protections"]["secrets_unreadable"]
    assert results["score"] < 100.0, results["output"]
