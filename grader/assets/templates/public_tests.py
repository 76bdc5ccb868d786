"""Checks to run in the notebook: one ``<function>_test(target)`` per graded function.

A check calls your function on the public test cases (the published ones, then a few of other
sizes: more layers, more units, another m, labels of both classes), each time on fresh copies
of the inputs, compares what comes back with the expected values, and prints either
"All tests passed." or a numbered list of what is wrong. It never raises: whatever your code
does, you get a report rather than a traceback. It also returns the number of problems found.

The judging is done by ``comparison.py``, an exact copy of the grader's own comparison, so a
check says what the grader would say about the same cases. The grader runs more cases than
these (other sizes, more layers, edge cases), so passing here is necessary, not sufficient.

Two more things a check does, the way the grader does them:

- When your function calls another graded function of yours (``L_model_forward`` calls
  ``linear_activation_forward``...) and that one's own check fails, it tells you to fix that
  one first, and judges your function again with correct answers in place of that helper's
  (answers recorded from the reference on these cases only), so you see your own problems.
- When the outputs are exactly those of one well-known mistake, it names that mistake. It
  knows the mistakes only by fingerprints of their outputs on these cases (a hash of each
  output rounded to 6 significant digits), so nothing here gives the right code away.
- Otherwise it follows the values: your function runs once more on its first failing cases
  with tracing on (``tracer.py``), and ``valueflow.py`` (both the grader's own files) says
  where your values first leave the correct ones, at your own line ("line 7: `linear_backward`
  receives the whole layer cache ..."). It knows the correct values of these cases only as
  named data (the values the expected outputs above already imply), never as code.

The cases and the fingerprints are data, in ``public_cases.py``, which ``grader generate``
writes from the reference solution; this file is the code that runs them (the grader's own
copy is ``grader/assets/templates/public_tests.py``). Please edit neither.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import inspect
import io
import os
import textwrap
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import comparison
import numpy as np
import public_cases
import tracer
import valueflow

_START = "### START CODE HERE ###"
_END = "### END CODE HERE ###"
#: Files whose frames are never "your line" in an error report.
_CHECK_FILES = frozenset({"public_tests.py", "comparison.py"})
#: Library folders skipped when looking for your line (numpy's and the standard library's).
_LIBRARY_DIRS = tuple(os.path.dirname(m.__file__) + os.sep for m in (np, os) if m.__file__)
#: numpy's global generator is seeded with this before each call, as the grader does, so that
#: code which forgot its own ``np.random.seed`` draws the same numbers here as there.
CALL_SEED: int = public_cases.CALL_SEED
#: Significant digits kept when an output is fingerprinted (see ``fingerprint``).
DIGITS = 6
#: Failing cases traced to explain a function (the grader traces as many).
TRACED = 2


@dataclass(frozen=True)
class Case:
    """One public case of one graded function.

    label -- how the report names it, e.g. "public case 2 (the published case, relu)"
    args -- the positional arguments (never handed out: each call gets a deep copy)
    expected -- what the reference solution returns
    unfilled -- what the function returns while its code regions still hold the template's
        placeholder lines (None when the template raises instead)
    substitutes -- for a function that calls other graded functions: the calls the reference
        made to each of them on this case, as (arguments, result) pairs
    """

    label: str
    args: tuple[Any, ...]
    expected: Any
    unfilled: Any = None
    substitutes: dict[str, list[tuple[tuple[Any, ...], Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnownMistake:
    """A catalogued mistake, known only by the fingerprints of its outputs.

    title, hint -- the grader's own words (title None: on these cases the mistake cannot be
        told apart from another one, so it is never named, only kept so as not to guess)
    seen -- one entry per case, in order: "raises <ExceptionType>" when it raises there, else
        "<exponents> <quarters> <digest>", the fingerprint of its output and the grid it was
        taken on (see ``fingerprint``)
    """

    title: str | None
    hint: str
    seen: tuple[str, ...]


@dataclass(frozen=True)
class _Problem:
    label: str
    message: str
    unimplemented: bool = False


@dataclass(frozen=True)
class _Raised:
    """What a call raised, as far as recognising a mistake is concerned: its type's name."""

    type_name: str


@dataclass
class _Run:
    """The problems of one function on its cases, and what each call gave (for naming a
    mistake): the output, a ``_Raised``, or None when the case says nothing (not implemented)."""

    problems: list[_Problem] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)
    #: Per case: whether it failed other than by being unimplemented (what a trace can explain).
    wrong: list[bool] = field(default_factory=list)


