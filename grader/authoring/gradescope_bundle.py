"""``grader gradescope-bundle``: the autograder zip for Gradescope.

Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip
with ``setup.sh`` at its root, run once while Gradescope builds the autograder's image, and
``run_autograder``, run for every submission with the student's files in
``/autograder/submission/``; it must write ``/autograder/results/results.json``. Ours holds:

- the grader's own wheel, so the image grades with exactly this version (case bundles,
  student helper files and all); its dependencies come from PyPI;
- ``setup.sh``: installs that wheel into the image's ``python3``;
- ``run_autograder``: a few lines of Python that call :func:`grader.autograder.run_autograder`
  from the installed grader, which grades the submission's one notebook with ``grader check
  --format json`` (the same JSON) and turns every other outcome into a clear ``results.json``;
- ``grading.json``: the grading options chosen when the zip was built;
- ``README.md``: for the instructor (upload, memory and time settings, hidden cases).

The script templates are package data (``grader/assets/gradescope/``). The environment
variable ``AUTOGRADER_ROOT`` moves ``/autograder`` (tests, a trial run on one's own machine);
both scripts use the first ``python3`` on ``PATH``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.autograder import GRADING_NEEDS, OPTIONS_FILE
from grader.errors import SetupError, UsageError
from grader.files import atomic_path
from grader.grading.options import CheckOptions
from grader.paths import assets, checkout

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
)
#: The first setuptools that builds this project's metadata (the SPDX ``license`` string).
MIN_SETUPTOOLS = 77

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
        members = _members(wheel.name, options, grading_requirements(wheel))
        with (
            atomic_path(out) as partial,
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            for name, (data, mode) in sorted(members.items()):
                _add(archive, name, data, mode)
            _add(archive, wheel.name, wheel.read_bytes(), _REGULAR)
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


def grading_requirements(wheel: Path) -> list[str]:
    """The wheel's own requirements (``Requires-Dist``) of what grading needs
    (:data:`grader.autograder.GRADING_NEEDS`), version bounds and all: one source for them."""
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        if len(names) != 1:
            raise UsageError(f"{wheel.name} has no metadata: it is not a wheel of the grader")
        metadata = archive.read(names[0]).decode("utf-8", errors="replace")
    found = []
    for line in metadata.splitlines():
        requirement = line.removeprefix("Requires-Dist:").strip()
        if line.startswith("Requires-Dist:") and ";" not in requirement:
            name = re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]
            if name.lower() in GRADING_NEEDS:
                found.append(requirement.replace(" ", ""))
    missing = set(GRADING_NEEDS) - {re.split(r"[^A-Za-z0-9._-]", r)[0].lower() for r in found}
    if missing:
        raise UsageError(f"{wheel.name} does not require {', '.join(sorted(missing))}")
    return found


def _members(
    wheel_name: str, options: CheckOptions, requirements: list[str]
) -> dict[str, tuple[bytes, int]]:
    """The zip's files besides the wheel: name -> (bytes, permissions)."""
    folder = assets() / "gradescope"
    text = {name: (folder / name).read_text(encoding="utf-8") for name in _TEMPLATES}
    settings = _options_json(options)
    quoted = " ".join(f"'{r}'" for r in requirements)
    text["setup.sh"] = (
        text["setup.sh"].replace("@WHEEL@", wheel_name).replace("@REQUIREMENTS@", quoted)
    )
    text["README.md"] = (
        text["README.md"]
        .replace("@WHEEL@", wheel_name)
        .replace("@REQUIREMENTS@", ", ".join(f"`{r}`" for r in requirements))
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
    keys = ("cases", "timeout", "memory_mb", "strict_dependencies", "require_confinement")
    return {key: chosen[key] for key in keys}


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
