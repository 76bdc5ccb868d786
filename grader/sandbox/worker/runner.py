"""The far side of the wall: the worker that runs one student's notebook.

A worker is forked from the zygote (:mod:`grader.sandbox.worker.main`), confines itself there, and
then serves requests from the grader on its socket (:func:`serve`): run one cell, or call one
function. It executes the notebook's cells top to bottom in one namespace, like "Run all",
recording instead of stopping on exceptions.

Requests and replies are the typed records of :mod:`grader.sandbox.protocol`, each sent as one
:func:`grader.sandbox.codec.encode_record` in a :mod:`grader.sandbox.frames` frame. Nothing a
worker says is trusted: the grader checks every field and decides statuses such as timeouts
itself. The worker's own results can always be forged by student code in the same process;
that is fine, because forging a correct answer requires computing it.
"""

from __future__ import annotations

import errno
import gc
import io
import itertools
import linecache
import socket
import sys
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from types import CodeType, FrameType
from typing import Any, NamedTuple

import numpy as np

from grader.sandbox import codec
from grader.sandbox.codec import (
    Flat,
    decode_record,
    encode_record,
    flatten,
    matches_flat,
    unflatten,
)
from grader.sandbox.frames import recv_frame, send_frame, send_frames
from grader.sandbox.protocol import (
    CALL_SEED,
    WORKER_REQUESTS,
    CallReply,
    CallRequest,
    CellReply,
    CellRequest,
    Message,
    OracleAnswer,
    OracleQuestion,
    ProtocolError,
    RaisedException,
    Values,
    WorkerStatus,
)
from grader.sandbox.worker.tracer import trace_call

#: Largest frame either side accepts; a bigger length prefix means a broken or hostile peer.
#: Array bytes a worker puts in one reply (inputs after the call first, then the value).
REPLY_ARRAY_BYTES = 192 * 1024 * 1024
#: Nodes (containers and scalars) a returned value may have before it is reported opaque:
#: a reply holds two values (the inputs after the call, the value), and the grader decodes
#: at most ``codec.MAX_NODES`` nodes per reply.
MAX_NODES = codec.MAX_NODES // 2 - 8
#: Longest exception message sent back.
MAX_MESSAGE_CHARS = 2_000

_CELL_PREFIX = "<cell "
#: Deepest recursion student code gets, whatever it asks ``sys.setrecursionlimit`` for: an
#: endless recursion then ends in milliseconds (a million frames took seconds, and could
#: overflow the C stack), and the traceback the report reads stays short.
MAX_RECURSION = 3_000
#: Traceback entries read to find the student's innermost line (a recursion's are alike).
MAX_TRACEBACK_FRAMES = 2 * MAX_RECURSION
# Taken at import, before any student code can rebind them on the numpy module.
_seed = np.random.seed
_set_recursion_limit = sys.setrecursionlimit


def capped_recursion_limit(limit: int) -> None:
    """``sys.setrecursionlimit`` for student code: at most :data:`MAX_RECURSION`."""
    _set_recursion_limit(min(limit, MAX_RECURSION) if type(limit) is int else limit)


# --- captured output ---------------------------------------------------------------------


class CappedText(io.TextIOBase):
    """Stands in for ``sys.stdout``/``sys.stderr``: keeps the first ``cap`` characters.

    Everything beyond the cap is only counted, so printing 50 MB costs the student's own
    loop and nothing more (no memory, no pipe to drain).
    """

    encoding = "utf-8"

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0
        self.buffer = _CappedBytes(self)

    def write(self, text: str) -> int:
        n = len(text)
        self.total += n
        if self.kept < self.cap:
            piece = str(text[: self.cap - self.kept])
            self.parts.append(piece)
            self.kept += len(piece)
        return n

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        kept = "".join(self.parts)
        dropped = self.total - self.kept
        if dropped:
            kept += f"\n[... {dropped} more characters of output were dropped]"
        return kept


class _CappedBytes(io.RawIOBase):
    """``sys.stdout.buffer`` for code that writes bytes."""

    def __init__(self, text: CappedText) -> None:
        super().__init__()
        self._text = text

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data).cast("B"))
        self._text.write(bytes(memoryview(data)[:4096]).decode("utf-8", "replace"))
        self._text.total += max(0, size - 4096)
        return size