class _RefusedCall(Exception):
    """A helper standing in for yours was called with arguments the correct code never uses."""


def not_implemented_message(function: str) -> str:
    return f"{function} is not implemented yet: fill in the code between {_START} and {_END}."


def run_check(function: str, target: Any, cases: list[Case]) -> int:
    """Run ``target`` on every case, print the report, return the number of problems."""
    state = np.random.get_state()  # your function may reseed numpy: keep the notebook's state
    try:
        if callable(target):
            report, count = _judge(function, target, cases)
        else:
            report, count = (
                _report(
                    function,
                    [
                        _Problem(
                            "the check",
                            f"expected the function {function} itself, "
                            f"but got a {comparison.type_label(target)}.",
                        )
                    ],
                ),
                1,
            )
    except Exception as exc:  # a fault in the check itself: still a report, never a traceback
        count = 1
        report = (
            f"The check of {function} could not finish ({type(exc).__name__}: {exc}). "
            "This is not a problem in your code; please report it."
        )
    finally:
        np.random.set_state(state)
    print(report)
    return count


def _judge(function: str, target: Callable[..., Any], cases: list[Case]) -> tuple[str, int]:
    """The report and the number of problems: plain problems, or, when a graded helper of
    yours fails its own check, that helper first and then this function's own problems."""
    run = _run_cases(function, target, cases)
    if not run.problems:
        return "All tests passed.", 0
    if all(p.unimplemented for p in run.problems):
        return _report(function, run.problems), len(run.problems)
    with contextlib.redirect_stdout(io.StringIO()):  # the helpers' checks run silently
        blamed = _culprits(function, target)
    if not blamed:
        named = _likely(function, run)
        why = named or _explained(function, target, cases, run)
        return _report(function, run.problems) + why, len(run.problems)
    own = _run_cases(function, target, cases, correct_helpers=True)
    return _blame_report(function, blamed, own), len(blamed) + len(own.problems)


def _run_cases(
    function: str, target: Callable[..., Any], cases: list[Case], correct_helpers: bool = False
) -> _Run:
    run = _Run()
    for case in cases:
        with _helpers_replaced(function, target, case, correct_helpers):
            problems, outcome = _check_case(function, target, case)
        run.problems += problems
        run.outcomes.append(outcome)
        run.wrong.append(bool(problems) and not all(p.unimplemented for p in problems))
    return run


def _check_case(
    function: str, target: Callable[..., Any], case: Case
) -> tuple[list[_Problem], Any]:
    args = copy.deepcopy(case.args)
    np.random.seed(CALL_SEED)
    try:
        output = target(*args)
    except KeyboardInterrupt:
        raise
    except _RefusedCall as exc:
        return [_Problem(case.label, str(exc))], None
    except BaseException as exc:  # SystemExit too: a check must always report
        where = _your_line(exc.__traceback__)
        error = f"{type(exc).__name__}: {exc}"
        if comparison.looks_unimplemented(type(exc).__name__, str(exc)):
            return [_Problem(case.label, f"it stopped with {error}, at {where}", True)], None
        return [_Problem(case.label, f"your function raised {error}, at {where}")], _Raised(
            type(exc).__name__
        )
    if _is_none(output):
        return [_Problem(case.label, "it returned None", True)], None
    if case.unfilled is not None and not comparison.compare_output(function, case.unfilled, output):
        message = "it still returns what the unfilled template returns"
        return [_Problem(case.label, message, True)], None
    mismatches = comparison.compare_output(function, case.expected, output)
    mismatches += comparison.compare_inputs(function, case.args, args)
    return [_Problem(case.label, m.message) for m in mismatches], output


def _is_none(output: Any) -> bool:
    """None itself, or None wrapped by np.squeeze(None) into a 0-d object array."""
    if output is None:
        return True
    return (
        isinstance(output, np.ndarray)
        and output.dtype == object
        and output.shape == ()
        and output[()] is None
    )


