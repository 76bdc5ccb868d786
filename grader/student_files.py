"""The student helper files a notebook imports, read from the generated student folder.

Standard library only: the ``check`` command reads them before importing numpy, to hand them
to the zygote as early as possible.
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import SetupError

#: The student helper modules the notebook imports, copied into the sandbox's working folder.
STUDENT_FILES = ("dnn_utils.py", "testCases.py", "public_tests.py", "comparison.py")


def student_folder() -> Path:
    """The generated student folder in this checkout (``exercises/step_by_step``)."""
    return Path(__file__).resolve().parent.parent / "exercises" / "step_by_step"


def load_student_files(folder: Path | None = None) -> dict[str, bytes]:
    folder = folder or student_folder()
    files = {}
    for name in STUDENT_FILES:
        path = folder / name
        if not path.is_file():
            raise SetupError(f"student helper file {path} is missing (run `grader generate`)")
        files[name] = path.read_bytes()
    return files
