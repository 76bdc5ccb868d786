"""The wire protocol between grader, zygote and worker (grader.sandbox.protocol, .frames).

Every message kind goes through encode and decode unchanged; anything forged or malformed is
refused with a ProtocolError (never evaluated, never a crash of another kind); every kind is
accepted by exactly the side it is meant for.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from typing import Any

import numpy as np
import pytest

from grader.sandbox import protocol
from grader.sandbox.codec import decode_record, encode_record, flatten
from grader.sandbox.frames import (
    LENGTH,
    FrameTooLarge,
    recv_frame,
    recv_frame_fds,
    send_frames,
)
from grader.sandbox.protocol import (
    CallReply,
    CallRequest,
    CellReply,
    CellRequest,
    Forked,
    ForkRequest,
    Message,
    OracleAnswer,
    OracleQuestion,
    Preloaded,
    PreloadRequest,
    ProtocolError,
    RaisedException,
    Reaped,
    ReapRequest,
    ReleaseRequest,
    Values,
    WorkerReady,
    ZygoteReady,
)

TABLES = {
    "zygote requests": protocol.ZYGOTE_REQUESTS,
    "zygote replies": protocol.ZYGOTE_REPLIES,
    "worker requests": protocol.WORKER_REQUESTS,
    "worker replies": protocol.WORKER_REPLIES,
}
TREE, ARRAYS = flatten((np.arange(6.0).reshape(2, 3), {"b": [1, 2]}))
RAISED = RaisedException(
    type="ValueError", message="shapes (2,3) and (2,3) not aligned", cell=4, lineno=7,
    line="Z = np.dot(W, A)", function="linear_forward",
)  # fmt: skip
#: One record of every kind, with every optional field both set and unset somewhere.
EXAMPLES: list[Message] = [
    ZygoteReady(network_namespace=True, landlock_abi=4, preload_failed=["x"], readable=["/usr"]),
    ForkRequest(workdir="/tmp/w1", memory_mb=1024, file_mb=16, cpu_seconds=130, env={"A": "1"}),
    Forked(pid=1234),
    PreloadRequest(size=99),
    Preloaded(count=3),
    ReleaseRequest(pid=1234),
    ReapRequest(pid=1234, grace=0.5),
    Reaped(status=9, killed=True),
    Reaped(status=None, killed=False),
    Values(tree=TREE),
    CellRequest(seq=1, index=3, source="x = 1\n", cap=10_000),
    CallRequest(seq=2, function="relu", cap=10, helpers={"sigmoid": None, "relu": ["Z"]}),
    CallRequest(seq=3, function="relu", cap=10, helpers={}, args_ref="relu/public/1"),
    OracleAnswer(found=True, tree=TREE),
    OracleAnswer(found=False, message="not a call the reference makes"),
    WorkerReady(protections={"seccomp": True, "landlock_filesystem": False}),
    CellReply(seq=1, status="ok", exception=None, output="hello"),
    CellReply(seq=1, status="error", exception=RAISED, output=""),
    CallReply(seq=2, status="ok", exception=None, output="", tree=TREE, args_unchanged=True),
    CallReply(
        seq=2, status="memory", exception=RAISED, output="x", tree=TREE, args_unchanged=False
    ),
    OracleQuestion(seq=2, helper="linear_forward"),
]


def test_every_kind_has_an_example_and_a_unique_name() -> None:
    kinds = {cls for table in TABLES.values() for cls in table.values()}
    kinds.discard(ZygoteReady)  # its own exchange, once per zygote
    assert kinds <= {type(r) for r in EXAMPLES}
    names = [cls.OP for cls in {*kinds, ZygoteReady, RaisedException}]
    assert len(names) == len(set(names)) and "" not in names


@pytest.mark.parametrize("record", EXAMPLES, ids=lambda r: type(r).__name__)
def test_every_kind_survives_both_encodings(record: Message) -> None:
    expected = protocol.kinds(type(record))
    assert protocol.loads(protocol.dumps(record), expected) == record
    got, arrays = decode_record(encode_record(record, list(ARRAYS)), expected)
    assert got == record
    assert len(arrays) == len(ARRAYS)


@pytest.mark.parametrize("record", EXAMPLES, ids=lambda r: type(r).__name__)
def test_a_kind_is_refused_where_it_does_not_belong(record: Message) -> None:
    refused_by = [table for table in TABLES.values() if type(record) not in table.values()]
    assert len(refused_by) >= 2
    for table in refused_by:
        with pytest.raises(ProtocolError, match="unexpected message kind"):
            protocol.loads(protocol.dumps(record), table)


def forged(record: Message, **changes: Any) -> bytes:
    header = {**protocol.to_header(record), **changes}
    return json.dumps({k: v for k, v in header.items() if v is not DROP}).encode()


DROP = object()
CALL_REPLY = EXAMPLES[-3]
FORGERIES = {
    "unknown op": forged(CALL_REPLY, op="exec"),
    "op not text": forged(CALL_REPLY, op=["call_done"]),
    "no op": forged(CALL_REPLY, op=DROP),
    "missing field": forged(CALL_REPLY, seq=DROP),
    "extra field": forged(CALL_REPLY, __class__="os.system"),
    "seq as text": forged(CALL_REPLY, seq="2"),
    "seq as bool": forged(CALL_REPLY, seq=True),
    "seq as float": forged(CALL_REPLY, seq=2.0),
    "status not allowed": forged(CALL_REPLY, status="timeout"),
    "tree not an object": forged(CALL_REPLY, tree=[1, 2]),
    "args_unchanged as int": forged(CALL_REPLY, args_unchanged=1),
    "exception of another kind": forged(
        CALL_REPLY, exception={**protocol.to_header(RAISED), "op": "values"}
    ),
    "exception with a bad line": forged(
        CALL_REPLY, exception={**protocol.to_header(RAISED), "lineno": "7"}
    ),
    "output as bytes-like list": forged(CALL_REPLY, output=[104, 105]),
    "not an object": b"[1, 2, 3]",
    "not JSON": b"\x80\x04\x95pickle",
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("data", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_and_malformed_messages_are_refused(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        protocol.loads(data, protocol.WORKER_REPLIES)


def test_forged_zygote_and_worker_requests_are_refused() -> None:
    fork = EXAMPLES[1]
    for data in (
        forged(fork, env={"A": 1}),
        forged(fork, memory_mb="1024"),
        forged(fork, workdir=None),
        forged(EXAMPLES[6], grace="forever"),
        forged(EXAMPLES[11], helpers={"relu": "Z"}),
        forged(EXAMPLES[11], helpers={"relu": [1]}),
    ):
        with pytest.raises(ProtocolError):
            protocol.loads(data, {**protocol.ZYGOTE_REQUESTS, **protocol.WORKER_REQUESTS})


def test_an_int_is_taken_for_a_float_field() -> None:
    got = protocol.loads(b'{"op": "reap", "pid": 5, "grace": 1}', protocol.ZYGOTE_REQUESTS)
    assert got == ReapRequest(pid=5, grace=1.0)
    assert type(got.grace) is float  # type: ignore[attr-defined]


def test_records_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        EXAMPLES[2].pid = 1  # type: ignore[attr-defined]


def test_frames_carry_messages_and_descriptors_and_refuse_oversized_ones() -> None:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    extra_a, extra_b = socket.socketpair()
    with a, b, extra_a, extra_b:
        send_frames(a, b"first", b"", b"x" * 100_000, fds=(extra_b.fileno(),))
        data, fds = recv_frame_fds(b)
        assert data == b"first" and len(fds) == 1
        socket.close(fds[0])
        assert recv_frame(b) == b""
        assert recv_frame(b) == b"x" * 100_000
        a.sendall(LENGTH.pack(2**62))
        with pytest.raises(FrameTooLarge):
            recv_frame(b, limit=1 << 20)
        a.close()
        with pytest.raises(EOFError):
            recv_frame(b)
