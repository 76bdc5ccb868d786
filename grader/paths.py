"""Every location the grader reads or writes, in one place.

Two kinds of location:

- **package data** (``grader/assets/``), present in every install (editable, wheel, sdist):
  the case bundles, the templates and the course-version helper modules. Read through
  :mod:`importlib.resources`. The student helper files the worker preloads are the student
  folder's (:func:`student_assets`): a checkout and an editable install read them in
  ``exercises/step_by_step``, and building a wheel copies that folder into
  ``grader/assets/student`` (``setup.py``), so it is committed once.
- **checkout locations** (the repository around the package): the student folder students
  receive, the instructors' solution notebook, the reference code. Only commands that write
  into the repository (``build-cases``, ``generate``, ``release``) use them, and they say so
  clearly when the grader runs from an install instead of a checkout.

Standard library only: the ``check`` command reads the student helper files before importing
numpy, to hand them to the zygote as early as possible.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

from grader.errors import SetupError

#: The student helper modules a notebook imports; the worker preloads them under these names.
STUDENT_FILES = (
    "dnn_utils.py",
    "testCases.py",
    "public_cases.py",
    "public_tests.py",
    "comparison.py",
    "tracer.py",
    "valueflow.py",
    "tracedata.py",
    "raisedline.py",
)
#: The student notebook's file name, in the student folder and in ``assets/student``.
NOTEBOOK_NAME = "Building_your_Deep_Neural_Network_Step_by_Step.ipynb"
#: The case bundles by visibility.
BUNDLE_NAMES = {"public": "public.h5", "hidden": "hidden.h5"}


def assets() -> Path:
    """The package's data folder (``grader/assets``)."""
    return Path(str(files("grader").joinpath("assets")))


def bundle_paths() -> dict[str, Path]:
    """The committed case bundles, by visibility."""
    folder = assets() / "cases"
    return {visibility: folder / name for visibility, name in BUNDLE_NAMES.items()}


def templates() -> Path:
    """The prose template of the notebook, the public-check runtime and the report style."""
    return assets() / "templates"


#: The student folder in the checkout, relative to the repository.
STUDENT_FOLDER = ("exercises", "step_by_step")


def student_assets() -> Path:
    """The student folder the worker preloads from: the checkout's (a source checkout or an
    editable install), else the package's copy that building the wheel made of it."""
    root = checkout()
    return root.joinpath(*STUDENT_FOLDER) if root else assets() / "student"


def course_modules() -> Path:
    """Helper modules of the course's own published notebook versions (``testCases_v3`` ...)."""
    return assets() / "course"


def load_student_files(folder: Path | None = None) -> dict[str, bytes]:
    """The student helper modules, by file name (from the package data unless ``folder``)."""
    folder = folder or student_assets()
    found = {}
    for name in STUDENT_FILES:
        path = folder / name
        if not path.is_file():
            raise SetupError(
                f"student helper file {name} is missing from {folder.name} "
                "(reinstall the grader, or run `grader generate` in a checkout)"
            )
        found[name] = path.read_bytes()
    found.update(load_course_files())
    return found


#: File-name prefix of the course-version helper modules among the worker's helper files: the
#: worker imports ``course_testCases_v3.py`` as ``testCases_v3`` (see ``load_course_files``).
COURSE_PREFIX = "course_"


def load_course_files() -> dict[str, bytes]:
    """The course-version helper modules (``assets/course``), by prefixed file name.

    The prefix keeps their file names apart from ours (the course has its own ``testCases.py``,
    a superset of ours); the worker strips it when it imports them, after our modules, and
    the supporting modules (``_course_support``, ``_inert_libraries``) first.
    """
    folder = course_modules()
    names = sorted(p.name for p in folder.glob("*.py"))
    names.sort(key=lambda n: not n.startswith("_"))
    return {COURSE_PREFIX + n: (folder / n).read_bytes() for n in names}


# --- the checkout ---------------------------------------------------------------------------


def checkout() -> Path | None:
    """The repository the package sits in, or None when it runs from an install."""
    root = install_root()
    markers = ("pyproject.toml", "reference", "testcases", "exercises")
    return root if all((root / m).exists() for m in markers) else None


def require_checkout(command: str) -> Path:
    """The repository, for a command that writes into it; a clear error outside one."""
    root = checkout()
    if root is None:
        raise SetupError(
            f"`grader {command}` writes into the project's repository and must run "
            "from a source checkout (git clone, then `pip install -e .`), not from "
            "an installed package"
        )
    return root


def student_folder() -> Path:
    """The student folder of the checkout (``exercises/step_by_step``), or the package's copy
    when the grader runs from an install."""
    return student_assets()


def solution_notebook() -> Path:
    """The instructors' filled notebook in the checkout (``reference/solution.ipynb``)."""
    return require_checkout("generate") / "reference" / "solution.ipynb"


def package() -> Path:
    """The ``grader`` package's own folder (its sources decide a batch's fingerprint)."""
    return Path(__file__).resolve().parent


def install_root() -> Path:
    """The folder holding the ``grader`` package: the repository for a checkout or an
    editable install, ``site-packages`` for an install (the sandbox keeps workers out of it)."""
    return package().parent


def python_command(code: str, *args: str) -> list[str]:
    """The command of a fresh interpreter that runs ``code`` with ``args`` as ``sys.argv[1:]``.

    Isolated (``python -I``): neither the current folder, nor the script's folder, nor
    ``PYTHON*`` variables or the user's site folder reach its ``sys.path``, so no file of a
    student's folder can stand in for a module of the grader, numpy or the standard library.
    The folder holding this very ``grader`` package goes first on its ``sys.path``.
    """
    boot = "import sys; sys.path.insert(0, sys.argv.pop(1)); " + code
    return [sys.executable, "-I", "-c", boot, str(install_root()), *args]


def grader_command(*args: str) -> list[str]:
    """The ``grader`` command, isolated as :func:`python_command` is (file names after ``--``
    are the caller's business)."""
    return python_command("from grader.cli import run; run()", *args)
