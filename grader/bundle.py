"""Case bundles: the cases, their expected outputs and the known mistakes' outputs, in one
HDF5 file.

The grader reads expected values and the diagnosis's data only from here, so grading needs no
reference code (neither the solution nor the mistake catalogue, which is the solution with one
slip per entry).

Schema (version 3)
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

Group ``/mistakes`` (new in version 3; written by ``grader build-cases``, read by the
diagnosis only, on first use, never by :func:`read_bundle`): what each catalogued mistake
(``reference.mutants``) gives on each case, run as the grader runs student code (numpy's
legacy generator seeded with ``CALL_SEED``, a deep copy of the arguments, warnings silenced).
Its attributes:

- ``catalogue``: a JSON list, one object per mistake, function by function in the order the
  assignment teaches them, output mistakes before raising ones: ``{"name", "function",
  "title", "hint", "raises": the exception type's name for a mistake named from exceptions
  only, else null, "line": with "raises", the regular expression the student's failing line
  (spaces removed) must match, else null}``.
- ``cases``: a JSON list, one object per case in the order of ``cases`` above: ``{"case":
  "function/name", "lookup": a SHA-256 hex digest of the function's name and the case's exact
  arguments (:func:`lookup_key`: how a diagnosis finds the case from its arguments),
  "outcomes": {mistake name: k}}`` for every mistake of the case's function, ``k`` indexing
  ``outcomes``.
- ``outcomes``: a JSON list of distinct outcomes (mistakes often coincide, with each other or
  with the expected value): ``{"value": T}``, what the mistake returned, or ``{"raised":
  type name, "numbers": [the digit runs of the exception's message, as strings]}``.
- ``arrays``: the layout of the arrays the ``T`` trees refer to, numbered after the bundle's
  own: index ``k`` below ``len(/arrays)`` is the bundle's array ``k`` (an argument or expected
  value that an outcome equals), a higher one is ``/mistakes/pool`` array ``k - len(/arrays)``.

Dataset ``/mistakes/pool/<dtype>``: the outcomes' own arrays, pooled as above, each distinct
array once.

Value trees keep exact Python and numpy types (tuple vs list, numpy scalar vs 0-d array, int
vs float), dtypes and shapes; JSON floats keep every bit. Writing is deterministic: groups and
datasets are created without timestamps, in a fixed order, so a rebuild is byte-identical.
``h5dump -A`` shows the index; ``h5dump -d "/pool/<f8"`` the numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.errors import SetupError
from grader.files import atomic_path
from grader.sandbox.codec import (
    Tree,
    flatten,
    flatten_into,
    pool_arrays,
    unflatten,
    unpool_arrays,
)

FORMAT = "dnn-autograder-cases"
VERSION = 3

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


def write_bundle(
    path: Path,
    visibility: str,
    cases: Sequence[BundleCase],
    mistakes: MistakeData | None = None,
) -> None:
    """Write ``cases`` to ``path`` (replacing it), deterministically, with the catalogued
    mistakes' outcomes on them when given (``mistakes.outcomes`` aligned with ``cases``)."""
    import h5py

    arrays: list[np.ndarray[Any, Any]] = []
    with (
        atomic_path(path) as tmp,
        h5py.File(tmp, "w", libver=("earliest", "v110"), track_order=False) as f,
    ):
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
        if mistakes is not None:
            _write_mistakes(f, cases, mistakes, arrays)


def _write_named(f: Any, cases: Sequence[BundleCase], arrays: list[np.ndarray[Any, Any]]) -> None:
    """The named values, each array stored once: most are the case's own inputs and outputs,
    already in ``arrays``, or repeat one another (a cache and its parts)."""
    if not any(case.named is not None for case in cases):
        return
    known = {_content(a): i for i, a in reversed(list(enumerate(arrays)))}
    trees: list[Any] = []
    for case in cases:
        if case.named is None:
            trees.append(None)
            continue
        mine: list[np.ndarray[Any, Any]] = []
        tree = _flat(case.named.get(), mine)
        where = []
        for array in mine:
            key = _content(array)
            if key not in known:
                known[key] = len(arrays)
                arrays.append(array)
            where.append(known[key])
        trees.append(_renumber(tree, where))
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
    with _open(path) as f:
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


def _open(path: Path) -> Any:
    """The bundle at ``path``, open for reading, checked to be of this schema."""
    import h5py

    try:
        f = h5py.File(path, "r")
    except FileNotFoundError:
        raise BundleError(f"case bundle {path} does not exist (run `grader build-cases`)") from None
    except OSError as exc:
        raise BundleError(f"case bundle {path} cannot be read: {exc}") from None
    if f.attrs.get("format") != FORMAT or int(f.attrs.get("version", -1)) != VERSION:
        f.close()
        raise BundleError(f"{path} is not a version-{VERSION} {FORMAT} bundle")
    return f


