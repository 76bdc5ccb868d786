"""The few exceptions the command line turns into one line on stderr and an exit status.

Like click's exceptions, each carries its own exit status and message; library code raises
them, only :mod:`grader.cli` prints and exits.

Exit statuses (documented in the README):
  0 -- everything graded passed; 1 -- graded, something failed;
  2 -- the input could not be graded (missing, empty, not JSON, not a notebook, wrong nbformat);
  3 -- the grader's own set-up is broken (case bundles missing or corrupt);
  4 -- usage error (bad options, an output path that cannot be written);
  5 -- ``--require-confinement`` and the sandbox cannot confine student code's file access;
  70 -- an internal error of the grader (reported in one line); 130 -- interrupted (Ctrl-C).
"""

from __future__ import annotations


class GraderError(Exception):
    """Base class: an error with a message for the user and an exit status."""

    exit_code = 3

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidSubmission(GraderError):
    """The file given to grade is not a gradable notebook."""

    exit_code = 2


class SetupError(GraderError):
    """Bundles, templates or the student folder are missing or inconsistent."""

    exit_code = 3


class UsageError(GraderError):
    """The command line itself is wrong."""

    exit_code = 4


class ConfinementMissing(GraderError):
    """``--require-confinement``: neither Landlock nor an unprivileged user confines the
    worker's file access here, so no student code is run."""

    exit_code = 5
