"""Case bundles: every value round-trips exactly, a rebuild is byte-identical on one machine,
and the committed bundles are fresh (up to the last bits a rebuild on another CPU may change)."""

import numpy as np
import pytest

from grader.authoring.build_cases import build_all
from grader.bundle import BundleCase, BundleError, read_bundle, write_bundle
from grader.paths import bundle_paths as default_paths
from grader.sandbox.codec import (
    decode_message,
    encode_message,
    flatten,
    matches_flat,
    same_flat,
    unflatten,
)
from testcases.cases import all_cases, hidden_cases, public_cases

SAMPLES = {
    "float64 matrix": np.arange(6, dtype=np.float64).reshape(2, 3) / 7,
    "int64 row": np.array([[1, 0, 1]]),
    "0-d array": np.array(0.41493159961539694),
    "numpy scalar": np.float64(0.1) + np.float64(0.2),
    "float32 array": np.ones((2, 1), dtype=np.float32) / 3,
    "bool array": np.array([True, False]),
    "empty": np.zeros((0, 3)),
    "python types": [1, 2.5, True, None, "relu", -0.0],
    "nested caches": [((np.eye(2), np.ones((1, 2)), np.zeros((1, 1))), np.full((1, 2), -1.5))],
    "dict": {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1)), "dA0": np.array([[np.nan, np.inf]])},
    "tuple in tuple": ((), (1,), ("a", ("b",))),
}


