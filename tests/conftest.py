"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest
from install_support import Dists, build_dists


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """The project's sdist and wheel, built once per test run (tests/install_support.py)."""
    return build_dists(tmp_path_factory.mktemp("dists"))
