"""Run a student's notebook in a confined worker process and bring back plain results.

The grading engine hands over a cleaned :class:`~grader.submission.Submission` and a list of
:class:`Call` s; :meth:`Sandbox.run` returns what every cell and call did. Student code is
untrusted, so it never runs in this process:

* A **zygote** process (a fresh interpreter that imported numpy and :mod:`grader.child`,
  see there) is started as soon as a :class:`Sandbox` is made, and forks one **worker** per
  submission. The zygote never sees case data or expected values; this process does, which
  is why workers are not forked from here.
* The worker confines itself before running anything (Landlock, seccomp, no capabilities,
  resource limits; see :mod:`grader.landlock`) and runs the cells, then the calls, one
  request at a time. Each request has a deadline enforced *here*: a call or cell that hangs
  gets its worker's process group SIGKILLed, and costs only itself. After a worker dies (hang,
  segfault, ``os._exit``, memory), a fresh one re-runs the cells (minus any cell that killed
  a worker) and continues with the next call.
* Replies are length-prefixed :mod:`grader.values` messages. Anything malformed, oversized or
  out of sequence counts as a crash of that request, never as an error in the grader.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import py_compile
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.child import MAX_MESSAGE_BYTES, recv_exact, recv_frame, send_frame, send_frames
from grader.errors import SetupError
from grader.submission import Submission
from grader.values import Opaque, decode_message, encode_message, flatten, unflatten


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Defaults suit the assignment's small functions."""

    #: Wall seconds per function call, and per notebook cell.
    call_timeout: float = 5.0
    #: Wall seconds for the whole submission, restarts included.
    submission_timeout: float = 60.0
    #: Address-space limit (RLIMIT_AS) of the worker; numpy alone maps ~150 MB.
    memory_mb: int = 1024
    #: Captured stdout+stderr text kept per cell and per call.
    output_bytes: int = 10_000
    #: Largest file the worker may write (RLIMIT_FSIZE).
    file_mb: int = 16


@dataclass(frozen=True)
class Call:
    """One function call to make in the student's namespace.

    ``substitutes`` maps helper names to the ``(args, result)`` calls the reference made;
    during this call those helpers answer exactly those calls (and refuse others). Keyword
    arguments to a helper are matched by ``parameter_names[helper]`` when given, else by
    the parameter names of the student's own helper.
    """

    key: str
    function: str
    args: tuple[Any, ...]
    substitutes: Mapping[str, Sequence[tuple[tuple[Any, ...], Any]]] | None = None
    parameter_names: Mapping[str, Sequence[str]] | None = None


@dataclass(frozen=True)
class ExceptionInfo:
    """An exception raised by student code. ``cell`` (notebook index), ``lineno`` and ``line``
    (its text) locate the innermost line of the student's own cells involved, in the
    function named ``function``; all None when no cell was involved. ``lineno``/``line``
    are named as in :class:`traceback.FrameSummary`."""

    type: str
    message: str
    cell: int | None = None
    lineno: int | None = None
    line: str | None = None
    function: str | None = None


@dataclass(frozen=True)
class CallOutcome:
    """What a :class:`Call` did. ``status`` is one of ``ok``, ``error`` (an exception,
    ``sys.exit`` included), ``missing`` (no such callable), ``timeout``, ``crashed`` (the
    worker died), ``memory``, ``output`` (file-size limit), ``not_run`` (time budget used up).
    ``args_after`` are the arguments as the function left them (None if unknown)."""

    key: str
    status: str
    value: Any = None
    args_after: tuple[Any, ...] | None = None
    exception: ExceptionInfo | None = None
    output: str = ""
    duration: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class CellOutcome:
    """What running a code cell did: ``ok``, ``error``, ``timeout``, ``crashed``, ``memory``,
    ``output`` or ``skipped`` (with the reason in ``detail``)."""

    index: int
    status: str
    exception: ExceptionInfo | None = None
    output: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ExecutionResult:
    cells: tuple[CellOutcome, ...]
    calls: tuple[CallOutcome, ...]
    wall_time: float
    protections: Mapping[str, bool] = field(default_factory=dict)


