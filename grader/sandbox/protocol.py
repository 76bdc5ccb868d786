"""Every message between the grader, the zygote and a worker, as typed records.

Each kind of message is a frozen dataclass with an ``OP`` name; :func:`to_header` turns a record
into a JSON-ready header and :func:`from_header` parses one back, strictly: an unknown ``op``,
a missing or extra field, or a field of the wrong type is a :class:`ProtocolError` (nothing is
ever evaluated or unpickled). Which kinds may arrive where is said by the four tables at the
bottom (:data:`ZYGOTE_REQUESTS` ...): a side only accepts the kinds of its table.

On the zygote's control socket a message is its JSON header (:func:`dumps`, :func:`loads`); on
a worker's socket it is a :func:`grader.sandbox.codec.encode_message` whose header is the
record's, with the arrays of any ``tree`` behind it. Either way it travels in one frame of
:mod:`grader.sandbox.frames`. Adding a kind: write its dataclass, add it to a table.

Standard library only: the worker and the numpy-free start of ``check`` import it.
"""

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

#: Seed of numpy's legacy global generator (and ``random``) before every call to student code.
#: Both sides use it: the worker before each call, the grader before replaying a mistake, so
#: that a student's random draws and a mistake's draws start from the same state.
CALL_SEED = 20240607

#: A value as :func:`grader.sandbox.codec.flatten` writes it (checked by the codec).
Tree = dict[str, Any]
#: What a worker may say a request did (the grader decides time-outs and crashes itself).
WorkerStatus = Literal["ok", "error", "missing", "memory", "output"]


class ProtocolError(ValueError):
    """A message that is not one of the kinds expected here, or not well formed."""


@dataclasses.dataclass(frozen=True)
class Message:
    """Base of every record: ``OP`` is the kind's name on the wire."""

    OP: ClassVar[str] = ""


# --- grader <-> zygote (JSON headers; a fork request carries the worker's socket) ---------


@dataclasses.dataclass(frozen=True)
class ZygoteReady(Message):
    """The zygote's start-up report, sent once, unasked."""

    OP: ClassVar[str] = "zygote_ready"
    network_namespace: bool
    landlock_abi: int
    #: Modules the zygote failed to import (their files are then written for each worker).
    preload_failed: list[str]
    #: Folders every worker may read.
    readable: list[str]


@dataclasses.dataclass(frozen=True)
class ForkRequest(Message):
    """Fork a worker that confines itself with these limits and serves the socket sent
    along (the one descriptor the request carries)."""

    OP: ClassVar[str] = "fork"
    workdir: str
    memory_mb: int
    file_mb: int
    cpu_seconds: int
    env: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Forked(Message):
    OP: ClassVar[str] = "forked"
    pid: int


@dataclasses.dataclass(frozen=True)
class PreloadRequest(Message):
    """Case inputs for every later worker follow, in one frame of ``size`` bytes (a codec
    message: ``{"cases": {key: tree}}`` and the arrays)."""

    OP: ClassVar[str] = "preload"
    size: int


@dataclasses.dataclass(frozen=True)
class Preloaded(Message):
    OP: ClassVar[str] = "preloaded"
    count: int


@dataclasses.dataclass(frozen=True)
class ReleaseRequest(Message):
    """Reap this killed worker whenever it has died (no reply)."""

    OP: ClassVar[str] = "release"
    pid: int


@dataclasses.dataclass(frozen=True)
class ReapRequest(Message):
    """How did this worker end? Wait up to ``grace`` seconds, then kill it."""

    OP: ClassVar[str] = "reap"
    pid: int
    grace: float


@dataclasses.dataclass(frozen=True)
class Reaped(Message):
    OP: ClassVar[str] = "reaped"
    #: The wait status (None: not a worker of this zygote).
    status: int | None
    #: Whether the zygote had to kill it.
    killed: bool