# --- the mistake catalogue's outcomes on the cases (what the diagnosis looks up) ----------


@dataclass(frozen=True)
class CatalogueEntry:
    """One catalogued mistake as the diagnosis needs it (its code stays in the checkout).

    raises -- for a mistake named from exceptions only: the name of the exception type it
    raises; None for a mistake seen in its outputs. line -- with ``raises``: a regular
    expression the student's failing line (spaces removed) must match.
    """

    name: str
    function: str
    title: str
    hint: str
    raises: str | None = None
    line: str | None = None


@dataclass(frozen=True)
class Raised:
    """A mistake raised on a case: the exception type's name and the numbers of its message
    (the missing key's layer, the shapes numpy refused), in order."""

    type: str
    numbers: tuple[str, ...]


#: What one mistake gives on one case: its output, or :class:`Raised`.
Outcome = Any


@dataclass(frozen=True)
class MistakeData:
    """The catalogue, and each of its mistakes' outcomes on every case of a bundle
    (``outcomes[i]``, mistake name -> outcome, belongs to the bundle's i-th case)."""

    catalogue: tuple[CatalogueEntry, ...]
    outcomes: tuple[Mapping[str, Outcome], ...]


@dataclass(frozen=True)
class MistakeTable:
    """The catalogue and its outcomes, found by a case's function and arguments
    (:func:`lookup_key`); what :func:`read_mistakes` gives. Read-only once built."""

    catalogue: tuple[CatalogueEntry, ...]
    outcomes: Mapping[str, Mapping[str, Outcome]]

    def mistakes_of(self, function: str) -> tuple[CatalogueEntry, ...]:
        return tuple(entry for entry in self.catalogue if entry.function == function)

    def on_case(self, function: str, args: Sequence[Any]) -> Mapping[str, Outcome] | None:
        """Every mistake's outcome on the case of ``function`` with these arguments; None
        for arguments of no case of the bundle."""
        return self.outcomes.get(lookup_key(function, args))

    def merged(self, other: MistakeTable) -> MistakeTable:
        """Both tables' cases, with this table's catalogue (the same one, by construction)."""
        return MistakeTable(self.catalogue, _Either(self.outcomes, other.outcomes))


