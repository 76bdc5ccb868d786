"""Course stand-in for ``test_utils``, the check helpers behind the newest version's checks.

The course's module judges a function against a list of test cases, each a dict with the keys
``name`` (``"datatype_check"``, ``"shape_check"`` or ``"equation_output_check"``), ``input``
(the positional arguments), ``expected`` and ``error`` (the message printed when it fails).
The same names and the same calling conventions are given here:

- ``datatype_check(expected, result, error)``, ``shape_check(...)``,
  ``equation_output_check(...)``: 1 when ``result`` passes (the comparison recurses into dicts,
  tuples and lists), else print ``error`` and give 0;
- ``single_test(test_cases, target)`` and ``multiple_test(test_cases, target)``: run ``target``
  on each case (on a deep copy of its input) and print "All tests passed." or how many failed.

Unlike the course's helpers these never raise (a failure is printed, and the number of failed
cases returned), so a failing check cell does not stop a notebook that is being graded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__course_shim__ = True
_CHECKS = ("datatype_check", "shape_check", "equation_output_check")


def _same_type(expected: Any, result: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(result, dict) and all(
            k in result and _same_type(v, result[k]) for k, v in expected.items()
        )
    if isinstance(expected, (tuple, list)):
        return (
            isinstance(result, (tuple, list))
            and len(result) == len(expected)
            and all(_same_type(e, r) for e, r in zip(expected, result))
        )
    return isinstance(result, type(expected))


def _same_shape(expected: Any, result: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(result, dict) and all(
            k in result and _same_shape(v, result[k]) for k, v in expected.items()
        )
    if isinstance(expected, (tuple, list)):
        return (
            isinstance(result, (tuple, list))
            and len(result) == len(expected)
            and all(_same_shape(e, r) for e, r in zip(expected, result))
        )
    if isinstance(expected, np.ndarray):
        return bool(np.shape(result) == expected.shape)
    return True


def _same_values(expected: Any, result: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(result, dict) and all(
            k in result and _same_values(v, result[k]) for k, v in expected.items()
        )
    if isinstance(expected, (tuple, list)):
        return (
            isinstance(result, (tuple, list))
            and len(result) == len(expected)
            and all(_same_values(e, r) for e, r in zip(expected, result))
        )
    if isinstance(expected, (np.ndarray, float, int, np.number)):
        try:
            return bool(np.shape(expected) == np.shape(result) and np.allclose(expected, result))
        except (TypeError, ValueError):
            return False
    return bool(expected == result)


def _judge(test: Callable[[Any, Any], bool], expected: Any, result: Any, error: str) -> int:
    if test(expected, result):
        return 1
    print("Error: " + error)
    return 0


def datatype_check(expected: Any, result: Any, error: str) -> int:
    """1 when ``result`` has the types of ``expected`` throughout, else print ``error``, 0."""
    return _judge(_same_type, expected, result, error)


def shape_check(expected: Any, result: Any, error: str) -> int:
    """1 when every array in ``result`` has the shape of its counterpart, else 0."""
    return _judge(_same_shape, expected, result, error)


def equation_output_check(expected: Any, result: Any, error: str) -> int:
    """1 when ``result`` holds the values of ``expected`` (``np.allclose``), else 0."""
    return _judge(_same_values, expected, result, error)


_BY_NAME: dict[str, Callable[[Any, Any, str], int]] = {
    "datatype_check": datatype_check,
    "shape_check": shape_check,
    "equation_output_check": equation_output_check,
}


def multiple_test(test_cases: Sequence[dict[str, Any]], target: Callable[..., Any]) -> int:
    """Run every case; print "All tests passed." or the counts; return the failures."""
    passed = 0
    for case in test_cases:
        error = str(case.get("error", "wrong output"))
        try:
            result = target(*copy.deepcopy(list(case["input"])))
        except Exception as exc:  # report, never raise
            print(f"Error: {error} ({type(exc).__name__}: {exc})")
            continue
        check = _BY_NAME.get(str(case.get("name")))
        if check is None:
            print(f"Error: unknown check {case.get('name')!r} (expected one of {_CHECKS})")
            continue
        passed += check(case.get("expected"), result, error)
    failed = len(test_cases) - passed
    if failed == 0:
        print("All tests passed.")
    else:
        print(f"{passed} tests passed")
        print(f"{failed} tests failed")
    return failed


def single_test(test_cases: Sequence[dict[str, Any]], target: Callable[..., Any]) -> int:
    """The course's helper for functions returning a single value: the same as
    :func:`multiple_test` here, as the comparison already handles both."""
    return multiple_test(test_cases, target)
