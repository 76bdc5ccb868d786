"""Every knob of a grading run, in one place: the CLI fills it from its flags, the batch
fingerprints it, and the sandbox's limits are derived from it.

The defaults of the limits are the sandbox's own (:class:`grader.sandbox.outcomes.Limits`),
so a number is written once; the README quotes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from grader.sandbox.outcomes import Limits

#: Which cases a run grades: the public ones only, or public and hidden.
CaseSet = Literal["public", "all"]
CASE_SETS: tuple[CaseSet, ...] = ("public", "all")

#: The smallest memory limit the grader accepts: below it, numpy alone cannot start.
MIN_MEMORY_MB = 256

#: Time limit of a re-run with correct helpers substituted. The helpers then answer at once,
#: so a function whose own logic is right finishes in milliseconds; a short limit keeps a
#: submission where everything hangs at about one time limit per function.
ORACLE_TIMEOUT = 1.0


@dataclass(frozen=True)
class CheckOptions:
    """One grading run's settings."""

    cases: CaseSet = "all"
    #: Wall seconds per function call (and per notebook cell).
    timeout: float = Limits.call_timeout
    #: Wall seconds for the whole submission, worker restarts included.
    submission_timeout: float = Limits.submission_timeout
    #: Address-space limit of the process running student code.
    memory_mb: int = Limits.memory_mb
    strict_dependencies: bool = False
    #: Refuse to grade when neither Landlock nor an unprivileged user confines the worker's
    #: file access (:class:`grader.errors.ConfinementMissing`).
    require_confinement: bool = False
    points_per_function: float = 10.0
    diagnose: bool = True

    def limits(self) -> Limits:
        """The sandbox's limits for these options."""
        return Limits(
            call_timeout=self.timeout,
            submission_timeout=self.submission_timeout,
            memory_mb=self.memory_mb,
        )
