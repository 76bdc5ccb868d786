"""The grading engine: run a submission on the cases, judge in this process, score.

One obvious entry point: :func:`check_notebook`. Batch grading reuses :class:`Grader`, which
loads the case bundles and the student helper files once and keeps one sandbox zygote warm.

Flow for one submission: load and clean the notebook (:mod:`grader.submission`); ask the
sandbox (:mod:`grader.sandbox.api`) to run its cells and call each graded function on every
case; then, in the same worker, re-run each failed case of a function that calls other graded
functions with those helpers replaced by oracles (:mod:`grader.grading.attribution`); judge
every returned value here in the grader's process (:mod:`grader.grading.judge`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from grader.bundle import BundleCase, read_bundle
from grader.errors import ConfinementMissing
from grader.grading.attribution import Recorded, followup_calls, full_substitutes
from grader.grading.explain import trace_calls
from grader.grading.formats import shifted_keys_allowed
from grader.grading.judge import judge, read_dA_keys
from grader.grading.options import CaseSet, CheckOptions
from grader.grading.results import GradeReport, has_file_confinement
from grader.paths import bundle_paths, load_student_files
from grader.sandbox.api import Call, CallOutcome, Sandbox
from grader.sandbox.codec import flatten
from grader.sandbox.zygote import Zygote
from grader.submission import Submission, load_submission

__all__ = ["CheckOptions", "Grader", "check_notebook", "load_cases"]


def load_cases(which: CaseSet) -> list[BundleCase]:
    paths = bundle_paths()
    cases = read_bundle(paths["public"])
    if which == "all":
        cases += read_bundle(paths["hidden"])
    return cases


class Grader:
    """Grades submissions against one set of cases; reusable across many submissions."""

    def __init__(
        self,
        options: CheckOptions | None = None,
        cases: Sequence[BundleCase] | None = None,
        student_files: Mapping[str, bytes] | None = None,
        zygote: Zygote | None = None,
        preload_inputs: bool = True,
    ) -> None:
        """``zygote``: one already started with these student files (the ``check`` command
        starts it before importing numpy); the grader takes it over and stops it.
        ``preload_inputs``: hand the case inputs to the zygote once, so that calls need not
        carry them; it pays from the second submission on (one-off checks skip it)."""
        self.options = options or CheckOptions()
        self.student_files = dict(student_files or load_student_files())
        self._limits = self.options.limits()
        # Start the clean zygote first: it warms up while we read the bundles.
        self._sandbox = Sandbox(self._limits, modules=self.student_files, zygote=zygote)
        if self.options.require_confinement:
            self._require_confinement()
        self.cases = list(cases) if cases is not None else load_cases(self.options.cases)
        #: The expected values flattened: a bit-for-bit right answer needs no comparing.
        self.flat_expected = {case.key: flatten(case.expected, strict=True) for case in self.cases}
        #: The helper calls the reference makes for each case, at every depth of its call tree:
        #: what the oracles of a re-run with correct helpers may answer.
        self.substitutes: dict[str, Recorded] = {
            case.key: full_substitutes(case) for case in self.cases if case.substitutes
        }
        self._calls = [
            Call(key=case.key, function=case.function, args=case.args, args_ref=case.key)
            for case in self.cases
        ]
        if preload_inputs:
            self._sandbox.preload_args({case.key: case.args for case in self.cases})

    def _require_confinement(self) -> None:
        """Start one worker (running nothing) and refuse if its file access is unconfined."""
        protections = self._sandbox.protections()
        if not has_file_confinement(protections):
            self._sandbox.close()
            raise ConfinementMissing(
                "--require-confinement: student code would run with unconfined file access "
                "here (no Landlock in this kernel, and the grader does not run as root to drop "
                "to an unprivileged user); nothing was graded"
            )

    def close(self) -> None:
        self._sandbox.close()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def grade(self, path: str | Path | Submission) -> GradeReport:
        """Grade one notebook; raises ``InvalidSubmission`` for a file that is not one."""
        start = time.perf_counter()
        submission = path if isinstance(path, Submission) else load_submission(path)
        # A notebook of a course version with the older dA keys is judged in that convention:
        # its right L_model_backward must not look failed here and be re-run for nothing.
        shifted = shifted_keys_allowed(cell.source for cell in submission.cells)

        def with_correct_helpers(outcomes: Sequence[CallOutcome]) -> list[Call]:
            if shifted:
                read = read_dA_keys({o.key: o for o in outcomes}, self.cases, {})
                outcomes = list(read.values())
            return [
                *followup_calls(self.cases, outcomes, self.flat_expected, self.substitutes),
                *trace_calls(self.cases, outcomes, self.flat_expected),
            ]

        result = self._sandbox.run(
            submission, self._calls, self.student_files, followups=with_correct_helpers
        )
        outcomes = {o.key: o for o in result.calls}
        report = judge(
            submission,
            self.cases,
            outcomes,
            result.cells,
            self.options,
            self.flat_expected,
        )
        seconds = round(time.perf_counter() - start, 3)
        return replace(
            report, execution_time=seconds, protections=dict(self._sandbox.protections())
        )


def check_notebook(
    path: str | Path | Submission,
    options: CheckOptions | None = None,
    *,
    cases: Sequence[BundleCase] | None = None,
    student_files: Mapping[str, bytes] | None = None,
    zygote: Zygote | None = None,
    preload_inputs: bool = True,
) -> GradeReport:
    """Grade one notebook (the engine of ``grader check``) with a :class:`Grader` made for it;
    the keyword arguments are the grader's (see :meth:`Grader.__init__`)."""
    with Grader(options, cases, student_files, zygote, preload_inputs) as grader:
        return grader.grade(path)
