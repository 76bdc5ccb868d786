"""Notebooks in the formats of the course's own published versions grade like ours.

Every notebook of ``course_formats/notebooks`` is graded end to end and must score exactly
like the same functions written in this project's own notebook format (same points per
function, same diagnosis names), and as its JSON record says. The course versions whose
template shifts the dA keys are read in that convention (and the report says so); a notebook of
our own format keeps requiring ours.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from grader.grading.engine import Grader
from grader.grading.options import CheckOptions
from grader.grading.results import GradeReport

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "course_formats" / "notebooks"
SOLUTION = ROOT / "reference" / "solution.ipynb"
NOTEBOOKS = sorted(CORPUS.glob("*/*.ipynb"))


def _load_corpus_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_corpus", ROOT / "tests" / "course_formats" / "make_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus_script()


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    with Grader(CheckOptions()) as g:
        yield g


def own_format(path: Path, sources: dict[str, str]) -> Path:
    """This project's notebook (the solution's), with these graded functions in it."""
    nb = nbformat.read(str(SOLUTION), as_version=4)
    for cell in nb.cells:
        function = str(cell.get("id", "")).removeprefix("graded-")
        if function in sources:
            cell.source = f"# GRADED FUNCTION: {function}\n\n{sources[function]}"
    nbformat.write(nb, str(path))
    return path


def twin_sources(record: dict[str, object], convention: str = corpus.OURS) -> dict[str, str]:
    """The graded functions of a corpus notebook, in this project's dA convention."""
    functions = record["functions"]
    assert isinstance(functions, dict)
    mistakes = tuple(
        corpus.Mistake(name, entry["mistake"], entry["diagnosis"])
        for name, entry in functions.items()
        if not entry["right"]
    )
    sources: dict[str, str] = corpus.graded_sources(
        convention, mistakes, bool(record["direct_backward"]), record["version"] == "newest"
    )
    return sources


def scores(report: GradeReport) -> dict[str, tuple[float, str | None]]:
    return {f.name: (f.points, f.diagnosis.name if f.diagnosis else None) for f in report.functions}


def test_corpus_is_fresh() -> None:
    """The committed notebooks and records are exactly what make_corpus.py writes."""
    files = corpus.corpus()
    on_disk = {
        str(p.relative_to(CORPUS)): p.read_text(encoding="utf-8")
        for p in CORPUS.glob("*/*")
        if p.suffix in (".ipynb", ".json")
    }
    assert sorted(on_disk) == sorted(files)
    stale = [name for name, text in files.items() if on_disk[name] != text]
    assert stale == [], "run: python tests/course_formats/make_corpus.py"


def test_corpus_covers_every_version_and_mistake() -> None:
    versions = {p.parent.name for p in NOTEBOOKS}
    assert versions == {v.name for v in corpus.VERSIONS}
    assert len(NOTEBOOKS) >= 4 * len(versions)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_course_notebook_grades_like_its_twin_in_our_format(
    notebook: Path, grader: Grader, tmp_path: Path
) -> None:
    record = json.loads(notebook.with_suffix(".json").read_text())
    report = grader.grade(notebook)
    twin = grader.grade(own_format(tmp_path / "twin.ipynb", twin_sources(record)))
    assert scores(report) == scores(twin)
    for function in report.functions:
        truth = record["functions"][function.name]
        if truth["right"]:
            assert function.points == function.max_points, (function.name, function.summary)
        else:
            assert function.points == 0, (function.name, function.summary)
            if truth["diagnosis"]:
                assert function.diagnosis is not None, function.name
                assert function.diagnosis.name == truth["diagnosis"]
    # the import cell runs: every helper module of the version is there, plotting included
    nb = nbformat.read(str(notebook), as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert "import matplotlib.pyplot" in nb.cells[first_code].source
    assert all(cell.index != first_code for cell in report.cells), report.cells
    if record["functions"] == {f: {"right": True} for f in record["functions"]}:
        assert report.cells == (), report.cells  # a right notebook runs cleanly throughout


@pytest.mark.parametrize("version", ["oldest", "v2", "v3"])
def test_shifted_versions_say_which_dA_convention_they_read(version: str, grader: Grader) -> None:
    report = grader.grade(CORPUS / version / "correct.ipynb")
    backward = report.function("L_model_backward")
    assert backward.points == backward.max_points
    assert "older convention" in backward.summary


@pytest.mark.parametrize("version", ["oldest", "v2", "v3"])
def test_right_shifted_keys_need_no_rerun_with_correct_helpers(
    version: str, grader: Grader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-runs with correct helpers read the older keys too: a right L_model_backward in
    that convention is not re-run for nothing (it would double its cost in the worker)."""
    from grader.grading import attribution, engine

    asked: list[str] = []
    real = attribution.followup_calls  # what the engine calls, under its own name

    def spy(*args, **kwargs):
        calls = real(*args, **kwargs)
        asked.extend(call.function for call in calls)
        return calls

    monkeypatch.setattr(engine, "followup_calls", spy)
    report = grader.grade(CORPUS / version / "correct.ipynb")
    assert report.score == report.max_score
    assert asked == []


@pytest.mark.parametrize("version", ["v4a", "newest"])
def test_versions_with_our_keys_do_not_mention_a_convention(version: str, grader: Grader) -> None:
    report = grader.grade(CORPUS / version / "correct.ipynb")
    backward = report.function("L_model_backward")
    assert backward.points == backward.max_points
    assert "convention" not in backward.summary


def test_our_format_keeps_requiring_our_dA_keys(grader: Grader, tmp_path: Path) -> None:
    """The shifted keys in this project's own notebook: failed, and named."""
    shifted = corpus.graded_sources(corpus.SHIFTED)
    report = grader.grade(own_format(tmp_path / "ours.ipynb", shifted))
    backward = report.function("L_model_backward")
    assert backward.points == 0
    assert backward.diagnosis is not None
    assert backward.diagnosis.name == "model-backward-da-keys-shifted"


def test_provided_names_survive_a_broken_import_cell(grader: Grader, tmp_path: Path) -> None:
    """np, copy and the activation helpers are there even when the import cell dies first;
    the report still lists the cell's error."""
    path = own_format(tmp_path / "broken.ipynb", corpus.graded_sources(corpus.OURS, newest=True))
    nb = nbformat.read(str(path), as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = "from testCases_v9 import *\nimport numpy as np\n" + first.source
    nbformat.write(nb, str(path))
    report = grader.grade(path)
    assert report.score == report.max_score, [f.summary for f in report.functions]
    assert any("testCases_v9" in cell.message for cell in report.cells)
