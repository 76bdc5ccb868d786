"""``grader gradescope-bundle``: the zip has Gradescope's layout, its setup.sh installs the
grader into a fresh "image" python3, and its run_autograder writes a results.json that follows
Gradescope's specification for a wrong, a right, a missing and a broken submission.

Gradescope's image is played by a fresh virtual environment whose bin folder comes first on
PATH (both scripts use the first python3 there), and ``/autograder`` by a temporary folder
named in AUTOGRADER_ROOT.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from install_support import ROOT, SAMPLE, SOLUTION, Dists, fresh_venv, run, venv_env
from shadowing import SHADOWS, fired, probing_notebook, write_shadows

import grader
from grader import autograder, cli
from grader.authoring import gradescope_bundle
from grader.grading.options import CheckOptions
from grader.paths import NOTEBOOK_NAME
from grader.sandbox.worker.cleanup import remove_tree

pytestmark = [pytest.mark.slow, pytest.mark.install]

# --- Gradescope's results.json, as its specification describes it ----------------------------
# https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format"): every key
# optional; a top-level score, or a score on each test; visibility one of four values; output
# formats one of five. No other keys.

VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
TEXT_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
TEST = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]},
        "name": {"type": "string"},
        "name_format": TEXT_FORMAT,
        "number": {"type": "string"},
        "output": {"type": "string"},
        "output_format": TEXT_FORMAT,
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": VISIBILITY,
        "extra_data": {"type": "object"},
    },
    "additionalProperties": False,
}
RESULTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": TEXT_FORMAT,
        "test_output_format": TEXT_FORMAT,
        "test_name_format": TEXT_FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST},
        "leaderboard": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "value": {"type": ["number", "string"]},
                    "order": {"enum": ["asc", "desc"]},
                },
                "required": ["name", "value"],
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
    "anyOf": [
        {"required": ["score"]},
        {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}},
    ],
}


def validate(results: dict) -> None:
    jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate(results)


def test_the_schema_is_valid_and_can_fail():
    jsonschema.Draft202012Validator.check_schema(RESULTS_SCHEMA)
    validate({"score": 1.0, "tests": [{"name": "t", "visibility": "after_published"}]})
    bad = [
        {"tests": [{"name": "no score anywhere"}]},
        {"score": 1.0, "tests": [{"visibility": "students"}]},
        {"score": 1.0, "tests": [{"status": "error"}]},
        {"score": "70"},
        {"score": 1.0, "unknown_key": 1},
    ]
    for results in bad:
        with pytest.raises(jsonschema.ValidationError):
            validate(results)


# --- the zip ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The autograder zip, written by the command with the session's wheel."""
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    command = [sys.executable, "-m", "grader", "gradescope-bundle", str(out)]
    done = run([*command, "--wheel", str(dists.wheel)], cwd=ROOT)
    assert str(out) in done.stdout and done.stderr == ""
    return out