_WORKER_STATUSES = {"ok", "error", "missing", "memory", "output"}
_START_TIMEOUT = 30.0
_ARGS_CACHE_BYTES = 64 * 1024 * 1024
_BLAS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_ZYGOTE_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); from grader.child import zygote_main; "
    "zygote_main(int(sys.argv[2]), sys.argv[3])"
)
PROJECT_PACKAGES = ("grader", "reference", "testcases")


class _WorkerGone(Exception):
    """The worker stopped answering: ``reason`` is ``timeout``, ``died`` or ``malformed``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# --- the zygote --------------------------------------------------------------------------


def project_root() -> Path:
    """The folder holding the ``grader`` package (the repository, when installed editable)."""
    return Path(__file__).resolve().parent.parent


def forbidden_paths(extra: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    """What a worker must not read: the project's packages and, for a source checkout or an
    editable install, the whole repository (case bundles, reference code, instructor files)."""
    paths = {os.path.realpath(p) for p in extra}
    for name in PROJECT_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            paths.update(os.path.realpath(p) for p in spec.submodule_search_locations)
    root = project_root()
    if root.name in ("site-packages", "dist-packages"):
        paths.update(str(p) for p in root.glob("dnn_autograder*"))
        paths.update(str(p) for p in root.glob("__editable__*dnn_autograder*"))
    else:
        paths.add(str(root))
    return sorted(paths)


class _Zygote:
    """The zygote process and its control socket (requests are serialized by a lock)."""

    def __init__(self, preload: Sequence[str], forbidden: Sequence[str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        config = {
            "forbidden": list(forbidden),
            "preload": list(preload),
            "project_root": str(project_root()),
            "isolate_network": True,
        }
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
        env.update(_BLAS_ENV)
        for name in ("LD_LIBRARY_PATH", "PYTHONHOME"):
            if name in os.environ:
                env[name] = os.environ[name]
        argv = [
            sys.executable,
            "-s",
            "-c",
            _ZYGOTE_CODE,
            str(project_root()),
            str(theirs.fileno()),
            json.dumps(config),
        ]
        self.process = subprocess.Popen(
            argv,
            pass_fds=(theirs.fileno(),),
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        self.sock = ours
        self.owner_pid = os.getpid()
        self.lock = threading.Lock()
        self._facts: dict[str, Any] | None = None

    def facts(self) -> dict[str, Any]:
        """The zygote's start-up report (waits for it the first time)."""
        with self.lock:
            if self._facts is None:
                self.sock.settimeout(_START_TIMEOUT)
                try:
                    facts = json.loads(recv_frame(self.sock, 1 << 24))
                except (OSError, EOFError, ValueError) as exc:
                    raise SetupError(
                        f"the sandbox could not start its worker process ({exc})."
                    ) from None
                self.sock.settimeout(None)
                if not isinstance(facts, dict) or not facts.get("ready"):
                    raise SetupError("the sandbox's worker process failed to start.")
                self._facts = facts
            return self._facts

    def _request(self, request: dict[str, Any], fds: Sequence[int] = ()) -> dict[str, Any]:
        payload = json.dumps(request).encode()
        with self.lock:
            try:
                self.sock.settimeout(_START_TIMEOUT)
                size = len(payload).to_bytes(8, "big")
                socket.send_fds(self.sock, [size], list(fds))
                self.sock.sendall(payload)
                reply = json.loads(recv_frame(self.sock, 1 << 20))
            except (OSError, EOFError, ValueError) as exc:
                raise _WorkerGone("died", f"zygote: {exc}") from None
        if not isinstance(reply, dict):
            raise _WorkerGone("died", "zygote sent a malformed reply")
        return reply

    def fork(self, request: dict[str, Any], sock: socket.socket) -> int:
        self.facts()
        reply = self._request({"op": "fork", **request}, [sock.fileno()])
        pid = reply.get("pid")
        if not isinstance(pid, int) or pid <= 0:
            raise _WorkerGone("died", "zygote could not fork")
        return pid

    def release(self, pid: int) -> None:
        """Tell the zygote to reap a killed worker whenever it has died (no reply)."""
        payload = json.dumps({"op": "release", "pid": pid}).encode()
        with self.lock:
            try:
                self.sock.settimeout(_START_TIMEOUT)
                send_frame(self.sock, payload)
            except OSError as exc:
                raise _WorkerGone("died", f"zygote: {exc}") from None

    def reap(self, pid: int) -> int | None:
        status = self._request({"op": "reap", "pid": pid}).get("status")
        return status if isinstance(status, int) else None

    def alive(self) -> bool:
        return self.process.poll() is None and self.owner_pid == os.getpid()

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- one worker --------------------------------------------------------------------------


