"""Case bundles: the cases and their expected outputs in one HDF5 file.

The grader reads expected values only from here, so grading needs no reference code.

Schema (version 2)
------------------
File attributes:

- ``format = "dnn-autograder-cases"``, ``version = 2``, ``visibility`` ("public" or "hidden")
- ``cases``: a JSON list with one object per case, in build order:
  ``{"function": the graded function, "name": its name within that function ("public-1",
  "hidden-3"), "visibility", "note": what the case exercises (instructor-facing; never shown
  for hidden cases), "args": T, "expected": T, "substitutes": {helper: [[T_args, T_result],
  ...]}}``, each ``T`` a value tree of :mod:`grader.sandbox.codec`. ``substitutes`` records the
  calls the reference made to other graded functions on this case, with their results (used to
  re-run a function with correct helpers substituted).
- ``named`` (optional): a JSON list with one ``T`` (or null) per case, in the same order: the
  case's correct computation as named values (``reference/named_values.py``: inputs,
  intermediates and every helper call, each with a name a student understands), which
  :mod:`grader.grading.valueflow` matches a failing function's traced values against. It is
  decoded only when a case is explained (:class:`NamedValues`), so loading stays fast.
- ``arrays``: the JSON list of ``[dtype, offset, shape]``, one per array the trees refer to
  (``{"t": "ndarray", "i": k}`` is ``arrays[k]``).

Datasets: ``/pool/<dtype>`` (e.g. ``/pool/<f8``), a 1-D array of all elements of that dtype,
concatenated in C order. Pooling and the single JSON index make a bundle load in a handful of
HDF5 reads however many cases it holds (per-case groups and attributes cost ~0.3 ms each).

Value trees keep exact Python and numpy types (tuple vs list, numpy scalar vs 0-d array, int
vs float), dtypes and shapes; JSON floats keep every bit. Writing is deterministic: groups and
datasets are created without timestamps, in a fixed order, so a rebuild is byte-identical.
``h5dump -A`` shows the index; ``h5dump -d "/pool/<f8"`` the numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.errors import SetupError
from grader.sandbox.codec import Tree, flatten_into, pool_arrays, unflatten, unpool_arrays

FORMAT = "dnn-autograder-cases"
VERSION = 2

Substitutes = Mapping[str, Sequence[tuple[tuple[Any, ...], Any]]]


@dataclass(frozen=True)
class BundleCase:
    """A case as the grader sees it: inputs, expected output, recorded helper calls."""

    function: str
    name: str
    visibility: str
    note: str
    args: tuple[Any, ...]
    expected: Any
    substitutes: Substitutes
    #: The correct computation as named values, decoded on first use (None: not recorded).
    named: NamedValues | None = None

    @property
    def key(self) -> str:
        return f"{self.function}/{self.name}"


class NamedValues:
    """A case's named values (plain data, see ``reference/named_values.py``), either given or
    read from a bundle and decoded on first :meth:`get`."""

    def __init__(self, value: Any = None, flat: Any = None) -> None:
        self._value, self._flat = value, flat

    def get(self) -> Any:
        if self._flat is not None:
            tree, arrays = self._flat
            self._value, self._flat = unflatten(tree, arrays), None
        return self._value


class BundleError(SetupError):
    """The bundle file is missing, unreadable or not of this schema."""


def write_bundle(path: Path, visibility: str, cases: Sequence[BundleCase]) -> None:
    """Write ``cases`` to ``path`` (replacing it), deterministically."""
    import h5py

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    arrays: list[np.ndarray[Any, Any]] = []
    with h5py.File(tmp, "w", libver=("earliest", "v110"), track_order=False) as f:
        f.attrs["format"] = FORMAT
        f.attrs["version"] = VERSION
        f.attrs["visibility"] = visibility
        index = [
            {
                "function": case.function,
                "name": case.name,
                "visibility": case.visibility,
                "note": case.note,
                "args": _flat(case.args, arrays),
                "expected": _flat(case.expected, arrays),
                "substitutes": {
                    helper: [[_flat(a, arrays), _flat(r, arrays)] for a, r in calls]
                    for helper, calls in case.substitutes.items()
                },
            }
            for case in cases
        ]
        f.attrs["cases"] = json.dumps(index, sort_keys=True, separators=(",", ":"))
        _write_named(f, cases, arrays)
        _write_pool(f, arrays)
    tmp.replace(path)


def _write_named(f: Any, cases: Sequence[BundleCase], arrays: list[np.ndarray[Any, Any]]) -> None:
    if any(case.named is not None for case in cases):
        trees = [_flat(c.named.get(), arrays) if c.named is not None else None for c in cases]
        f.attrs["named"] = json.dumps(trees, sort_keys=True, separators=(",", ":"))


def _read_named(f: Any, count: int, arrays: list[np.ndarray[Any, Any]]) -> list[Any]:
    """One :class:`NamedValues` (or None) per case; the JSON is parsed on first use."""
    text = f.attrs.get("named")
    if text is None:
        return [None] * count
    parsed: list[Any] = []

    def tree(i: int) -> Any:
        if not parsed:
            parsed.append(json.loads(text))
        return parsed[0][i]

    return [_LazyNamed(tree, i, arrays) for i in range(count)]


class _LazyNamed(NamedValues):
    def __init__(self, tree: Any, index: int, arrays: list[np.ndarray[Any, Any]]) -> None:
        super().__init__()
        self._tree, self._index, self._arrays = tree, index, arrays
        self._done = False

    def get(self) -> Any:
        if not self._done:
            node = self._tree(self._index)
            self._value = unflatten(node, self._arrays) if node is not None else None
            self._done = True
        return self._value


def _write_pool(f: Any, arrays: list[np.ndarray[Any, Any]]) -> None:
    pool = _group(f, "pool")
    layout, pools = pool_arrays(arrays)
    for dtype, data in pools.items():
        pool.create_dataset(dtype, data=data, track_times=False)
    f.attrs["arrays"] = json.dumps(layout, separators=(",", ":"))


def _read_pool(f: Any) -> list[np.ndarray[Any, Any]]:
    pools = {name: f["pool"][name][()] for name in f["pool"]}
    return unpool_arrays(json.loads(f.attrs["arrays"]), pools)


def _group(parent: Any, name: str) -> Any:
    """Create a subgroup without modification times, so identical content gives identical bytes."""
    import h5py

    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    gid = h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl)
    return h5py.Group(gid)


def _flat(value: Any, arrays: list[np.ndarray[Any, Any]]) -> Tree:
    return flatten_into(value, arrays, strict=True)


def read_bundle(path: Path) -> list[BundleCase]:
    """Read every case of a bundle; raises :class:`BundleError` with a clear message."""
    import h5py

    try:
        f = h5py.File(path, "r")
    except FileNotFoundError:
        raise BundleError(f"case bundle {path} does not exist (run `grader build-cases`)") from None
    except OSError as exc:
        raise BundleError(f"case bundle {path} cannot be read: {exc}") from None
    with f:
        if f.attrs.get("format") != FORMAT or int(f.attrs.get("version", -1)) != VERSION:
            raise BundleError(f"{path} is not a version-{VERSION} {FORMAT} bundle")
        arrays = _read_pool(f)
        index = json.loads(f.attrs["cases"])
        named = _read_named(f, len(index), arrays)
    return [
        BundleCase(
            function=str(entry["function"]),
            name=str(entry["name"]),
            visibility=str(entry["visibility"]),
            note=str(entry["note"]),
            args=unflatten(entry["args"], arrays),
            expected=unflatten(entry["expected"], arrays),
            substitutes={
                helper: [(unflatten(a, arrays), unflatten(r, arrays)) for a, r in calls]
                for helper, calls in entry["substitutes"].items()
            },
            named=lazy,
        )
        for entry, lazy in zip(index, named, strict=True)
    ]
