"""Nested values as plain data: a JSON tree plus a list of numpy arrays.

Everything that crosses a trust boundary or goes to disk goes through this module: the case
bundles (``grader/assets/cases/*.h5``) store values this way, and the worker sends its results
to the grader this way. Nothing here pickles or evaluates anything.

Schema of a tree node (a JSON object, key ``t`` names the kind):

======================  ==========================================================
``{"t": "ndarray", "i": k}``   ``arrays[k]``, an ndarray (any shape, numeric/bool dtype)
``{"t": "npscalar", "i": k}``  a numpy scalar, stored as the 0-d array ``arrays[k]``
``{"t": "int", "v": 3}``       a Python int (also ``float``, ``bool``, ``str``)
``{"t": "none"}``              ``None``
``{"t": "tuple", "items": [...]}``, ``{"t": "list", "items": [...]}``
``{"t": "dict", "items": [[key_node, value_node], ...]}``  (insertion order kept)
``{"t": "opaque", "type": "module.Name", "why": "..."}``  a value we refuse to transport
======================  ==========================================================

``opaque`` only ever comes from student code (a generator, a custom object, an object
array, something too large); :func:`flatten` with ``strict=True`` raises instead.
Floats in the JSON tree keep every bit: Python's ``json`` writes ``repr`` and reads it back
exactly, including ``NaN`` and ``Infinity``.
"""

from __future__ import annotations

import io
import json
import math
import re
from typing import Any

import numpy as np

from grader.sandbox.frames import LENGTH
from grader.sandbox.protocol import Kinds, Message, from_header, to_header

Tree = dict[str, Any]

#: Largest total array payload one flatten may carry (bytes); beyond it values become opaque.
MAX_ARRAY_BYTES = 256 * 1024 * 1024
#: Deepest nesting we follow.
MAX_DEPTH = 64
#: Most nodes one tree may have (the assignment's values have a few dozen). Decoding counts
#: them, so rebuilding any tree costs time and memory in proportion to this at most.
MAX_NODES = 100_000
#: Longest string a tree carries; a longer one travels (and is decoded) as an opaque value.
MAX_STRING_CHARS = 10_000
#: Most keys of one dict that are not strings. Python hashes numbers (and tuples of them)
#: predictably, so a sender can choose many such keys that all collide, and building the
#: dict would take quadratic time; string hashes are salted per process, so they cannot.
MAX_OTHER_KEYS = 64
#: Longest type name or reason an opaque value keeps (a class name can be megabytes long).
MAX_NAME_CHARS = 200
#: Largest JSON header :func:`decode_message` parses, and most ``{`` and ``[`` it may hold
#: (each becomes a Python object): a bound on what parsing it can cost before any check.
MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_HEADER_BRACKETS = 4 * MAX_NODES


#: Why an ``Opaque`` stands for ``np.squeeze(None)``: a stub's None passed through numpy.
NONE_IN_ARRAY = "a 0-d object array holding None"


class UnstorableValue(ValueError):
    """A value that cannot be represented (raised only with ``strict=True``)."""