class _Worker:
    """A forked worker serving one submission, seen from the grader."""

    def __init__(self, zygote: _Zygote, limits: Limits, workdir: str) -> None:
        self.zygote = zygote
        self.workdir = workdir
        self.seq = 0
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": workdir,
            "TMPDIR": workdir,
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": workdir,
            **_BLAS_ENV,
        }
        request = {
            "workdir": workdir,
            "memory_mb": limits.memory_mb,
            "file_mb": limits.file_mb,
            "cpu_seconds": int(limits.submission_timeout) + 10,
            "env": env,
        }
        try:
            self.pid = zygote.fork(request, theirs)
        finally:
            theirs.close()
        self.sock = ours
        self.dead = False
        self.wait_status: int | None = None
        header, _ = self.exchange((), _START_TIMEOUT)
        protections = header.get("protections")
        if header.get("op") != "ready" or not isinstance(protections, dict):
            raise _WorkerGone("malformed", "the worker did not start properly")
        self.protections = {str(k): bool(v) for k, v in protections.items()}

    def exchange(
        self, requests: Sequence[bytes], timeout: float
    ) -> tuple[dict[str, Any], list[Any]]:
        """Send ``requests`` (frames, maybe none) and read one reply within ``timeout`` s."""
        deadline = time.monotonic() + max(timeout, 0.001)
        try:
            if requests:
                self.sock.settimeout(max(timeout, 0.001))
                send_frames(self.sock, *requests)
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            size = int.from_bytes(recv_exact(self.sock, 8), "big")
            if size > MAX_MESSAGE_BYTES:
                raise _WorkerGone("malformed", f"the worker sent a {size}-byte reply")
            payload = bytearray()
            while len(payload) < size:
                self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = self.sock.recv(min(size - len(payload), 1 << 22))
                if not chunk:
                    raise EOFError
                payload += chunk
        except TimeoutError:
            raise _WorkerGone("timeout") from None
        except (EOFError, OSError):
            raise _WorkerGone("died") from None
        try:
            header, arrays = decode_message(bytes(payload))
        except Exception:
            raise _WorkerGone("malformed", "the worker sent an unreadable reply") from None
        return header, arrays

    def kill(self, learn_status: bool = True) -> None:
        """SIGKILL the worker's process group; with ``learn_status``, wait to learn how it
        ended (``wait_status``), else let the zygote reap it in the background."""
        if self.dead:
            return
        self.dead = True
        self.sock.close()
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
                break
            except (ProcessLookupError, PermissionError):
                continue
        try:
            if learn_status:
                self.wait_status = self.zygote.reap(self.pid)
            else:
                self.zygote.release(self.pid)
        except _WorkerGone:
            self.wait_status = None
        _remove_tree(self.workdir)


