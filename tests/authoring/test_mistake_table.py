"""The catalogued mistakes' outcomes stored in the bundles (what the diagnosis looks up).

``grader build-cases`` writes them: every mistake of a case's function on every case, exactly
as the catalogue's code gives them, each distinct value once; they read back unchanged, are
found by a case's arguments, and the checkout-only commands stop cleanly without the
reference code.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader import paths
from grader.authoring.build_cases import build_all
from grader.authoring.catalogue_table import catalogue, outcome
from grader.bundle import (
    BundleCase,
    CatalogueEntry,
    MistakeData,
    Raised,
    lookup_key,
    read_bundle,
    read_mistakes,
    write_bundle,
)
from grader.grading.comparison import compare
from reference.mutants import MISTAKES, RAISING, Mistake

BY_NAME = {m.name: m for m in MISTAKES + RAISING}


def _same_outcome(got: object, want: object) -> bool:
    if isinstance(want, Raised) or isinstance(got, Raised):
        return got == want
    return not compare(want, got)


def test_the_catalogue_table_is_the_catalogue() -> None:
    table = catalogue()
    assert [e.name for e in table] == [m.name for m in sorted_by_function()]
    for entry in table:
        mistake = BY_NAME[entry.name]
        assert (entry.function, entry.title, entry.hint) == (
            mistake.function,
            mistake.title,
            mistake.hint,
        )
        assert entry.raises == (mistake.raises.__name__ if mistake.raises else None)
        assert entry.line == mistake.line


def sorted_by_function() -> list[Mistake]:
    from reference import GRADED_FUNCTIONS
    from reference.mutants import mistakes_for, raising_mistakes_for

    return [m for f in GRADED_FUNCTIONS for m in mistakes_for(f) + raising_mistakes_for(f)]


@pytest.mark.parametrize("visibility", ["public", "hidden"])
def test_every_case_holds_every_mistake_of_its_function_as_the_catalogue_gives_it(
    visibility: str,
) -> None:
    path = paths.bundle_paths()[visibility]
    table = read_mistakes(path)
    assert table.catalogue == catalogue()
    stale = f"{path.name} is stale: run `grader build-cases`"
    for case in read_bundle(path):
        stored = table.on_case(case.function, case.args)
        assert stored is not None, case.key
        mistakes = table.mistakes_of(case.function)
        assert sorted(stored) == sorted(m.name for m in mistakes), case.key
        for entry in mistakes:
            fresh = outcome(BY_NAME[entry.name].impl, case.args)
            assert _same_outcome(stored[entry.name], fresh), f"{case.key} {entry.name}: {stale}"


def test_raising_mistakes_are_stored_as_their_exception() -> None:
    table = read_mistakes(paths.bundle_paths()["public"])
    mistake = next(m for m in RAISING if m.name == "update-loop-from-layer-0")
    case = next(
        c for c in read_bundle(paths.bundle_paths()["public"]) if c.function == mistake.function
    )
    stored = table.on_case(case.function, case.args)
    assert stored is not None
    assert stored[mistake.name] == Raised("KeyError", ("0",))


def test_the_bundles_stay_small() -> None:
    """About 2.1 MB for both (0.46 MB without the outcomes, 1.5 MB without the named values of
    the correct computation): identical values stored once."""
    total = sum(p.stat().st_size for p in paths.bundle_paths().values())
    assert total < 2_400_000


def _case(name: str, args: tuple[object, ...], expected: object) -> BundleCase:
    return BundleCase("f", name, "public", "", args, expected, {})


def test_outcomes_round_trip_and_are_stored_once(tmp_path: Path) -> None:
    a = np.arange(6.0).reshape(2, 3)
    cases = [_case("public-1", (a, "relu"), a * 2), _case("public-2", (a.T.copy(), 1), 0.5)]
    entries = (CatalogueEntry("m1", "f", "t1", "h1"), CatalogueEntry("m2", "f", "t2", "h2"))
    same = (a * 2, {"W1": a})  # an expected value and an argument inside
    outcomes = (
        {"m1": same, "m2": (a * 2, {"W1": a.copy()})},
        {"m1": Raised("KeyError", ("3",)), "m2": np.float64(0.5)},
    )
    write_bundle(tmp_path / "b.h5", "public", cases, MistakeData(entries, outcomes))
    table = read_mistakes(tmp_path / "b.h5")
    assert table.catalogue == entries
    back = read_bundle(tmp_path / "b.h5")
    first, second = (table.on_case("f", c.args) for c in back)
    assert first is not None and second is not None
    assert not compare(same, first["m1"]) and first["m1"] is first["m2"]  # one entry for both
    assert type(first["m1"]) is tuple and first["m1"][1]["W1"].dtype == a.dtype
    assert second["m1"] == Raised("KeyError", ("3",))
    assert type(second["m2"]) is np.float64 and second["m2"] == 0.5
    assert table.on_case("g", back[0].args) is None  # another function's case
    import h5py

    with h5py.File(tmp_path / "b.h5") as f:  # the others were the bundle's own arrays
        assert f["mistakes"]["pool"]["<f8"][()].tolist() == [0.5]


def test_a_case_is_found_by_its_exact_arguments() -> None:
    a = np.array([[1.0, 2.0]])
    key = lookup_key("f", (a, [1, 2]))
    assert key == lookup_key("f", [a.copy(), [1, 2]])  # a list of arguments is a tuple too
    assert key != lookup_key("g", (a, [1, 2]))
    assert key != lookup_key("f", (a, (1, 2)))
    assert key != lookup_key("f", (np.nextafter(a, 3.0), [1, 2]))
    assert key != lookup_key("f", (a.astype(np.float32), [1, 2]))
    assert key != lookup_key("f", (a.T, [1, 2]))


def test_a_bundle_without_outcomes_is_a_clear_error(tmp_path: Path) -> None:
    from grader.bundle import BundleError

    write_bundle(tmp_path / "b.h5", "public", [_case("public-1", (1,), 2)])
    with pytest.raises(BundleError, match="build-cases"):
        read_mistakes(tmp_path / "b.h5")


#: The grader's command line, in a fresh interpreter where a finder ahead of every other one
#: refuses ``reference`` and ``testcases`` (as in an install, but with a checkout around).
WITHOUT_REFERENCE = textwrap.dedent(
    """
    import sys

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("reference", "testcases"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Refuse())
    from grader.cli import main

    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("command", ["build-cases", "generate"])
def test_checkout_commands_stop_cleanly_without_the_reference(tmp_path: Path, command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_REFERENCE, command, "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("grader: ") and done.stderr.count("\n") == 1
    assert "checkout" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_rebuild_stores_the_same_outcomes(tmp_path: Path) -> None:
    """The committed bundles' outcomes are those a rebuild computes (within rounding)."""
    fresh = build_all(tmp_path)
    for visibility, path in paths.bundle_paths().items():
        kept, rebuilt = read_mistakes(path), read_mistakes(fresh[visibility])
        assert kept.catalogue == rebuilt.catalogue
        assert sorted(kept.outcomes) == sorted(rebuilt.outcomes)
        for key, outcomes in rebuilt.outcomes.items():
            old = kept.outcomes[key]
            assert sorted(old) == sorted(outcomes)
            assert all(_same_outcome(old[n], outcomes[n]) for n in outcomes), visibility