def _type_name(value: object) -> str:
    cls = type(value)
    module, name = str(cls.__module__), str(cls.__qualname__)
    return _clip(name if module == "builtins" else f"{module}.{name}", MAX_NAME_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " [...]"


class _Flattener:
    def __init__(
        self, strict: bool, max_bytes: int, arrays: list[np.ndarray[Any, Any]] | None = None
    ) -> None:
        self.strict = strict
        self.budget = max_bytes
        self.arrays: list[np.ndarray[Any, Any]] = [] if arrays is None else arrays

    def opaque(self, value: object, why: str) -> Tree:
        if self.strict:
            raise UnstorableValue(f"cannot store {_type_name(value)}: {why}")
        return {"t": "opaque", "type": _type_name(value), "why": why}

    def array(self, kind: str, arr: np.ndarray[Any, Any]) -> Tree:
        if arr.dtype.hasobject and arr.shape == () and arr[()] is None:
            return self.opaque(arr, NONE_IN_ARRAY)
        if arr.dtype.hasobject or arr.dtype.kind not in "biufcSU":
            return self.opaque(arr, f"an array of dtype {arr.dtype}")
        if arr.nbytes > self.budget:
            return self.opaque(arr, f"an array of {arr.nbytes} bytes is too large")
        self.budget -= arr.nbytes
        self.arrays.append(arr)  # not copied: pooling (or the caller) copies when it must
        return {"t": kind, "i": len(self.arrays) - 1}

    def node(self, value: object, depth: int) -> Tree:
        if depth > MAX_DEPTH:
            return self.opaque(value, "nested too deeply")
        # Exact type checks: subclasses (bool is an int, np.float64 is a float) matter.
        if value is None:
            return {"t": "none"}
        if type(value) is bool:
            return {"t": "bool", "v": value}
        if type(value) is int:
            return {"t": "int", "v": value}
        if type(value) is float:
            return {"t": "float", "v": value}
        if type(value) is str:
            if len(value) > MAX_STRING_CHARS:
                return self.opaque(value, f"a string of {len(value)} characters")
            return {"t": "str", "v": value}
        if type(value) is np.ndarray:
            return self.array("ndarray", value)
        if isinstance(value, np.generic) and type(value).__module__ == "numpy":
            return self.array("npscalar", np.asarray(value))
        if type(value) in (tuple, list):
            seq: tuple[Any, ...] | list[Any] = value  # type: ignore[assignment]
            kind = "tuple" if type(value) is tuple else "list"
            return {"t": kind, "items": [self.node(v, depth + 1) for v in seq]}
        if type(value) is dict:
            return self.mapping(value, depth)
        return self.opaque(value, "not a plain value")

    def mapping(self, mapping: dict[Any, Any], depth: int) -> Tree:
        if sum(type(k) is not str for k in mapping) > MAX_OTHER_KEYS:
            return self.opaque(mapping, f"more than {MAX_OTHER_KEYS} keys that are not strings")
        return {
            "t": "dict",
            "items": [
                [self.node(k, depth + 1), self.node(v, depth + 1)] for k, v in mapping.items()
            ],
        }


def flatten(
    value: object, *, strict: bool = False, max_bytes: int = MAX_ARRAY_BYTES
) -> tuple[Tree, list[np.ndarray[Any, Any]]]:
    """Split ``value`` into a JSON-able tree and the arrays it refers to (the very arrays, not
    copies: :func:`encode_message` and the bundle writer copy them into their pools)."""
    arrays: list[np.ndarray[Any, Any]] = []
    return flatten_into(value, arrays, strict=strict, max_bytes=max_bytes), arrays


def flatten_into(
    value: object,
    arrays: list[np.ndarray[Any, Any]],
    *,
    strict: bool = False,
    max_bytes: int = MAX_ARRAY_BYTES,
) -> Tree:
    """Like :func:`flatten`, appending the arrays to ``arrays``, shared by several trees (one
    bundle, one message) whose references then index that one list."""
    flattener = _Flattener(strict, max_bytes, arrays)
    try:
        return flattener.node(value, 0)
    except RecursionError:
        return flattener.opaque(value, "nested too deeply")


def unflatten(tree: Tree, arrays: list[np.ndarray[Any, Any]]) -> Any:
    """Rebuild the value described by ``tree`` (the inverse of :func:`flatten`).

    The tree may come from student code (a worker can send anything), so it is checked as it
    is read: every node of its schema with values of the right type, at most
    :data:`MAX_NODES` nodes, :data:`MAX_DEPTH` levels and :data:`MAX_OTHER_KEYS` keys per
    dict that are not strings; strings longer than :data:`MAX_STRING_CHARS` become opaque
    values, and the names of opaque values are clipped. Anything else raises ``ValueError``.
    The cost is linear in the size of the tree and bounded by these limits."""
    return _Unflattener(arrays).node(tree, 0)


_SCALARS: dict[str, type] = {"int": int, "float": float, "bool": bool, "str": str}


class _Unflattener:
    def __init__(self, arrays: list[np.ndarray[Any, Any]]) -> None:
        self.arrays = arrays
        self.left = MAX_NODES

    def array(self, tree: Tree) -> np.ndarray[Any, Any]:
        index = tree.get("i")
        if type(index) is not int or not 0 <= index < len(self.arrays):
            raise ValueError("array reference out of range")
        return self.arrays[index]

    def node(self, tree: Any, depth: int) -> Any:
        self.left -= 1
        if self.left < 0 or depth > MAX_DEPTH + 1:  # + 1: flatten's "nested too deeply"
            raise ValueError("tree too large or too deep")
        if type(tree) is not dict:
            raise ValueError("tree node is not an object")
        kind = tree.get("t")
        if kind in _SCALARS:
            return self.scalar(kind, tree.get("v"))
        if kind == "ndarray":
            return np.array(self.array(tree), copy=True)
        if kind == "npscalar":
            return self.array(tree)[()]
        if kind == "none":
            return None
        if kind in ("tuple", "list", "dict"):
            items = tree.get("items")
            if type(items) is not list:
                raise ValueError(f"bad {kind} node")
            if kind == "dict":
                return self.mapping(items, depth)
            values = [self.node(item, depth + 1) for item in items]
            return tuple(values) if kind == "tuple" else values
        if kind == "opaque":
            type_name, why = tree.get("type", "?"), tree.get("why", "")
            if type(type_name) is not str or type(why) is not str:
                raise ValueError("bad opaque node")
            return Opaque(_clip(type_name, MAX_NAME_CHARS), _clip(why, MAX_NAME_CHARS))
        raise ValueError(f"unknown node kind {str(kind)[:40]!r}")

    @staticmethod
    def scalar(kind: str, value: Any) -> Any:
        if type(value) is not _SCALARS[kind]:  # also refuses a float Infinity as an int
            raise ValueError(f"bad {kind} node")
        if type(value) is str and len(value) > MAX_STRING_CHARS:
            return Opaque("str", f"a string of {len(value)} characters")
        return value

    def mapping(self, items: list[Any], depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        others = 0
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("bad dict item")
            key = self.node(pair[0], depth + 1)
            if type(key) is not str:
                others += 1
                if others > MAX_OTHER_KEYS:
                    raise ValueError("too many dict keys that are not strings")
            try:
                result[key] = self.node(pair[1], depth + 1)
            except TypeError:  # an unhashable key (a list)
                raise ValueError("unhashable dict key") from None
        return result


class Opaque:
    """Stands in for a value the child could not send (we only know its type)."""

    __slots__ = ("type_name", "why")

    def __init__(self, type_name: str, why: str) -> None:
        self.type_name = type_name
        self.why = why

    def __repr__(self) -> str:
        return f"<{self.type_name} ({self.why})>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and (self.type_name, self.why) == (
            other.type_name,
            other.why,
        )

    def __hash__(self) -> int:
        return hash((self.type_name, self.why))


# --- pooling: many small arrays as a few flat ones --------------------------------------------
#
# Both the bundles and the wire store arrays pooled by dtype: all arrays of one dtype are
# concatenated (C order) into one flat array, and a layout list ``[[dtype, offset, shape], ...]``
# says where each original array lies. Reading many tiny .npy headers or HDF5 datasets costs far
# more than the data; a few pools cost almost nothing.

Layout = list[list[Any]]


def pool_arrays(
    arrays: list[np.ndarray[Any, Any]],
) -> tuple[Layout, dict[str, np.ndarray[Any, Any]]]:
    """Group ``arrays`` into one flat array per dtype; returns (layout, pools by dtype str)."""
    chunks: dict[str, list[np.ndarray[Any, Any]]] = {}
    sizes: dict[str, int] = {}
    layout: Layout = []
    for arr in arrays:
        dtype = arr.dtype.str  # e.g. "<f8": byte order included, exact round trip
        layout.append([dtype, sizes.get(dtype, 0), list(arr.shape)])
        sizes[dtype] = sizes.get(dtype, 0) + arr.size
        chunks.setdefault(dtype, []).append(arr.reshape(-1))
    pools = {
        dtype: np.concatenate(parts) if parts else np.zeros(0, np.dtype(dtype))
        for dtype, parts in sorted(chunks.items())
    }
    return layout, pools


def unpool_arrays(
    layout: Any, pools: dict[str, np.ndarray[Any, Any]]
) -> list[np.ndarray[Any, Any]]:
    """Inverse of :func:`pool_arrays`; raises ``ValueError`` on an inconsistent layout.

    The arrays are views into the pools (read-only when the pools came from bytes):
    :func:`unflatten` copies them into the values it builds."""
    if not isinstance(layout, list) or len(layout) > MAX_NODES:
        raise ValueError("array layout is not a list, or too long")
    arrays = []
    for entry in layout:
        if not (isinstance(entry, list) and len(entry) == 3):
            raise ValueError("bad array layout entry")
        dtype, offset, shape = entry
        pool = pools.get(dtype) if isinstance(dtype, str) else None
        if pool is None or type(offset) is not int or not isinstance(shape, list):
            raise ValueError("array layout refers to no pool")
        if len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
            raise ValueError("bad array shape")
        size = math.prod(shape)
        if offset < 0 or offset + size > pool.size:
            raise ValueError("array layout runs past its pool")
        arrays.append(pool[offset : offset + size].reshape(shape))  # a view: unflatten copies
    return arrays


# --- numpy's .npy format for one flat pool ---------------------------------------------------
#
# Pools are always 1-D and C-ordered, so their .npy header has one fixed shape. Writing and
# reading it here (instead of np.lib.format, which parses every header with ast.literal_eval)
# is ten times faster and stricter: anything but a plain numeric 1-D array is refused.

_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = re.compile(
    rb"\{'descr': '([<>|][biufc][0-9]{1,2})', 'fortran_order': False, "
    rb"'shape': \(([0-9]+),\), \} *\n"
)


def npy_bytes(pool: np.ndarray[Any, Any]) -> bytes:
    """``pool`` (1-D, numeric) in .npy format version 1.0, as ``np.save`` writes it."""
    if pool.ndim != 1 or pool.dtype.kind not in "biufc":
        raise UnstorableValue("only flat numeric arrays are written as pools")
    header = f"{{'descr': '{pool.dtype.str}', 'fortran_order': False, 'shape': ({pool.size},), }}"
    pad = 64 - (len(_NPY_MAGIC) + 2 + len(header) + 1) % 64
    text = (header + " " * (pad % 64) + "\n").encode("latin1")
    payload = np.ascontiguousarray(pool).tobytes()
    return _NPY_MAGIC + len(text).to_bytes(2, "little") + text + payload


def read_npy(data: bytes | memoryview) -> np.ndarray[Any, Any]:
    """The flat array in ``data`` (.npy version 1.0, written by :func:`npy_bytes` or np.save)."""
    view = memoryview(data)
    if bytes(view[:8]) != _NPY_MAGIC or len(view) < 10:
        raise ValueError("not an .npy version 1.0 array")
    end = 10 + int.from_bytes(view[8:10], "little")
    match = _NPY_HEADER.fullmatch(bytes(view[10:end]))
    if match is None:
        raise ValueError("unsupported .npy header")
    dtype = np.dtype(match[1].decode("ascii"))
    count = int(match[2])
    if len(view) - end != count * dtype.itemsize:
        raise ValueError(".npy payload has the wrong size")
    return np.frombuffer(view[end:], dtype=dtype, count=count)


# --- bytes on a wire -----------------------------------------------------------------------
#
# A message is: 8-byte big-endian length of the JSON header, the header (UTF-8 JSON holding
# the tree under "tree" plus any caller fields, and the pool layout), then one flat array per
# dtype in numpy's .npy format (``allow_pickle=False``), each preceded by its 8-byte length.


def encode_message(header: dict[str, Any], arrays: list[np.ndarray[Any, Any]]) -> bytes:
    layout, pools = pool_arrays(arrays)
    out = io.BytesIO()
    head = json.dumps({**header, "layout": layout, "pools": list(pools)}).encode("utf-8")
    out.write(LENGTH.pack(len(head)))
    out.write(head)
    for pool in pools.values():
        payload = npy_bytes(pool)
        out.write(LENGTH.pack(len(payload)))
        out.write(payload)
    return out.getvalue()


def encode_record(record: Message, arrays: list[np.ndarray[Any, Any]] | None = None) -> bytes:
    """One :mod:`grader.sandbox.protocol` record as a message, with the arrays of its tree."""
    return encode_message(to_header(record), arrays or [])


def decode_record(data: bytes, expected: Kinds) -> tuple[Message, list[np.ndarray[Any, Any]]]:
    """The record in ``data`` (one of the ``expected`` kinds) and its arrays; ``ValueError``
    (:class:`grader.sandbox.protocol.ProtocolError` for a wrong header) on anything else."""
    header, arrays = decode_message(data)
    return from_header(header, expected), arrays


def decode_message(data: bytes) -> tuple[dict[str, Any], list[np.ndarray[Any, Any]]]:
    """Parse :func:`encode_message` output; raises ``ValueError`` on anything malformed."""
    view = memoryview(data)
    pos = 0

    def take(n: int) -> memoryview:
        nonlocal pos
        if n < 0 or pos + n > len(view):
            raise ValueError("truncated message")
        chunk = view[pos : pos + n]
        pos += n
        return chunk

    (head_len,) = LENGTH.unpack(take(LENGTH.size))
    if head_len > MAX_HEADER_BYTES:
        raise ValueError("message header too large")
    text = bytes(take(head_len))
    if text.count(b"{") + text.count(b"[") > MAX_HEADER_BRACKETS:
        raise ValueError("message header has too many parts")
    try:
        header = json.loads(text.decode("utf-8"))
    except RecursionError:
        raise ValueError("message header nested too deeply") from None
    if not isinstance(header, dict):
        raise ValueError("message header is not an object")
    names = header.pop("pools", [])
    layout = header.pop("layout", [])
    if not isinstance(names, list) or len(names) > 64:
        raise ValueError("bad pool list")
    pools = {}
    for name in names:
        (size,) = LENGTH.unpack(take(LENGTH.size))
        pool = read_npy(take(size))
        if pool.dtype.str != name:
            raise ValueError("pool does not match its name")
        pools[name] = pool
    if pos != len(view):
        raise ValueError("trailing bytes after message")
    return header, unpool_arrays(layout, pools)


Flat = tuple[Tree, list[np.ndarray[Any, Any]]]


def same_flat(a: Flat, b: Flat) -> bool:
    """Two flattened values are identical: the same tree, arrays equal byte for byte (same
    dtypes and shapes). How the grader recognises a bit-for-bit right answer without
    comparing, and the worker an argument left untouched."""
    (tree_a, arrays_a), (tree_b, arrays_b) = a, b
    return (
        tree_a == tree_b
        and len(arrays_a) == len(arrays_b)
        and all(
            x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
            for x, y in zip(arrays_a, arrays_b, strict=True)
        )
    )


def matches_flat(value: Any, flat: Flat) -> bool:
    """``same_flat(flatten(value), flat)``, without building the tree: how the worker checks,
    after every call, that the arguments were left as they came."""
    tree, arrays = flat

    def walk(v: Any, node: Tree) -> bool:
        kind = node["t"]
        if kind == "ndarray":
            a = arrays[node["i"]]
            return (
                type(v) is np.ndarray
                and v.dtype == a.dtype
                and v.shape == a.shape
                and v.tobytes() == a.tobytes()
            )
        if kind in ("tuple", "list"):
            items = node["items"]
            return (
                type(v) is (tuple if kind == "tuple" else list)
                and len(v) == len(items)
                and all(walk(x, n) for x, n in zip(v, items, strict=True))
            )
        if kind == "dict":
            pairs = node["items"]
            return (
                type(v) is dict
                and len(v) == len(pairs)
                and all(
                    walk(k, kn) and walk(x, xn)
                    for (k, x), (kn, xn) in zip(v.items(), pairs, strict=True)
                )
            )
        if kind == "npscalar":
            a = arrays[node["i"]]
            return (
                isinstance(v, np.generic)
                and type(v).__module__ == "numpy"
                and v.dtype == a.dtype
                and np.asarray(v).tobytes() == a.tobytes()
            )
        return bool(flatten(v)[0] == node)

    try:
        return walk(value, tree)
    except (RecursionError, KeyError, IndexError, TypeError):
        return False
