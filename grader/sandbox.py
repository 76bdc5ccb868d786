"""Run a student's notebook in a confined worker process and bring back plain results.

The grading engine hands over a cleaned :class:`~grader.submission.Submission` and a list of
:class:`Call` s; :meth:`Sandbox.run` returns what every cell and call did. Student code is
untrusted, so it never runs in this process:

* A **zygote** process (a fresh interpreter that imported numpy and :mod:`grader.child`,
  see there) is started as soon as a :class:`Sandbox` is made, and forks one **worker** per
  submission. The zygote never sees case data or expected values; this process does, which
  is why workers are not forked from here.
* The worker confines itself before running anything (Landlock, seccomp, no capabilities,
  resource limits; see :mod:`grader.landlock`) and runs the cells, then the calls. Requests
  are pipelined, and each has its own deadline enforced *here*: a call or cell that hangs
  gets its worker's process group SIGKILLed, and costs only itself. After a worker dies (hang,
  segfault, ``os._exit``, memory), a fresh one re-runs the cells (minus any cell that killed
  a worker) and continues with the next call.
* Replies are length-prefixed :mod:`grader.values` messages. Anything malformed, oversized or
  out of sequence counts as a crash of that request, never as an error in the grader.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import py_compile
import select
import signal
import socket
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from grader.child import describe_arguments, find_recorded
from grader.errors import SetupError
from grader.frames import MAX_MESSAGE_BYTES
from grader.submission import CodeCell, Submission
from grader.values import Opaque, decode_message, digest, encode_message, flatten, unflatten
from grader.zygote import (
    BLAS_ENV,
    START_TIMEOUT,
    WorkerGone,
    Zygote,
    forbidden_paths,
    remove_tree,
)


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
    #: A tighter wall-clock limit for this call than ``Limits.call_timeout`` (None: that one).
    timeout: float | None = None


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
    ``args_after`` are the arguments as the function left them when it changed them; None
    when they came back unchanged (or nothing came back)."""

    key: str
    status: str
    value: Any = None
    args_after: tuple[Any, ...] | None = None
    exception: ExceptionInfo | None = None
    output: str = ""
    duration: float = 0.0
    detail: str = ""
    #: :func:`grader.values.digest` of the returned value (None when the arguments changed).
    value_digest: str | None = None


@dataclass(frozen=True)
class CellOutcome:
    """What running a code cell did: ``ok``, ``error`` (an exception, MemoryError included),
    ``timeout``, ``crashed`` (the worker died, ``detail`` says how) or ``skipped`` (a cell
    magic, or the time budget ran out; the reason is in ``detail``)."""

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
_MESSAGE_CACHE_BYTES = 64 * 1024 * 1024


# --- one worker --------------------------------------------------------------------------


