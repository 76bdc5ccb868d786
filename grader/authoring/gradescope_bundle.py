"""``grader gradescope-bundle``: the autograder zip for Gradescope, and what it runs there.

Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip
with ``setup.sh`` at its root, run once while Gradescope builds the autograder's image, and
``run_autograder``, run for every submission with the student's files in
``/autograder/submission/``; it must write ``/autograder/results/results.json``. Ours holds:

- the grader's own wheel, so the image grades with exactly this version (case bundles,
  student helper files and all); its dependencies come from PyPI;
- ``setup.sh``: installs that wheel into the image's ``python3``;
- ``run_autograder``: a few lines of Python that call :func:`run_autograder` below from the
  installed grader, which grades the submission's one notebook with ``grader check --format
  json`` (the same JSON) and turns every other outcome into a clear ``results.json``;
- ``grading.json``: the grading options chosen when the zip was built;
- ``README.md``: for the instructor (upload, memory and time settings, hidden cases).

The script templates are package data (``grader/assets/gradescope/``). The environment
variable ``AUTOGRADER_ROOT`` moves ``/autograder`` (tests, a trial run on one's own machine);
both scripts use the first ``python3`` on ``PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.errors import SetupError, UsageError
from grader.grading.options import CheckOptions
from grader.paths import NOTEBOOK_NAME, assets, checkout

#: The distribution's name, as wheel file names spell it.
WHEEL_PREFIX = "dnn_autograder-"
#: What a wheel or an sdist is built from: the packaging files and the packages. Building from
#: a copy of just these keeps a stale ``build/`` or ``*.egg-info`` of the checkout out of it.
PACKAGED_SOURCES = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "MANIFEST.in",
    "setup.py",
    "docs",
    "exercises/step_by_step",
    "grader",
    "reference",
    "testcases",
)
#: The first setuptools that builds this project's metadata (the SPDX ``license`` string).
MIN_SETUPTOOLS = 77
#: Where the grading options travel inside the zip (``/autograder/source/grading.json``).
OPTIONS_FILE = "grading.json"
#: A wall-clock limit for one ``grader check`` run, far above its own per-submission limit.
CHECK_TIMEOUT = 900.0

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EXECUTABLE = 0o755
_REGULAR = 0o644


@dataclass(frozen=True)
class Bundle:
    """A written autograder zip and the wheel it ships."""

    path: Path
    wheel: str


# --- building the zip ------------------------------------------------------------------------


def build_bundle(
    out: Path, wheel: Path | None = None, options: CheckOptions | None = None
) -> Bundle:
    """Write the autograder zip to ``out``: the given wheel, or one built from the checkout."""
    options = options or CheckOptions()
    if out.is_dir():
        raise UsageError(f"{out} is a folder: give the zip file's name, e.g. autograder.zip")
    with tempfile.TemporaryDirectory(prefix="dnn-gradescope-") as tmp:
        if wheel is None:
            wheel = build_wheel(_checkout(), Path(tmp))
        elif not (wheel.is_file() and wheel.name.startswith(WHEEL_PREFIX)):
            raise UsageError(f"{wheel} is not a wheel of the grader ({WHEEL_PREFIX}*.whl)")
        members = _members(wheel.name, options)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, (data, mode) in sorted(members.items()):
                _add(archive, name, data, mode)
            _add(archive, wheel.name, wheel.read_bytes(), _REGULAR)
        partial.replace(out)
    return Bundle(out, wheel.name)


def _checkout() -> Path:
    root = checkout()
    if root is None:
        raise UsageError(
            "without --wheel, `grader gradescope-bundle` builds the grader's wheel from a "
            "source checkout; from an installed grader, pass --wheel with a wheel of it "
            "(`pip wheel --no-deps .` in a checkout makes one)"
        )
    return root


def _members(wheel_name: str, options: CheckOptions) -> dict[str, tuple[bytes, int]]:
    """The zip's files besides the wheel: name -> (bytes, permissions)."""
    folder = assets() / "gradescope"
    text = {name: (folder / name).read_text(encoding="utf-8") for name in _TEMPLATES}
    settings = _options_json(options)
    text["setup.sh"] = text["setup.sh"].replace("@WHEEL@", wheel_name)
    text["README.md"] = (
        text["README.md"]
        .replace("@WHEEL@", wheel_name)
        .replace("@OPTIONS@", json.dumps(settings, indent=2))
    )
    text[OPTIONS_FILE] = json.dumps(settings, indent=2) + "\n"
    return {
        name: (content.encode("utf-8"), _EXECUTABLE if name in _SCRIPTS else _REGULAR)
        for name, content in text.items()
    }


_SCRIPTS = ("setup.sh", "run_autograder")
_TEMPLATES = (*_SCRIPTS, "README.md")


