"""Building the project as a user would, and fresh virtual environments to install it in.

Used by tests/test_install.py and tests/test_gradescope_bundle.py through the session fixture
``dists`` (tests/conftest.py): the sdist and the wheel are built once per test run.

Offline and fast: the builds run without build isolation (setuptools is in the test extra),
and a fresh environment reaches the running environment's third-party packages (numpy, h5py,
nbformat, pip...) through a ``.pth`` file, so installing the grader downloads nothing. Plain
path lines of a ``.pth`` file do not run the ``.pth`` files they point at, so the running
environment's own editable install of the project stays invisible: the grader that a fresh
environment imports is the one installed into it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.authoring.gradescope_bundle import copy_sources

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"
SOLUTION = ROOT / "reference" / "solution.ipynb"
#: pip, quiet and offline: whatever a test installs must already be at hand.
PIP_ENV = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INDEX": "1", "PIP_NO_INPUT": "1"}


@dataclass(frozen=True)
class Dists:
    """The built distributions, and everything their builds printed."""

    sdist: Path
    wheel: Path
    unpacked_sdist: Path
    log: str


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, capture its output, fail with that output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{command} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def build_dists(work: Path) -> Dists:
    """Build the sdist from a copy of the packaged sources, then the wheel from the sdist (as
    ``python -m build`` does): a wheel built this way proves the sdist is complete."""
    source = copy_sources(ROOT, work / "source")
    out = work / "dist"
    env = {**os.environ, **PIP_ENV}
    sdist_hook = "import sys, setuptools.build_meta as b; b.build_sdist(sys.argv[1])"
    built = run([sys.executable, "-c", sdist_hook, str(out)], cwd=source, env=env)
    log = built.stdout + built.stderr
    (sdist,) = out.glob("dnn_autograder-*.tar.gz")
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+: no unsafe members
            archive.extractall(work / "unpacked", filter="data")
        else:
            archive.extractall(work / "unpacked")
    (unpacked,) = (work / "unpacked").iterdir()
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    built = run([*command, "-w", str(out), str(unpacked)], env=env)
    log += built.stdout + built.stderr
    (wheel,) = out.glob("dnn_autograder-*.whl")
    return Dists(sdist=sdist, wheel=wheel, unpacked_sdist=unpacked, log=log)


def fresh_venv(path: Path) -> Path:
    """A new virtual environment without the project; returns its ``bin`` folder.

    Its python finds the running environment's packages after its own (see the module's
    docstring), pip included, so ``python3 -m pip install`` works in it offline.
    """
    run([sys.executable, "-m", "venv", "--without-pip", str(path)])
    python = path / "bin" / "python3"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib.stdout.strip(), "running-environment.pth").write_text(
        "".join(f"{folder}\n" for folder in sorted(ours)), encoding="utf-8"
    )
    return path / "bin"


def venv_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a command run "inside" a virtual environment: its bin first on PATH,
    offline pip, and nothing that would point Python back at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_ENV)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    env.update(extra)
    return env
