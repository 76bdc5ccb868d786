"""The independent feedback corpus (``entries.py``), graded end to end.

Each buggy function is written into an otherwise correct notebook (``crafted``) and graded by
the grader. Checked:

- the mistake is real: the function fails, and it raises where the entry says it does;
- no entry is a catalogued mistake (a catalogue name here means the entry duplicates the
  catalogue and should be replaced);
- how many entries the report explains, printed as a figure: an explanation counts when it
  points at the student's line and contains the entry's ``must_mention`` words. The entries
  listed in ``expected_explained.txt`` must stay explained (a regression fails); an entry
  explained but not listed is printed, to be added;
- no false explanations: no function other than the wrong one gets a diagnosis or an
  explanation, and neither does any correct function of the reference solution, the sample
  submission or the course-format notebooks.

The explanation itself is read through one adapter, :func:`explanation_of`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

import crafted
import pytest
from entries import ENTRIES, Entry

from grader.grading.comparison import GRADED_FUNCTIONS
from grader.grading.engine import CheckOptions, Grader
from grader.grading.results import FunctionReport, GradeReport

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXPECTED = HERE / "expected_explained.txt"
BY_ID = {entry.id: entry for entry in ENTRIES}


class Explanation(NamedTuple):
    """What the report says caused a failure: the student's line (when given) and the words."""

    lineno: int | None
    text: str


def explanation_of(report: FunctionReport) -> Explanation | None:
    """The report's explanation of a function's failure, or None: the one place that knows
    where the grader keeps it (``FunctionReport.explanation``, a sentence that starts with the
    student's "line N:"; "" when there is none)."""
    found: Any = getattr(report, "explanation", None)
    if not found:
        return None
    if isinstance(found, str):
        return Explanation(None, found)
    lineno = getattr(found, "lineno", None)
    text = json.dumps(found.to_dict() if hasattr(found, "to_dict") else found, default=str)
    return Explanation(lineno if isinstance(lineno, int) else None, text)


def mentions(text: str, item: str) -> bool:
    """Whether the text names one of the alternatives of ``item`` ("a|b"), case-insensitively:
    a lower-case word of three letters or more as the start of a word, another identifier as
    a whole word, anything else as it is written."""
    for alternative in item.split("|"):
        if re.fullmatch(r"[a-z]{3,}", alternative):
            pattern = rf"(?<!\w){alternative}"
        elif re.fullmatch(r"\w+", alternative):
            pattern = rf"(?<!\w){re.escape(alternative)}(?!\w)"
        else:
            pattern = re.escape(alternative)
        if re.search(pattern, text, re.IGNORECASE):
            return True
    return False


def lines_named(text: str) -> set[int]:
    """The line numbers an explanation names: "line 7", "lines 5 and 8", "lines 3, 4 and 9"."""
    found: set[int] = set()
    for numbers in re.findall(r"\blines? (\d+(?:(?:, | and )\d+)*)", text):
        found |= {int(n) for n in re.findall(r"\d+", numbers)}
    return found


def explains(entry: Entry, explanation: Explanation | None) -> bool:
    """The explanation points at the student's line and names what any right one names."""
    if explanation is None:
        return False
    named = lines_named(explanation.text) | {explanation.lineno} - {None}
    at_line = bool(named & {entry.line, *entry.other_lines})
    return at_line and all(mentions(explanation.text, m) for m in entry.must_mention)


def expected_explained() -> set[str]:
    lines = EXPECTED.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GradeReport]:
    folder = tmp_path_factory.mktemp("feedback")
    with Grader(CheckOptions(timeout=2.0)) as grader:
        return {
            entry.id: grader.grade(
                crafted.write(
                    crafted.notebook(replace={entry.function: entry.code}),
                    folder / f"{entry.id}.ipynb",
                )
            )
            for entry in ENTRIES
        }


