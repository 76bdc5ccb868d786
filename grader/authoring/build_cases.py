"""``grader build-cases``: run the reference on every case and write the two bundles.

This is the only place (besides ``grader generate``) where the reference runs: grading itself
reads the bundles. Each case's expected output is the reference's return value on a fresh copy
of the inputs, and its "substitutes" are the calls the reference made to the other graded
functions it depends on, with their results (see :mod:`grader.bundle`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.authoring.catalogue_table import mistake_data, reference_module
from grader.bundle import BundleCase, NamedValues, write_bundle
from grader.grading.comparison import DEPENDENCIES


@contextmanager
def _recording(helpers: tuple[str, ...]) -> Iterator[dict[str, list[tuple[Any, Any]]]]:
    """Wrap the reference's helpers so every direct call (args, result) is recorded."""
    from reference import network

    calls: dict[str, list[tuple[Any, Any]]] = {name: [] for name in helpers}
    originals = {name: getattr(network, name) for name in helpers}

    def recorder(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            recorded_args = copy.deepcopy(args)
            result = real(*args)
            calls[name].append((recorded_args, copy.deepcopy(result)))
            return result

        return wrapper

    try:
        for name, real in originals.items():
            setattr(network, name, recorder(name, real))
        yield calls
    finally:
        for name, real in originals.items():
            setattr(network, name, real)


def build_case(case: Any) -> BundleCase:
    """Compute the expected output (and helper calls) of one ``testcases.cases.Case``."""
    from reference import network

    function = getattr(network, case.function)
    with _recording(DEPENDENCIES.get(case.function, ())) as calls:
        expected = function(*copy.deepcopy(case.args))
    return BundleCase(
        function=case.function,
        name=case.name,
        visibility=case.visibility,
        note=case.note,
        args=case.args,
        expected=expected,
        substitutes={name: [(tuple(a), r) for a, r in rec] for name, rec in calls.items()},
        named=named_computation(case),
    )


def named_computation(case: Any) -> NamedValues:
    """The reference's computation of the case as named values (see :mod:`grader.bundle`)."""
    from reference.named_values import named_values

    return NamedValues(named_values(case.function, case.args))


def build_all(out_dir: Path) -> dict[str, Path]:
    """Write ``public.h5`` and ``hidden.h5`` into ``out_dir``; returns their paths. Each holds
    the catalogued mistakes' outcomes on its cases too (:mod:`.catalogue_table`)."""
    generators = reference_module("testcases.cases")
    reference_module("reference.network")  # a clear error now, from an install, not midway

    paths = {}
    for visibility, cases in (
        (generators.PUBLIC, generators.public_cases()),
        (generators.HIDDEN, generators.hidden_cases()),
    ):
        path = out_dir / f"{visibility}.h5"
        built = [build_case(c) for c in cases]
        write_bundle(path, visibility, built, mistake_data(built))
        paths[visibility] = path
    return paths
