"""Each graded function on its own time: who pays for the seconds a worker spends.

Used by :class:`grader.sandbox.run.Run`, which asks before each step how long it may take and
charges what it took.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from grader.sandbox.outcomes import Call, Limits

#: Who pays for a worker's time: a graded function, for its calls on the cases (False) or
#: for its re-runs with correct helpers (True).
Account = tuple[str, bool]


class Clock:
    """Each graded function on its own time.

    The notebook's cells get ``Limits.submission_timeout``; the graded functions share as
    much again, equally, each its own part for its calls on the cases and the same again for
    its re-runs with correct helpers. A call may use the smaller of the per-call limit and
    what its function has left; the cells a new worker re-runs after a call killed the old
    one are paid by that call's function. So a slow function (or one that keeps crashing the
    worker) costs itself and the functions that call it, and never takes the time of another:
    what a function gets depends on its own code, not on the order or the machine's load.
    """

    def __init__(self, limits: Limits, calls: Sequence[Call]) -> None:
        self.limits = limits
        functions = {call.function for call in calls}
        #: Seconds each function has for its calls on the cases (and again for its re-runs).
        self.share = limits.submission_timeout / max(1, len(functions))
        self.cells_left = limits.submission_timeout
        self.spent: dict[Account, float] = {}
        #: Durations of the calls that finished, by account (to tell slow from endless).
        self.finished: dict[Account, list[float]] = {}
        #: Seconds spent re-running cells after a restart, by the account that caused it.
        self.restarts: dict[Account, float] = {}
        #: Who pays for the cells of the next worker (None: the cells' own time).
        self.payer: Account | None = None
        self.start = time.monotonic()
        #: A last resort only: every account above is bounded, so this is never reached
        #: unless restarts are paid far beyond a share.
        self.deadline = self.start + limits.worst_case_seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def function_left(self, account: Account) -> float:
        return self.share - self.spent.get(account, 0.0)

    def charge(
        self, account: Account | None, seconds: float, finished: bool, restart: bool = False
    ) -> None:
        """``seconds`` paid by ``account`` (None: the cells) for a call that ``finished`` (or
        not), or for re-running cells after a ``restart`` the account caused."""
        if account is None:
            self.cells_left -= seconds
            return
        self.spent[account] = self.spent.get(account, 0.0) + seconds
        if finished:
            self.finished.setdefault(account, []).append(seconds)
        if restart:
            self.restarts[account] = self.restarts.get(account, 0.0) + seconds

    def out_of_share(self, account: Account, stopped: bool) -> str:
        """Why a call of ``account`` was stopped (``stopped``) or not run: its share ran out.
        Said after the function's name."""
        times = self.finished.get(account, [])
        share = f"the {self.share:.3g} s it has for all its cases"
        when = "during this case (stopped)" if stopped else "before this case, which was not run"
        if times and sum(times) / len(times) >= 0.2:
            each = sum(times) / len(times)
            return (
                f"is slow: its calls finish, but take {each:.1f} s each on average, and {share} "
                f"ran out {when}"
            )
        if self.restarts.get(account, 0.0) > self.share / 2:
            return f"used up {share}, most of it restarting the worker after it crashed"
        if stopped:
            return f"did not finish within {share}"
        return f"was not run on this case: {share} ran out on an earlier case"


def account_of(call: Call) -> Account:
    return (call.function, bool(call.substitutes))
