"""Writing files so that a reader never sees half of one: :func:`write_atomic`, :func:`atomic_path`.

Every file the grader writes for someone else to read (the reports of ``check``, the batch's
per-student and class files, the LMS exports, released folders and zips, case bundles) goes
through here: the text or bytes go to a temporary file in the same folder, which then replaces
the target with ``os.replace``. A run killed mid-write leaves the old file (or none), never a
truncated one. Standard library only, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@functools.lru_cache(maxsize=1)
def file_mode() -> int:
    """The mode a new file gets under this process's umask (0o644 under umask 022)."""
    mask = os.umask(0o022)  # the only way to read it is to set it: put it back at once
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: Path, *, parents: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it replaces ``path`` when the block ends
    without an exception, and is removed otherwise (for writers that want a file name: zip
    archives, HDF5 files).

    The file gets the mode an ordinary new file would get under the umask. ``parents``: create
    the missing folders above ``path`` (otherwise a missing folder is an :class:`OSError`
    naming ``path``)."""
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    tmp = Path(name)
    try:
        os.fchmod(fd, file_mode())
        os.close(fd)
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes, *, parents: bool = True) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old or the new file.

    Text is UTF-8, written as given (no newline translation); text that cannot be encoded (a
    lone surrogate from a file name that is not UTF-8) is replaced rather than
    failing (as ``?``)."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", errors="replace")
    with atomic_path(path, parents=parents) as tmp:
        tmp.write_bytes(raw)
