"""`grader release`: students get the generated folder and nothing that gives answers away.

The leak checks here are independent of the generator: solution lines are read straight from
reference/network.py, hidden values straight from the hidden bundle.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import shutil
import sys
import warnings
import zipfile

import nbformat
import numpy as np
import pytest

from grader import paths
from grader.authoring import generate
from grader.authoring.catalogue_table import replay
from grader.authoring.release import release, solution_leaks
from grader.bundle import read_bundle
from grader.cli import main
from grader.errors import SetupError, UsageError
from grader.paths import bundle_paths as default_paths
from reference import mutants

pytestmark = pytest.mark.slow

STUDENT_FILES = sorted(
    p.name for p in paths.student_folder().iterdir() if p.is_file() and not p.name.startswith(".")
)
FLOAT = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The files of one release, by name."""
    folder = release(tmp_path_factory.mktemp("release"))
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def solution_lines():
    """Lines inside the code regions of the reference that are not stubs (`#| ...`), less the
    ones a stub of the same region hands out anyway (such as a loop header)."""
    checkout = paths.checkout()
    assert checkout is not None, "these tests run from a source checkout"
    text = (checkout / "reference" / "network.py").read_text(encoding="utf-8")
    regions = re.findall(r"### START CODE HERE ###\n(.*?)### END CODE HERE ###", text, re.S)
    lines = set()
    for region in regions:
        stripped = [line.strip() for line in region.splitlines()]
        stubs = {line[3:].strip() for line in stripped if line.startswith("#| ")}
        lines |= {line for line in stripped if not line.startswith("#|") and line not in stubs}
    return sorted(line for line in lines if len(line) > 3)


def floats_in(value):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return set(value.ravel().tolist())
    if isinstance(value, (tuple, list)):
        return set().union(*map(floats_in, value)) if value else set()
    if isinstance(value, dict):
        return floats_in(list(value.values()))
    return {value} if isinstance(value, float) else set()


def hidden_only_floats():
    """Floats of the hidden cases (inputs and outputs) that no public case contains."""
    public = set().union(
        *(floats_in((c.args, c.expected)) for c in read_bundle(default_paths()["public"]))
    )
    hidden = set().union(
        *(floats_in((c.args, c.expected)) for c in read_bundle(default_paths()["hidden"]))
    )
    return {x for x in hidden - public if len(repr(x)) > 8}


def test_a_release_is_exactly_the_generated_student_folder(released):
    assert sorted(released) == STUDENT_FILES
    for name, data in released.items():
        assert data == (paths.student_folder() / name).read_bytes()


def test_released_files_contain_no_solution_line(released):
    lines = solution_lines()
    assert "Z = np.dot(W, A) + b" in lines  # the reading above does find the solution
    for name, data in released.items():
        text = data.decode("utf-8")
        assert [line for line in lines if line in text] == [], name


def test_released_files_contain_no_hidden_case_data(released):
    hidden = hidden_only_floats()
    assert len(hidden) > 1000
    for name, data in released.items():
        text = data.decode("utf-8")
        assert "hidden-" not in text, name
        assert {float(x) for x in FLOAT.findall(text)} & hidden == set(), name


def public_floats():
    """Every float of the public cases: inputs, expected outputs, the helper calls of the
    whole call tree (nested ones included, as the notebook's checks substitute them) and the
    correct computation's named values (intermediates the public inputs imply, which the
    checks' explanations compare with)."""
    from grader.grading.attribution import full_substitutes

    cases = read_bundle(default_paths()["public"])
    return set().union(
        *(
            floats_in((c.args, c.expected, list(full_substitutes(c).values())))
            | floats_in(c.named.get() if c.named is not None else None)
            for c in cases
        )
    )


def catalogued_floats():
    """Floats that the catalogued mistakes output on the public cases and no public case holds
    (numbers of a few digits left out: they turn up in prose anyway)."""
    found = set()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for case in read_bundle(default_paths()["public"]):
            for mistake in mutants.mistakes_for(case.function):
                with contextlib.suppress(Exception):  # a mistake that raises outputs nothing
                    found |= floats_in(replay(mistake.impl, case.args))
    return {x for x in found - public_floats() if len(repr(x)) > 8}


def test_the_only_numbers_in_clear_are_the_public_cases(released):
    """The public cases (published and added) are readable, as in the grader's reports; the
    catalogued mistakes' outputs appear only as fingerprints."""
    public = public_floats()
    wrong = catalogued_floats()
    assert len(wrong) > 500
    for name, data in released.items():
        numbers = {float(x) for x in FLOAT.findall(data.decode("utf-8"))}
        if name.endswith(".py"):  # the notebook prints the published values, rounded
            assert {x for x in numbers if len(repr(x)) > 8} <= public, name
        assert numbers & wrong == set(), name