def test_the_corpus_is_large_and_well_formed() -> None:
    assert len(ENTRIES) >= 45
    assert len(BY_ID) == len(ENTRIES)
    assert sum(e.raises for e in ENTRIES) >= len(ENTRIES) // 3
    composite = {"linear_activation_forward", "L_model_forward"}
    composite |= {"linear_activation_backward", "L_model_backward"}
    assert sum(e.function in composite for e in ENTRIES) >= len(ENTRIES) // 3
    for entry in ENTRIES:
        assert entry.code.startswith(f"def {entry.function}("), entry.id
        for line in (entry.line, *entry.other_lines):
            assert 1 < line <= len(entry.code.splitlines()), entry.id
        assert entry.mistake_line.strip(), entry.id
        assert entry.cause and entry.provenance and entry.must_mention, entry.id
    assert expected_explained() <= set(BY_ID), "expected_explained.txt names unknown entries"


@pytest.mark.slow
@pytest.mark.parametrize("entry_id", list(BY_ID))
def test_the_mistake_is_real_and_costs_only_its_function(
    reports: dict[str, GradeReport], entry_id: str
) -> None:
    entry = BY_ID[entry_id]
    report = reports[entry_id]
    assert {f.name for f in report.functions if f.points == 0} == {entry.function}
    wrong = report.function(entry.function)
    assert wrong.status == "failed", wrong.summary
    raised = any(c.problem is not None and c.problem.status == "error" for c in wrong.cases)
    assert raised == entry.raises, [c.problem for c in wrong.cases if c.problem]


@pytest.mark.slow
def test_no_entry_is_a_catalogued_mistake(reports: dict[str, GradeReport]) -> None:
    named = {
        entry.id: diagnosis.name
        for entry in ENTRIES
        if (diagnosis := reports[entry.id].function(entry.function).diagnosis) is not None
    }
    assert named == {}, f"these entries duplicate the catalogue: {named}"


@pytest.mark.slow
def test_explained_share_is_printed_and_never_regresses(
    reports: dict[str, GradeReport], capsys: pytest.CaptureFixture[str]
) -> None:
    explained = {
        entry.id
        for entry in ENTRIES
        if explains(entry, explanation_of(reports[entry.id].function(entry.function)))
    }
    expected = expected_explained()
    share = f"explained {len(explained)} of {len(ENTRIES)} ({len(explained) / len(ENTRIES):.0%})"
    with capsys.disabled():
        print(f"\nfeedback corpus: {share}")
        if explained - expected:
            print(f"  newly explained, add to {EXPECTED.name}: {sorted(explained - expected)}")
    assert expected <= explained, f"no longer explained: {sorted(expected - explained)}"


@pytest.mark.slow
@pytest.mark.parametrize("entry_id", list(BY_ID))
def test_no_right_function_beside_an_entry_is_explained(
    reports: dict[str, GradeReport], entry_id: str
) -> None:
    entry = BY_ID[entry_id]
    for function in reports[entry_id].functions:
        if function.name != entry.function:
            assert function.diagnosis is None, function.name
            assert explanation_of(function) is None, function.name


# --- no false explanations on correct code elsewhere --------------------------------------

SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"
SOLUTION = ROOT / "reference" / "solution.ipynb"
COURSE = sorted((ROOT / "tests" / "course_formats" / "notebooks").glob("*/*.ipynb"))
#: The sample's wrong functions (tests/test_sample_submission.py checks they are named).
SAMPLE_WRONG = {"initialize_parameters", "compute_cost", "linear_backward"}


def right_functions(notebook: Path) -> set[str] | None:
    """The functions written right in a notebook (None: all of them)."""
    if notebook == SAMPLE:
        return {f for f in GRADED_FUNCTIONS if f not in SAMPLE_WRONG}
    record = notebook.with_suffix(".json")
    if record.exists():
        functions = json.loads(record.read_text(encoding="utf-8"))["functions"]
        return {name for name, truth in functions.items() if truth["right"]}
    return None


@pytest.fixture(scope="module")
def grader():
    with Grader(CheckOptions()) as g:
        yield g


@pytest.mark.slow
@pytest.mark.parametrize(
    "notebook",
    [SOLUTION, SAMPLE, *COURSE],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_correct_function_gets_an_explanation(grader: Grader, notebook: Path) -> None:
    report = grader.grade(notebook)
    right = right_functions(notebook)
    checked = [f for f in report.functions if right is None or f.name in right]
    assert checked
    for function in checked:
        assert function.diagnosis is None, (notebook.name, function.name)
        assert explanation_of(function) is None, (notebook.name, function.name)
