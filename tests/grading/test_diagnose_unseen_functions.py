"""Buggy submissions written independently of the mistake catalogue, the way students write
them (other names, other operators, other line orders): the grader must fail exactly the wrong
function and name the mistake for at least 9 in 10 of them, never diagnosing a right one."""

from __future__ import annotations

import crafted
import pytest
from unseen_function_corpus import CORPUS

from grader.grading.engine import CheckOptions, Grader

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unseen")
    with Grader(CheckOptions(timeout=2.0)) as grader:
        return {
            name: grader.grade(
                crafted.write(
                    crafted.notebook(replace={function: source}), folder / f"{name}.ipynb"
                )
            )
            for name, (function, source, _) in CORPUS.items()
        }


@pytest.mark.parametrize("name", CORPUS, ids=list(CORPUS))
def test_only_the_wrong_function_loses_points_and_no_right_one_is_diagnosed(reports, name):
    function = CORPUS[name][0]
    report = reports[name]
    assert {f.name for f in report.functions if f.points == 0} == {function}
    assert all(f.diagnosis is None for f in report.functions if f.name != function)


def test_nine_in_ten_are_named_correctly(reports):
    named = [
        name
        for name, (function, _, mistake) in CORPUS.items()
        if (d := reports[name].function(function).diagnosis) is not None and d.name == mistake
    ]
    wrong = [
        (name, d.name)
        for name, (function, _, mistake) in CORPUS.items()
        if (d := reports[name].function(function).diagnosis) is not None and d.name != mistake
    ]
    assert not wrong, f"named the wrong mistake: {wrong}"
    assert len(named) >= 0.9 * len(CORPUS), f"named {len(named)} of {len(CORPUS)}"
