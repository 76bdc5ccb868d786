"""Build step of the wheel: the student folder becomes package data.

``exercises/step_by_step/`` is committed once, where students and instructors browse it; the
worker preloads its helper modules, so an installed grader needs them inside the package.
Building copies the folder's files into ``grader/assets/student/`` of the build (symbolic links
followed: two of them are the grader's own modules). A checkout and an editable install read
the folder where it is (``grader.paths.student_assets``). Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

STUDENT_FOLDER = Path("exercises", "step_by_step")
PACKAGED_AS = Path("grader", "assets", "student")


class BuildWithStudentFolder(build_py):
    """``build_py``, then the student folder's modules and notebook into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folder in place
        if not STUDENT_FOLDER.is_dir():
            raise SystemExit(f"{STUDENT_FOLDER} is missing: build from a checkout or the sdist")
        target = Path(self.build_lib, PACKAGED_AS)
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(STUDENT_FOLDER.iterdir()):
            if path.suffix in (".py", ".ipynb") and path.is_file():
                shutil.copyfile(path, target / path.name)  # follows symbolic links


setup(cmdclass={"build_py": BuildWithStudentFolder})
