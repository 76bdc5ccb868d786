"""Course stand-in for ``public_tests``, the checks of the newest course version.

The newest notebook imports ``from public_tests import *`` and ends check cells with calls such
as ``L_model_forward_test(L_model_forward)``. This project's own ``public_tests`` has a check of
exactly that name and signature for every graded function (each runs the function on the
published cases, compares with the reference's outputs and prints "All tests passed." or what is
wrong), so this module re-exports them unchanged.

The course's version 1.1 splits two checks into numbered ones, also given here:

- ``initialize_parameters_test_1`` / ``initialize_parameters_deep_test_1``: our checks of the
  published calls ``(3, 2, 1)`` and ``[5, 4, 3]``;
- ``initialize_parameters_test_2`` / ``initialize_parameters_deep_test_2``: the course's second
  calls, ``(4, 3, 2)`` and ``[4, 3, 2]``, checked for structure only (keys, shapes, float64,
  zero biases, small non-zero weights), since this project publishes no values for them.

Like ours, every check prints a report, never raises, and returns the number of problems.

This module has the name of our own student module: it is a superset of it, so a notebook of
this project's format gets the same checks from it (see ``_course_support``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import _course_support as _support
import numpy as np

__course_shim__ = True
_ours = _support.ours("public_tests")
__all__ = [*_support.re_export(globals(), _ours)]  # noqa: PLE0604 (computed)


def initialize_parameters_test_1(target: Callable[..., Any]) -> int:
    """Check ``initialize_parameters`` on the published call (3, 2, 1)."""
    result: int = _ours.initialize_parameters_test(target)
    return result


def initialize_parameters_deep_test_1(target: Callable[..., Any]) -> int:
    """Check ``initialize_parameters_deep`` on the published call [5, 4, 3]."""
    result: int = _ours.initialize_parameters_deep_test(target)
    return result


def initialize_parameters_test_2(target: Callable[..., Any]) -> int:
    """Check the structure of ``initialize_parameters(4, 3, 2)``."""
    return _structure_check("initialize_parameters", target, (4, 3, 2), [4, 3, 2])


def initialize_parameters_deep_test_2(target: Callable[..., Any]) -> int:
    """Check the structure of ``initialize_parameters_deep([4, 3, 2])``."""
    return _structure_check("initialize_parameters_deep", target, ([4, 3, 2],), [4, 3, 2])


def _structure_check(
    function: str, target: Callable[..., Any], args: tuple[Any, ...], dims: list[int]
) -> int:
    state = np.random.get_state()  # the target reseeds: keep the notebook's generator
    try:
        problems = _structure_problems(target, args, dims)
    finally:
        np.random.set_state(state)
    if not problems:
        print("All tests passed.")
    else:
        print(f"{function}{args!r}: {len(problems)} problem(s) found.")
        for number, problem in enumerate(problems, start=1):
            print(f"{number}. {problem}")
    return len(problems)


def _structure_problems(
    target: Callable[..., Any], args: tuple[Any, ...], dims: list[int]
) -> list[str]:
    try:
        output = target(*args)
    except Exception as exc:  # a check reports, it never raises
        return [f"it raised {type(exc).__name__}: {exc}"]
    if not isinstance(output, dict):
        return [f"it returned a {type(output).__name__}, not a dict of parameters"]
    shapes: dict[str, tuple[int, int]] = {}
    for layer in range(1, len(dims)):
        shapes[f"W{layer}"] = (dims[layer], dims[layer - 1])
        shapes[f"b{layer}"] = (dims[layer], 1)
    problems = [f"the key {key!r} is missing" for key in shapes if key not in output]
    problems += [f"the key {key!r} is not expected" for key in output if key not in shapes]
    for key, shape in shapes.items():
        value = output.get(key)
        if key not in output:
            continue
        if not isinstance(value, np.ndarray):
            problems.append(f"{key} is a {type(value).__name__}, not a numpy array")
        elif value.shape != shape:
            problems.append(f"{key} has shape {value.shape}, expected {shape}")
        elif value.dtype != np.float64:
            problems.append(f"{key} has dtype {value.dtype}, expected float64")
        elif key.startswith("b") and np.any(value != 0):
            problems.append(f"{key} should be all zeros")
        elif key.startswith("W") and not (np.all(value != 0) and np.max(np.abs(value)) < 0.1):
            problems.append(f"{key} should hold small random non-zero values (scaled by 0.01)")
    return problems


__all__ += [
    "initialize_parameters_test_1",
    "initialize_parameters_test_2",
    "initialize_parameters_deep_test_1",
    "initialize_parameters_deep_test_2",
]