# --- grader <-> worker (codec messages) ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Values(Message):
    """A value (a call's arguments, a helper's arguments) as a codec tree."""

    OP: ClassVar[str] = "values"
    tree: Tree


@dataclasses.dataclass(frozen=True)
class CellRequest(Message):
    """Run one notebook cell; keep ``cap`` characters of its output."""

    OP: ClassVar[str] = "cell"
    seq: int
    index: int
    source: str
    cap: int


@dataclasses.dataclass(frozen=True)
class CallRequest(Message):
    """Call ``function`` with the preloaded inputs ``args_ref``, or (None) with the
    :class:`Values` that follow; ``helpers`` are replaced by oracles during the call (name:
    parameter names, or None to take the student's own); with ``trace``, traced."""

    OP: ClassVar[str] = "call"
    seq: int
    function: str
    cap: int
    helpers: dict[str, list[str] | None]
    args_ref: str | None = None
    #: Trace the call (``grader.sandbox.worker.tracer``), recording calls to these helpers;
    #: the reply's value is then the trace.
    trace: list[str] | None = None


@dataclasses.dataclass(frozen=True)
class OracleAnswer(Message):
    """The grader's answer to an :class:`OracleQuestion`: the recorded result, or a refusal."""

    OP: ClassVar[str] = "answer"
    found: bool
    message: str = ""
    tree: Tree | None = None


@dataclasses.dataclass(frozen=True)
class WorkerReady(Message):
    """A worker's first message: which protections it got."""

    OP: ClassVar[str] = "ready"
    protections: dict[str, bool]


@dataclasses.dataclass(frozen=True)
class RaisedException(Message):
    """An exception raised by student code, and the innermost student line involved."""

    OP: ClassVar[str] = "exception"
    type: str
    message: str
    cell: int | None
    lineno: int | None
    line: str | None
    function: str | None


@dataclasses.dataclass(frozen=True)
class CellReply(Message):
    OP: ClassVar[str] = "cell_done"
    seq: int
    status: WorkerStatus
    exception: RaisedException | None
    output: str


@dataclasses.dataclass(frozen=True)
class CallReply(Message):
    """What a call did; ``tree`` is the pair (inputs after the call, or None when
    ``args_unchanged``; the value)."""

    OP: ClassVar[str] = "call_done"
    seq: int
    status: WorkerStatus
    exception: RaisedException | None
    output: str
    tree: Tree
    args_unchanged: bool


@dataclasses.dataclass(frozen=True)
class OracleQuestion(Message):
    """A substituted helper was called during request ``seq``: its arguments follow, as
    :class:`Values`."""

    OP: ClassVar[str] = "oracle"
    seq: int
    helper: str


# --- encoding and strict decoding ------------------------------------------------------------

M = TypeVar("M", bound=Message)
Kinds = dict[str, type[Message]]


def kinds(*classes: type[Message]) -> Kinds:
    return {cls.OP: cls for cls in classes}


def to_header(record: Message) -> dict[str, Any]:
    """The record as a JSON-ready dict: its fields and ``op`` (nested records as dicts)."""
    header: dict[str, Any] = {"op": record.OP}
    for name in _schema(type(record)).names:
        value = getattr(record, name)
        header[name] = to_header(value) if isinstance(value, Message) else value
    return header


def from_header(header: object, expected: Kinds) -> Message:
    """The record ``header`` encodes, if it is one of the ``expected`` kinds."""
    if not isinstance(header, dict):
        raise ProtocolError("a message must be an object")
    op = header.get("op")
    cls = expected.get(op) if isinstance(op, str) else None
    if cls is None:
        raise ProtocolError(f"unexpected message kind {str(op)[:40]!r}")
    return _build(cls, header)


def dumps(record: Message) -> bytes:
    return json.dumps(to_header(record)).encode("utf-8")


def loads(data: bytes, expected: Kinds) -> Message:
    try:
        header = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("a message that is not JSON") from None
    return from_header(header, expected)


