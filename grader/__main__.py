"""``python -m grader``: the ``grader`` command (``python -m grader --version``, ``check``...)."""

from grader.cli import run

run()
