"""Patterns run over student code take time linear in its length (issue 17, item 7).

Four lines ``import a`` + 97,000 spaces + ``!`` once cost the grader 181 s of CPU: the pattern
that recognises the course version backtracked quadratically. Each input below is as long as a
code cell may be; the deadline is hundreds of times what the linear scans take (milliseconds)
and a small fraction of what the quadratic one took.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from grader.grading import formats
from grader.submission import MAX_CELL_CHARS, neutralize_ipython_lines, strip_cell_magic

N = MAX_CELL_CHARS - 100

HOSTILE = {
    "import, spaces, !": "import a" + " " * N + "!",
    "from, spaces": "from a" + " " * N + "x",
    "name, spaces, !": "a" + " " * N + "!",
    "names and commas": "a," * (N // 2) + "!",
    "names, spaced commas": "a , " * (N // 4) + "!",
    "dotted name": "a." * (N // 2) + "!",
    "help line": "?" + "a" * N + "!",
    "get_ipython, spaces": "get_ipython" + " " * N,
    "many get_ipython": "get_ipython " * (N // 12),
    "assignment, spaces": "a = " + " " * N + "x",
    "tabs and spaces": "\t " * (N // 2) + "!",
}


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


SCANS: dict[str, Callable[[str], Any]] = {
    "course version": lambda line: formats.shifted_keys_allowed([line, line]),
    "IPython lines": neutralize_ipython_lines,
    "cell magic": strip_cell_magic,
}


@pytest.mark.parametrize("scan", sorted(SCANS))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_scans_of_student_code_are_linear(scan: str, name: str) -> None:
    with _deadline(3):
        SCANS[scan](HOSTILE[name])


def test_course_version_detection_still_reads_imports() -> None:
    read = formats.imported_modules
    assert read(["import numpy as np"]) == {"numpy"}
    assert read(["  import a.b, c as d"]) == {"a", "c"}
    assert read(["from testCases_v3 import *"]) == {"testCases_v3"}
    assert read(["import a  # a comment", "importx", "x = 1"]) == set()
    assert read(["import a" + " " * 1000 + "!"]) == set()
    assert formats.shifted_keys_allowed(["import testCases\nimport h5py"])
    assert not formats.shifted_keys_allowed(["import testCases, public_tests, h5py"])
