"""Run as root (Gradescope, Docker, CI) with Landlock switched off (DNN_GRADER_NO_LANDLOCK=1),
the worker still does no harm: it runs as an unprivileged user with no supplementary groups,
cannot read a file only root may read (what setup.sh makes of the installed hidden bundle and
solution), cannot patch the grader's code, cannot write a results.json outside its folder,
and the results say which protections applied.

These tests need root (CI runs as root); elsewhere they are skipped with that reason. The
worker's user must be able to read the Python installation (the sandbox does not drop
privileges otherwise): a Python under /root is replaced by the system's own, if it has one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import reachable_python

import grader
from grader.sandbox.api import Call, CallOutcome, Sandbox
from grader.sandbox.outcomes import Limits
from grader.submission import load_submission

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (as CI and Gradescope)"
)
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"

HOSTILE = """
import os

def whoami():
    return [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())]

def read(path):
    with open(path, "rb") as f:
        return len(f.read())

def patch(path):
    fd = os.open(path, os.O_WRONLY)  # opened, never written: a test must not damage the grader
    os.close(fd)
    return "writable"

def write(path):
    with open(path, "w") as f:
        f.write('{"score": 100.0}')
    return "written"
"""


@pytest.fixture(scope="module")
def python() -> Iterator[str]:
    """An interpreter the worker's user can run (tests/reachable_python.py)."""
    if reachable_python.base_python() is None:
        pytest.skip(f"{sys.executable} is out of an unprivileged user's reach, no other")
    if reachable_python.worker_can_run(sys.executable):
        yield sys.executable
        return
    folder = Path(tempfile.mkdtemp(prefix="dnn-grader-python-"))
    try:
        python = reachable_python.environment(folder, with_checkout=True) / "python"
        if not reachable_python.worker_can_run(python):
            pytest.skip("no Python here that an unprivileged user can read")
        yield str(python)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch, python: str) -> Iterator[Sandbox]:
    monkeypatch.setenv("DNN_GRADER_NO_LANDLOCK", "1")
    monkeypatch.setattr(sys, "executable", python)  # what the zygote is started with
    with Sandbox(Limits(call_timeout=10.0)) as sb:
        yield sb


def calls(sb: Sandbox, tmp_path: Path, *wanted: Call) -> dict[str, CallOutcome]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(HOSTILE)]
    path = tmp_path / "hostile.ipynb"
    nbformat.write(nb, str(path))
    return {o.key: o for o in sb.run(load_submission(path), wanted).calls}


def denied(outcome: CallOutcome) -> bool:
    return (
        outcome.status == "error"
        and outcome.exception is not None
        and outcome.exception.type == "PermissionError"
    )


def test_the_worker_is_an_unprivileged_user_without_groups(sandbox: Sandbox, tmp_path: Path):
    got = calls(sandbox, tmp_path, Call("ids", "whoami", ()))["ids"]
    assert got.status == "ok", got
    uid, euid, gid, egid, groups = got.value
    assert uid == euid and uid != 0 and gid == egid and gid != 0 and groups == []
    protections = sandbox.protections()
    assert protections["separate_user"] and not protections["landlock_filesystem"]


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="dnn-grader-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_without_landlock_the_worker_does_no_harm(sandbox: Sandbox, tmp_path: Path, shared: Path):
    secret = shared / "hidden.h5"  # as setup.sh leaves the installed hidden bundle
    secret.write_bytes(b"expected values")
    secret.chmod(0o600)
    public = shared / "public.h5"  # beside it, readable by all: the folder is reachable
    public.write_bytes(b"public")
    public.chmod(0o644)
    out = shared / "out"  # as `grader grade --out` and Gradescope's results/ are
    out.mkdir()
    out.chmod(0o755)
    module = Path(grader.__file__).parent / "paths.py"
    outcomes = calls(
        sandbox,
        tmp_path,
        Call("public", "read", (str(public),)),
        Call("secret", "read", (str(secret),)),
        Call("grader", "patch", (str(module),)),
        Call("grader_read", "read", (str(module),)),
        Call("results", "write", (str(out / "results.json"),)),
        Call("results_beside", "write", (str(Path(sandbox._current_zygote().base) / "r.json"),)),
        Call("own", "write", ("results.json",)),
    )
    assert not sandbox.protections()["landlock_filesystem"]  # the switch is honoured
    for key in ("secret", "grader", "results", "results_beside"):
        assert denied(outcomes[key]), (key, outcomes[key])
    assert outcomes["own"].value == "written" and outcomes["public"].value == len(b"public")
    assert outcomes["grader_read"].status == "ok"  # reachable: refused by its mode alone
    assert not (out / "results.json").exists()


def test_the_report_says_which_protections_applied(python: str):
    env = {**os.environ, "DNN_GRADER_NO_LANDLOCK": "1"}
    command = [python, "-m", "grader", "check", "--", str(SAMPLE)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 1, done.stderr
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("Sandbox: ")]
    applied, missing = line.removeprefix("Sandbox: ").split(" (not applied: ")
    assert "separate_user" in applied.split(", ")
    assert "landlock_filesystem" in missing.rstrip(")").split(", ")


def test_a_worker_that_changed_user_still_dies_with_its_zygote(sandbox: Sandbox):
    """Changing user clears the kernel's parent-death signal: it is set again afterwards."""
    worker = sandbox.start_worker({})
    try:
        assert worker.protections["separate_user"]
        sandbox._current_zygote().process.kill()
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and _alive(worker.pid):
            time.sleep(0.05)
        assert not _alive(worker.pid)
    finally:
        worker.sock.close()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper does not count)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