def _remove_tree(path: str) -> None:
    def make_writable(_func: Any, target: str, _exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            if os.path.isdir(target):
                shutil.rmtree(target, ignore_errors=True)
            else:
                os.unlink(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=make_writable)


def _death(status: int | None, limits: Limits) -> tuple[str, str]:
    """Outcome status and explanation for a worker that died on its own."""
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if number == signal.SIGKILL:
            return "memory", (
                f"the worker was killed by the system (SIGKILL), most likely for using too "
                f"much memory (limit {limits.memory_mb} MB)"
            )
        if number == signal.SIGXCPU:
            return "timeout", "the worker used up its CPU time"
        if number == signal.SIGXFSZ:
            return "output", f"a file grew past the {limits.file_mb} MB limit"
        return "crashed", f"the worker process crashed ({name}, e.g. a segfault in C code)"
    if status is not None and os.WIFEXITED(status):
        return "crashed", (
            f"the worker process exited with status {os.WEXITSTATUS(status)} "
            "(os._exit() or a fatal error)"
        )
    return "crashed", "the worker process ended unexpectedly"


# --- reading replies ---------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value[: limit + 200]


def _exception(value: Any) -> ExceptionInfo | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("bad exception record")

    def opt_int(v: Any) -> int | None:
        return v if type(v) is int else None

    def opt_str(v: Any) -> str | None:
        return v[:2000] if isinstance(v, str) else None

    return ExceptionInfo(
        type=_text(value.get("type"), 200),
        message=_text(value.get("message"), 2000),
        cell=opt_int(value.get("cell")),
        lineno=opt_int(value.get("lineno")),
        line=opt_str(value.get("line")),
        function=opt_str(value.get("function")),
    )


def _check_reply(header: dict[str, Any], op: str, seq: int) -> None:
    if header.get("op") != op or header.get("seq") != seq:
        raise ValueError("reply out of sequence")
    if header.get("status") not in _WORKER_STATUSES:
        raise ValueError("unknown status")


# --- answering substituted helpers --------------------------------------------------------


def _numbers_close(got: Any, recorded: Any) -> bool:
    a, b = np.asarray(got), np.asarray(recorded)
    if a.dtype.kind not in "iufc" or b.dtype.kind not in "iufc":
        return a.dtype.kind == b.dtype.kind and bool(np.array_equal(a, b))
    return bool(np.allclose(a, b, rtol=1e-7, atol=1e-9, equal_nan=True))


def same_argument(got: Any, recorded: Any) -> bool:
    """Whether a helper argument matches the recorded one: same structure and types, arrays
    of the same shape and close (rtol 1e-7, atol 1e-9), strings equal.

    Python numbers and numpy scalars compare by value; bools only match bools; a tuple
    never matches a list.
    """
    if type(recorded) is np.ndarray:
        return (
            type(got) is np.ndarray
            and got.shape == recorded.shape
            and _numbers_close(got, recorded)
        )
    if isinstance(recorded, bool | np.bool_) or isinstance(got, bool | np.bool_):
        return type(got) is type(recorded) and bool(got == recorded)
    numeric = (int, float, complex, np.number)
    if isinstance(recorded, numeric):
        return isinstance(got, numeric) and _numbers_close(got, recorded)
    if type(recorded) in (tuple, list):
        return (
            type(got) is type(recorded)
            and len(got) == len(recorded)
            and all(same_argument(g, r) for g, r in zip(got, recorded, strict=True))
        )
    if type(recorded) is dict:
        return (
            type(got) is dict
            and set(got) == set(recorded)
            and all(same_argument(got[k], v) for k, v in recorded.items())
        )
    if recorded is None:
        return got is None
    return type(got) is type(recorded) and bool(got == recorded)


def describe_arguments(args: Sequence[Any]) -> str:
    """Short, value-free description of call arguments (shapes, keys), for messages."""

    def one(value: Any) -> str:
        if type(value) is np.ndarray:
            return f"array{value.shape}"
        if type(value) in (tuple, list):
            inner = ", ".join(one(v) for v in value[:4]) + (", ..." if len(value) > 4 else "")
            return f"({inner})" if type(value) is tuple else f"[{inner}]"
        if type(value) is dict:
            return "{" + ", ".join(repr(k)[:30] for k in list(value)[:6]) + "}"
        if type(value) in (int, float, str, bool) or value is None:
            return repr(value)[:40]
        return type(value).__name__

    return ", ".join(one(a) for a in args)


def answer_oracle(call: Call, request: dict[str, Any], arrays: list[Any]) -> bytes:
    """The grader's answer to a substituted helper's call: the recorded result if the
    arguments match one the reference used, else a refusal saying what was unexpected."""
    helper = str(request.get("helper"))
    recorded = (call.substitutes or {}).get(helper, ())
    args = unflatten(request["tree"], arrays)
    if type(args) is tuple:
        for recorded_args, result in recorded:
            if len(recorded_args) == len(args) and all(
                same_argument(g, r) for g, r in zip(args, recorded_args, strict=True)
            ):
                tree, result_arrays = flatten(result, strict=True)
                return encode_message({"op": "answer", "found": True, "tree": tree}, result_arrays)
        shown = describe_arguments(args)
    else:
        shown = "?"
    message = (
        f"{helper}({shown}) is not a call the reference solution makes here "
        f"(it made {len(recorded)} call(s) to {helper}, with other arguments)"
    )
    return encode_message({"op": "answer", "found": False, "message": message}, [])


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
    ) -> None:
        self.limits = limits or Limits()
        self._preload = tuple(preload)
        self._forbidden = forbidden_paths(forbidden)
        self._lock = threading.Lock()
        self._zygote: _Zygote | None = _Zygote(self._preload, self._forbidden)
        self._base = tempfile.mkdtemp(prefix="dnn-grader-")
        self._protections: dict[str, bool] = {}
        self._args_cache: dict[Any, bytes] = {}
        self._bytecode_cache: dict[tuple[str, str], bytes | None] = {}
        self._args_cache_bytes = 0

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote.close()
        _remove_tree(self._base)

    def _current_zygote(self, restart: bool = False) -> _Zygote:
        with self._lock:
            if self._zygote is None and not os.path.isdir(self._base):
                raise RuntimeError("this Sandbox is closed")
            if restart or self._zygote is None or not self._zygote.alive():
                if self._zygote is not None and self._zygote.owner_pid == os.getpid():
                    self._zygote.close()
                self._zygote = _Zygote(self._preload, self._forbidden)
            return self._zygote

    def _encode_args(self, args: tuple[Any, ...]) -> bytes:
        """The message carrying ``args``, reused when the same values are sent again.

        Batch grading sends the same case inputs to every submission, and numpy's ``.npy``
        writer costs tens of microseconds per array; the cache key is the values themselves
        (tree and array bytes), so an input changed in place is never sent stale.
        """
        tree, arrays = flatten(tuple(args), strict=True)
        key = (
            json.dumps(tree, sort_keys=True),
            tuple((a.dtype.str, a.shape, a.tobytes()) for a in arrays),
        )
        cached = self._args_cache.get(key)
        if cached is None:
            cached = encode_message({"tree": tree}, arrays)
            with self._lock:
                if self._args_cache_bytes > _ARGS_CACHE_BYTES:
                    self._args_cache.clear()
                    self._args_cache_bytes = 0
                self._args_cache[key] = cached
                self._args_cache_bytes += 2 * len(cached)
        return cached

    def protections(self) -> dict[str, bool]:
        """Which protections the workers actually got (runs an empty submission if needed)."""
        if not self._protections:
            self.run(Submission(Path("<empty>"), ()), [])
        return dict(self._protections)

    def _bytecode(self, name: str, source: bytes) -> bytes | None:
        """Compiled bytecode (an unchecked-hash ``.pyc``) of a helper module, made once.

        Without it every worker compiles ``public_tests.py`` & co. from source, the largest
        single cost of starting a notebook. The sources are the instructor's, not students'.
        """
        key = (name, hashlib.sha256(source).hexdigest())
        if key not in self._bytecode_cache:
            folder = tempfile.mkdtemp(prefix="pyc", dir=self._base)
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
                _remove_tree(folder)
        return self._bytecode_cache[key]

    def _write_files(self, workdir: str, files: Mapping[str, bytes]) -> None:
        cache = os.path.join(workdir, "__pycache__")
        for name, data in files.items():
            if os.path.basename(name) != name or name in ("", ".", "..", "__pycache__"):
                raise ValueError(f"workdir file name {name!r} must be a plain file name")
            with open(os.path.join(workdir, name), "wb") as f:
                f.write(data)
            code = self._bytecode(name, data) if name.endswith(".py") else None
            if code is not None:
                os.makedirs(cache, exist_ok=True)
                pyc = f"{name[:-3]}.{sys.implementation.cache_tag}.pyc"
                with open(os.path.join(cache, pyc), "wb") as f:
                    f.write(code)

    def _start_worker(self, files: Mapping[str, bytes]) -> _Worker:
        for attempt in range(2):
            workdir = tempfile.mkdtemp(prefix="w", dir=self._base)
            self._write_files(workdir, files)
            zygote = self._current_zygote(restart=attempt > 0)
            try:
                worker = _Worker(zygote, self.limits, workdir)
            except _WorkerGone as exc:
                _remove_tree(workdir)
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
    ) -> ExecutionResult:
        """Run all cells of ``submission``, then each call, in a fresh confined worker."""
        return _Run(self, submission, calls, workdir_files or {}).execute()


