"""Judging one returned value against the expected one: type, shape, dtype, value, structure.

This module is the single implementation of "is this output right, and if not, what exactly
is wrong". The grader uses it in its own process; the student folder holds this very file (as
``comparison.py``: a link to it in the repository, a copy in a release) so the checks students
run in the notebook say exactly what the grader will say. It therefore imports only numpy and the
standard library.

Tolerance: numbers match when ``np.allclose(actual, expected, rtol=RTOL, atol=ATOL)`` holds
(numpy's defaults: |actual - expected| <= 1e-8 + 1e-5 * |expected|) and NaN/inf appear in the
same places. Floating-point results must be float64 where the reference gives float64: float32
keeps only about 7 significant digits, which is not enough to train deep networks reliably.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

RTOL = 1e-5
ATOL = 1e-8

#: The graded functions, in the order the assignment teaches them.
GRADED_FUNCTIONS = (
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
)

#: Which graded functions each graded function calls (the assignment's dependency edges).
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "linear_activation_forward": ("linear_forward",),
    "L_model_forward": ("linear_activation_forward",),
    "linear_activation_backward": ("linear_backward",),
    "L_model_backward": ("linear_activation_backward",),
}

# Readable names for the parts of each graded function's return value and arguments.
# A label spec is a name (a leaf), or (name, [spec, ...]) for a tuple of known parts, or
# (name, ("each", spec)) for a list of alike items, or (name, "dict") for a dict.
_LINEAR_CACHE: Any = ("linear_cache", ["A_prev", "W", "b"])
_LAYER_CACHE: Any = ("cache", [_LINEAR_CACHE, "activation_cache"])
_GRADS3: Any = ["dA_prev", "dW", "db"]

OUTPUT_LABELS: dict[str, Any] = {
    "initialize_parameters": ("parameters", "dict"),
    "initialize_parameters_deep": ("parameters", "dict"),
    "linear_forward": ("output", ["Z", ("linear_cache", ["A", "W", "b"])]),
    "linear_activation_forward": ("output", ["A", _LAYER_CACHE]),
    "L_model_forward": ("output", ["AL", ("caches", ("each", _LAYER_CACHE))]),
    "compute_cost": "cost",
    "linear_backward": ("output", _GRADS3),
    "linear_activation_backward": ("output", _GRADS3),
    "L_model_backward": ("grads", "dict"),
    "update_parameters": ("parameters", "dict"),
}

ARG_NAMES: dict[str, tuple[Any, ...]] = {
    "initialize_parameters": ("n_x", "n_h", "n_y"),
    "initialize_parameters_deep": ("layer_dims",),
    "linear_forward": ("A", "W", "b"),
    "linear_activation_forward": ("A_prev", "W", "b", "activation"),
    "L_model_forward": ("X", "parameters"),
    "compute_cost": ("AL", "Y"),
    "linear_backward": ("dZ", _LINEAR_CACHE),
    "linear_activation_backward": ("dA", _LAYER_CACHE, "activation"),
    "L_model_backward": ("AL", "Y", ("caches", ("each", _LAYER_CACHE))),
    "update_parameters": (("parameters", "dict"), ("grads", "dict"), "learning_rate"),
}

#: The arguments a function may change in place, by function (every other argument of every
#: graded function must come back as it was given). Some course versions update
#: ``parameters`` in place in ``update_parameters``; its ``grads`` still belong to the caller.
MAY_CHANGE_IN_PLACE: dict[str, frozenset[str]] = {"update_parameters": frozenset({"parameters"})}

#: Why the caller still needs an argument, by argument name (said when it was changed).
_STILL_NEEDED = {
    "dA": "the activation's gradient is the next layer's input too",
    "linear_cache": "backpropagation reads the caches after this call",
    "cache": "backpropagation reads the caches after this call",
    "caches": "backpropagation reads the caches after this call",
    "grads": "update_parameters may change parameters in place, but grads belong to the caller",
}


@dataclass(frozen=True)
class Mismatch:
    """One thing wrong with a returned value (or with the inputs after the call).

    kind -- "not_implemented", "type", "length", "missing_key", "extra_key", "shape",
            "dtype", "nan", "value", "modified_input"
    path -- the readable location, e.g. "cache -> linear_cache -> W"
    message -- full sentences for the student: what was expected, what came, why it matters
    """

    kind: str
    path: str
    message: str
    expected: str = ""
    got: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "message": self.message,
            "expected": self.expected,
            "got": self.got,
            "details": dict(self.details),
        }


# --- naming places --------------------------------------------------------------------------


def _name(spec: Any) -> str:
    return spec if isinstance(spec, str) else str(spec[0])


def _child_spec(spec: Any, key: Any) -> Any:
    """The label spec of element ``key`` of a value labelled ``spec`` (None when unknown)."""
    if spec is None or isinstance(spec, str):
        return None
    _, parts = spec
    if isinstance(parts, list) and isinstance(key, int) and 0 <= key < len(parts):
        return parts[key]
    if isinstance(parts, tuple) and parts[0] == "each" and isinstance(key, int):
        inner = parts[1]
        return (
            (f"{_name(inner)} of layer {key + 1}", inner[1])
            if not isinstance(inner, str)
            else f"{inner} of layer {key + 1}"
        )
    return None


def _join(path: str, spec: Any, key: Any, parent_is_dict: bool) -> str:
    if spec is not None:
        return f"{path} -> {_name(spec)}" if path and path != "output" else _name(spec)
    return f"{path}[{key!r}]" if parent_is_dict else f"{path}[{key}]"


# --- describing values ----------------------------------------------------------------------


def type_label(value: Any) -> str:
    """A short, student-friendly name of a value's type."""
    if value is None:
        return "None"
    if type(value).__name__ == "Opaque" and hasattr(value, "type_name"):
        return f"{value.type_name} ({getattr(value, 'why', '')})"
    if isinstance(value, np.ndarray):
        return f"numpy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, np.generic):
        return f"numpy scalar {type(value).__name__}"
    return type(value).__name__


