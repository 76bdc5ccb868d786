"""Headless Chromium for the tests that look at pages as a person would (marker ``browser``).

The ``chromium`` fixture (registered in ``conftest.py``) finds Debian's ``chromium`` or installs
it with apt-get when the tests run as root; :func:`run_chromium` starts it offline, headless.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _install_chromium() -> str | None:
    """apt-get install chromium (Debian's package); only possible as root with apt-get."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        if done.returncode != 0:
            pytest.fail(
                f"`{' '.join(command)}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            )
    return shutil.which("chromium")


def find_chromium() -> str:
    found = shutil.which("chromium") or _install_chromium()
    if found is None:
        pytest.fail(
            "headless Chromium is needed: install Debian's `chromium` package "
            "(apt-get install -y chromium), or run the tests as root so they can."
        )
    return found


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        # offline: every host name fails to resolve, so CDN scripts fail at once
        "--host-resolver-rules=MAP * ~NOTFOUND",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=60, check=False)