# --- what went wrong ---------------------------------------------------------------------


def _cell_of(filename: str) -> int | None:
    if filename.startswith(_CELL_PREFIX) and filename.endswith(">"):
        digits = filename[len(_CELL_PREFIX) : -1]
        if digits.isdigit():
            return int(digits)
    return None


def _safe_str(value: object) -> str:
    try:
        text = str(value)
    except BaseException:  # a student's __str__ may raise anything
        text = "<message could not be shown>"
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + " [...]"
    return text


def describe_exception(exc: BaseException) -> RaisedException:
    """Type, message and the innermost place *in the student's cells* where it happened.

    Library frames (numpy internals) are skipped: the useful line is the student's own.
    """
    cls = type(exc)
    name = cls.__qualname__
    if cls.__module__ != "builtins":
        name = f"{cls.__module__}.{name}"
    message = _safe_str(exc)
    if isinstance(exc, SystemExit):
        message = f"sys.exit({_safe_str(exc.code) if exc.code is not None else ''})"
    cell: int | None = None
    lineno: int | None = None
    function: str | None = None
    frame: FrameType
    walk = itertools.islice(traceback.walk_tb(exc.__traceback__), MAX_TRACEBACK_FRAMES)
    for frame, line_number in walk:
        frame_cell = _cell_of(frame.f_code.co_filename)
        if frame_cell is not None:
            cell, lineno, function = frame_cell, line_number, frame.f_code.co_name
    if isinstance(exc, SyntaxError) and exc.filename and _cell_of(exc.filename) is not None:
        cell, lineno, function = _cell_of(exc.filename), exc.lineno, None
    line = None
    if cell is not None and isinstance(lineno, int):
        line = linecache.getline(f"{_CELL_PREFIX}{cell}>", lineno).strip()[:500] or None
    return RaisedException(
        type=name, message=message, cell=cell, lineno=lineno, line=line, function=function
    )


def _status_of(exc: BaseException) -> WorkerStatus:
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:  # RLIMIT_FSIZE reached
        return "output"
    return "error"


# --- substitutes ("oracle" helpers) ------------------------------------------------------


class OracleRefused(Exception):
    """A substituted helper was called with arguments the reference run never used."""


#: ``consult(helper, args) -> (found, result, message)``: asks the grader for the recorded
#: result of one helper call. The recorded calls stay in the grader's process: if they were
#: here, student code could read them (from the oracle's closure, or ``gc``) instead of
#: earning them by making the right calls.
Consult = Callable[[str, tuple[Any, ...]], tuple[bool, Any, str]]


def _parameter_names(function: object) -> tuple[list[str], tuple[Any, ...]] | None:
    code = getattr(function, "__code__", None)
    if not isinstance(code, CodeType):
        return None
    defaults = getattr(function, "__defaults__", None) or ()
    return list(code.co_varnames[: code.co_argcount]), tuple(defaults)


def make_oracle(
    name: str, real: object, names: Sequence[str] | None, consult: Consult
) -> Callable[..., Any]:
    """A stand-in for helper ``name`` that answers only the calls the reference made.

    Keyword arguments are put in their positional place using ``names`` (if the grader
    gave them) or the parameter names and defaults of the student's own helper ``real``;
    with no names at all, a single keyword fills the next position (``activation="relu"``).
    """
    signature = _parameter_names(real)
    params: list[str] = list(names) if names is not None else (signature[0] if signature else [])
    defaults: tuple[Any, ...] = signature[1] if signature and names is None else ()

    def oracle(*args: Any, **kwargs: Any) -> Any:
        bound = list(args)
        first_default = len(params) - len(defaults)
        for position in range(len(args), len(params)):
            if params[position] in kwargs:
                bound.append(kwargs.pop(params[position]))
            elif position >= first_default:
                bound.append(defaults[position - first_default])
            else:
                break
        if len(kwargs) == 1 and not params:
            bound.append(kwargs.popitem()[1])
        if kwargs:
            raise OracleRefused(
                f"{name}() got keyword argument(s) {', '.join(kwargs)} that could not be "
                "matched to its parameters"
            )
        found, result, message = consult(name, tuple(bound))
        if not found:
            raise OracleRefused(message)
        return result

    oracle.__name__ = name
    return oracle


# --- running cells and calls -------------------------------------------------------------