def test_the_zip_has_gradescopes_layout(bundle: Path, dists: Dists):
    with zipfile.ZipFile(bundle) as archive:
        entries = {info.filename: info for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
        options = json.loads(archive.read("grading.json"))
        readme = archive.read("README.md").decode()
    assert set(entries) == {
        "setup.sh",
        "run_autograder",
        "README.md",
        "grading.json",
        dists.wheel.name,
    }
    for script in ("setup.sh", "run_autograder"):
        assert (entries[script].external_attr >> 16) & 0o111, f"{script} is not executable"
    assert f'"$here/{dists.wheel.name}"' in setup and "@" not in setup
    assert options == {
        "cases": "all",
        "timeout": 5.0,
        "memory_mb": 1024,
        "strict_dependencies": False,
        "require_confinement": False,
    }
    assert dists.wheel.name in readme and '"memory_mb": 1024' in readme and "@" not in readme


def test_a_rebuild_gives_the_same_zip(bundle: Path, dists: Dists, tmp_path: Path):
    again = gradescope_bundle.build_bundle(tmp_path / "again.zip", wheel=dists.wheel)
    assert again.path.read_bytes() == bundle.read_bytes()


def test_grading_options_travel_in_the_zip(dists: Dists, tmp_path: Path):
    options = CheckOptions(
        cases="public",
        timeout=7.5,
        memory_mb=512,
        strict_dependencies=True,
        require_confinement=True,
    )
    built = gradescope_bundle.build_bundle(tmp_path / "a.zip", wheel=dists.wheel, options=options)
    with zipfile.ZipFile(built.path) as archive:
        archive.extract("grading.json", tmp_path)
    flags = autograder.load_options(tmp_path / "grading.json")
    assert flags == [
        "--cases",
        "public",
        "--timeout",
        "7.5",
        "--memory",
        "512",
        "--strict-dependencies",
        "--require-confinement",
    ]


def test_without_a_wheel_the_command_builds_one_from_the_checkout(tmp_path: Path):
    built = gradescope_bundle.build_bundle(tmp_path / "autograder.zip")
    assert built.wheel == f"dnn_autograder-{grader.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(built.path) as archive:
        assert built.wheel in archive.namelist()


@pytest.mark.parametrize(
    ("args", "says"),
    [(["a.zip", "--wheel", "missing.whl"], "not a wheel"), (["."], "is a folder")],
    ids=["missing wheel", "folder"],
)
def test_bad_arguments_are_one_line_and_exit_4(tmp_path: Path, args: list[str], says: str):
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope-bundle", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 4 and says in done.stderr
    assert len(done.stderr.splitlines()) == 1 and list(tmp_path.iterdir()) == []


# --- on "Gradescope" -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def image(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``/autograder`` with the zip unpacked in source/, and the image's python3 after setup.sh."""
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):  # zipfile drops permissions; Gradescope not
        (root / "source" / script).chmod(0o755)
    bin_dir = fresh_venv(tmp_path_factory.mktemp("image") / "python")
    # AUTOGRADER_ROOT, as on a trial run: setup.sh then adds no user to this machine.
    env = venv_env(bin_dir, AUTOGRADER_ROOT=str(root))
    done = run(["bash", str(root / "source" / "setup.sh")], env=env, cwd=root)
    assert done.stdout.strip().endswith(f"grader {grader.__version__}")
    where = run([str(bin_dir / "python3"), "-c", "import grader; print(grader.__file__)"], cwd=root)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)
    return root, bin_dir


def run_autograder(
    image: tuple[Path, Path],
    files: dict[str, Path | bytes],
    cwd: Path | None = None,
    deep: int = 0,
) -> dict:
    """Put ``files`` in submission/ (and a chain of ``deep`` nested folders), run
    run_autograder as Gradescope does (from ``cwd``, by default ``/autograder``), return the
    results."""
    root, bin_dir = image
    for folder in ("submission", "results"):
        remove_tree(str(root / folder))
    (root / "submission").mkdir()
    nested = str(root / "submission")
    for _ in range(deep):  # os.makedirs would recurse once per level
        nested = os.path.join(nested, "d")
        os.mkdir(nested)
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_bytes(content)
    env = venv_env(bin_dir, AUTOGRADER_ROOT=str(root))
    done = subprocess.run(
        [str(root / "source" / "run_autograder")],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd or root,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate(results)
    return results


def test_the_sample_scores_70_with_the_same_json_as_grader_check(image, tmp_path: Path):
    results = run_autograder(image, {"my work.ipynb": SAMPLE})
    assert results["score"] == 70.0
    check = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(SAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1, check.stderr
    expected = json.loads(check.stdout)
    for graded in (results, expected):
        assert graded.pop("execution_time") >= 0
    assert results == expected
    protections = results["extra_data"]["protections"]  # for the instructor, not students
    assert {"landlock_filesystem", "separate_user", "seccomp"} <= set(protections)
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}
    failed = {t["name"].split(":")[0] for t in results["tests"] if t["status"] == "failed"}
    assert failed == {"initialize_parameters", "compute_cost", "linear_backward"}


def test_a_correct_notebook_in_a_subfolder_scores_100(image):
    results = run_autograder(image, {f"upload/{NOTEBOOK_NAME}": SOLUTION})
    assert results["score"] == 100.0
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in results["tests"])
    assert sum(t["max_score"] for t in results["tests"]) == 100.0


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ({}, "No notebook was found"),
        ({"notes.txt": b"hello", ".ipynb_checkpoints/x.ipynb": b"{}"}, "No notebook was found"),
        ({"a.ipynb": SAMPLE, "b.ipynb": SOLUTION}, "holds 2 notebooks (a.ipynb, b.ipynb)"),
        ({"work.ipynb": b"not json at all"}, "Your notebook could not be graded: work.ipynb"),
    ],
    ids=["empty", "no notebook", "two notebooks", "not a notebook"],
)
def test_a_submission_that_cannot_be_graded_gets_a_clear_message(image, files, says):
    results = run_autograder(image, files)
    assert results["score"] == 0.0 and results["tests"] == []
    assert says in results["output"]
    assert str(image[0]) not in results["output"]  # no path of the machine