Check = Callable[[Any], Any]


class _Schema:
    """A kind's fields, each with its checker and whether it may be left out."""

    def __init__(self, cls: type[Message]) -> None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        self.names = tuple(f.name for f in fields)
        self.allowed = frozenset(self.names) | {"op"}
        self.checks = tuple(
            (f.name, _checker(hints[f.name]), f.default is dataclasses.MISSING) for f in fields
        )


_SCHEMAS: dict[type[Message], _Schema] = {}


def _schema(cls: type[Message]) -> _Schema:
    schema = _SCHEMAS.get(cls)
    if schema is None:
        schema = _SCHEMAS[cls] = _Schema(cls)
    return schema


def _build(cls: type[M], header: dict[str, Any]) -> M:
    schema = _schema(cls)
    if not schema.allowed.issuperset(header):
        extra = sorted(str(k) for k in set(header) - schema.allowed)
        raise ProtocolError(f"{cls.OP}: unexpected field(s) {extra[:3]}")
    values: dict[str, Any] = {}
    for name, check, required in schema.checks:
        if name not in header:
            if required:
                raise ProtocolError(f"{cls.OP}: missing field {name!r}")
            continue
        try:
            values[name] = check(header[name])
        except ProtocolError as exc:
            raise ProtocolError(f"{cls.OP}: field {name!r} {exc}") from None
    return cls(**values)


def _checker(kind: Any) -> Check:
    """A function that returns a value of type ``kind`` (an int is taken for a float) or
    raises ProtocolError; made once per field, so that checking a message is cheap."""
    if kind is Any:
        return lambda value: value
    if kind is float:
        return lambda value: float(value) if type(value) in (int, float) else _fail(kind)
    if kind in (int, str, bool):
        return lambda value: value if type(value) is kind else _fail(kind)
    if isinstance(kind, type) and issubclass(kind, Message):
        return lambda value: (
            _build(kind, value)
            if isinstance(value, dict) and value.get("op") == kind.OP
            else _fail(kind)
        )
    return _generic_checker(kind)


def _generic_checker(kind: Any) -> Check:
    """:func:`_checker` for ``X | None``, ``Literal[...]``, ``list[X]`` and ``dict[str, X]``."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) != 1 or len(args) != 2:
            raise TypeError(f"only X | None unions are supported, not {kind}")
        inner = _checker(options[0])
        return lambda value: None if value is None else inner(value)
    if origin is Literal:
        allowed = frozenset(args)
        return lambda value: value if type(value) is str and value in allowed else _fail(kind)
    if origin is list:
        item = _checker(args[0])
        return lambda value: [item(v) for v in value] if type(value) is list else _fail(kind)
    if origin is dict and args[0] is str:
        check = _checker(args[1])

        def check_dict(value: Any) -> Any:
            if type(value) is not dict or not all(type(k) is str for k in value):
                return _fail(kind)
            return value if args[1] is Any else {k: check(v) for k, v in value.items()}

        return check_dict
    raise TypeError(f"no checker for {kind}")


def _fail(kind: Any) -> Any:
    raise ProtocolError(f"is not {getattr(kind, '__name__', None) or kind}")


# --- who accepts what ----------------------------------------------------------------------

#: What the zygote accepts on its control socket.
ZYGOTE_REQUESTS = kinds(ForkRequest, PreloadRequest, ReleaseRequest, ReapRequest)
#: What the grader accepts from the zygote (besides the one :class:`ZygoteReady`).
ZYGOTE_REPLIES = kinds(Forked, Preloaded, Reaped)
#: What a worker accepts from the grader.
WORKER_REQUESTS = kinds(CellRequest, CallRequest, Values, OracleAnswer)
#: What the grader accepts from a worker.
WORKER_REPLIES = kinds(WorkerReady, CellReply, CallReply, OracleQuestion, Values)
