"""Removing a worker's folder, whatever student code left in it.

Used by the grader (each worker's folder, after the worker is killed) and by the zygote (the
folder of all its workers, when it exits). A worker may leave anything its folder can hold:
folders nested thousands deep, entries without permissions, symbolic links to anywhere. So
:func:`remove_tree` works without recursion (one folder open at a time, whatever the depth),
never follows a symbolic link (a link is removed, never what it points to), changes the
permissions of folders inside the tree only, and never raises: what cannot be removed stays.
Standard library only (the zygote imports it).
"""

from __future__ import annotations

import contextlib
import os
import stat

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_O_PATH = getattr(os, "O_PATH", 0)


def remove_tree(path: str) -> None:
    """Remove ``path`` and everything below it (see the module docstring). Never raises."""
    try:
        info = os.lstat(path)
    except OSError:
        return
    if not stat.S_ISDIR(info.st_mode):
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    try:
        parent = os.open(os.path.dirname(os.path.abspath(path)), _DIR_FLAGS & ~os.O_NOFOLLOW)
    except OSError:
        return
    try:
        _remove_below(parent, os.path.basename(os.path.abspath(path)))
    finally:
        os.close(parent)


def _enter(parent: int, name: str) -> int | None:
    """A descriptor of the folder ``name`` in ``parent`` (never through a link), made
    readable, writable and searchable by us; None if that cannot be done."""
    try:
        fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
    except PermissionError:
        return _enter_locked(parent, name)
    except OSError:
        return None
    try:
        if os.fstat(fd).st_mode & 0o700 != 0o700:
            os.fchmod(fd, 0o700)
    except OSError:
        pass
    return fd


def _enter_locked(parent: int, name: str) -> int | None:
    """Open a folder whose permissions refuse us (chmod 000 by its owner, as we may be): open
    it as a path only, which needs no permission on it, and change its mode through that
    descriptor (the folder itself, never a link's target)."""
    if not _O_PATH:
        return None
    try:
        handle = os.open(
            name, _O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent
        )
    except OSError:
        return None
    try:
        os.chmod(f"/proc/self/fd/{handle}", 0o700)  # the folder itself: fchmod refuses O_PATH
        return os.open(".", _DIR_FLAGS, dir_fd=handle)
    except OSError:
        return None
    finally:
        os.close(handle)


def _clear(fd: int, kept: set[str]) -> str | None:
    """Unlink every entry of the folder ``fd`` that is not a folder; return the name of one
    subfolder left to empty (None: none, apart from those in ``kept``)."""
    subfolder = None
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                if entry.name in kept:
                    continue
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_dir = False
                if is_dir:
                    subfolder = subfolder or entry.name
                    continue
                try:
                    os.unlink(entry.name, dir_fd=fd)
                except OSError:
                    kept.add(entry.name)
    except OSError:
        return None
    return subfolder


def _remove_below(parent: int, name: str) -> None:
    """Depth first, without recursion: the way down is a list of names, and the way back up
    is ``..``, checked to be the very folder we came from."""
    fd = _enter(parent, name)
    if fd is None:
        return
    names = [name]
    ids = [_identity(fd)]
    kept: list[set[str]] = [set()]  # per level: entries that could not be removed
    try:
        while True:
            sub = _clear(fd, kept[-1])
            if sub is not None:
                child = _enter(fd, sub)
                if child is None:
                    kept[-1].add(sub)
                    continue
                os.close(fd)
                fd = child
                names.append(sub)
                ids.append(_identity(fd))
                kept.append(set())
                continue
            if len(names) == 1:
                break
            up = os.open("..", _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = up
            done = names.pop()
            ids.pop()
            kept.pop()
            if _identity(fd) != ids[-1]:  # moved meanwhile: stop rather than guess
                return
            try:
                os.rmdir(done, dir_fd=fd)
            except OSError:
                kept[-1].add(done)
    except OSError:
        return
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.rmdir(name, dir_fd=parent)


def _identity(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino
