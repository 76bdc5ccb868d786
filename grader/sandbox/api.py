"""Run a student's notebook in a confined worker process and bring back plain results.

The grading engine hands over a cleaned :class:`~grader.submission.Submission` and a list of
:class:`Call` s; :meth:`Sandbox.run` returns what every cell and call did. Student code is
untrusted, so it never runs in this process:

* A **zygote** process (a fresh interpreter that imported numpy and the worker code,
  :mod:`grader.sandbox.worker`) is started as soon as a :class:`Sandbox` is made, and forks
  one **worker** per submission. The zygote never sees case data or expected values; this
  process does, which is why workers are not forked from here.
* The worker confines itself before running anything (Landlock, seccomp, no capabilities,
  resource limits; see :mod:`grader.sandbox.worker.confinement`) and runs the cells, then the
  calls. Requests are pipelined, and each has its own deadline enforced *here*: a call or
  cell that hangs gets its worker's process group SIGKILLed, and costs only itself. After a
  worker dies (hang, segfault, ``os._exit``, memory), a fresh one re-runs the cells (minus
  any cell that killed a worker) and continues with the next call.
* The parts: this module (the :class:`Sandbox` and its message cache),
  :mod:`grader.sandbox.outcomes` (what is asked and reported), :mod:`grader.sandbox.run`
  (one run's bookkeeping), :mod:`grader.sandbox.clock` (each function's share of the time),
  :mod:`grader.sandbox.link` (one worker's socket and death),
  :mod:`grader.sandbox.zygote` and :mod:`grader.sandbox.worker.main` (the zygote),
  :mod:`grader.sandbox.worker.runner` (the worker's own code), :mod:`grader.sandbox.matching`
  (answering substituted helpers).
* Every message is a typed record of :mod:`grader.sandbox.protocol`, sent as a
  :mod:`grader.sandbox.codec` message in a :mod:`grader.sandbox.frames` frame. Anything
  malformed, oversized or out of sequence counts as a crash of that request, never as an
  error in the grader.
"""

from __future__ import annotations

import hashlib
import json
import os
import py_compile
import sys
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from grader.errors import SetupError
from grader.sandbox.codec import Opaque, encode_message, encode_record, flatten, flatten_into
from grader.sandbox.link import Worker, shut_down
from grader.sandbox.outcomes import (
    Call,
    CallOutcome,
    CellOutcome,
    ExceptionInfo,
    ExecutionResult,
    Followups,
    Limits,
)
from grader.sandbox.protocol import OracleAnswer, Values, to_header
from grader.sandbox.run import Run
from grader.sandbox.zygote import WorkerGone, Zygote, forbidden_paths, remove_tree
from grader.submission import Submission

MESSAGE_CACHE_BYTES = 64 * 1024 * 1024


# --- the sandbox -------------------------------------------------------------------------


class Sandbox:
    """A warm zygote that runs any number of submissions, each in its own fresh worker.

    Create it early: the zygote starts in the background while the caller reads case bundles.
    Thread-safe; use it from the process that created it (a forked copy starts its own).
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        preload: Sequence[str] = (),
        forbidden: Sequence[str | os.PathLike[str]] = (),
        modules: Mapping[str, bytes] | None = None,
        zygote: Zygote | None = None,
    ) -> None:
        """``preload`` names installed modules, ``modules`` gives helper modules by file name
        (``dnn_utils.py``: source); the zygote imports both once so that no worker pays for
        importing them. ``modules`` must be the instructor's files, never a student's.
        ``zygote``: one already started with the same ``preload``, ``forbidden`` and
        ``modules`` (see :func:`grader.sandbox.zygote.start`); the sandbox takes it over."""
        self.limits = limits or Limits()
        self._preload = tuple(preload)
        self._modules = dict(modules or {})
        self._forbidden = forbidden_paths(forbidden)
        self._lock = threading.Lock()
        self._zygote: Zygote | None = zygote or Zygote(
            self._preload, self._forbidden, self._modules
        )
        self._closed = False
        self._case_inputs: tuple[bytes, tuple[str, ...]] | None = None
        self._protections: dict[str, bool] = {}
        self._message_cache: dict[Any, tuple[Any, bytes]] = {}
        self._message_cache_bytes = 0
        self._bytecode_cache: dict[tuple[str, str], bytes | None] = {}
        # A Sandbox nobody closed still stops its zygote and removes its folder at exit.
        self._finalizer = weakref.finalize(self, shut_down, self._zygote)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the zygote (and any worker still running) and remove the temporary files."""
        with self._lock:
            self._closed = True
            zygote, self._zygote = self._zygote, None
        self._finalizer.detach()
        shut_down(zygote)

    def _current_zygote(self) -> Zygote:
        """The zygote, replaced first if it died, misbehaved, or belongs to another process."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this Sandbox is closed")
            if self._zygote is None or not self._zygote.alive():
                old = self._zygote
                self._zygote = Zygote(self._preload, self._forbidden, self._modules)
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, shut_down, self._zygote)
                if old is not None and old.owner_pid == os.getpid():
                    old.close()
                if self._case_inputs is not None:
                    self._zygote.preload(*self._case_inputs)
            return self._zygote

    def preload_args(self, args_by_key: Mapping[str, tuple[Any, ...]]) -> None:
        """Give the zygote these case inputs once; a :class:`Call` whose ``args_ref`` names
        one then travels without its arguments (each worker copies them from its memory)."""
        arrays: list[Any] = []
        trees = {
            key: flatten_into(tuple(args), arrays, strict=True) for key, args in args_by_key.items()
        }
        self._case_inputs = (encode_message({"cases": trees}, arrays), tuple(args_by_key))
        self._current_zygote().preload(*self._case_inputs)

    def preloaded(self, key: str | None) -> bool:
        zygote = self._zygote
        return key is not None and zygote is not None and key in zygote.preloaded

    def encode_cached(self, record: Values | OracleAnswer, value: Any) -> bytes:
        """``record`` with ``value`` as its tree, encoded, and reused when the very same
        object is sent again: batch grading sends the same case inputs (and oracle answers)
        to every submission. The cache holds the object itself, so an ``id`` is never reused
        while its entry lives; values handed to the sandbox must not be changed afterwards."""
        key = (type(record), json.dumps(to_header(record), sort_keys=True), id(value))
        entry = self._message_cache.get(key)
        if entry is not None and entry[0] is value:
            return entry[1]
        tree, arrays = flatten(value, strict=True)
        encoded = encode_record(replace(record, tree=tree), arrays)
        with self._lock:
            if self._message_cache_bytes > MESSAGE_CACHE_BYTES:
                self._message_cache.clear()
                self._message_cache_bytes = 0
            self._message_cache[key] = (value, encoded)
            self._message_cache_bytes += len(encoded)
        return encoded

    def protections_seen(self) -> dict[str, bool]:
        """The protections the last worker reported (empty before the first worker)."""
        return dict(self._protections)

    def protections(self) -> dict[str, bool]:
        """Which protections the workers actually got, by name (``landlock_filesystem``,
        ``landlock_network``, ``landlock_scope``, ``seccomp``, ``no_capabilities``,
        ``network_namespace``, ``rlimits``, ``own_session``, ``separate_user``: run as root,
        the worker dropped to an unprivileged user; ``secrets_unreadable``: the worker could
        open neither the hidden bundle nor the solution's code). Starts a worker if none ran."""
        if not self._protections:
            self.start_worker({}).kill()
        return dict(self._protections)

    def _bytecode(self, name: str, source: bytes) -> bytes | None:
        """Compiled bytecode (an unchecked-hash ``.pyc``) of a helper module, made once.

        Without it every worker compiles ``public_tests.py`` & co. from source, the largest
        single cost of starting a notebook. The sources are the instructor's, not students'.
        """
        key = (name, hashlib.sha256(source).hexdigest())
        if key not in self._bytecode_cache:
            folder = tempfile.mkdtemp(prefix="dnn-grader-pyc-")
            try:
                path = os.path.join(folder, name)
                with open(path, "wb") as f:
                    f.write(source)
                py_compile.compile(
                    path,
                    cfile=path + "c",
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                with open(path + "c", "rb") as f:
                    self._bytecode_cache[key] = f.read()
            except (py_compile.PyCompileError, OSError, ValueError):
                self._bytecode_cache[key] = None
            finally:
                remove_tree(folder)
        return self._bytecode_cache[key]

    def _imported_by_zygote(self, zygote: Zygote, name: str, data: bytes) -> bool:
        """Whether workers already hold this very file as a module (imported by the zygote),
        so that compiling it for them would be wasted."""
        failed = zygote.facts().preload_failed
        return self._modules.get(name) == data and name[:-3] not in failed

    def _write_files(self, zygote: Zygote, workdir: str, files: Mapping[str, bytes]) -> None:
        cache = os.path.join(workdir, "__pycache__")
        for name, data in files.items():
            if os.path.basename(name) != name or name in ("", ".", "..", "__pycache__"):
                raise ValueError(f"workdir file name {name!r} must be a plain file name")
            if name.endswith(".py") and self._imported_by_zygote(zygote, name, data):
                continue  # workers hold it already, as a module: no file, no bytecode needed
            with open(os.path.join(workdir, name), "wb") as f:
                f.write(data)
            code = self._bytecode(name, data) if name.endswith(".py") else None
            if code is not None:
                os.makedirs(cache, exist_ok=True)
                pyc = f"{name[:-3]}.{sys.implementation.cache_tag}.pyc"
                with open(os.path.join(cache, pyc), "wb") as f:
                    f.write(code)

    def start_worker(self, files: Mapping[str, bytes]) -> Worker:
        for _attempt in range(2):
            zygote = self._current_zygote()
            workdir = tempfile.mkdtemp(prefix="w", dir=zygote.base)
            self._write_files(zygote, workdir, files)
            try:
                worker = Worker(zygote, self.limits, workdir)
            except WorkerGone as exc:
                remove_tree(workdir)
                error = exc
                continue
            self._protections = worker.protections
            return worker
        raise SetupError(f"the sandbox could not start a worker ({error.reason} {error.detail}).")

    def run(
        self,
        submission: Submission,
        calls: Sequence[Call],
        workdir_files: Mapping[str, bytes] | None = None,
        followups: Followups | None = None,
    ) -> ExecutionResult:
        """Run all cells of ``submission``, then each call, in a fresh confined worker.

        ``followups``, when given, is asked once, after every call has its outcome, for more
        calls to make in the same worker (the grading engine uses it to re-run only the
        failing cases of a function with correct helpers substituted).
        """
        return Run(self, submission, calls, workdir_files or {}, followups).execute()


def run_submission(
    submission: Submission,
    calls: Sequence[Call],
    limits: Limits | None = None,
    workdir_files: Mapping[str, bytes] | None = None,
) -> ExecutionResult:
    """One-shot :meth:`Sandbox.run` (starts and stops a zygote; batch users keep a Sandbox)."""
    with Sandbox(limits) as sandbox:
        return sandbox.run(submission, calls, workdir_files)


__all__ = [
    "Call",
    "CallOutcome",
    "CellOutcome",
    "ExceptionInfo",
    "ExecutionResult",
    "Limits",
    "Followups",
    "Opaque",
    "Sandbox",
    "run_submission",
]