def _your_line(tb: TracebackType | None) -> str:
    """Where in your code it went wrong: the innermost frame outside the checks and libraries."""
    frames = [
        f for f in traceback.extract_tb(tb) if os.path.basename(f.filename) not in _CHECK_FILES
    ]
    yours = [f for f in frames if not f.filename.startswith(_LIBRARY_DIRS)]
    chosen = yours or frames
    if not chosen:
        return "the call itself, before reaching your code"
    frame = chosen[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"line {frame.lineno} of {frame.name}{code}"


def _report(function: str, problems: list[_Problem]) -> str:
    if not problems:
        return "All tests passed."
    if all(p.unimplemented for p in problems):
        first = problems[0]
        return f"{not_implemented_message(function)}\n(On {first.label}, {first.message}.)"
    lines = [f"{function}: {len(problems)} problem(s) found."]
    lines += _numbered(problems)
    return "\n".join(lines)


def _numbered(problems: list[_Problem]) -> list[str]:
    lines = []
    for number, problem in enumerate(problems, start=1):
        message = problem.message
        if problem.unimplemented:
            message = f"this part is not implemented yet: {message}."
        lines.append(f"{number}. {problem.label}: {message}")
    return lines


# --- helpers of yours that fail their own check -----------------------------------------------


def _culprits(function: str, target: Callable[..., Any]) -> list[str]:
    """The graded helpers whose own check fails, followed down the chain: when your
    ``linear_activation_backward`` is right but passes on a wrong ``linear_backward``, the one
    to fix is ``linear_backward``. Their checks run silently, in your notebook's namespace."""
    namespace = getattr(target, "__globals__", None)
    if not isinstance(namespace, dict):
        return []
    found: list[str] = []
    for helper in comparison.DEPENDENCIES.get(function, ()):
        mine = namespace.get(helper)
        if not callable(mine) or helper not in CASES:
            continue  # not defined: your function's own report says what went wrong
        if not _run_cases(helper, mine, CASES[helper]).problems:
            continue
        deeper: list[str] = []
        if comparison.DEPENDENCIES.get(helper) and not (
            _run_cases(helper, mine, CASES[helper], correct_helpers=True).problems
        ):
            deeper = _culprits(helper, mine)
        found += [h for h in deeper or [helper] if h not in found]
    return found


def _named_values(function: str) -> list[Any]:
    """The named values of ``function``'s public cases (``public_named.py``, loaded on first
    use), or [] where that file is absent (the grader runs the notebook's checks without it:
    it explains failures itself)."""
    try:
        import public_named
    except ImportError:
        return []
    return list(public_named.NAMED.get(function, []))


def _explained(function: str, target: Callable[..., Any], cases: list[Case], run: _Run) -> str:
    """Where your values first leave the correct ones, when every traced case says the same
    (as the grader says it; "" when nothing can be said surely)."""
    named = _named_values(function)
    if len(named) != len(cases):
        return ""
    wrong = [(c, n) for c, n, bad in zip(cases, named, run.wrong) if bad and n is not None]
    findings = []
    for case, values in wrong[:TRACED]:
        np.random.seed(CALL_SEED)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            trace = tracer.trace_call(target, copy.deepcopy(case.args), valueflow.WATCH)[2]
        findings.append(valueflow.explain_case(function, values, trace))
    agreed = valueflow.agree(findings)
    if agreed is None:
        return ""
    text: str = agreed.text
    return "\nWhere it goes wrong: " + text.replace("`", "")  # plain text, as above


def _blame_report(function: str, blamed: list[str], own: _Run) -> str:
    names = " and ".join(blamed)
    its = "its own check fails" if len(blamed) == 1 else "their own checks fail"
    lines = [f"{function}: fix {names} first: {its}."]
    if not own.problems:
        lines.append(
            f"With correct answers in place of {names}, your {function} passes every case "
            f"here, so nothing else to do in it for now: run this check again once {names} "
            "passes."
        )
        return "\n".join(lines)
    lines.append(
        f"With correct answers in place of {names}, your {function} still has "
        f"{len(own.problems)} problem(s) of its own:"
    )
    lines += _numbered(own.problems)
    return "\n".join(lines) + _likely(function, own)


@contextlib.contextmanager
def _helpers_replaced(
    function: str, target: Callable[..., Any], case: Case, replace: bool
) -> Iterator[None]:
    """With ``replace``, your graded helpers answer as the reference does on this case (only
    the exact calls it makes), for the time of one call; your notebook is left as it was."""
    namespace = getattr(target, "__globals__", None)
    if not replace or not isinstance(namespace, dict) or not case.substitutes:
        yield
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in case.substitutes}
    try:
        for name, calls in case.substitutes.items():
            namespace[name] = _stand_in(name, calls, saved[name])
        yield
    finally:
        for name, old in saved.items():
            if old is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = old


