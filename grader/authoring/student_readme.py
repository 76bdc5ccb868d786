"""The student folder's README.md: what to fill in, how to run the checks, what to submit.

Written by ``grader generate`` (one of :func:`grader.authoring.generate.student_files`) from
the template ``grader/assets/templates/student_readme.md``, with the notebook's file name, the
graded functions in teaching order and their points filled in, so it never disagrees with the
notebook or the grader.
"""

from __future__ import annotations

from string import Template

from grader import paths
from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.options import CheckOptions

README_NAME = "README.md"


def student_readme() -> str:
    template = Template((paths.templates() / "student_readme.md").read_text(encoding="utf-8"))
    functions = "\n".join(
        f"{number}. `{name}`" for number, name in enumerate(GRADED_FUNCTIONS, start=1)
    )
    return template.substitute(
        notebook=paths.NOTEBOOK_NAME,
        count=len(GRADED_FUNCTIONS),
        functions=functions,
        points=f"{CheckOptions().points_per_function:g}",
    )
