"""What the Gradescope image runs for every submission: grade its one notebook into
``results/results.json`` (the zip itself is written by :mod:`grader.authoring.gradescope_bundle`).

The zip's ``run_autograder`` script calls :func:`run_autograder`, which grades the notebook
with ``grader check --format json`` in a fresh, isolated interpreter (no file of the
submission can stand in for a module) and turns every other outcome into a clear
``results.json``. The environment variable ``AUTOGRADER_ROOT`` moves ``/autograder`` (tests,
a trial run on one's own machine).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.files import write_atomic
from grader.paths import NOTEBOOK_NAME, bundle_paths, grader_command, install_root, package

#: What grading needs installed, besides the grader itself: the image gets these (with the
#: wheel's version bounds) and nothing for the HTML reports or the class report (nbconvert,
#: latex2mathml, matplotlib), which run_autograder never makes.
GRADING_NEEDS = ("numpy", "h5py", "nbformat")
#: Where the grading options travel inside the zip (``/autograder/source/grading.json``).
OPTIONS_FILE = "grading.json"
#: A wall-clock limit for one ``grader check`` run, far above its own per-submission limit.
CHECK_TIMEOUT = 900.0
#: How much of a submission's folder tree is looked at for its notebook: folders deeper than
#: this are not entered, and the walk stops after this many entries (a submission is a
#: student's upload: any shape, any size).
MAX_DEPTH = 16
MAX_ENTRIES = 10_000


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
    try:
        failure = _grade(root, results)
    except Exception as exc:  # never leave Gradescope without results
        print(f"run_autograder failed: {type(exc).__name__}: {exc}")
        failure = (
            "The autograder failed on this submission (the grader's own error, not yours). "
            "Please tell your instructor."
        )
    if failure is not None:
        _write(results, _message_only(failure, started))
    return 0


def _grade(root: Path, results: Path) -> str | None:
    """Grade the submission; None when ``grader check`` wrote the results, else a message."""
    folder = root / "submission"
    notebooks, complete = submitted_notebooks(folder)
    if len(notebooks) != 1 or not complete:
        message = _wrong_count(notebooks, folder, complete)
        print(message)
        return message
    notebook = notebooks[0]
    print(f"grading {notebook.relative_to(folder)}")
    failure = _check(notebook, results, load_options(root / "source" / OPTIONS_FILE))
    if failure is None:
        graded = json.loads(results.read_text(encoding="utf-8"))
        print(f"score: {graded.get('score')} in {graded.get('execution_time')} s")
        protections = graded.get("extra_data", {}).get("protections", {})
        applied = sorted(name for name, on in protections.items() if on)
        missing = sorted(name for name, on in protections.items() if not on)
        absent = f" (not applied: {', '.join(missing)})" if missing else ""
        print(f"Sandbox: {', '.join(applied) or 'none'}{absent}")
    return failure


def submitted_notebooks(folder: Path) -> tuple[list[Path], bool]:
    """The ``.ipynb`` files of a submission (minus hidden files, checkpoints and symbolic
    links), and whether the whole tree was looked at (see :data:`MAX_DEPTH`)."""
    found: list[Path] = []
    complete = True
    seen = 0
    todo: list[tuple[str, int]] = [(str(folder), 0)] if folder.is_dir() else []
    while todo:
        path, depth = todo.pop()
        try:
            with os.scandir(path) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        for entry in listed:
            seen += 1
            if seen > MAX_ENTRIES:
                return sorted(found), False
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 >= MAX_DEPTH:
                    complete = False
                else:
                    todo.append((entry.path, depth + 1))
            elif entry.name.endswith(".ipynb") and entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path))
    return sorted(found), complete


def _wrong_count(notebooks: Sequence[Path], folder: Path, complete: bool = True) -> str:
    if not complete:
        return (
            f"Your submission holds more than {MAX_ENTRIES} files or folders nested more than "
            f"{MAX_DEPTH} deep; the autograder does not search all of it. Submit only your "
            f"completed {NOTEBOOK_NAME}."
        )
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
    flags += ["--strict-dependencies"] if chosen["strict_dependencies"] else []
    return flags + (["--require-confinement"] if chosen.get("require_confinement") else [])


def _check(notebook: Path, results: Path, flags: list[str]) -> str | None:
    """Run ``grader check`` on the notebook; None when it wrote the results, else a message."""
    # From the submission folder, so that messages name the student's file as they know it;
    # the interpreter is isolated, so nothing in that folder is ever imported.
    command = grader_command("check", "--format", "json", "--output", str(results.resolve()))
    command += [*flags, "--", notebook.name]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=CHECK_TIMEOUT,
            cwd=notebook.parent,
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
    write_atomic(path, json.dumps(results, indent=2) + "\n")


def protect_installation() -> list[str]:
    """Run by ``setup.sh`` as root, once the grader is installed: make the hidden cases and the
    solution's packages readable by root only, and nothing of the package writable by anyone
    else, so that a worker dropped to an unprivileged user can neither read nor change them
    even where Landlock is missing. Returns the paths it changed."""
    changed = []
    root = install_root()
    private = [(bundle_paths()["hidden"], 0o600)]
    private += [
        (root / name, 0o700) for name in ("reference", "testcases") if (root / name).is_dir()
    ]
    for path, mode in private:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
            changed.append(str(path))
    for path in [package(), *package().rglob("*")]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and mode & 0o022:
            path.chmod(stat.S_IMODE(mode) & ~0o022)
            changed.append(str(path))
    return changed
