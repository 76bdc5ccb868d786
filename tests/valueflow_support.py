"""Explaining a function in this process, the way the grader does it through the sandbox.

The function's source is compiled as a notebook cell (filename ``<cell 7>``), called on the
cases it fails (copies of the inputs, numpy seeded as the worker seeds it), traced on the first
``limit`` of them and explained against the reference's named values. Only for our own test
code: student code never runs in the grader's process.
"""

from __future__ import annotations

import copy
import linecache
import textwrap
import warnings
from typing import Any

import numpy as np

from grader.grading.comparison import GRADED_FUNCTIONS, compare_output
from grader.grading.explain import MAX_TRACED
from grader.grading.valueflow import WATCH, Explanation, Finding, agree, explain_case
from grader.sandbox.protocol import CALL_SEED
from grader.sandbox.worker.tracer import trace_call
from reference import activations, network
from reference.named_values import named_values
from testcases.cases import Case, all_cases

CELL = "<cell 7>"


def namespace(source: str) -> dict[str, Any]:
    """A notebook namespace: numpy, the provided helpers, the reference's graded functions,
    then ``source`` run as a cell (its functions replace the reference's)."""
    code = textwrap.dedent(source).strip("\n") + "\n"
    linecache.cache[CELL] = (len(code), None, code.splitlines(True), CELL)
    names: dict[str, Any] = {"np": np, "copy": copy}
    for helper in ("sigmoid", "relu", "sigmoid_backward", "relu_backward"):
        names[helper] = getattr(activations, helper)
    for function in GRADED_FUNCTIONS:
        names[function] = getattr(network, function)
    exec(compile(code, CELL, "exec"), names)
    return names


def _call(target: Any, case: Case) -> tuple[bool, Any]:
    np.random.seed(CALL_SEED)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return True, target(*copy.deepcopy(case.args))
        except Exception:
            return False, None


def failing_cases(function: str, target: Any, visibility: str | None = None) -> list[Case]:
    found = []
    for case in all_cases():
        if case.function != function or visibility not in (None, case.visibility):
            continue
        expected = getattr(network, function)(*copy.deepcopy(case.args))
        returned, value = _call(target, case)
        if not returned or compare_output(function, expected, value):
            found.append(case)
    return found


def trace_case(function: str, target: Any, case: Case) -> Finding | None:
    np.random.seed(CALL_SEED)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        _, _, trace = trace_call(target, copy.deepcopy(case.args), WATCH)
    return explain_case(function, named_values(function, case.args), trace)


def explain_source(
    function: str, source: str, visibility: str | None = None, limit: int = MAX_TRACED
) -> tuple[Explanation | None, list[Case]]:
    """The explanation of ``function`` as written in ``source`` (None: none), and the cases
    it fails (of one visibility, when given)."""
    target = namespace(source)[function]
    failing = failing_cases(function, target, visibility)
    findings = [trace_case(function, target, case) for case in failing[:limit]]
    return agree(findings), failing