#: What the assignment gives every notebook: numpy, ``copy`` and the activation helpers.
PROVIDED_HELPERS = ("sigmoid", "relu", "sigmoid_backward", "relu_backward")


def provided_names() -> dict[str, Any]:
    """The names the assignment provides, bound in the namespace before the first cell runs.

    So the graded functions have ``np``, ``copy``, ``sigmoid``, ``relu``, ``sigmoid_backward``
    and ``relu_backward`` even when the notebook's import cell failed (a course version's
    module name, an edited line) or was replaced; the cell's error is still reported. The
    helpers are those of our preloaded ``dnn_utils``, which every course version's module
    re-exports; a notebook that binds the names itself overrides them, as in Jupyter.
    """
    import copy

    names: dict[str, Any] = {"np": np, "copy": copy}
    utils = sys.modules.get("dnn_utils")
    for name in PROVIDED_HELPERS:
        helper = getattr(utils, name, None)
        if callable(helper):
            names[name] = helper
    return names


class Done(NamedTuple):
    """What running a cell or a call did, as the worker tells it."""

    status: WorkerStatus
    exception: RaisedException | None
    output: str


class Runner:
    """One notebook namespace, and the two requests it serves: run a cell, call a function."""

    def __init__(self) -> None:
        import builtins

        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.namespace.update(provided_names())
        self.quiet = CappedText(0)
        _set_recursion_limit(min(sys.getrecursionlimit(), MAX_RECURSION))
        sys.setrecursionlimit = capped_recursion_limit
        _seed(CALL_SEED)

    def _capture(self, cap: int) -> CappedText:
        out = CappedText(cap)
        sys.stdout = sys.stderr = out
        return out

    def _release(self) -> None:
        sys.stdout = sys.stderr = self.quiet
        sys.stdin = io.StringIO()

    def run_cell(self, index: int, source: str, cap: int) -> Done:
        filename = f"{_CELL_PREFIX}{index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        out = self._capture(cap)
        status: WorkerStatus = "ok"
        exception = None
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
            exec(code, self.namespace)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt are the student's too
            status, exception = _status_of(exc), describe_exception(exc)
        finally:
            self._release()
        return Done(status, exception, out.text())

    def run_call(
        self,
        function: str,
        args: tuple[Any, ...],
        helpers: dict[str, list[str] | None],
        consult: Consult,
        cap: int,
        watch: Sequence[str] | None = None,
    ) -> tuple[Done, Any, Any]:
        """Call ``function(*args)`` with ``helpers`` (name -> parameter names or None)
        replaced by oracles; returns ``(what happened, value, args_after)``. With ``watch``
        (the helpers whose calls to record), the call is traced and its value is the trace
        (:mod:`grader.sandbox.worker.tracer`), whatever the function did."""
        target = self.namespace.get(function)
        if not callable(target):
            return Done("missing", None, ""), None, None
        saved = {name: self.namespace.get(name, _ABSENT) for name in helpers}
        out = self._capture(cap)
        status: WorkerStatus = "ok"
        exception, value = None, None
        try:  # everything here may meet student code (a patched random.seed, a property)
            for name, names in helpers.items():
                self.namespace[name] = make_oracle(name, saved[name], names, consult)
            random_module = sys.modules.get("random")
            if random_module is not None and hasattr(random_module, "seed"):
                random_module.seed(CALL_SEED)
            _seed(CALL_SEED)
            value = target(*args) if watch is None else trace_call(target, args, watch)[2]
        except BaseException as exc:
            status, exception = _status_of(exc), describe_exception(exc)
        finally:
            self._release()
            for name, old in saved.items():
                if old is _ABSENT:
                    self.namespace.pop(name, None)
                else:
                    self.namespace[name] = old
        if status == "memory":
            gc.collect()
        return Done(status, exception, out.text()), value, args


_ABSENT = object()