def _stand_in(
    name: str, calls: list[tuple[tuple[Any, ...], Any]], yours: Any
) -> Callable[..., Any]:
    parameters = _parameter_names(name, yours)

    def helper(*args: Any, **kwargs: Any) -> Any:
        given = list(args) + [kwargs.pop(p) for p in parameters[len(args) :] if p in kwargs]
        for recorded, result in calls:
            if not kwargs and _same_arguments(tuple(given), recorded):
                return copy.deepcopy(result)
        raise _RefusedCall(
            f"with a correct {name} in place of yours, your function called it with "
            f"arguments the correct code never passes ({_describe(given, kwargs)}): check "
            f"what you hand to {name}."
        )

    helper.__name__ = name
    return helper


def _parameter_names(name: str, yours: Any) -> list[str]:
    try:
        return list(inspect.signature(yours).parameters)
    except (TypeError, ValueError):
        names = comparison.ARG_NAMES.get(name, ())
        return [n if isinstance(n, str) else str(n[0]) for n in names]


def _same_arguments(got: Any, recorded: Any) -> bool:
    if isinstance(recorded, np.ndarray):
        return (
            isinstance(got, np.ndarray)
            and got.shape == recorded.shape
            and got.dtype.kind in "biuf"
            and bool(np.allclose(got, recorded, rtol=1e-7, atol=1e-9, equal_nan=True))
        )
    if isinstance(recorded, (tuple, list)):
        return (
            type(got) is type(recorded)
            and len(got) == len(recorded)
            and all(_same_arguments(g, r) for g, r in zip(got, recorded))
        )
    if isinstance(recorded, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(recorded)
            and all(_same_arguments(got[k], v) for k, v in recorded.items())
        )
    return type(got) is type(recorded) and bool(got == recorded)