def same(a, b):
    """Exact equality including types, dtypes and shapes (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and (a == b or (np.isnan(a) and np.isnan(b)))
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("value", SAMPLES.values(), ids=SAMPLES.keys())
def test_value_tree_round_trip(value):
    tree, arrays = flatten(value, strict=True)
    assert same(unflatten(tree, arrays), value)


@pytest.mark.parametrize("value", SAMPLES.values(), ids=SAMPLES.keys())
def test_wire_message_round_trip(value):
    tree, arrays = flatten(value, strict=True)
    header, back = decode_message(encode_message({"tree": tree}, arrays))
    assert same(unflatten(header["tree"], back), value)


MALFORMED = {
    "empty": b"",
    "short": b"\x00" * 7,
    "truncated": (5).to_bytes(8, "big") + b"{}",
    "trailing": (2).to_bytes(8, "big") + b"{}" + b"x",
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_wire_message_is_a_value_error(data):
    with pytest.raises(ValueError):
        decode_message(data)


def test_objects_that_are_not_plain_values_become_opaque():
    tree, arrays = flatten(x for x in range(3))
    assert tree["t"] == "opaque" and "generator" in tree["type"]
    tree, _ = flatten(np.array([object()], dtype=object))
    assert tree["t"] == "opaque"


def test_bundle_round_trips_every_sample(tmp_path):
    cases = [
        BundleCase(
            "f", f"public-{i}", "public", name, (value, "relu"), value, {"g": [((value,), value)]}
        )
        for i, (name, value) in enumerate(SAMPLES.items())
    ]
    write_bundle(tmp_path / "b.h5", "public", cases)
    back = read_bundle(tmp_path / "b.h5")
    assert [c.key for c in back] == [c.key for c in cases]
    for got, want in zip(back, cases):
        assert same(got.args, want.args)
        assert same(got.expected, want.expected)
        assert same(dict(got.substitutes), dict(want.substitutes))


#: How far a number of a rebuilt bundle may move from the committed one. The reference's
#: matrix products go through BLAS, whose kernels (chosen per CPU) add in different orders, so
#: another machine rebuilds some values a few units in the last place away (relative errors
#: around 1e-15 were seen). Anything a change of the reference or the generators does is
#: far larger.
REBUILD_RTOL = 1e-12


def assert_equivalent(got, want, where="value"):
    """Same structure, types, dtypes, shapes, strings and integers; floats within REBUILD_RTOL.

    NaN and infinities must sit at the same places. An array's absolute tolerance scales with
    its largest finite magnitude, so an entry that cancels to almost zero is judged against
    the size of its neighbours, as its rounding error is.
    """
    assert type(got) is type(want), f"{where}: {type(got).__name__} is not {type(want).__name__}"
    if isinstance(want, (np.ndarray, np.generic)):
        assert (got.dtype, got.shape) == (want.dtype, want.shape), f"{where}: dtype or shape"
        if want.dtype.kind in "fc":
            values = np.asarray(want)
            scale = float(np.max(np.abs(values[np.isfinite(values)]), initial=0.0))
            close = np.allclose(
                got, want, rtol=REBUILD_RTOL, atol=REBUILD_RTOL * scale, equal_nan=True
            )
            assert close, f"{where}: values differ beyond rtol {REBUILD_RTOL:g}"
        else:
            assert np.array_equal(got, want), f"{where}: values differ"
    elif isinstance(want, float):
        same_nan = np.isnan(got) and np.isnan(want)
        assert same_nan or np.isclose(got, want, rtol=REBUILD_RTOL, atol=0.0), where
    elif isinstance(want, (tuple, list)):
        assert len(got) == len(want), f"{where}: length {len(got)} is not {len(want)}"
        for i, (a, b) in enumerate(zip(got, want)):
            assert_equivalent(a, b, f"{where}[{i}]")
    elif isinstance(want, dict):
        assert list(got) == list(want), f"{where}: keys {list(got)} are not {list(want)}"
        for key in want:
            assert_equivalent(got[key], want[key], f"{where}[{key!r}]")
    else:
        assert got == want, f"{where}: {got!r} is not {want!r}"


def test_committed_bundles_are_fresh(tmp_path):
    """Fails when the generators or the reference changed: run `grader build-cases`.

    Structure, types, dtypes, shapes, names and notes must be identical; numbers may differ by
    rounding only, because a rebuild on another CPU may use other BLAS kernels (the byte-for-
    byte check is test_rebuild_is_byte_identical, on one machine).
    """
    fresh = build_all(tmp_path)
    committed = default_paths()
    for visibility, path in fresh.items():
        stale = f"grader/assets/cases/{visibility}.h5 is stale: run `grader build-cases`"
        rebuilt, kept = read_bundle(path), read_bundle(committed[visibility])
        assert [c.key for c in rebuilt] == [c.key for c in kept], stale
        for new, old in zip(rebuilt, kept):
            assert (new.visibility, new.note) == (old.visibility, old.note), f"{old.key}: {stale}"
            assert_equivalent(new.args, old.args, f"{old.key} args")
            assert_equivalent(new.expected, old.expected, f"{old.key} expected")
            assert_equivalent(dict(new.substitutes), dict(old.substitutes), f"{old.key} helpers")


NEAR = {
    "one ulp": (np.array([[1.0, 2.5]]), np.array([[np.nextafter(1.0, 2.0), 2.5]])),
    "cancelled to almost zero": (np.array([3.0, 1e-17]), np.array([3.0, -2e-16])),
    "nan and inf in place": (np.array([np.nan, np.inf]), np.array([np.nan, np.inf])),
    "python float": (0.1 + 0.2, 0.3),
}
FAR = {
    "a real change": (np.array([[1.0, 2.5]]), np.array([[1.0 + 1e-9, 2.5]])),
    "dtype": (np.ones(2), np.ones(2, dtype=np.float32)),
    "shape": (np.ones((2, 1)), np.ones(2)),
    "nan moved": (np.array([np.nan, 1.0]), np.array([1.0, np.nan])),
    "tuple for list": ((1.0,), [1.0]),
    "dict keys": ({"W1": 1}, {"W2": 1}),
    "integer": (np.array([1, 2]), np.array([1, 3])),
    "string": ("relu", "sigmoid"),
}


@pytest.mark.parametrize(("got", "want"), NEAR.values(), ids=NEAR.keys())
def test_rebuild_tolerance_accepts_rounding(got, want):
    assert_equivalent(got, want)


@pytest.mark.parametrize(("got", "want"), FAR.values(), ids=FAR.keys())
def test_rebuild_tolerance_rejects_real_differences(got, want):
    with pytest.raises(AssertionError):
        assert_equivalent(got, want)


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path):
    first = build_all(tmp_path / "a")
    second = build_all(tmp_path / "b")
    for visibility in first:
        assert first[visibility].read_bytes() == second[visibility].read_bytes()


def test_bundles_hold_every_case_with_its_visibility():
    paths = default_paths()
    public = read_bundle(paths["public"])
    hidden = read_bundle(paths["hidden"])
    assert [c.key for c in public] == [f"{c.function}/{c.name}" for c in public_cases()]
    assert [c.key for c in hidden] == [f"{c.function}/{c.name}" for c in hidden_cases()]
    assert {c.visibility for c in public} == {"public"}
    assert {c.visibility for c in hidden} == {"hidden"}


def test_every_graded_function_has_at_least_eight_hidden_cases():
    from reference import GRADED_FUNCTIONS

    counts = {f: 0 for f in GRADED_FUNCTIONS}
    for case in hidden_cases():
        counts[case.function] += 1
    assert min(counts.values()) >= 8, counts
    assert len({(c.function, c.name) for c in all_cases()}) == len(all_cases())


def test_composite_cases_record_their_helper_calls():
    hidden = read_bundle(default_paths()["hidden"])
    forward = [c for c in hidden if c.function == "L_model_forward"]
    for case in forward:
        layers = len(case.args[1]) // 2
        assert len(case.substitutes["linear_activation_forward"]) == layers
    assert all(not c.substitutes for c in hidden if c.function == "linear_forward")


def test_missing_bundle_is_a_clear_error(tmp_path):
    with pytest.raises(BundleError, match="build-cases"):
        read_bundle(tmp_path / "nope.h5")
    (tmp_path / "junk.h5").write_bytes(b"not hdf5")
    with pytest.raises(BundleError, match="cannot be read"):
        read_bundle(tmp_path / "junk.h5")


@pytest.mark.parametrize("value", SAMPLES.values(), ids=SAMPLES.keys())
def test_matches_flat_agrees_with_flattening_and_comparing(value):
    flat = flatten(value, strict=True)
    assert matches_flat(unflatten(*flat), flat)
    changed = [value, [value], (value, 1), {"k": value}]
    for other in changed[1:]:
        assert matches_flat(other, flat) == same_flat(flatten(other), flat)


def test_matches_flat_sees_an_in_place_change():
    args = (np.ones((2, 2)), ((np.zeros((1, 2)), np.eye(2)), np.array([[0.5, -1.0]])), "relu")
    flat = flatten(args, strict=True)
    copy = unflatten(*flat)
    assert matches_flat(copy, flat)
    copy[1][0][1][0, 0] = 7.0
    assert not matches_flat(copy, flat)
    assert not matches_flat((*unflatten(*flat)[:2], "sigmoid"), flat)
    assert not matches_flat(list(unflatten(*flat)), flat)
