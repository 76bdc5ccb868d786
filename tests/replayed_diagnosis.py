"""The diagnosis as it was before it became a lookup: replaying the catalogue's code.

Test-side only (it imports ``reference.mutants``). Two uses:

- :func:`replayed_diagnosis` is the former ``grader.grading.diagnose.diagnose``, rule for rule,
  so a test can check that the lookup names exactly what the replay named;
- :func:`diagnose_anywhere` is the grader's lookup over a table that the catalogue builds for
  the observations' own arguments (the samples kept with the catalogue are not bundle cases).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from grader.authoring.catalogue_table import _quiet_and_restored, replay, table_for
from grader.grading.comparison import compare
from grader.grading.diagnose import Diagnosis, _surely_differs, diagnose
from grader.sandbox.outcomes import ExceptionInfo
from grader.sandbox.protocol import CALL_SEED

Observations = Sequence[tuple[tuple[Any, ...], Any]]

__all__ = ["CALL_SEED", "diagnose_anywhere", "replay", "replayed_diagnosis"]


def diagnose_anywhere(function: str, observations: Observations) -> Diagnosis | None:
    """The grader's diagnosis, looked up in the catalogue's outcomes on these very arguments
    (what ``grader build-cases`` stores for the bundles' cases)."""
    table = table_for(function, [args for args, _ in observations])
    return diagnose(function, observations, table)


def _run(impl: Any, args: Sequence[Any]) -> Any:
    import copy

    import numpy as np

    np.random.seed(CALL_SEED)
    return impl(*copy.deepcopy(tuple(args)))


def _numbers(message: str) -> list[str]:
    return re.findall(r"\d+", message)


def _explains_exception(mistake: Any, args: Sequence[Any], seen: ExceptionInfo) -> bool:
    try:
        _run(mistake.impl, args)
    except Exception as exc:
        if type(exc).__name__ != seen.type:
            return False
        declared = getattr(mistake, "raises", None)
        if declared is None:
            return True
        if seen.line is None or type(exc) is not declared:
            return False
        line = "".join(seen.line.split())
        if re.search(str(mistake.line), line) is None:
            return False
        return _numbers(str(exc)) == _numbers(seen.message)
    return False


def _reproduces(impl: Any, observations: Observations) -> bool:
    for args, student_output in observations:
        try:
            output = _run(impl, args)
        except Exception:
            return False
        if _surely_differs(output, student_output) or compare(output, student_output):
            return False
    return True


def _explains(mistake: Any, observations: Observations) -> bool:
    returned = [(a, out) for a, out in observations if not isinstance(out, ExceptionInfo)]
    raised = [(a, out) for a, out in observations if isinstance(out, ExceptionInfo)]
    if getattr(mistake, "raises", None) is not None and not raised:
        return False
    if not _reproduces(mistake.impl, returned):
        return False
    return all(_explains_exception(mistake, a, seen) for a, seen in raised)


def replayed_diagnosis(function: str, observations: Observations) -> Diagnosis | None:
    """The former diagnosis: every catalogued mistake of ``function`` rerun on the
    observations' arguments; the one that explains them all, if exactly one."""
    from reference import mutants

    try:
        observed = list(observations)
        if not observed:
            return None
        mistakes = mutants.mistakes_for(function) + mutants.raising_mistakes_for(function)
        with _quiet_and_restored():
            matches = [m for m in mistakes if _explains(m, observed)]
        if len(matches) != 1:
            return None
        found = matches[0]
        return Diagnosis(str(found.name), str(found.function), str(found.title), str(found.hint))
    except Exception:
        return None
