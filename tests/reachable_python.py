"""An interpreter that the sandbox's unprivileged worker user can run, for tests run as root.

The worker drops to that user only when it can read the Python installation; a Python under
``/root`` (pyenv) is out of its reach. Then the system's Python of the same version stands in,
in a fresh environment whose ``.pth`` lines reach this environment's packages (and, if asked,
the checkout). Used by tests/sandbox/test_as_root.py and
tests/packaging/test_gradescope_as_root.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from grader.sandbox.worker import confinement

ROOT = Path(__file__).resolve().parent.parent


def worker_can_run(python: str | Path) -> bool:
    """Whether the worker's user can read everything ``python`` imports from."""
    code = "import sys; print('\\n'.join(p for p in sys.path if p))"
    done = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, check=False)
    folders = [p for p in done.stdout.splitlines() if os.path.isdir(p)]
    return done.returncode == 0 and confinement.worker_ids(folders) is not None


def base_python() -> Path | None:
    """This interpreter if the worker's user can run it, else the system's own of the same
    version, else None."""
    if worker_can_run(sys.executable):
        return Path(sys.executable)
    system = Path(f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}")
    return system if system.exists() else None


def environment(folder: Path, with_checkout: bool) -> Path:
    """A fresh environment in ``folder`` (made reachable: mode 0755) on :func:`base_python`,
    reaching this environment's packages and, ``with_checkout``, the checkout; returns its
    ``bin`` folder. The caller skips when :func:`base_python` is None."""
    base = base_python()
    assert base is not None
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    subprocess.run([base, "-m", "venv", "--without-pip", folder], check=True)
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = subprocess.run(
        [folder / "bin" / "python", "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    ours |= {str(ROOT)} if with_checkout else set()
    Path(purelib, "reach.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return folder / "bin"
