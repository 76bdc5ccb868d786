"""One :meth:`grader.sandbox.api.Sandbox.run`: which cells and calls are done, worker restarts,
time-outs, and answering the substituted helpers a call consults."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from grader.sandbox.clock import Account, Clock, account_of
from grader.sandbox.codec import encode_record, unflatten
from grader.sandbox.link import (
    Worker,
    death,
    megabytes,
    reply_exception,
    reply_text,
)
from grader.sandbox.matching import describe_arguments, find_recorded
from grader.sandbox.outcomes import (
    Call,
    CallOutcome,
    CallStatus,
    CellOutcome,
    CellStatus,
    ExecutionResult,
    Followups,
    Limits,
)
from grader.sandbox.protocol import (
    CallReply,
    CallRequest,
    CellReply,
    CellRequest,
    Message,
    OracleAnswer,
    OracleQuestion,
    Values,
)
from grader.sandbox.zygote import WorkerGone
from grader.submission import CodeCell, Submission


class WorkerSource(Protocol):
    """What a run needs of its :class:`grader.sandbox.api.Sandbox` (typed here, so that the
    run's bookkeeping does not import the module that drives it)."""

    limits: Limits

    def start_worker(self, files: Mapping[str, bytes]) -> Worker: ...

    def preloaded(self, key: str | None) -> bool: ...

    def encode_cached(self, record: Values | OracleAnswer, value: Any) -> bytes: ...

    def protections_seen(self) -> dict[str, bool]: ...


def answer_oracle(
    sandbox: WorkerSource, call: Call, question: OracleQuestion, args: tuple[Message, list[Any]]
) -> tuple[bytes, bool]:
    """The grader's answer to a substituted helper's call: the recorded result if the
    arguments match one the reference used, else a refusal saying what was unexpected; and
    whether it answered (False: refused).

    The matching runs here, not in the worker, so the recorded results never sit in memory
    that student code can read (see :data:`grader.sandbox.worker.runner.Consult`).
    """
    helper = question.helper
    recorded = list((call.substitutes or {}).get(helper, ()))
    values, arrays = args
    if not isinstance(values, Values):
        raise ValueError("an oracle question without its arguments")
    got = unflatten(values.tree, arrays)
    if type(got) is not tuple:
        raise ValueError("bad oracle question")
    index = find_recorded(recorded, got)
    if index is not None:
        return sandbox.encode_cached(OracleAnswer(found=True), recorded[index][1]), True
    message = (
        f"{helper}({describe_arguments(got)}) is not a call the reference solution makes "
        f"here (it made {len(recorded)} call(s) to {helper}, with other arguments)"
    )
    return encode_record(OracleAnswer(found=False, message=message)), False


class Run:
    """The bookkeeping of one :meth:`Sandbox.run`: which cells and calls are done.

    Each worker gets every runnable cell and every remaining call queued at once; replies
    come back in order, each with its own deadline (from the previous reply: see
    :meth:`step_timeout`). The first failure kills the worker; the next worker starts again
    from there.
    """

    def __init__(
        self,
        sandbox: WorkerSource,
        submission: Submission,
        calls: Sequence[Call],
        files: Mapping[str, bytes],
        followups: Followups | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.followups = followups
        self.limits = sandbox.limits
        self.submission = submission
        self.calls = list(calls)
        self.files = files
        self.cells: dict[int, CellOutcome] = {}
        self.banned: set[int] = set()
        self.outcomes: list[CallOutcome] = []
        #: Bytes of the replies whose values are kept (see ``Limits.submission_reply_bytes``).
        self.kept_bytes = 0
        #: Substituted helper calls refused, by call key (see ``CallOutcome.refused``).
        self.refused: dict[str, int] = {}
        self.clock = Clock(self.limits, self.calls)

    def remaining(self) -> list[Call]:
        done = {o.key for o in self.outcomes}
        return [c for c in self.calls if c.key not in done]

    def more_calls(self) -> list[Call]:
        """Ask for follow-up calls (once); they join the list of calls to make."""
        followups, self.followups = self.followups, None
        extra = list(followups(tuple(self.outcomes))) if followups is not None else []
        self.calls += extra
        return extra

    def execute(self) -> ExecutionResult:
        while self.clock.left() > 0:
            cells = [c for c in self.submission.cells if c.skipped_reason is None]
            cells = [c for c in cells if c.index not in self.banned]
            calls = self.remaining()
            if not calls and all(c.index in self.cells for c in cells):
                if self.followups is not None and self.more_calls():
                    continue
                break
            worker = self.sandbox.start_worker(self.files)
            try:
                finished = self.drive(worker, cells, calls)
                while finished and self.followups is not None:
                    extra = self.more_calls()
                    finished = self.drive(worker, [], extra) if extra else True
            finally:
                worker.kill()
            if finished:
                break
        return self.result()

    def give_up_on(self, call: Call, detail: str) -> None:
        """After a time-out, the function's other calls (of the same round) are not made: an
        endless loop costs one time limit per function, not one per case."""
        account = account_of(call)
        for other in self.remaining():
            if account_of(other) == account:
                self.outcomes.append(CallOutcome(other.key, "not_run", detail=detail))

    def step_timeout(self, step: CodeCell | Call) -> tuple[float, float]:
        """``(limit, timeout)`` of a step: its own limit, and what it may use now."""
        limit = self.limits.call_timeout
        if isinstance(step, Call):
            if step.timeout is not None:
                limit = min(limit, step.timeout)
            left = self.clock.function_left(account_of(step))
        elif step.index in self.cells or self.clock.payer is not None:
            left = limit  # a re-run after a restart: paid by whoever caused it
        else:
            left = self.clock.cells_left
        return limit, max(0.0, min(limit, left, self.clock.left()))

    def queue_requests(self, worker: Worker, cells: list[CodeCell], calls: list[Call]) -> list[int]:
        """Queue a request per cell and per call; their sequence numbers."""
        cap = self.limits.output_bytes
        seqs: list[int] = []
        for cell in cells:
            seqs.append(worker.next_seq())
            request = CellRequest(seq=seqs[-1], index=cell.index, source=cell.source, cap=cap)
            worker.channel.queue(encode_record(request))
        for call in calls:
            seqs.append(worker.next_seq())
            names = call.parameter_names or {}
            helpers = {k: list(names[k]) if k in names else None for k in call.substitutes or {}}
            preloaded = self.sandbox.preloaded(call.args_ref)
            call_request = CallRequest(
                seq=seqs[-1],
                function=call.function,
                cap=cap,
                helpers=helpers,
                args_ref=call.args_ref if preloaded else None,
                trace=list(call.trace) if call.trace is not None else None,
            )
            if preloaded:
                worker.channel.queue(encode_record(call_request))
            else:
                args = self.sandbox.encode_cached(Values(tree={}), tuple(call.args))
                worker.channel.queue(encode_record(call_request), args)
        return seqs

    def drive(self, worker: Worker, cells: list[CodeCell], calls: list[Call]) -> bool:
        """Queue every request, then collect replies; False if the worker had to go."""
        seqs = self.queue_requests(worker, cells, calls)
        steps: list[CodeCell | Call] = [*cells, *calls]
        for seq, step in zip(seqs, steps, strict=True):
            limit, timeout = self.step_timeout(step)
            payer = account_of(step) if isinstance(step, Call) else self.clock.payer
            started = time.monotonic()
            try:
                if timeout <= 0:
                    raise WorkerGone("timeout")
                if isinstance(step, CodeCell):
                    reply = self.await_reply(worker, seq, None, timeout)
                    if not isinstance(reply[0], CellReply):
                        raise ValueError("a reply of the wrong kind")
                    self.cell_done(step, reply[0])
                else:
                    reply = self.await_reply(worker, seq, step, timeout)
                    took = time.monotonic() - started
                    if not isinstance(reply[0], CallReply):
                        raise ValueError("a reply of the wrong kind")
                    self.call_done(step, reply[0], reply[1], took, worker.channel.last_size)
            except Exception as exc:  # anything unreadable the worker sent: its request fails
                worker.kill(learn_status=isinstance(exc, WorkerGone) and exc.reason == "died")
                restart = isinstance(step, CodeCell) and payer is not None
                self.clock.charge(payer, time.monotonic() - started, False, restart)
                self.step_failed(step, worker, exc, timeout, limit, time.monotonic() - started)
                return False
            restart = isinstance(step, CodeCell) and payer is not None
            self.clock.charge(payer, time.monotonic() - started, not restart, restart)
        self.clock.payer = None
        return True

    def step_failed(
        self,
        step: CodeCell | Call,
        worker: Worker,
        exc: Exception,
        timeout: float,
        limit: float,
        took: float,
    ) -> None:
        """Record the step during which the worker had to go; the next worker's cells are
        paid by the function of a call that failed."""
        if isinstance(step, CodeCell):
            status, detail = self.failure(worker, exc, None, timeout, limit)
            self.banned.add(step.index)
            if status == "timeout" and timeout < limit and step.index not in self.cells:
                self.cells_out_of_time()
                return
            cell_status: CellStatus = "timeout" if status == "timeout" else "crashed"
            self.cells[step.index] = CellOutcome(step.index, cell_status, detail=detail)
            return
        account = account_of(step)
        self.clock.payer = account
        status, detail = self.failure(worker, exc, account, timeout, limit)
        if timeout <= 0:
            status = "not_run"
        self.outcomes.append(CallOutcome(step.key, status, duration=took, detail=detail))
        if status in ("timeout", "not_run"):
            if timeout >= limit:
                detail = (
                    f"was not run on this case: it did not finish within {limit:g} s on an "
                    "earlier case, and then its other cases are skipped"
                )
            elif self.clock.function_left(account) <= 0.05:
                detail = self.clock.out_of_share(account, stopped=False)
            self.give_up_on(step, detail)

    def cells_out_of_time(self) -> None:
        """The cells used up their time: every cell not run yet is skipped (and the calls are
        made with what the cells that ran defined)."""
        detail = f"not run: the notebook's cells used up their {self.limits.submission_timeout:g} s"
        for cell in self.submission.cells:
            if cell.skipped_reason is None and cell.index not in self.cells:
                self.banned.add(cell.index)
                self.cells[cell.index] = CellOutcome(cell.index, "skipped", detail=detail)

    def await_reply(
        self, worker: Worker, seq: int, call: Call | None, timeout: float
    ) -> tuple[Message, list[Any]]:
        """The reply to request ``seq``, answering the substituted helpers it consults."""
        deadline = time.monotonic() + timeout
        while True:
            reply, arrays = worker.channel.receive(deadline)
            if not isinstance(reply, OracleQuestion) or call is None:
                break
            if reply.seq != seq:
                raise ValueError("oracle question out of sequence")
            question = worker.channel.receive(deadline)
            answer, answered = answer_oracle(self.sandbox, call, reply, question)
            if not answered:
                self.refused[call.key] = self.refused.get(call.key, 0) + 1
            worker.channel.queue(answer, urgent=True)
        if not isinstance(reply, CellReply | CallReply) or reply.seq != seq:
            raise ValueError("reply out of sequence")
        return reply, arrays

    def cell_done(self, cell: CodeCell, reply: CellReply) -> None:
        status: CellStatus = "ok" if reply.status == "ok" else "error"
        outcome = CellOutcome(
            cell.index,
            status,
            reply_exception(reply.exception),
            reply_text(reply.output, self.limits.output_bytes),
        )
        self.cells.setdefault(cell.index, outcome)

    def call_done(
        self, call: Call, reply: CallReply, arrays: list[Any], took: float, size: int = 0
    ) -> None:
        cap = self.limits.submission_reply_bytes
        if reply.status == "ok" and self.kept_bytes + size > cap:
            detail = (
                f"returned {megabytes(size)}, far more than this case needs (the submission's "
                f"replies would exceed the {megabytes(cap)} kept per submission)"
            )
            self.outcomes.append(CallOutcome(call.key, "crashed", duration=took, detail=detail))
            return
        self.kept_bytes += size
        pair = unflatten(reply.tree, arrays)
        if type(pair) is not tuple or len(pair) != 2:
            raise ValueError("bad reply tree")
        args_after, value = pair
        value_flat = None
        if reply.args_unchanged:
            args_after = None  # the usual case: nothing to compare
            items = reply.tree.get("items")
            if isinstance(items, list) and len(items) == 2 and items[0] == {"t": "none"}:
                value_flat = (items[1], arrays)  # the value's arrays are all of them
        status: CallStatus = reply.status
        detail = {
            "missing": f"no function named {call.function!r} is defined in the notebook",
            "memory": f"ran out of memory (limit {self.limits.memory_mb} MB)",
            "output": f"a file grew past the {self.limits.file_mb} MB limit",
        }.get(status, "")
        self.outcomes.append(
            CallOutcome(
                key=call.key,
                status=status,
                value=value if status == "ok" else None,
                args_after=args_after if type(args_after) is tuple else None,
                exception=reply_exception(reply.exception),
                output=reply_text(reply.output, self.limits.output_bytes),
                duration=took,
                detail=detail,
                value_flat=value_flat if status == "ok" else None,
            )
        )

    def failure(
        self,
        worker: Worker,
        exc: Exception,
        account: Account | None,
        timeout: float,
        limit: float,
    ) -> tuple[CallStatus, str]:
        """Status and detail of the request during which the worker had to be killed."""
        reason = exc.reason if isinstance(exc, WorkerGone) else "malformed"
        if reason == "timeout":
            if timeout >= limit:
                return "timeout", (
                    f"did not finish within {limit:g} s (an endless loop, or a step far "
                    "slower than this case needs?)"
                )
            if account is not None and self.clock.function_left(account) <= 0.05:
                return "timeout", self.clock.out_of_share(account, stopped=timeout > 0)
            return "timeout", (
                f"was stopped when the submission's {self.limits.worst_case_seconds:g} s ran out"
            )
        if reason == "oversized" and isinstance(exc, WorkerGone):
            return "crashed", exc.detail
        if reason == "malformed":
            return "crashed", "the worker sent a malformed reply"
        if worker.lingered:
            return "crashed", "the code closed the worker's connection to the grader"
        return death(worker.wait_status, self.limits)

    def result(self) -> ExecutionResult:
        budget = f"was not run: the submission used up its {self.limits.worst_case_seconds:g} s"
        cells = []
        for cell in self.submission.cells:
            if cell.skipped_reason is not None:
                cells.append(CellOutcome(cell.index, "skipped", detail=cell.skipped_reason))
            else:
                missing = CellOutcome(cell.index, "skipped", detail=budget)
                cells.append(self.cells.get(cell.index, missing))
        by_key = {o.key: o for o in self.outcomes}
        for key, count in self.refused.items():
            if key in by_key:
                by_key[key] = replace(by_key[key], refused=count)
        calls = [
            by_key.get(c.key) or CallOutcome(c.key, "not_run", detail=budget) for c in self.calls
        ]
        return ExecutionResult(
            cells=tuple(cells),
            calls=tuple(calls),
            wall_time=time.monotonic() - self.clock.start,
            protections=self.sandbox.protections_seen(),
        )
