"""The grader installs like real software: from a wheel, an sdist or ``pip install .``, each
install grades from any folder, with the package data it carries (case bundles, student
helper files, templates, course modules), and says clearly what needs a source checkout.

The sdist and the wheel are built once per run (the ``dists`` fixture); each install goes into
a fresh virtual environment that reaches the running environment's dependencies offline
(tests/install_support.py).
"""

from __future__ import annotations

import email
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from install_support import ROOT, SAMPLE, Dists, fresh_venv, run, venv_env

import grader
from grader.authoring.gradescope_bundle import copy_sources

pytestmark = [pytest.mark.slow, pytest.mark.install]

ASSETS = ROOT / "grader" / "assets"
#: The student folder: committed once, copied into the package when the wheel is built.
STUDENT_FOLDER = ROOT / "exercises" / "step_by_step"
STUDENT_DATA = sorted(
    f"grader/assets/student/{path.name}"
    for path in STUDENT_FOLDER.iterdir()
    if path.suffix in (".py", ".ipynb")
)
#: Every package-data file, nested folders included, as a path inside the package.
PACKAGE_DATA = sorted(
    [
        path.relative_to(ROOT).as_posix()
        for path in ASSETS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    + STUDENT_DATA
)
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def test_the_package_data_is_what_the_grader_needs():
    """The list checked below is not empty and covers each kind of asset."""
    folders = {Path(name).parts[2] for name in PACKAGE_DATA}
    assert {"cases", "student", "templates", "course", "gradescope"} <= folders
    assert "grader/assets/cases/hidden.h5" in PACKAGE_DATA


def test_the_sdist_holds_the_sources_and_every_package_data_file(dists: Dists):
    with tarfile.open(dists.sdist) as archive:
        top = f"dnn_autograder-{grader.__version__}/"
        names = {m.name.removeprefix(top) for m in archive.getmembers() if m.isfile()}
    committed = [n for n in PACKAGE_DATA if not n.startswith("grader/assets/student/")]
    assert [n for n in committed if n not in names] == []
    student = [n.replace("grader/assets/student/", "exercises/step_by_step/") for n in STUDENT_DATA]
    assert [n for n in student if n not in names] == []
    assert not any(n.startswith("grader/assets/student/") for n in names)  # made by the build
    assert {"pyproject.toml", "LICENSE", "README.md", "MANIFEST.in", "grader/cli.py"} <= names
    assert not any(n.startswith("tests/") or "__pycache__" in n for n in names)
    assert not [n for n in names if n.startswith(("reference/", "testcases/"))]


def test_the_wheel_holds_every_package_data_file_and_its_metadata(dists: Dists):
    with zipfile.ZipFile(dists.wheel) as archive:
        names = set(archive.namelist())
        info = f"dnn_autograder-{grader.__version__}.dist-info"
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
    assert [n for n in PACKAGE_DATA if n not in names] == []
    for name in STUDENT_DATA:  # the student folder, symbolic links followed
        assert archive_bytes(dists.wheel, name) == (STUDENT_FOLDER / Path(name).name).read_bytes()
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert f"{info}/licenses/LICENSE" in names
    # The solution, its catalogue of mistakes and the case generators stay home: grading reads
    # all it needs of them from the bundles.
    assert not [n for n in names if n.startswith(("reference/", "testcases/"))]
    assert metadata["Version"] == grader.__version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier")
    assert [c for c in classifiers if c.count(".") == 1 and "Python :: 3." in c] == [
        f"Programming Language :: Python :: {v}" for v in PYTHONS
    ]


def archive_bytes(wheel: Path, name: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(name)


def test_the_builds_print_no_warning(dists: Dists):
    noisy = [line for line in dists.log.splitlines() if "warn" in line.lower()]
    assert noisy == []


def test_the_ci_matrix_tests_the_pythons_the_package_declares():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert all(f'"{v}"' in workflow for v in PYTHONS)
    assert "bash .ci/run" in workflow


# --- installed, away from the checkout -------------------------------------------------------


@pytest.fixture(scope="module")
def wheel_bin(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel installed (its dependencies resolved offline)."""
    bin_dir = fresh_venv(tmp_path_factory.mktemp("wheel") / "venv")
    run([str(bin_dir / "python3"), "-m", "pip", "install", str(dists.wheel)], env=venv_env(bin_dir))
    return bin_dir


def grader_in(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "grader"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=venv_env(bin_dir),
        timeout=300,
    )


def assert_grades_the_sample(bin_dir: Path, tmp_path: Path) -> None:
    """From a folder outside the checkout, on a copy of the sample: 70/100, exit 1."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SAMPLE, work / "submission.ipynb")
    where = run(
        [str(bin_dir / "python3"), "-c", "import grader; print(grader.__file__)"],
        cwd=work,
        env=venv_env(bin_dir),
    )
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)  # not the checkout's
    done = grader_in(bin_dir, work, "check", "submission.ipynb")
    assert done.returncode == 1, done.stderr
    assert "Total: 70 / 100" in done.stdout
    assert done.stdout.count("Likely mistake: ") == 3  # named from the bundles' data alone
    assert done.stderr == ""


def test_an_installed_wheel_grades_from_any_folder(wheel_bin: Path, tmp_path: Path):
    assert_grades_the_sample(wheel_bin, tmp_path)


def test_version_comes_from_the_installed_metadata(wheel_bin: Path, tmp_path: Path):
    for command in ([str(wheel_bin / "grader")], [str(wheel_bin / "python3"), "-m", "grader"]):
        done = run([*command, "--version"], cwd=tmp_path, env=venv_env(wheel_bin))
        assert done.stdout == f"grader {grader.__version__}\n"


@pytest.mark.parametrize(
    ("command", "status", "says"),
    [
        (["build-cases"], 3, "source checkout"),
        (["build-cases", "--out", "cases"], 3, "source checkout"),
        (["generate"], 3, "source checkout"),
        (["gradescope-bundle", "autograder.zip"], 4, "--wheel"),
    ],
    ids=["build-cases", "build-cases-out", "generate", "gradescope-bundle"],
)
def test_commands_that_need_the_checkout_say_so_from_an_install(
    wheel_bin: Path, tmp_path: Path, command: list[str], status: int, says: str
):
    done = grader_in(wheel_bin, tmp_path, *command)
    assert done.returncode == status, done.stderr
    assert done.stderr.startswith("grader: ") and says in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("kind", ["sdist", "source folder"])
def test_installs_from_the_sdist_and_with_pip_install_dot_grade(
    dists: Dists, tmp_path: Path, kind: str
):
    # "source folder": `pip install .` (not editable) in a clean copy of the checkout.
    target = dists.sdist if kind == "sdist" else copy_sources(ROOT, tmp_path / "checkout")
    bin_dir = fresh_venv(tmp_path / "venv")
    pip = [str(bin_dir / "python3"), "-m", "pip", "install", "--no-build-isolation"]
    run([*pip, str(target)], env=venv_env(bin_dir), cwd=tmp_path)
    assert_grades_the_sample(bin_dir, tmp_path)
