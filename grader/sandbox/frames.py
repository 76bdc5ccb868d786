"""Length-prefixed frames over a socket: the only framing between grader, zygote and worker.

A frame is :data:`LENGTH` (the payload's size, 8 bytes big-endian) and the payload. The codec
uses the same length field inside a message. Standard library only, so the grader can start
the zygote before it imports numpy.
"""

from __future__ import annotations

import array
import socket
import struct

#: The length field in front of every frame (and of each part of a codec message).
LENGTH = struct.Struct(">Q")
#: Largest message either side accepts; a bigger frame is treated as malformed.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024


class FrameTooLarge(ValueError):
    """A frame announced more bytes than the reader accepts (read no further)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"frame of {size} bytes exceeds the {limit}-byte limit")
        self.size = size


def frame_parts(*payloads: bytes) -> list[memoryview]:
    """Each payload behind its length, as buffers for ``sendmsg``."""
    parts: list[memoryview] = []
    for payload in payloads:
        parts += [memoryview(LENGTH.pack(len(payload))), memoryview(payload)]
    return parts


def frame_size(head: bytes | bytearray | memoryview, limit: int) -> int:
    """The payload size a frame's first :data:`LENGTH` bytes announce, within ``limit``."""
    (size,) = LENGTH.unpack_from(head)
    if size > limit:
        raise FrameTooLarge(size, limit)
    return int(size)


def send_frames(sock: socket.socket, *payloads: bytes, fds: tuple[int, ...] = ()) -> None:
    """Send each payload behind its length, in as few system calls as possible; ``fds``
    (descriptors) travel with the first bytes."""
    buffers = frame_parts(*payloads)
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    while buffers:
        sent = sock.sendmsg(buffers, ancillary)
        ancillary = []
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
    return recv_exact(sock, frame_size(recv_exact(sock, LENGTH.size), limit))


def recv_frame_fds(
    sock: socket.socket, limit: int = MAX_MESSAGE_BYTES, max_fds: int = 1
) -> tuple[bytes, list[int]]:
    """The next frame and the descriptors sent with it (``EOFError``: the peer is gone)."""
    head, fds, _flags, _address = socket.recv_fds(sock, LENGTH.size, max_fds)
    if not head:
        raise EOFError("peer closed the connection")
    try:
        if len(head) < LENGTH.size:
            head += recv_exact(sock, LENGTH.size - len(head))
        return recv_exact(sock, frame_size(head, limit)), list(fds)
    except BaseException:
        for fd in fds:
            socket.close(fd)
        raise
