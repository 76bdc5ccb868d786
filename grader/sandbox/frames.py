"""Length-prefixed frames over a socket: the only framing between grader, zygote and worker.

Standard library only, so the grader can start the zygote before it imports numpy.
"""

from __future__ import annotations

import socket

#: Largest message either side accepts; a bigger frame is treated as malformed.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024


def send_frames(sock: socket.socket, *payloads: bytes) -> None:
    """Send each payload behind its 8-byte length, in as few system calls as possible."""
    buffers: list[memoryview] = []
    for payload in payloads:
        buffers += [memoryview(len(payload).to_bytes(8, "big")), memoryview(payload)]
    while buffers:
        sent = sock.sendmsg(buffers)
        while buffers and sent >= len(buffers[0]):
            sent -= len(buffers[0])
            buffers.pop(0)
        if buffers and sent:
            buffers[0] = buffers[0][sent:]


def send_frame(sock: socket.socket, payload: bytes) -> None:
    send_frames(sock, payload)


def recv_exact(sock: socket.socket, size: int) -> bytes:
    """Exactly ``size`` bytes, or ``EOFError`` if the peer closed first."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            raise EOFError("peer closed the connection")
        got += n
    return bytes(buffer)


def recv_frame(sock: socket.socket, limit: int = MAX_MESSAGE_BYTES) -> bytes:
    size = int.from_bytes(recv_exact(sock, 8), "big")
    if size > limit:
        raise ValueError(f"frame of {size} bytes exceeds the {limit}-byte limit")
    return recv_exact(sock, size)