def _count_nodes(value: Any, limit: int) -> int:
    """Plain-container nodes in ``value``, stopping early once past ``limit``."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        kind = type(item)
        if kind in (list, tuple):
            stack.extend(item)
        elif kind is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
    return count


def encode_call_reply(seq: int, done: Done, value: Any, args_after: Any) -> bytes:
    """Flatten inputs-after-the-call first (the grader needs them), then the value.

    ``args_after`` is :data:`UNCHANGED` when the call left its inputs exactly as they came:
    then only that fact is sent, which halves what the grader decodes per call.
    """
    unchanged = args_after is UNCHANGED
    pair: list[Any] = [None if unchanged else args_after, value]
    for i, item in enumerate(pair):
        if _count_nodes(item, MAX_NODES) > MAX_NODES:
            pair[i] = _TooBig()
    limit_digits = getattr(sys, "set_int_max_str_digits", None)
    if limit_digits is not None:
        limit_digits(4300)  # the grader's default: a longer int would not decode there
    try:
        tree, arrays = flatten(tuple(pair), max_bytes=REPLY_ARRAY_BYTES)
    except (MemoryError, ValueError, OverflowError):  # e.g. an int of 10**5 digits
        tree, arrays = flatten((None, _TooBig()))
        unchanged = False
    reply = CallReply(seq, done.status, done.exception, done.output, tree, unchanged)
    try:
        return encode_record(reply, arrays)
    except (MemoryError, ValueError, OverflowError):
        tree, arrays = flatten((None, _TooBig()))
        return encode_record(CallReply(seq, done.status, None, "", tree, False), arrays)


#: Stands for "the arguments after the call are bit-for-bit the ones sent".
UNCHANGED = object()


#: Case inputs the zygote was given before forking this worker, flattened, by case key: a call
#: may name them (``args_ref``) instead of carrying them. Inputs only, never expected values.
PRELOADED: dict[str, Flat] = {}


class _TooBig:
    """Sent as an opaque value when a result has too many parts to transport."""


# --- the worker's request loop -----------------------------------------------------------


class Inbox:
    """The worker's incoming messages. The grader pipelines requests (it sends the next ones
    before the current reply), so while a substituted helper waits for its answer, requests
    that arrive first are put aside here, in order."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.waiting: deque[tuple[Message, list[Any]]] = deque()

    def _read(self) -> tuple[Message, list[Any]]:
        return decode_record(recv_frame(self.sock), WORKER_REQUESTS)

    def next(self) -> tuple[Message, list[Any]]:
        return self.waiting.popleft() if self.waiting else self._read()

    def answer(self) -> tuple[OracleAnswer, list[Any]]:
        while True:
            message, arrays = self._read()
            if isinstance(message, OracleAnswer):
                return message, arrays
            self.waiting.append((message, arrays))

    def values(self) -> tuple[Values, list[Any]]:
        message, arrays = self.next()
        if not isinstance(message, Values):
            raise ProtocolError("a call without its arguments")
        return message, arrays


def serve(sock: socket.socket, runner: Runner) -> None:
    """Answer requests until the grader says bye or goes away."""
    inbox = Inbox(sock)
    seq = None

    def consult(helper: str, args: tuple[Any, ...]) -> tuple[bool, Any, str]:
        tree, arrays = flatten(args, max_bytes=REPLY_ARRAY_BYTES)
        question = encode_record(OracleQuestion(seq=seq or 0, helper=helper))
        send_frames(sock, question, encode_record(Values(tree=tree), arrays))
        answer, arrays = inbox.answer()
        found = answer.found and answer.tree is not None
        result = unflatten(answer.tree, arrays) if answer.tree is not None and found else None
        return found, result, answer.message

    while True:
        try:
            request, arrays = inbox.next()
            if isinstance(request, CellRequest):
                seq = request.seq
                done = runner.run_cell(request.index, request.source, request.cap)
                payload = encode_record(CellReply(seq, done.status, done.exception, done.output))
            elif isinstance(request, CallRequest):  # the arguments: preloaded, or next
                seq = request.seq
                if request.args_ref is not None and request.args_ref in PRELOADED:
                    before = PRELOADED[request.args_ref]
                else:
                    values, args_arrays = inbox.values()
                    before = (values.tree, args_arrays)
                args = tuple(unflatten(*before))  # fresh copies for every call
                watch = request.trace[:64] if request.trace is not None else None
                done, value, after = runner.run_call(
                    request.function, args, request.helpers, consult, request.cap, watch
                )
                if done.status != "missing" and (watch or matches_flat(after, before)):
                    after = UNCHANGED
                payload = encode_call_reply(seq, done, value, after)
            else:
                return
            send_frame(sock, payload)
        except (EOFError, OSError, ValueError):
            return