class _Channel:
    """The grader's end of a worker's socket: frames queued out, whole messages in.

    Non-blocking, so requests can be pipelined: while waiting for one reply the grader keeps
    sending the next requests, and the worker never idles waiting for the grader to decode.
    """

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self.sock = sock
        self.poller = select.poll()
        self.outgoing: deque[list[memoryview]] = deque()  # frames not started yet
        self.sending: list[memoryview] = []  # the rest of the frame being sent
        self.incoming = bytearray()

    def queue(self, *payloads: bytes, urgent: bool = False) -> None:
        """Queue frames, in order; ``urgent`` ones go before those not yet started."""
        frames = [[memoryview(len(p).to_bytes(8, "big")), memoryview(p)] for p in payloads]
        if urgent:
            self.outgoing.extendleft(reversed(frames))
        else:
            self.outgoing.extend(frames)

    def _send_some(self) -> None:
        """Send as much as the socket takes now, several frames per system call."""
        while self.sending or self.outgoing:
            if not self.sending:
                self.sending = self.outgoing.popleft()
            batch = [self.sending, *itertools.islice(self.outgoing, 31)]
            try:
                sent = self.sock.sendmsg([b for frame in batch for b in frame])
            except BlockingIOError:
                return
            for index, frame in enumerate(batch):
                if index:
                    self.outgoing.popleft()
                size = sum(len(b) for b in frame)
                if sent < size:  # this frame is now the one being sent
                    while sent >= len(frame[0]):
                        sent -= len(frame[0])
                        frame = frame[1:]
                    self.sending = [frame[0][sent:], *frame[1:]]
                    return
                sent -= size
            self.sending = []

    def _message(self) -> tuple[dict[str, Any], list[Any]] | None:
        if len(self.incoming) < 8:
            return None
        size = int.from_bytes(self.incoming[:8], "big")
        if size > MAX_MESSAGE_BYTES:
            raise WorkerGone("malformed", f"the worker announced a {size}-byte message")
        if len(self.incoming) < 8 + size:
            return None
        payload = bytes(self.incoming[8 : 8 + size])
        del self.incoming[: 8 + size]
        try:
            return decode_message(payload)
        except Exception:
            raise WorkerGone("malformed", "the worker sent an unreadable message") from None

    def receive(self, deadline: float) -> tuple[dict[str, Any], list[Any]]:
        """The next message, sending queued frames meanwhile; ``WorkerGone`` on timeout or
        death."""
        fd = self.sock.fileno()
        while True:
            message = self._message()
            if message is not None:
                return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerGone("timeout")
            wants = select.POLLIN | (select.POLLOUT if self.sending or self.outgoing else 0)
            self.poller.register(fd, wants)
            try:
                events = self.poller.poll(max(1, int(left * 1000) + 1))
            except InterruptedError:
                continue
            for _fd, event in events:
                if event & select.POLLOUT:
                    try:
                        self._send_some()
                    except OSError:
                        raise WorkerGone("died") from None
                if event & (select.POLLIN | select.POLLHUP | select.POLLERR):
                    try:
                        chunk = self.sock.recv(1 << 20)
                    except BlockingIOError:
                        continue
                    except OSError:
                        raise WorkerGone("died") from None
                    if not chunk:
                        raise WorkerGone("died")
                    self.incoming += chunk


class _Worker:
    """A forked worker serving one submission, seen from the grader."""

    def __init__(self, zygote: Zygote, limits: Limits, workdir: str) -> None:
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
            **BLAS_ENV,
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
        self.channel = _Channel(ours)
        self.dead = False
        self.wait_status: int | None = None
        self.lingered = False
        try:
            header, _ = self.channel.receive(time.monotonic() + START_TIMEOUT)
            protections = header.get("protections")
            if header.get("op") != "ready" or not isinstance(protections, dict):
                raise WorkerGone("malformed", "the worker did not start properly")
        except WorkerGone:
            self.kill()
            raise
        self.protections = {str(k): bool(v) for k, v in protections.items()}

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def kill(self, learn_status: bool = False) -> None:
        """End the worker. Normally: SIGKILL its process group and let the zygote reap it
        in the background. With ``learn_status`` (it stopped answering on its own): give it
        a moment to end by itself first, so ``wait_status`` tells how it died (a SIGKILL
        from us would hide a segfault); ``lingered`` says whether it had to be killed."""
        if self.dead:
            return
        self.dead = True
        self.sock.close()
        try:
            if learn_status:
                self.wait_status, self.lingered = self.zygote.reap(self.pid, 0.5)
            self._kill_group()
            if not learn_status:
                self.zygote.release(self.pid)
        except WorkerGone:
            self._kill_group()
        remove_tree(self.workdir)

    def _kill_group(self) -> None:
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
                return
            except (ProcessLookupError, PermissionError):
                continue


def _shut_down(zygote: Zygote | None) -> None:
    if zygote is not None and zygote.owner_pid == os.getpid():
        zygote.close()


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


# --- answering substituted helpers --------------------------------------------------------