class _Run:
    """The bookkeeping of one :meth:`Sandbox.run`: which cells and calls are done."""

    def __init__(
        self,
        sandbox: Sandbox,
        submission: Submission,
        calls: Sequence[Call],
        files: Mapping[str, bytes],
    ) -> None:
        self.sandbox = sandbox
        self.limits = sandbox.limits
        self.submission = submission
        self.calls = list(calls)
        self.files = files
        self.cells: dict[int, CellOutcome] = {}
        self.banned: set[int] = set()
        self.outcomes: list[CallOutcome] = []
        self.start = time.monotonic()
        self.deadline = self.start + self.limits.submission_timeout
        self.worker: _Worker | None = None

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def execute(self) -> ExecutionResult:
        try:
            while self.left() > 0:
                if self.worker is None:
                    self.worker = self.sandbox._start_worker(self.files)
                    if not self.run_cells(self.worker):
                        self.worker = None
                        continue
                if len(self.outcomes) == len(self.calls):
                    break
                if not self.run_call(self.worker, self.calls[len(self.outcomes)]):
                    self.worker = None
        finally:
            if self.worker is not None:
                self.worker.kill(learn_status=False)
        return self.result()

    def result(self) -> ExecutionResult:
        budget = f"not run: the submission used up its {self.limits.submission_timeout:g} s budget"
        cells = []
        for cell in self.submission.cells:
            if cell.skipped_reason is not None:
                cells.append(CellOutcome(cell.index, "skipped", detail=cell.skipped_reason))
            else:
                cells.append(
                    self.cells.get(cell.index, CellOutcome(cell.index, "skipped", detail=budget))
                )
        calls = list(self.outcomes)
        calls += [CallOutcome(c.key, "not_run", detail=budget) for c in self.calls[len(calls) :]]
        return ExecutionResult(
            cells=tuple(cells),
            calls=tuple(calls),
            wall_time=time.monotonic() - self.start,
            protections=dict(self.sandbox._protections),
        )

    def run_cells(self, worker: _Worker) -> bool:
        """Run every runnable cell in order; False if the worker had to be killed."""
        for cell in self.submission.cells:
            if cell.skipped_reason is not None or cell.index in self.banned:
                continue
            timeout = min(self.limits.call_timeout, self.left())
            if timeout <= 0:
                worker.kill()
                return False
            worker.seq += 1
            request = encode_message(
                {
                    "op": "cell",
                    "seq": worker.seq,
                    "index": cell.index,
                    "source": cell.source,
                    "cap": self.limits.output_bytes,
                },
                [],
            )
            try:
                header, _ = worker.exchange((request,), timeout)
                _check_reply(header, "cell", worker.seq)
                outcome = CellOutcome(
                    cell.index,
                    header["status"],
                    _exception(header.get("exception")),
                    _text(header.get("output"), self.limits.output_bytes),
                )
            except (_WorkerGone, ValueError, TypeError) as exc:
                status, detail = self.failure(worker, exc, timeout)
                self.banned.add(cell.index)
                self.cells[cell.index] = CellOutcome(cell.index, status, detail=detail)
                return False
            self.cells.setdefault(cell.index, outcome)
        return True

    def run_call(self, worker: _Worker, call: Call) -> bool:
        """Make one call and record its outcome; False if the worker had to be killed."""
        timeout = min(self.limits.call_timeout, self.left())
        deadline = time.monotonic() + timeout
        worker.seq += 1
        names = call.parameter_names or {}
        helpers = {k: list(names[k]) if k in names else None for k in call.substitutes or {}}
        header = {
            "op": "call",
            "seq": worker.seq,
            "function": call.function,
            "cap": self.limits.output_bytes,
            "helpers": helpers,
        }
        requests = (encode_message(header, []), self.sandbox._encode_args(call.args))
        started = time.monotonic()
        try:
            reply, reply_arrays = worker.exchange(requests, timeout)
            while reply.get("op") == "oracle" and reply.get("seq") == worker.seq:
                answer = answer_oracle(call, reply, reply_arrays)
                reply, reply_arrays = worker.exchange((answer,), deadline - time.monotonic())
            duration = time.monotonic() - started
            _check_reply(reply, "call", worker.seq)
            pair = unflatten(reply["tree"], reply_arrays)
            if reply.get("args_unchanged") is True and type(pair) is tuple and len(pair) == 2:
                pair = (tuple(call.args), pair[1])
            outcome = self.call_outcome(call, reply, pair)
        except (_WorkerGone, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
            status, detail = self.failure(worker, exc, timeout)
            duration = time.monotonic() - started
            self.outcomes.append(CallOutcome(call.key, status, duration=duration, detail=detail))
            return False
        self.outcomes.append(dataclasses.replace(outcome, duration=duration))
        return True

    def call_outcome(self, call: Call, reply: dict[str, Any], pair: Any) -> CallOutcome:
        if type(pair) is not tuple or len(pair) != 2:
            raise ValueError("bad reply tree")
        args_after, value = pair
        status = reply["status"]
        detail = ""
        if status == "missing":
            detail = f"no function named {call.function!r} is defined in the notebook"
        elif status == "memory":
            detail = f"ran out of memory (limit {self.limits.memory_mb} MB)"
        elif status == "output":
            detail = f"a file grew past the {self.limits.file_mb} MB limit"
        return CallOutcome(
            key=call.key,
            status=status,
            value=value if status == "ok" else None,
            args_after=args_after if type(args_after) is tuple else None,
            exception=_exception(reply.get("exception")),
            output=_text(reply.get("output"), self.limits.output_bytes),
            detail=detail,
        )

    def failure(self, worker: _Worker, exc: Exception, timeout: float) -> tuple[str, str]:
        """Kill the worker after a failed request; status and detail of that request."""
        worker.kill()
        reason = exc.reason if isinstance(exc, _WorkerGone) else "malformed"
        if reason == "timeout":
            if timeout < self.limits.call_timeout:
                return "timeout", (
                    f"stopped when the submission's {self.limits.submission_timeout:g} s "
                    "budget ran out"
                )
            return "timeout", f"did not finish within {self.limits.call_timeout:g} s"
        if reason == "malformed":
            return "crashed", "the worker sent a malformed reply"
        return _death(worker.wait_status, self.limits)


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
    "Opaque",
    "Sandbox",
    "run_submission",
]
