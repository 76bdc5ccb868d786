"""The grader's end of one worker: its socket (:class:`Channel`), its life and death
(:class:`Worker`), and reading what it reports."""

from __future__ import annotations

import itertools
import os
import select
import signal
import socket
import time
from collections import deque
from typing import Any

from grader.sandbox.codec import decode_record
from grader.sandbox.frames import LENGTH, MAX_MESSAGE_BYTES, FrameTooLarge, frame_parts, frame_size
from grader.sandbox.outcomes import CallStatus, ExceptionInfo, Limits
from grader.sandbox.protocol import (
    WORKER_REPLIES,
    ForkRequest,
    Message,
    RaisedException,
    WorkerReady,
)
from grader.sandbox.zygote import (
    START_TIMEOUT,
    WorkerGone,
    Zygote,
    numeric_env,
    remove_tree,
)


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size < 1e7 else f"{size / 1e6:.0f} MB"


class Channel:
    """The grader's end of a worker's socket: frames queued out, whole messages in.

    Non-blocking, so requests can be pipelined: while waiting for one reply the grader keeps
    sending the next requests, and the worker never idles waiting for the grader to decode.
    """

    def __init__(self, sock: socket.socket, limit: int = MAX_MESSAGE_BYTES) -> None:
        sock.setblocking(False)
        self.sock = sock
        #: Largest message read: a longer one is refused as soon as its length arrives.
        self.limit = limit
        #: Size in bytes of the last message :meth:`receive` returned.
        self.last_size = 0
        self.poller = select.poll()
        self.outgoing: deque[list[memoryview]] = deque()  # frames not started yet
        self.sending: list[memoryview] = []  # the rest of the frame being sent
        self.incoming = bytearray()

    def queue(self, *payloads: bytes, urgent: bool = False) -> None:
        """Queue frames, in order; ``urgent`` ones go before those not yet started."""
        frames = [frame_parts(p) for p in payloads]
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
                    parts = list(frame)
                    while sent >= len(parts[0]):
                        sent -= len(parts[0])
                        parts = parts[1:]
                    self.sending = [parts[0][sent:], *parts[1:]]
                    return
                sent -= size
            self.sending = []

    def _message(self) -> tuple[Message, list[Any]] | None:
        head = LENGTH.size
        if len(self.incoming) < head:
            return None
        try:
            size = frame_size(self.incoming, self.limit)
        except FrameTooLarge as exc:
            raise WorkerGone(
                "oversized", f"returned {megabytes(exc.size)}, far more than this case needs"
            ) from None
        if len(self.incoming) < head + size:
            return None
        payload = bytes(self.incoming[head : head + size])
        del self.incoming[: head + size]
        self.last_size = size
        try:
            return decode_record(payload, WORKER_REPLIES)
        except Exception:
            raise WorkerGone("malformed", "the worker sent an unreadable message") from None

    def receive(self, deadline: float) -> tuple[Message, list[Any]]:
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


class Worker:
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
            **numeric_env(),
        }
        request = ForkRequest(
            workdir=workdir,
            memory_mb=limits.memory_mb,
            file_mb=limits.file_mb,
            cpu_seconds=int(limits.worst_case_seconds) + 10,
            env=env,
        )
        try:
            self.pid = zygote.fork(request, theirs)
        finally:
            theirs.close()
        self.sock = ours
        self.channel = Channel(ours, limits.reply_bytes)
        self.dead = False
        self.wait_status: int | None = None
        self.lingered = False
        try:
            ready, _ = self.channel.receive(time.monotonic() + START_TIMEOUT)
            if not isinstance(ready, WorkerReady):
                raise WorkerGone("malformed", "the worker did not start properly")
        except WorkerGone:
            self.kill()
            raise
        self.protections = dict(ready.protections)

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


def shut_down(zygote: Zygote | None) -> None:
    if zygote is not None and zygote.owner_pid == os.getpid():
        zygote.close()


def death(status: int | None, limits: Limits) -> tuple[CallStatus, str]:
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


def reply_text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value[: limit + 200]


def reply_exception(value: RaisedException | None) -> ExceptionInfo | None:
    """The exception a worker reported, its texts clipped (the types are the protocol's)."""
    if value is None:
        return None

    def clip(v: str | None) -> str | None:
        return None if v is None else v[:2000]

    return ExceptionInfo(
        type=reply_text(value.type, 200),
        message=reply_text(value.message, 2000),
        cell=value.cell,
        lineno=value.lineno,
        line=clip(value.line),
        function=clip(value.function),
    )