def test_without_the_grader_installed_run_autograder_still_writes_results(image, tmp_path: Path):
    root, _ = image
    bare = tmp_path / "bare"
    run([sys.executable, "-m", "venv", "--without-pip", str(bare)])
    shutil.rmtree(root / "results", ignore_errors=True)
    env = venv_env(bare / "bin", AUTOGRADER_ROOT=str(root))
    done = subprocess.run(
        [str(root / "source" / "run_autograder")],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env=env,
    )
    assert done.returncode == 0 and "not installed" in done.stdout
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate(results)
    assert results["score"] == 0.0 and "not installed correctly" in results["output"]


def test_setup_installs_only_what_grading_needs(bundle: Path):
    with zipfile.ZipFile(bundle) as archive:
        setup = archive.read("setup.sh").decode()
        readme = archive.read("README.md").decode()
    install = [line for line in setup.splitlines() if "pip install" in line]
    assert len(install) == 2 and "--no-deps" in install[0]
    named = re.findall(r"'([A-Za-z0-9_.-]+)[<>=!~]", install[1])
    assert sorted(named) == sorted(autograder.GRADING_NEEDS)
    for heavy in ("matplotlib", "nbconvert", "latex2mathml"):
        assert heavy not in install[1] and heavy in readme  # the README says what is left out


def test_grading_needs_no_report_libraries(monkeypatch, capsys):
    """What the image leaves out is never imported by `grader check --format json`."""
    for name in ("matplotlib", "nbconvert", "latex2mathml", "jinja2", "bleach"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it raises ImportError
    status = cli.main(["check", "--format", "json", "--", str(SAMPLE)])
    said = capsys.readouterr()
    assert status == 1, said.err
    assert json.loads(said.out)["score"] == 70.0
    # and the HTML report, which needs them, says so before grading anything
    status = cli.main(["check", "--format", "html", "--output", "x.html", "--", str(SAMPLE)])
    said = capsys.readouterr()
    assert status == 3 and "--format html needs nbconvert" in said.err, said.err
    assert len(said.err.splitlines()) == 1 and not Path("x.html").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="setup.sh protects the installation as root")
def test_setup_keeps_the_hidden_cases_and_the_solution_from_other_users(image):
    _, bin_dir = image
    code = "import grader.paths as p; print(p.bundle_paths()['hidden']); print(p.install_root())"
    hidden, site = run([str(bin_dir / "python3"), "-I", "-c", code]).stdout.split()
    assert stat.S_IMODE(os.stat(hidden).st_mode) == 0o600
    for name in ("reference", "testcases"):
        if os.path.isdir(os.path.join(site, name)):
            assert stat.S_IMODE(os.stat(os.path.join(site, name)).st_mode) == 0o700
    for folder, _, files in os.walk(os.path.join(site, "grader")):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            assert not os.lstat(path).st_mode & 0o022, path


# --- what a submission cannot do -------------------------------------------------------------


@pytest.mark.parametrize(
    "decoys",
    [("grader.py",), ("grader/__init__.py", "grader/__main__.py"), SHADOWS[3:]],
    ids=["grader.py", "grader folder", "reference, testcases, numpy, json"],
)
def test_no_file_of_the_submission_or_the_current_folder_is_imported(
    image, tmp_path: Path, decoys: tuple[str, ...]
):
    here, upload, markers = tmp_path / "here", tmp_path / "upload", tmp_path / "markers"
    for folder in (here, upload, markers):
        folder.mkdir()
    probing_notebook(upload / NOTEBOOK_NAME)
    write_shadows(upload, markers, decoys)
    write_shadows(here, markers, decoys)
    files = {p.relative_to(upload).as_posix(): p for p in upload.rglob("*") if p.is_file()}
    results = run_autograder(image, files, cwd=here)
    assert fired(markers) == []
    assert results["score"] == 100.0, results["output"]


def test_a_notebook_named_like_an_option_is_graded(image):
    results = run_autograder(image, {"--cases=public.ipynb": SOLUTION})
    assert results["score"] == 100.0, results.get("output")
    assert any("hidden case" in t.get("output", "") for t in results["tests"])


def test_a_deep_folder_tree_still_gets_results(image):
    results = run_autograder(image, {f"work/{NOTEBOOK_NAME}": SOLUTION}, deep=1100)
    remove_tree(str(image[0] / "submission"))
    assert results["score"] == 0.0 and results["tests"] == []
    assert "nested more than" in results["output"]