def _describe(args: list[Any], kwargs: dict[str, Any]) -> str:
    def one(value: Any) -> str:
        if isinstance(value, np.ndarray):
            return f"an array of shape {value.shape}"
        if isinstance(value, (tuple, list)):
            return f"a {type(value).__name__} of {len(value)}"
        return repr(value) if isinstance(value, str) else comparison.type_label(value)

    parts = [one(v) for v in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return ", ".join(parts) or "no arguments"


# --- naming a known mistake -------------------------------------------------------------------


def _likely(function: str, run: _Run) -> str:
    """ "Likely mistake: ..." when exactly one catalogued mistake gives your outputs on every
    case (the grader's rule; with none or several, nothing is said: a guess could send you to
    the wrong line). Empty when some case says nothing (not implemented)."""
    if any(outcome is None for outcome in run.outcomes):
        return ""
    digests: dict[str, str | None] = {}
    matches = [
        m
        for m in MISTAKES.get(function, [])
        if len(m.seen) == len(run.outcomes)
        and all(
            _agrees(function, i, *pair, digests) for i, pair in enumerate(zip(m.seen, run.outcomes))
        )
    ]
    if len(matches) != 1 or matches[0].title is None:
        return ""
    hint = textwrap.fill(matches[0].hint, 88, initial_indent="  ", subsequent_indent="  ")
    return f"\nLikely mistake: {matches[0].title}\n{hint}"


def _agrees(
    function: str, number: int, seen: str, outcome: Any, digests: dict[str, str | None]
) -> bool:
    """Whether your outcome on case ``number`` is the mistake's (``seen``); fingerprints of
    your outputs are computed once per grid."""
    words = seen.split(" ")
    if words[0] == "raises":
        return isinstance(outcome, _Raised) and outcome.type_name == words[1]
    if isinstance(outcome, _Raised) or len(words) != 3:
        return False
    exponents, quarters, digest = words
    key = f"{number} {exponents} {quarters}"
    if key not in digests:
        digests[key] = fingerprint(f"{function}/{number}", outcome, exponents, quarters)
    return digests[key] == digest


def fingerprint(salt: str, value: Any, exponents: str, quarters: str) -> str | None:
    """A hash of ``value``: its structure (containers, keys, dtypes, shapes) and its numbers,
    each array rounded on its own grid: steps of 10**e (one exponent per array, in
    ``exponents``, comma-separated), shifted by q/4 of a step (``quarters``: one digit q per
    array); "-" for none. None when the value does not have that many arrays.

    The grids are chosen when this file is generated so that no number of the catalogued
    output lies near a rounding boundary (at least 1/1000 of a step away): an output that
    differs from it only in the last bits, as results of the same formula do on another
    processor, rounds to the same integers and gets the same fingerprint. The hash keeps the
    rounded numbers secret: with several numbers per output, they cannot be recovered from it.
    """
    skeleton: list[str] = []
    leaves: list[np.ndarray[Any, Any]] = []
    _flatten(value, skeleton, leaves)
    powers = [int(e) for e in exponents.split(",")] if exponents != "-" else []
    shifts = [int(q) for q in quarters] if quarters != "-" else []
    if not len(powers) == len(shifts) == len(leaves):
        return None
    digest = hashlib.sha256(f"{salt}|{'|'.join(skeleton)}".encode())
    with np.errstate(all="ignore"):
        for leaf, power, quarter in zip(leaves, powers, shifts):
            digest.update(rounded(leaf, power, quarter).tobytes())
    return digest.hexdigest()[:20]


def rounded(leaf: np.ndarray[Any, Any], power: int, quarter: int) -> np.ndarray[Any, Any]:
    """The numbers of ``leaf`` as integers of steps 10**power, shifted by quarter/4 of a step
    (non-finite numbers by codes of their own). One multiplication or division by an exactly
    represented power of ten and one addition: the same on every IEEE 754 machine."""
    x = leaf.astype(np.float64).ravel()
    finite = np.isfinite(x)
    clean = np.where(finite, x, 0.0)
    scaled = clean / float(10**power) if power >= 0 else clean * float(10 ** (-power))
    steps = np.floor(scaled + quarter / 4) + 0.0  # + 0.0 turns -0.0 into 0.0
    codes = np.where(finite, 0.0, np.where(np.isnan(x), 1.0, np.where(x > 0, 2.0, 3.0)))
    return np.concatenate([steps, codes])


def _flatten(value: Any, skeleton: list[str], leaves: list[np.ndarray[Any, Any]]) -> None:
    """The structure of ``value`` as words, its numbers as arrays. A real number is one word
    whatever its type (float, numpy scalar, 0-d array), as the comparison accepts any of them
    for a cost; arrays keep their dtype and shape."""
    if isinstance(value, dict):
        skeleton.append("dict")
        for key in sorted(value, key=repr):
            skeleton.append(repr(key))
            _flatten(value[key], skeleton, leaves)
        skeleton.append("end")
    elif isinstance(value, (tuple, list)):
        skeleton.append(type(value).__name__)
        for item in value:
            _flatten(item, skeleton, leaves)
        skeleton.append("end")
    elif isinstance(value, np.ndarray) and value.ndim > 0 and value.dtype.kind in "biuf":
        skeleton.append(f"array {value.dtype.str[1:]} {value.shape}")
        leaves.append(value)
    elif _real_number(value):
        skeleton.append("number")
        leaves.append(np.asarray(value, dtype=np.float64).reshape(1))
    else:
        skeleton.append(f"{type(value).__name__} {str(value)[:40]}")


def _real_number(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _make_check(function: str) -> Callable[[Any], int]:
    """``<function>_test``: check ``function`` on its public cases."""
    count = len(CASES[function])

    def check(target: Any) -> int:
        return run_check(function, target, CASES[function])

    check.__name__ = check.__qualname__ = f"{function}_test"
    check.__doc__ = (
        f"Check {function} on its {count} public case(s): print a report, return the number "
        "of problems found."
    )
    return check


#: The public cases of each graded function: arguments, the reference's output, the stub's
#: output and the reference's calls to the graded helpers (see ``Case``).
CASES: dict[str, list[Case]] = {
    function: [Case(**entry) for entry in entries]
    for function, entries in public_cases.CASES.items()
}
#: The catalogued mistakes of each graded function, known by their fingerprints on those cases.
MISTAKES: dict[str, list[KnownMistake]] = {
    function: [KnownMistake(*entry) for entry in entries]
    for function, entries in public_cases.MISTAKES.items()
}
#: One check per graded function: ``linear_forward_test(linear_forward)`` ...
CHECKS: dict[str, Callable[[Any], int]] = {f"{name}_test": _make_check(name) for name in CASES}
globals().update(CHECKS)
__all__ = sorted(CHECKS)  # noqa: PLE0605 (the checks' names come from the data)