def _options_json(options: CheckOptions) -> dict[str, Any]:
    chosen = asdict(options)
    return {key: chosen[key] for key in ("cases", "timeout", "memory_mb", "strict_dependencies")}


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    """One entry with a fixed date and Unix permissions, so a rebuild gives the same zip."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def copy_sources(root: Path, dest: Path) -> Path:
    """Copy what a build of the project needs (:data:`PACKAGED_SOURCES`) from ``root``."""
    dest.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("__pycache__", "*.py[cod]")
    for name in PACKAGED_SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=skip)
        elif source.is_file():
            shutil.copy2(source, dest / name)
        else:
            raise SetupError(f"{source} is missing: the checkout is incomplete")
    return dest


def build_wheel(root: Path, out_dir: Path) -> Path:
    """Build the grader's wheel from the checkout ``root`` into ``out_dir``; returns its path.

    Without build isolation (no download) when this environment's setuptools can build the
    project, as with the test extra; otherwise pip fetches a recent setuptools first.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dnn-wheel-") as tmp:
        source = copy_sources(root, Path(tmp) / "src")
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out_dir)]
        if _setuptools_major() >= MIN_SETUPTOOLS:
            command += ["--no-build-isolation", "--no-index"]
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        done = subprocess.run(
            [*command, str(source)], capture_output=True, text=True, check=False, env=env
        )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise SetupError(f"building the grader's wheel failed: {lines[-1].strip()}")
    wheels = sorted(out_dir.glob(f"{WHEEL_PREFIX}*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        raise SetupError(f"pip built no {WHEEL_PREFIX}*.whl in {out_dir}")
    return wheels[-1]


def _setuptools_major() -> int:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return 0


# --- running on Gradescope -------------------------------------------------------------------


def run_autograder(root: Path) -> int:
    """Grade the notebook in ``root/submission`` into ``root/results/results.json``.

    Always writes ``results.json``: a submission with no notebook or several, a file that is
    not a notebook, or a failure of the grader itself gets a score of 0 and a message saying
    what happened (details for the instructor go to stdout, which Gradescope keeps). Returns
    0 once the results are written.
    """
    started = time.monotonic()
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.unlink(missing_ok=True)
    notebooks = submitted_notebooks(root / "submission")
    if len(notebooks) != 1:
        message = _wrong_count(notebooks, root / "submission")
        print(message)
        _write(results, _message_only(message, started))
        return 0
    notebook = notebooks[0]
    print(f"grading {notebook.relative_to(root / 'submission')}")
    failure = _check(notebook, results, load_options(root / "source" / OPTIONS_FILE))
    if failure is not None:
        _write(results, _message_only(failure, started))
    else:
        graded = json.loads(results.read_text(encoding="utf-8"))
        print(f"score: {graded.get('score')} in {graded.get('execution_time')} s")
    return 0


def submitted_notebooks(folder: Path) -> list[Path]:
    """The ``.ipynb`` files of a submission, at any depth, minus hidden files and checkpoints."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(p.startswith(".") for p in parts):
            found.append(path)
    return found


def _wrong_count(notebooks: Sequence[Path], folder: Path) -> str:
    if not notebooks:
        return (
            "No notebook was found in your submission. Upload your completed "
            f"{NOTEBOOK_NAME} (an .ipynb file) and submit again."
        )
    names = ", ".join(str(p.relative_to(folder)) for p in notebooks)
    return (
        f"Your submission holds {len(notebooks)} notebooks ({names}); the autograder grades "
        f"exactly one. Submit only your completed {NOTEBOOK_NAME}."
    )


def load_options(path: Path) -> list[str]:
    """``grader check`` flags from the options stored in the zip (the defaults without it)."""
    if not path.is_file():
        return []
    chosen = json.loads(path.read_text(encoding="utf-8"))
    flags = ["--cases", str(chosen["cases"]), "--timeout", str(chosen["timeout"])]
    flags += ["--memory", str(chosen["memory_mb"])]
    return flags + (["--strict-dependencies"] if chosen["strict_dependencies"] else [])


def _check(notebook: Path, results: Path, flags: list[str]) -> str | None:
    """Run ``grader check`` on the notebook; None when it wrote the results, else a message."""
    # From the submission folder, so that messages name the student's file as they know it.
    folder = notebook.parent
    command = [sys.executable, "-m", "grader", "check", notebook.name, "--format", "json"]
    command += ["--output", str(results.resolve()), *flags]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=CHECK_TIMEOUT,
            cwd=folder,
        )
    except subprocess.TimeoutExpired:
        print(f"grader check did not finish within {CHECK_TIMEOUT:g} s")
        return "The autograder ran out of time on this submission. Please tell your instructor."
    said = done.stderr.strip().removeprefix("grader: ")
    if done.returncode in (0, 1) and _readable_json(results):
        return None
    print(f"grader check exited with status {done.returncode}: {said or 'no message'}")
    if done.returncode == 2:  # the file itself: the student can fix it
        return f"Your notebook could not be graded: {said}"
    return (
        "The autograder failed on this submission (the grader's own error, not yours). "
        "Please tell your instructor."
    )


def _readable_json(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def _message_only(message: str, started: float) -> dict[str, Any]:
    return {
        "score": 0.0,
        "execution_time": round(time.monotonic() - started, 2),
        "output": message,
        "stdout_visibility": "hidden",
        "tests": [],
    }


def _write(path: Path, results: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