def answer_oracle(sandbox: Sandbox, call: Call, question: dict[str, Any], args_frame: Any) -> bytes:
    """The grader's answer to a substituted helper's call: the recorded result if the
    arguments match one the reference used, else a refusal saying what was unexpected.

    The matching runs here, not in the worker, so the recorded results never sit in memory
    that student code can read (see :data:`grader.child.Consult`).
    """
    helper = str(question.get("helper"))
    recorded = list((call.substitutes or {}).get(helper, ()))
    header, arrays = args_frame
    args = unflatten(header["tree"], arrays)
    if type(args) is not tuple:
        raise ValueError("bad oracle question")
    index = find_recorded(recorded, args)
    if index is not None:
        return sandbox._encode({"op": "answer", "found": True}, recorded[index][1])
    message = (
        f"{helper}({describe_arguments(args)}) is not a call the reference solution makes "
        f"here (it made {len(recorded)} call(s) to {helper}, with other arguments)"
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
        modules: Mapping[str, bytes] | None = None,
        zygote: Zygote | None = None,
    ) -> None:
        """``preload`` names installed modules, ``modules`` gives helper modules by file name
        (``dnn_utils.py``: source); the zygote imports both once so that no worker pays for
        importing them. ``modules`` must be the instructor's files, never a student's.
        ``zygote``: one already started with the same ``preload``, ``forbidden`` and
        ``modules`` (see :func:`grader.zygote.start`); the sandbox takes it over."""
        self.limits = limits or Limits()
        self._preload = tuple(preload)
        self._modules = dict(modules or {})
        self._forbidden = forbidden_paths(forbidden)
        self._lock = threading.Lock()
        self._zygote: Zygote | None = zygote or Zygote(
            self._preload, self._forbidden, self._modules)
        self._closed = False
        self._protections: dict[str, bool] = {}
        self._message_cache: dict[Any, tuple[Any, bytes]] = {}
        self._message_cache_bytes = 0
        self._bytecode_cache: dict[tuple[str, str], bytes | None] = {}
        # A Sandbox nobody closed still stops its zygote and removes its folder at exit.
        self._finalizer = weakref.finalize(self, _shut_down, self._zygote)

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
        _shut_down(zygote)

    def _current_zygote(self) -> Zygote:
        """The zygote, replaced first if it died, misbehaved, or belongs to another process."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this Sandbox is closed")
            if self._zygote is None or not self._zygote.alive():
                old = self._zygote
                self._zygote = Zygote(self._preload, self._forbidden, self._modules)
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _shut_down, self._zygote)
                if old is not None and old.owner_pid == os.getpid():
                    old.close()
            return self._zygote

    def _encode(self, header: dict[str, Any], value: Any) -> bytes:
        """``encode_message(header + tree of value)``, reused when the very same object is
        sent again: batch grading sends the same case inputs (and oracle answers) to every
        submission. The cache holds the object itself, so an ``id`` is never reused while
        its entry lives; values handed to the sandbox must not be changed afterwards."""
        key = (json.dumps(header, sort_keys=True), id(value))
        entry = self._message_cache.get(key)
        if entry is not None and entry[0] is value:
            return entry[1]
        tree, arrays = flatten(value, strict=True)
        encoded = encode_message({**header, "tree": tree}, arrays)
        with self._lock:
            if self._message_cache_bytes > _MESSAGE_CACHE_BYTES:
                self._message_cache.clear()
                self._message_cache_bytes = 0
            self._message_cache[key] = (value, encoded)
            self._message_cache_bytes += len(encoded)
        return encoded

    def protections(self) -> dict[str, bool]:
        """Which protections the workers actually got, by name (``landlock_filesystem``,
        ``landlock_network``, ``landlock_scope``, ``seccomp``, ``no_capabilities``,
        ``network_namespace``, ``rlimits``, ``own_session``). Starts a worker if none ran."""
        if not self._protections:
            self._start_worker({}).kill()
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
        for _attempt in range(2):
            zygote = self._current_zygote()
            workdir = tempfile.mkdtemp(prefix="w", dir=zygote.base)
            self._write_files(workdir, files)
            try:
                worker = _Worker(zygote, self.limits, workdir)
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
        return _Run(self, submission, calls, workdir_files or {}, followups).execute()


Followups = Callable[[Sequence["CallOutcome"]], Sequence[Call]]


class _Run:
    """The bookkeeping of one :meth:`Sandbox.run`: which cells and calls are done.

    Each worker gets every runnable cell and every remaining call queued at once; replies
    come back in order, each with its own deadline (``call_timeout`` from the previous
    reply). The first failure kills the worker; the next worker starts again from there.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        submission: Submission,
        calls: Sequence[Call],
        files: Mapping[str, bytes],
        followups: Followups | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.followups = followups
        self.limits = sandbox.limits
        self.submission = submission
        self.calls = list(calls)
        self.files = files
        self.cells: dict[int, CellOutcome] = {}
        self.banned: set[int] = set()
        self.outcomes: list[CallOutcome] = []
        self.start = time.monotonic()
        self.deadline = self.start + self.limits.submission_timeout

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def remaining(self) -> list[Call]:
        done = {o.key for o in self.outcomes}
        return [c for c in self.calls if c.key not in done]

    def more_calls(self) -> list[Call]:
        """Ask for follow-up calls (once); they join the list of calls to make."""
        followups, self.followups = self.followups, None
        extra = list(followups(tuple(self.outcomes))) if followups is not None else []
        self.calls += extra
        return extra

    def execute(self) -> ExecutionResult:
        while self.left() > 0:
            cells = [c for c in self.submission.cells if c.skipped_reason is None]
            cells = [c for c in cells if c.index not in self.banned]
            calls = self.remaining()
            if not calls and all(c.index in self.cells for c in cells):
                if self.followups is not None and self.more_calls():
                    continue
                break
            worker = self.sandbox._start_worker(self.files)
            try:
                finished = self.serve(worker, cells, calls)
                while finished and self.followups is not None:
                    extra = self.more_calls()
                    finished = self.serve(worker, [], extra) if extra else True
            finally:
                worker.kill()
            if finished:
                break
        return self.result()

    def give_up_on(self, call: Call, detail: str) -> None:
        """After a time-out, the function's other calls are not made: an endless loop costs
        one time limit per function, not one per case."""
        for other in self.remaining():
            if other.function == call.function:
                self.outcomes.append(CallOutcome(
                    other.key, "not_run",
                    detail=f"not run: {call.function} already {detail} on an earlier case",
                ))

    def serve(self, worker: _Worker, cells: list[CodeCell], calls: list[Call]) -> bool:
        """Queue every request, then collect replies; False if the worker had to go."""
        cap = self.limits.output_bytes
        seqs: list[int] = []
        for cell in cells:
            seqs.append(worker.next_seq())
            header = {"op": "cell", "seq": seqs[-1], "index": cell.index, "source": cell.source}
            worker.channel.queue(encode_message({**header, "cap": cap}, []))
        for call in calls:
            seqs.append(worker.next_seq())
            names = call.parameter_names or {}
            helpers = {k: list(names[k]) if k in names else None for k in call.substitutes or {}}
            header = {"op": "call", "seq": seqs[-1], "function": call.function, "cap": cap}
            worker.channel.queue(
                encode_message({**header, "helpers": helpers}, []),
                self.sandbox._encode({}, tuple(call.args)),
            )
        steps: list[CodeCell | Call] = [*cells, *calls]
        for seq, step in zip(seqs, steps, strict=True):
            limit = self.limits.call_timeout
            if isinstance(step, Call) and step.timeout is not None:
                limit = min(limit, step.timeout)
            timeout = min(limit, self.left())
            if timeout <= 0:
                return False
            started = time.monotonic()
            try:
                if isinstance(step, CodeCell):
                    self.cell_done(step, self.await_reply(worker, seq, "cell", None, timeout))
                else:
                    reply = self.await_reply(worker, seq, "call", step, timeout)
                    self.call_done(step, reply, time.monotonic() - started)
            except (
                WorkerGone,
                ValueError,
                TypeError,
                KeyError,
                IndexError,
                RecursionError,
            ) as exc:
                worker.kill(learn_status=isinstance(exc, WorkerGone) and exc.reason == "died")
                status, detail = self.failure(worker, exc, timeout, limit)
                if isinstance(step, CodeCell):
                    self.banned.add(step.index)
                    status = status if status == "timeout" else "crashed"
                    self.cells[step.index] = CellOutcome(step.index, status, detail=detail)
                else:
                    duration = time.monotonic() - started
                    self.outcomes.append(CallOutcome(step.key, status, duration=duration,
                                                     detail=detail))  # fmt: skip
                    if status == "timeout" and timeout >= limit:
                        self.give_up_on(step, detail)
                return False
        return True

    def await_reply(
        self, worker: _Worker, seq: int, op: str, call: Call | None, timeout: float
    ) -> tuple[dict[str, Any], list[Any]]:
        """The reply to request ``seq``, answering the substituted helpers it consults."""
        deadline = time.monotonic() + timeout
        while True:
            header, arrays = worker.channel.receive(deadline)
            if header.get("op") != "oracle" or call is None:
                break
            if header.get("seq") != seq:
                raise ValueError("oracle question out of sequence")
            question = worker.channel.receive(deadline)
            answer = answer_oracle(self.sandbox, call, header, question)
            worker.channel.queue(answer, urgent=True)
        if header.get("op") != op or header.get("seq") != seq:
            raise ValueError("reply out of sequence")
        if header.get("status") not in _WORKER_STATUSES:
            raise ValueError("unknown status")
        return header, arrays

    def cell_done(self, cell: CodeCell, reply: tuple[dict[str, Any], list[Any]]) -> None:
        header, _ = reply
        status = "ok" if header["status"] == "ok" else "error"
        outcome = CellOutcome(
            cell.index,
            status,
            _exception(header.get("exception")),
            _text(header.get("output"), self.limits.output_bytes),
        )
        self.cells.setdefault(cell.index, outcome)

    def call_done(self, call: Call, reply: tuple[dict[str, Any], list[Any]], took: float) -> None:
        header, arrays = reply
        pair = unflatten(header["tree"], arrays)
        if type(pair) is not tuple or len(pair) != 2:
            raise ValueError("bad reply tree")
        args_after, value = pair
        value_digest = None
        if header.get("args_unchanged") is True:
            args_after = None  # the usual case: nothing to compare
            items = header["tree"].get("items")
            if isinstance(items, list) and len(items) == 2 and items[0] == {"t": "none"}:
                value_digest = digest(items[1], arrays)  # the value's arrays are all of them
        status = header["status"]
        detail = {
            "missing": f"no function named {call.function!r} is defined in the notebook",
            "memory": f"ran out of memory (limit {self.limits.memory_mb} MB)",
            "output": f"a file grew past the {self.limits.file_mb} MB limit",
        }.get(status, "")
        self.outcomes.append(
            CallOutcome(
                key=call.key,
                status=status,
                value=value if status == "ok" else None,
                args_after=args_after if type(args_after) is tuple else None,
                exception=_exception(header.get("exception")),
                output=_text(header.get("output"), self.limits.output_bytes),
                duration=took,
                detail=detail,
                value_digest=value_digest if status == "ok" else None,
            )
        )

    def failure(
        self, worker: _Worker, exc: Exception, timeout: float, limit: float
    ) -> tuple[str, str]:
        """Status and detail of the request during which the worker had to be killed."""
        reason = exc.reason if isinstance(exc, WorkerGone) else "malformed"
        if reason == "timeout":
            if timeout < limit:
                return "timeout", (
                    f"stopped when the submission's {self.limits.submission_timeout:g} s "
                    "budget ran out"
                )
            return "timeout", f"did not finish within {limit:g} s"
        if reason == "malformed":
            return "crashed", "the worker sent a malformed reply"
        if worker.lingered:
            return "crashed", "the code closed the worker's connection to the grader"
        return _death(worker.wait_status, self.limits)

    def result(self) -> ExecutionResult:
        budget = f"not run: the submission used up its {self.limits.submission_timeout:g} s budget"
        cells = []
        for cell in self.submission.cells:
            if cell.skipped_reason is not None:
                cells.append(CellOutcome(cell.index, "skipped", detail=cell.skipped_reason))
            else:
                missing = CellOutcome(cell.index, "skipped", detail=budget)
                cells.append(self.cells.get(cell.index, missing))
        by_key = {o.key: o for o in self.outcomes}
        calls = [by_key.get(c.key) or CallOutcome(c.key, "not_run", detail=budget)
                 for c in self.calls]
        return ExecutionResult(
            cells=tuple(cells),
            calls=tuple(calls),
            wall_time=time.monotonic() - self.start,
            protections=dict(self.sandbox._protections),
        )


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