@pytest.fixture
def released_checks(released, tmp_path):
    """The released ``public_tests``, imported from a folder of the released files."""
    for name, data in released.items():
        (tmp_path / name).write_bytes(data)
    names = ("public_tests", "public_cases", "comparison")
    saved = {name: sys.modules.pop(name, None) for name in names}
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("public_tests")
    finally:
        sys.path.remove(str(tmp_path))
        for name, module in saved.items():
            sys.modules.pop(name, None)
            if module is not None:
                sys.modules[name] = module


FINGERPRINT = re.compile(r"raises \w+|(-|-?\d+(,-?\d+)*) (-|[0-3]+) [0-9a-f]{20}")


def test_mistakes_are_fingerprints_of_public_cases_and_never_of_hidden_ones(released_checks):
    hidden = read_bundle(default_paths()["hidden"])
    checks = released_checks
    for function, known in checks.MISTAKES.items():
        count = len(checks.CASES[function])
        for mistake in known:
            assert len(mistake.seen) == count
            assert all(FINGERPRINT.fullmatch(seen) for seen in mistake.seen), mistake.seen
        stored = {(i, s) for m in known for i, s in enumerate(m.seen) if not s.startswith("raises")}
        assert stored
        for case in (c for c in hidden if c.function == function):
            for number, seen in stored:
                exponents, quarters, digest = seen.split(" ")
                salt = f"{function}/{number}"
                assert checks.fingerprint(salt, case.expected, exponents, quarters) != digest


def test_the_released_notebook_is_the_unfilled_one_without_outputs(released):
    assert [n for n in released if n.endswith(".ipynb")] == [generate.NOTEBOOK_NAME]
    assert not any("solution" in name.lower() for name in released)
    notebook = nbformat.reads(released[generate.NOTEBOOK_NAME].decode("utf-8"), as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells)
    assert "Z = None" in released[generate.NOTEBOOK_NAME].decode("utf-8")


def test_stray_files_in_the_student_folder_are_not_released(tmp_path):
    folder = tmp_path / "student"
    shutil.copytree(paths.student_folder(), folder)
    (folder / "__pycache__").mkdir(exist_ok=True)
    (folder / "solution.ipynb").write_bytes(generate.solution_notebook())
    out = release(tmp_path / "out", student_dir=folder)
    assert sorted(p.name for p in out.iterdir()) == STUDENT_FILES


def test_the_zip_holds_the_folder_and_is_byte_for_byte_reproducible(tmp_path):
    first = release(tmp_path / "a", zipped=True)
    second = release(tmp_path / "b", zipped=True)
    assert first == tmp_path / "a.zip"  # DEST itself, .zip added
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == [f"step_by_step/{name}" for name in STUDENT_FILES]


def test_a_stale_student_folder_is_refused(tmp_path):
    folder = tmp_path / "student"
    shutil.copytree(paths.student_folder(), folder)
    (folder / "dnn_utils.py").write_text("# edited by hand\n")
    with pytest.raises(SetupError, match=r"dnn_utils\.py.*run `grader generate`"):
        release(tmp_path / "out", student_dir=folder)


def test_an_existing_release_is_not_overwritten(tmp_path):
    release(tmp_path)
    with pytest.raises(UsageError, match="already exists"):
        release(tmp_path)


def test_a_pasted_solution_line_is_caught():
    files = {"dnn_utils.py": b"    db = np.sum(dZ, axis=1, keepdims=True) / m\n"}
    assert solution_leaks(files) == [
        "dnn_utils.py contains the solution line 'db = np.sum(dZ, axis=1, keepdims=True) / m'"
    ]
    assert solution_leaks(generate.student_files()) == []


def test_the_commands_generate_and_release(tmp_path, capsys):
    assert (
        main(
            [
                "generate",
                "--out",
                str(tmp_path / "gen"),
                "--solution",
                str(tmp_path / "sol" / "solution.ipynb"),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "gen").iterdir()) == STUDENT_FILES
    assert (tmp_path / "sol" / "solution.ipynb").exists()
    assert main(["release", str(tmp_path / "rel.zip"), "--zip"]) == 0
    assert (tmp_path / "rel.zip").exists()
    assert main(["release", str(tmp_path / "rel.zip"), "--zip"]) == 4
    assert "already exists" in capsys.readouterr().err
