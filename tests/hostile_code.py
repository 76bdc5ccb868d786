"""Hostile submissions' code, as notebook cells: each tries to hurt the grader, the host or
the class, the way a determined student would (see tests/test_hostile.py).

Code that forges the worker's replies writes on the worker's socket (descriptor 3) itself,
with the codec the worker already imported: the grader must survive anything sent there.
"""

from __future__ import annotations

#: Builds and writes a reply for the request being served, then hangs, so that only the
#: forged reply reaches the grader. ``value`` is the tree of the returned value.
FORGE = """
import os, sys

def _serving_seq():
    frame = sys._getframe()
    while frame.f_code.co_name != "serve":
        frame = frame.f_back
    return frame.f_locals["seq"]

def forge_reply(value):
    codec = sys.modules["grader.sandbox.codec"]
    header = {"op": "call_done", "seq": _serving_seq(), "status": "ok", "exception": None,
              "output": "", "tree": {"t": "tuple", "items": [{"t": "none"}, value]},
              "args_unchanged": True}
    payload = codec.encode_message(header, [])
    os.write(3, len(payload).to_bytes(8, "big") + payload)
    while True:
        pass

COLLIDING = 2**61 - 1  # hash(k * COLLIDING) == 0 for every k: all keys land in one slot

def colliding_keys(n):
    keys = [[{"t": "int", "v": k * COLLIDING}, {"t": "none"}] for k in range(1, n + 1)]
    forge_reply({"t": "dict", "items": keys})

def infinity_int():
    forge_reply({"t": "int", "v": float("inf")})

def huge_class_name():
    forge_reply({"t": "opaque", "type": "C" * 2_000_000, "why": "W" * 2_000_000})

def fine():
    return 1
"""

#: Values and habits that cost the grader memory or time, or leak, without forging anything.
GREEDY = """
import os, threading, time
import numpy as np

def big_array(megabytes):
    return np.ones(int(megabytes * 131_072))  # 8 bytes each

def named_monster():
    return type("M" * 2_000_000, (), {})()

def raise_monster():
    raise type("E" * 1_000_000, (Exception,), {})("x" * 1_000_000)

def threads(n):
    threading.stack_size(64 * 1024)  # small stacks: the memory limit is not what stops them
    started = []
    for _ in range(n):
        t = threading.Thread(target=time.sleep, args=(2,), daemon=True)
        t.start()
        started.append(t)
    return len(started)

def memory_file(megabytes):
    fd = os.memfd_create("hoard")
    block = b"x" * 2**20
    for _ in range(megabytes):
        os.write(fd, block)
    return os.fstat(fd).st_size

def environment(*names):
    return [os.environ.get(name) for name in names]

def fine():
    return 1
"""

#: Nested folders far deeper than the recursion limit, in the worker's own folder.
DEEP_FOLDERS = """
import os

def deep_folders(depth):
    fd = os.open(".", os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    return depth
"""