def _short(arr: Any, limit: int = 6) -> str:
    flat = np.asarray(arr).ravel()
    body = np.array2string(flat[:limit], precision=8, separator=", ")
    return body if flat.size <= limit else body[:-1] + ", ...]"


def _is_real_scalar(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def _scalar_like(expected: Any) -> bool:
    """Expected values for which any real 0-d number is an acceptable type."""
    return _is_real_scalar(expected) and not isinstance(expected, (int, np.integer))


# --- shape help -----------------------------------------------------------------------------


#: Graded functions with no matrix product: a shape mismatch there has other causes.
_NO_PRODUCT = frozenset(
    {"initialize_parameters", "initialize_parameters_deep", "update_parameters"}
)

#: Why two axes come out swapped, for functions that create their arrays (default: a product).
_SWAPPED = {
    "initialize_parameters": "give the two sizes in the other order when creating it (W of a "
    "layer has one row per unit of that layer and one column per unit of the layer before)",
    "initialize_parameters_deep": "give the two sizes in the other order when creating it (W "
    "of a layer has one row per unit of that layer and one column per unit of the layer "
    "before)",
    "update_parameters": "look for a transpose (.T) that does not belong there",
}


def shape_hint(
    expected: tuple[int, ...], got: tuple[int, ...], *, function: str = "", numbers: bool = True
) -> str:
    """Say which axis differs and the usual cause of such a mismatch. ``function``: the graded
    function whose output this is (its cues fit what it computes); ``numbers`` False leaves
    out the sizes (for hidden cases)."""
    if len(expected) == 2 and got == expected[::-1] and expected[0] != expected[1]:
        why = _SWAPPED.get(
            function, "this usually means a matrix product in the wrong order or a "
            "missing/extra transpose (.T)"
        )  # fmt: skip
        return f"The two axes are swapped: {why}."
    if len(expected) == 2 and expected[1] == 1 and got == (expected[0],):
        return (
            "This is a 1-D array, not a column vector: use shape (n, 1), e.g. "
            "keepdims=True when summing, or a two-number shape tuple when creating it."
        )
    if len(expected) == 2 and expected[0] == 1 and got == (expected[1],):
        return "This is a 1-D array, not a row vector of shape (1, m)."
    products = function not in _NO_PRODUCT
    if products and len(got) == 2 and len(expected) == 2 and got[0] == got[1] and 1 in expected:
        return (
            "A (n, 1) or (1, n) array was combined with one of the other orientation and "
            "numpy broadcast them into an (n, n) matrix without complaining."
        )
    if len(expected) != len(got):
        count = (
            f"{len(got)} axes instead of {len(expected)}" if numbers else "another number of axes"
        )
        return (
            f"It has {count}: check for a squeeze, a sum without keepdims=True, or an extra "
            "reshape."
        )
    axes = [i for i, (e, g) in enumerate(zip(expected, got)) if e != g]
    which = " and ".join(
        f"axis {i} ({got[i]} instead of {expected[i]})" if numbers else f"axis {i}" for i in axes
    )
    check = (
        "which dimension each factor contributes" if products else "which size goes on each axis"
    )
    return f"The sizes differ on {which}: check {check}."


# --- the comparison -------------------------------------------------------------------------


def compare(
    expected: Any, actual: Any, spec: Any = "output", path: str = "", *, shape_hints: bool = True
) -> list[Mismatch]:
    """Everything wrong with ``actual`` compared with ``expected`` (empty when it matches).

    ``spec`` names the parts (see ``OUTPUT_LABELS``); ``path`` is the location so far.
    ``shape_hints`` False leaves out the guesses about what causes a shape mismatch (a matrix
    product in the wrong order...), which mislead when the mismatch comes from values stored
    under the wrong keys.
    """
    here = path or _name(spec)
    if actual is None and expected is not None:
        return [
            Mismatch(
                "not_implemented",
                here,
                f"{here} is None: this part has not been computed yet (a stub still says None, "
                "or a return statement is missing).",
                type_label(expected),
                "None",
            )
        ]
    if _scalar_like(expected):
        return _compare_scalar(expected, actual, here)
    if isinstance(expected, np.ndarray):
        return _compare_array(expected, actual, here, shape_hints)
    if type(expected) is not type(actual):
        hint = ""
        if isinstance(expected, (tuple, list)) and isinstance(actual, (tuple, list)):
            hint = " The order and number of the parts matter, and so does the container."
        return [
            Mismatch(
                "type",
                here,
                f"{here} should be a {type_label(expected)}, "
                f"but it is a {type_label(actual)}.{hint}",
                type_label(expected),
                type_label(actual),
            )
        ]
    if isinstance(expected, (tuple, list)):
        return _compare_sequence(expected, actual, spec, here, shape_hints)
    if isinstance(expected, dict):
        return _compare_dict(expected, actual, here, shape_hints)
    if expected != actual:
        return [
            Mismatch(
                "value",
                here,
                f"{here} should be {expected!r}, but it is {actual!r}.",
                repr(expected),
                repr(actual),
            )
        ]
    return []


def _compare_sequence(
    expected: Any, actual: Any, spec: Any, here: str, shape_hints: bool = True
) -> list[Mismatch]:
    kind = "tuple" if isinstance(expected, tuple) else "list"
    if len(expected) != len(actual):
        return [
            Mismatch(
                "length",
                here,
                f"{here} should be a {kind} of {len(expected)} items, but it has {len(actual)}.",
                str(len(expected)),
                str(len(actual)),
            )
        ]
    problems: list[Mismatch] = []
    wrong: list[int] = []
    for i, (e, a) in enumerate(zip(expected, actual)):
        child = _child_spec(spec, i)
        found = compare(
            e,
            a,
            child if child is not None else f"[{i}]",
            _join(here, child, i, False),
            shape_hints=shape_hints,
        )
        if found:
            wrong.append(i)
        problems += found
    moved = _reordered(expected, actual, wrong, spec, kind) if len(wrong) >= 2 else ""
    if moved:
        problems.insert(0, Mismatch("order", here, f"{here}: {moved}"))
    return problems


def _part_name(spec: Any, i: int) -> str:
    child = _child_spec(spec, i)
    return _name(child) if child is not None else f"item {i}"


def _reordered(expected: Any, actual: Any, wrong: list[int], spec: Any, kind: str) -> str:
    """A sentence when every wrong item of a sequence is right, but at another position."""
    where: dict[int, int] = {}
    for i in wrong:
        for j in wrong:
            if j != i and not compare(expected[j], actual[i]):
                where[i] = j
                break
        else:
            return ""
    if len(expected) > 4 or not isinstance(spec, tuple) or not isinstance(spec[1], list):
        return (
            f"the items are right but in another order (item {wrong[0]} holds what belongs "
            f"at position {where[wrong[0]]}). Check the order in which the {kind} is "
            "built or returned."
        )
    places = ", ".join(
        f"{_part_name(spec, i)} holds what belongs in {_part_name(spec, j)}"
        for i, j in where.items()
    )
    what = "two parts are swapped" if len(where) == 2 else "the parts are in another order"
    return (
        f"the values are right but {what}: {places}. Check the order in which the {kind} "
        "is built, unpacked or returned."
    )


def _split_key(key: Any) -> tuple[str, int] | None:
    """("dW", 3) for "dW3"; None for a key that is not letters then a layer number."""
    if not isinstance(key, str):
        return None
    head = key.rstrip("0123456789")
    return (head, int(key[len(head) :])) if head and head != key else None


def _shifted_keys(expected: dict[Any, Any], actual: dict[Any, Any]) -> str:
    """A sentence when the values missing under their own keys sit under a key whose layer
    number is one off (the same shift for all of them)."""
    for shift in (1, -1):
        moved = []
        for key in expected:
            if key in actual and not compare(expected[key], actual[key]):
                continue
            parts = _split_key(key)
            other = f"{parts[0]}{parts[1] + shift}" if parts else None
            if other is None or other not in actual or compare(expected[key], actual[other]):
                break
            moved.append((key, other))
        else:
            if moved:
                shown = ", ".join(f"{e!r} is under {a!r}" for e, a in moved[:3])
                more = ", ..." if len(moved) > 3 else ""
                return (
                    f"the values are right but stored under layer numbers shifted by "
                    f"{shift:+d} ({shown}{more}). Check the number each key is built from."
                )
    return ""


def _compare_dict(
    expected: dict[Any, Any], actual: dict[Any, Any], here: str, shape_hints: bool = True
) -> list[Mismatch]:
    problems: list[Mismatch] = []
    missing = [k for k in expected if k not in actual]
    extra = [k for k in actual if k not in expected]
    if missing:
        problems.append(
            Mismatch(
                "missing_key",
                here,
                f"{here} is missing the key(s) {', '.join(map(repr, missing))}. "
                f"Expected exactly the keys {', '.join(map(repr, expected))}.",
                ", ".join(map(repr, expected)),
                ", ".join(map(repr, actual)),
                {"missing": [str(k) for k in missing]},
            )
        )
    if extra:
        problems.append(
            Mismatch(
                "extra_key",
                here,
                f"{here} has unexpected key(s) {', '.join(map(repr, extra))}. "
                "Check the names (upper/lower case, layer numbers).",
                ", ".join(map(repr, expected)),
                ", ".join(map(repr, actual)),
                {"extra": [str(k) for k in extra]},
            )
        )
    hints = shape_hints and not missing and not extra
    failing = []
    for key in expected:
        if key in actual:
            where = f"{here}[{key!r}]"
            found = compare(expected[key], actual[key], where, where, shape_hints=hints)
            if found:
                failing.append(key)
            problems += found
    shifted = _shifted_keys(expected, actual) if missing or extra or failing else ""
    if shifted:
        problems.insert(0, Mismatch("keys_shifted", here, f"{here}: {shifted}"))
    elif len(failing) >= 3 and not all(m.kind == "not_implemented" for m in problems):
        names = ", ".join(map(repr, failing))
        problems.insert(
            0,
            Mismatch(
                "summary",
                here,
                f"{here}: {len(failing)} of {len(expected)} entries are wrong ({names}); the "
                "details of each follow.",
                details={"failing": [str(k) for k in failing]},
            ),
        )
    return problems


def _compare_scalar(expected: Any, actual: Any, here: str) -> list[Mismatch]:
    if isinstance(actual, np.ndarray) and actual.ndim > 0 and actual.size == 1:
        return [
            Mismatch(
                "shape",
                here,
                f"{here} should be a single number (a 0-d value), but it is an array of shape "
                f"{actual.shape}. Squeeze it (np.squeeze) so [[0.41]] becomes 0.41.",
                "shape ()",
                f"shape {actual.shape}",
            )
        ]
    if not _is_real_scalar(actual):
        return [
            Mismatch(
                "type",
                here,
                f"{here} should be a single real number, but it is a {type_label(actual)}.",
                type_label(expected),
                type_label(actual),
            )
        ]
    got = np.asarray(actual)
    if got.dtype.kind == "f" and got.dtype != np.float64:
        return [
            Mismatch(
                "dtype",
                here,
                f"{here} should be a float64 number, but it is {got.dtype}: that keeps too few "
                "digits to compare costs between training steps.",
                "float64",
                str(got.dtype),
            )
        ]
    return _compare_values(np.asarray(expected), got, here)


def _compare_array(
    expected: np.ndarray[Any, Any], actual: Any, here: str, shape_hints: bool = True
) -> list[Mismatch]:
    if not isinstance(actual, np.ndarray):
        return [
            Mismatch(
                "type",
                here,
                f"{here} should be a numpy array of shape {expected.shape}, but it is a "
                f"{type_label(actual)}.",
                type_label(expected),
                type_label(actual),
            )
        ]
    if actual.shape != expected.shape:
        cue = shape_hint(expected.shape, actual.shape) if shape_hints else ""
        return [
            Mismatch(
                "shape",
                here,
                f"{here} should have shape {expected.shape}, but it has shape {actual.shape}."
                + (f" {cue}" if cue else ""),
                f"shape {expected.shape}",
                f"shape {actual.shape}",
                {
                    "expected_shape": list(expected.shape),
                    "got_shape": list(actual.shape),
                    "cue": cue,
                },
            )
        ]
    if expected.dtype.kind == "f" and actual.dtype != expected.dtype:
        why = (
            " float32 keeps only about 7 significant digits; the reference works in float64."
            if actual.dtype == np.float32
            else " Integer arrays cannot hold the small fractional values this needs."
            if actual.dtype.kind in "iub"
            else ""
        )
        return [
            Mismatch(
                "dtype",
                here,
                f"{here} should have dtype {expected.dtype}, but it has dtype {actual.dtype}.{why}",
                str(expected.dtype),
                str(actual.dtype),
            )
        ]
    if actual.dtype.kind not in "biuf":
        return [
            Mismatch(
                "dtype",
                here,
                f"{here} should hold numbers, but its dtype is {actual.dtype}.",
                str(expected.dtype),
                str(actual.dtype),
            )
        ]
    return _compare_values(expected, actual, here)


def _compare_values(
    expected: np.ndarray[Any, Any], actual: np.ndarray[Any, Any], here: str
) -> list[Mismatch]:
    if expected.dtype == actual.dtype and expected.tobytes() == actual.tobytes():
        return []  # bit-for-bit equal: the common case for right answers, and the cheapest
    e = expected.astype(np.float64)
    a = actual.astype(np.float64)
    with np.errstate(all="ignore"):
        close = np.isclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    if bool(np.all(close)):
        return []
    bad_nan = ~np.isfinite(a) & np.isfinite(e)
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    with np.errstate(all="ignore"):
        diff = np.abs(a - e)
        finite = np.isfinite(diff)
        max_abs = float(diff[finite].max()) if finite.any() else float("inf")
        # Relative to the expected value: meaningless where that is 0, so left out there.
        relative = finite & (e != 0)
        rel = diff[relative] / np.abs(e[relative])
        max_rel = float(rel.max()) if rel.size else None
    where = f" at index {first}" if first else ""
    details = {
        "max_abs_error": max_abs,
        "max_rel_error": max_rel,
        "first_index": list(first),
        "mismatched": int((~close).sum()),
        "total": int(close.size),
    }
    if bool(bad_nan.any()):
        spot = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        return [
            Mismatch(
                "nan",
                here,
                f"{here} contains {a[spot]!r} at index {spot} where a finite number "
                f"({e[spot]:.8g}) was expected: look for log(0), a division by zero, or an "
                "overflow in exp.",
                f"{e[spot]:.8g}",
                repr(float(a[spot])),
                details,
            )
        ]
    zero_only = bool(np.all(e[~close] == 0))
    errors = (
        f"largest absolute error {max_abs:.3g}; the expected values there are 0"
        if zero_only or max_rel is None
        else f"largest absolute error {max_abs:.3g}, largest relative error {max_rel:.3g}"
    )
    cue = _value_cue(e, a)
    return [
        Mismatch(
            "value",
            here,
            f"{here} has the right shape, but {details['mismatched']} of {details['total']} "
            f"value(s) are wrong; the first{where}: expected {e[first]:.8g}, got {a[first]:.8g} "
            f"({errors}).{f' {cue}' if cue else ''}",
            _short(e),
            _short(a),
            {**details, "cue": cue},
        )
    ]


def _factor_cue(k: float) -> str:
    """A sentence for values that are all exactly ``k`` times the expected ones."""
    size = abs(k) if abs(k) >= 1 else 1 / abs(k)
    n = round(size)
    if n < 2 or abs(size - n) > 1e-6 * size:
        return ""
    direction = "larger" if abs(k) > 1 else "smaller"
    sign = ", with the opposite sign" if k < 0 else ""
    start = f"Every value is exactly {n} times {direction} than expected{sign}:"
    if n == 100:
        return f"{start} look for a scale factor like 0.01 that is missing or applied twice."
    if n == 10:
        return f"{start} look for a scale factor with one zero too many or too few."
    return (
        f"{start} look for a factor that is missing or applied twice, such as the number "
        f"of examples m if it is {n} here."
    )


def _value_cue(e: np.ndarray[Any, Any], a: np.ndarray[Any, Any]) -> str:
    """What wrong values have in common with the expected ones, when it is that simple: the
    opposite sign, a constant factor, or a constant offset per row (how a bias shows)."""
    if not (np.isfinite(a).all() and np.isfinite(e).all()) or not np.any(e != 0):
        return ""
    with np.errstate(all="ignore"):
        if np.allclose(a, -e, rtol=RTOL, atol=ATOL):
            return (
                "Every value has the right size but the opposite sign: look for a minus "
                "sign that is missing, extra, or on the wrong term."
            )
        nonzero = np.abs(e) > ATOL
        k = float(np.median(a[nonzero] / e[nonzero]))
        if np.isfinite(k) and k != 0 and np.allclose(a, k * e, rtol=RTOL, atol=ATOL):
            cue = _factor_cue(k)
            if cue:
                return cue
        if e.ndim == 2 and e.shape[1] > 1:
            d = a - e
            if np.allclose(d, d[:, :1], rtol=RTOL, atol=ATOL):
                return (
                    "Each row is off by one constant amount, the same for every example "
                    "(column): that is how a bias that is missing, added twice or "
                    "subtracted shows up."
                )
    return ""


def compare_output(function: str, expected: Any, actual: Any) -> list[Mismatch]:
    """Compare a graded function's return value, with its parts named for ``function``: the
    cues fit what ``function`` computes, and each cue is said once (at its first part)."""
    spec = OUTPUT_LABELS.get(function, "output")
    found = []
    said: set[str] = set()
    for found_here in compare(expected, actual, spec):
        m, cue = found_here, found_here.details.get("cue", "")
        if m.kind == "shape" and cue and function in _SHAPE_CUED:
            new = shape_hint(
                tuple(m.details["expected_shape"]), tuple(m.details["got_shape"]), function=function
            )
            m = replace(m, message=m.message.replace(cue, new), details={**m.details, "cue": new})
            cue = new
        if cue in said:
            m = without_cue(m)
        said.add(cue)
        found.append(m)
    return found


#: The functions whose shape cues differ from the default ones.
_SHAPE_CUED = _NO_PRODUCT | frozenset(_SWAPPED)


def without_cue(m: Mismatch) -> Mismatch:
    """``m`` without its cue (the guess at a cause), when it has one."""
    cue = m.details.get("cue", "")
    if not cue:
        return m
    return replace(m, message=m.message.replace(f" {cue}", ""), details={**m.details, "cue": ""})


def compare_inputs(function: str, before: tuple[Any, ...], after: Any) -> list[Mismatch]:
    """Arguments a function changed in place that it must leave alone (changing them corrupts
    the caller's data); see :data:`MAY_CHANGE_IN_PLACE` for the ones it may change."""
    names = ARG_NAMES.get(function, ())
    allowed = MAY_CHANGE_IN_PLACE.get(function, frozenset())
    problems: list[Mismatch] = []
    for i, value in enumerate(before):
        spec = names[i] if i < len(names) else f"argument {i + 1}"
        if not isinstance(after, (tuple, list)) or i >= len(after):
            break
        if _name(spec) in allowed:
            continue
        changed = compare(value, after[i], spec)
        if changed:
            where = changed[0].path
            why = _STILL_NEEDED.get(_name(spec), "")
            problems.append(
                Mismatch(
                    "modified_input",
                    where,
                    f"{function} changed its input {where} in place. The caller still needs it "
                    f"as it was{f' ({why})' if why else ''}: work on a copy or build new arrays "
                    "instead of writing into the ones you were given.",
                    "unchanged",
                    "modified",
                    {"argument": _name(spec)},
                )
            )
    return problems


def looks_unimplemented(exc_type: str, message: str) -> bool:
    """Whether an exception is the typical result of a stub that still says ``None``."""
    return (
        "NoneType" in message or "None" in message and exc_type in ("TypeError", "AttributeError")
    )


def format_mismatches(mismatches: list[Mismatch]) -> str:
    """A numbered list, one entry per problem (what the notebook checks print)."""
    return "\n".join(f"{i}. {m.message}" for i, m in enumerate(mismatches, start=1))