def lookup_key(function: str, args: Sequence[Any]) -> str:
    """A digest of a graded function's name and exact arguments (types, dtypes, shapes and
    every bit): equal for the arguments of a case as built and as read back from a bundle."""
    import hashlib

    tree, arrays = flatten(tuple(args))
    digest = hashlib.sha256(function.encode())
    digest.update(json.dumps(tree, sort_keys=True, separators=(",", ":")).encode())
    for array in arrays:
        digest.update(f"|{array.dtype.str}{array.shape}|".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


class _Deduplicated:
    """Outcome entries and their arrays, each distinct one stored once. An array equal to one
    of the cases' own (``known``: arguments, expected values) refers to that one; the others
    are numbered after them."""

    def __init__(self, known: list[np.ndarray[Any, Any]]) -> None:
        self.entries: list[str] = []  # canonical JSON of each entry
        self.arrays: list[np.ndarray[Any, Any]] = []  # the arrays that are not known
        self._known = len(known)
        self._entry_index: dict[str, int] = {}
        self._array_index: dict[tuple[str, tuple[int, ...], bytes], int] = {}
        for i, array in enumerate(known):
            self._array_index.setdefault(_content(array), i)

    def add(self, outcome: Outcome) -> int:
        if isinstance(outcome, Raised):
            entry: dict[str, Any] = {"raised": outcome.type, "numbers": list(outcome.numbers)}
        else:
            tree, arrays = flatten(outcome, strict=True)
            entry = {"value": _renumber(tree, [self._array(a) for a in arrays])}
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"))
        if text not in self._entry_index:
            self._entry_index[text] = len(self.entries)
            self.entries.append(text)
        return self._entry_index[text]

    def _array(self, array: np.ndarray[Any, Any]) -> int:
        key = _content(array)
        if key not in self._array_index:
            self._array_index[key] = self._known + len(self.arrays)
            self.arrays.append(array)
        return self._array_index[key]


def _content(array: np.ndarray[Any, Any]) -> tuple[str, tuple[int, ...], bytes]:
    return array.dtype.str, array.shape, np.ascontiguousarray(array).tobytes()


def _renumber(tree: Any, index: list[int]) -> Any:
    """``tree`` with its array references ``i`` replaced by ``index[i]``."""
    if isinstance(tree, list):
        return [_renumber(item, index) for item in tree]
    if isinstance(tree, dict):
        out = {k: _renumber(v, index) for k, v in tree.items()}
        if out.get("t") in ("ndarray", "npscalar"):
            out["i"] = index[tree["i"]]
        return out
    return tree


def _write_mistakes(
    f: Any, cases: Sequence[BundleCase], data: MistakeData, known: list[np.ndarray[Any, Any]]
) -> None:
    if len(data.outcomes) != len(cases):
        raise ValueError("one mapping of mistake outcomes per case is needed")
    store = _Deduplicated(known)
    per_case = [
        {
            "case": case.key,
            "lookup": lookup_key(case.function, case.args),
            "outcomes": {name: store.add(outcome) for name, outcome in sorted(outcomes.items())},
        }
        for case, outcomes in zip(cases, data.outcomes)
    ]
    group = _group(f, "mistakes")
    catalogue = [vars(entry) for entry in data.catalogue]
    group.attrs["catalogue"] = json.dumps(catalogue, sort_keys=True, separators=(",", ":"))
    group.attrs["cases"] = json.dumps(per_case, sort_keys=True, separators=(",", ":"))
    group.attrs["outcomes"] = "[" + ",".join(store.entries) + "]"
    _write_pool(group, store.arrays)


def read_mistakes(path: Path) -> MistakeTable:
    """The catalogue and its outcomes stored in the bundle at ``path``; raises
    :class:`BundleError` for a bundle built without them. Outcomes are rebuilt when first
    looked up (most gradings look up one function's cases, if any)."""
    with _open(path) as f:
        if "mistakes" not in f:
            raise BundleError(f"{path} holds no mistake outcomes (run `grader build-cases`)")
        group = f["mistakes"]
        arrays = _read_pool(f) + _read_pool(group)
        catalogue = json.loads(group.attrs["catalogue"])
        per_case = json.loads(group.attrs["cases"])
        entries = json.loads(group.attrs["outcomes"])
    return MistakeTable(
        catalogue=tuple(
            CatalogueEntry(
                name=str(e["name"]),
                function=str(e["function"]),
                title=str(e["title"]),
                hint=str(e["hint"]),
                raises=None if e["raises"] is None else str(e["raises"]),
                line=None if e["line"] is None else str(e["line"]),
            )
            for e in catalogue
        ),
        outcomes=_StoredOutcomes(
            {str(c["lookup"]): c["outcomes"] for c in per_case}, entries, arrays
        ),
    )


class _StoredOutcomes(Mapping[str, Mapping[str, Outcome]]):
    """Lookup key -> mistake name -> outcome, each case's outcomes rebuilt on first use (under
    a lock: one rebuild, and every thread sees the same values)."""

    def __init__(
        self,
        cases: dict[str, dict[str, int]],
        entries: list[dict[str, Any]],
        arrays: list[np.ndarray[Any, Any]],
    ) -> None:
        import threading

        self._cases = cases
        self._entries = entries
        self._arrays = arrays
        self._built: dict[str, dict[str, Outcome]] = {}
        self._values: dict[int, Outcome] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> Mapping[str, Outcome]:
        indices = self._cases[key]
        with self._lock:
            if key not in self._built:
                self._built[key] = {name: self._entry(i) for name, i in indices.items()}
            return self._built[key]

    def _entry(self, i: int) -> Outcome:
        """Entry ``i``, built once (an outcome shared by several mistakes is one value)."""
        if i not in self._values:
            entry = self._entries[i]
            if "raised" in entry:
                numbers = tuple(str(n) for n in entry["numbers"])
                self._values[i] = Raised(str(entry["raised"]), numbers)
            else:
                self._values[i] = unflatten(entry["value"], self._arrays)
        return self._values[i]

    def __contains__(self, key: object) -> bool:
        return key in self._cases

    def __iter__(self) -> Iterator[str]:
        return iter(self._cases)

    def __len__(self) -> int:
        return len(self._cases)


class _Either(Mapping[str, Mapping[str, Outcome]]):
    """The keys of two mappings, the first one's values first (nothing is read in advance)."""

    def __init__(
        self,
        first: Mapping[str, Mapping[str, Outcome]],
        second: Mapping[str, Mapping[str, Outcome]],
    ) -> None:
        self._first = first
        self._second = second

    def __getitem__(self, key: str) -> Mapping[str, Outcome]:
        return self._first[key] if key in self._first else self._second[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (key for key in self._second if key not in self._first)

    def __len__(self) -> int:
        return sum(1 for _ in self)
