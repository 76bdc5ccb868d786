"""The second independently written corpus (``unseen_notebook_corpus``), graded end to end.

Each buggy function is written into an otherwise correct notebook and graded by the grader
itself. Only that function may lose points, no other function may get a diagnosis, and the
diagnosis must be the expected catalogued mistake (or none, where none describes the code).
"""

from __future__ import annotations

import crafted
import pytest
from unseen_notebook_corpus import CORPUS, Entry

from grader.grading.engine import CheckOptions, Grader
from reference.mutants import MISTAKES, RAISING

pytestmark = pytest.mark.slow

BY_NAME = {entry.name: entry for entry in CORPUS}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unseen2")
    with Grader(CheckOptions(timeout=2.0)) as grader:
        return {
            entry.name: grader.grade(
                crafted.write(
                    crafted.notebook(replace={entry.function: entry.source}),
                    folder / f"{entry.name}.ipynb",
                )
            )
            for entry in CORPUS
        }


def test_the_corpus_is_large_and_well_formed():
    assert len(CORPUS) >= 40
    assert len(BY_NAME) == len(CORPUS)
    known = {m.name: m.function for m in MISTAKES + RAISING}
    for entry in CORPUS:
        assert isinstance(entry, Entry)
        assert f"def {entry.function}(" in entry.source, entry.name
        if entry.expected is not None:
            assert known.get(entry.expected) == entry.function, entry.name


@pytest.mark.parametrize("name", list(BY_NAME))
def test_only_the_wrong_function_fails_and_gets_the_expected_diagnosis(reports, name):
    entry = BY_NAME[name]
    report = reports[name]
    assert {f.name for f in report.functions if f.points == 0} == {entry.function}
    assert all(f.diagnosis is None for f in report.functions if f.name != entry.function)
    found = report.function(entry.function).diagnosis
    assert (found.name if found else None) == entry.expected
