"""Fixtures shared by several test modules, and the markers that pick the quick subset.

Markers (registered in pyproject.toml): ``slow`` (seconds per test: real kernels, installs,
the browser, the type checker), ``browser`` (headless Chromium) and ``install`` (builds and
installs the package into fresh environments). ``pytest -m "not slow"`` is the inner loop.
"""

from __future__ import annotations

import pytest
from browser import find_chromium
from install_support import Dists, build_dists


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """The project's sdist and wheel, built once per test run (tests/install_support.py)."""
    return build_dists(tmp_path_factory.mktemp("dists"))


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's headless Chromium (installed with apt-get when missing and run as root)."""
    return find_chromium()
