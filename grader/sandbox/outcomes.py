"""What a sandbox is asked to do and what it reports: plain frozen dataclasses.

Re-exported by :mod:`grader.sandbox.api`, the module callers use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # only in annotations: the options and the CLI load this without numpy
    from grader.sandbox.codec import Flat

#: What a call did (see :class:`CallOutcome`).
CallStatus = Literal["ok", "error", "missing", "timeout", "crashed", "memory", "output", "not_run"]
#: What a notebook cell did (see :class:`CellOutcome`).
CellStatus = Literal["ok", "error", "timeout", "crashed", "skipped"]


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Defaults suit the assignment's small functions; they are
    the grader's defaults too (:class:`grader.grading.options.CheckOptions`)."""

    #: Wall seconds per function call, and per notebook cell.
    call_timeout: float = 5.0
    #: Wall seconds for the notebook's cells; the graded functions share as much again,
    #: equally, each its own part for its calls on the cases and the same again for its
    #: re-runs with correct helpers (see :class:`grader.sandbox.run.Clock`).
    submission_timeout: float = 120.0
    #: Address-space limit (RLIMIT_AS) of the worker; numpy alone maps ~150 MB.
    memory_mb: int = 1024
    #: Captured stdout+stderr text kept per cell and per call.
    output_bytes: int = 10_000
    #: Largest file the worker may write (RLIMIT_FSIZE).
    file_mb: int = 16
    #: Largest reply the grader reads for one call or cell (bytes); a bigger one is a crash
    #: of that call, read no further. The assignment's largest reply is ~25 kB.
    reply_bytes: int = 4 * 1024 * 1024
    #: Reply bytes the grader keeps for one submission (all its calls and re-runs, ~0.6 MB
    #: for a correct one); past it, a call's value is refused (a crash of that call).
    submission_reply_bytes: int = 32 * 1024 * 1024

    @property
    def worst_case_seconds(self) -> float:
        """The most one submission may take (cells, every function's calls and re-runs)."""
        return 3 * self.submission_timeout


@dataclass(frozen=True)
class Call:
    """One function call to make in the student's namespace.

    ``substitutes`` maps helper names to the ``(args, result)`` calls the reference made;
    during this call those helpers answer exactly those calls (and refuse others). Keyword
    arguments to a helper are matched by ``parameter_names[helper]`` when given, else by
    the parameter names of the student's own helper.
    """

    key: str
    function: str
    args: tuple[Any, ...]
    substitutes: Mapping[str, Sequence[tuple[tuple[Any, ...], Any]]] | None = None
    parameter_names: Mapping[str, Sequence[str]] | None = None
    #: A tighter wall-clock limit for this call than ``Limits.call_timeout`` (None: that one).
    timeout: float | None = None
    #: The key under which ``args`` were preloaded (:meth:`Sandbox.preload_args`), if they were.
    args_ref: str | None = None
    #: Trace the call (:mod:`grader.sandbox.worker.tracer`), recording calls to these helpers:
    #: the outcome's value is then the trace, plain data to parse strictly.
    trace: Sequence[str] | None = None


@dataclass(frozen=True)
class ExceptionInfo:
    """An exception raised by student code. ``cell`` (notebook index), ``lineno`` and ``line``
    (its text) locate the innermost line of the student's own cells involved, in the
    function named ``function``; all None when no cell was involved. ``lineno``/``line``
    are named as in :class:`traceback.FrameSummary`."""

    type: str
    message: str
    cell: int | None = None
    lineno: int | None = None
    line: str | None = None
    function: str | None = None


@dataclass(frozen=True)
class CallOutcome:
    """What a :class:`Call` did. ``status`` is one of ``ok``, ``error`` (an exception,
    ``sys.exit`` included), ``missing`` (no such callable), ``timeout``, ``crashed`` (the
    worker died), ``memory``, ``output`` (file-size limit), ``not_run`` (time budget used up).
    ``args_after`` are the arguments as the function left them when it changed them; None
    when they came back unchanged (or nothing came back)."""

    key: str
    status: CallStatus
    value: Any = None
    args_after: tuple[Any, ...] | None = None
    exception: ExceptionInfo | None = None
    output: str = ""
    duration: float = 0.0
    detail: str = ""
    #: The returned value as it was flattened, ``(tree, arrays)``, when the arguments came
    #: back unchanged (for a cheap bit-for-bit check, :func:`grader.sandbox.codec.same_flat`).
    value_flat: Flat | None = None
    #: Calls to substituted helpers that the grader refused during this call (their
    #: arguments matched no call of the reference). Counted in the grader's process while
    #: it answers them, never taken from the worker's word.
    refused: int = 0


@dataclass(frozen=True)
class CellOutcome:
    """What running a code cell did: ``ok``, ``error`` (an exception, MemoryError included),
    ``timeout``, ``crashed`` (the worker died, ``detail`` says how) or ``skipped`` (a cell
    magic, or the time budget ran out; the reason is in ``detail``)."""

    index: int
    status: CellStatus
    exception: ExceptionInfo | None = None
    output: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ExecutionResult:
    cells: tuple[CellOutcome, ...]
    calls: tuple[CallOutcome, ...]
    wall_time: float
    protections: Mapping[str, bool] = field(default_factory=dict)


Followups = Callable[[Sequence["CallOutcome"]], Sequence[Call]]
