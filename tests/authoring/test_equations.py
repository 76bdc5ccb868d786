"""Every equation a hint cites is in the students' notebook, under that number, and says what
the hint is about.

Hints (the mistake catalogue's, the grader's own messages, the notebook checks) tell a student
to "compare with equation (8)"; the notebook numbers its displayed formulas with ``\\tag{N}``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reference.mutants import MISTAKES

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = (
    ROOT / "exercises" / "step_by_step" / "Building_your_Deep_Neural_Network_Step_by_Step.ipynb"
)

#: What the formula under each cited number must contain (TeX fragments).
CONTENT = {
    4: r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}",
    7: r"J = -\frac{1}{m}",
    8: r"dW^{[l]} = \frac{1}{m}",
    9: r"db^{[l]} = \frac{1}{m} \sum",
    10: r"dA^{[l-1]} = W^{[l]T} dZ^{[l]}",
    11: r"dZ^{[l]} = dA^{[l]} * g'(Z^{[l]})",
    16: r"W^{[l]} \leftarrow W^{[l]} - \alpha",
    17: r"b^{[l]} \leftarrow b^{[l]} - \alpha",
}

_CITATION = re.compile(r"\bequations?\s+((?:\(\d+\)(?:\s*,\s*|\s+and\s+|\s+or\s+)?)+)", re.I)


def cited(text: str) -> set[int]:
    """The equation numbers ``text`` cites ("equation (4)", "equations (16) and (17)")."""
    text = " ".join(text.split())
    return {int(n) for group in _CITATION.findall(text) for n in re.findall(r"\((\d+)\)", group)}


def numbered_equations() -> dict[int, str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    found: dict[int, str] = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        for tex in re.findall(r"\$\$(.+?)\$\$", source, re.S):
            for number in re.findall(r"\\tag\{(\d+)\}", tex):
                assert int(number) not in found, f"equation ({number}) is numbered twice"
                found[int(number)] = tex
    return found


def test_citation_parser() -> None:
    assert cited("Compare with equation (4).") == {4}
    assert cited("Check the sign in equations (16)\n     and (17).") == {16, 17}
    assert cited("equations (8), (9) and (10)") == {8, 9, 10}
    assert cited("no equation here (3)") == set()


def test_the_notebook_numbers_its_equations_in_order() -> None:
    numbers = sorted(numbered_equations())
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 17


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_every_hint_cites_an_equation_of_the_notebook(mistake) -> None:
    equations = numbered_equations()
    for number in cited(mistake.hint) | cited(mistake.title):
        assert number in equations, f"{mistake.name} cites equation ({number}), not in the notebook"
        if number in CONTENT:
            assert CONTENT[number] in equations[number], (mistake.name, number)


def test_the_catalogue_cites_equations_at_all() -> None:
    """So that the test above can fail: the hints do cite numbers."""
    assert {4, 7, 8, 9, 10, 11, 16, 17} <= set().union(*(cited(m.hint) for m in MISTAKES))


def test_the_graders_own_messages_cite_equations_of_the_notebook() -> None:
    equations = numbered_equations()
    sources = [p for p in (ROOT / "grader").rglob("*.py") if "assets/student" not in p.as_posix()]
    sources += [ROOT / "grader" / "assets" / "templates" / "public_tests.py"]
    for path in sources:
        for number in cited(path.read_text(encoding="utf-8")):
            assert number in equations, f"{path.relative_to(ROOT)} cites equation ({number})"


def test_cited_equations_hold_what_the_hints_are_about() -> None:
    equations = numbered_equations()
    for number, fragment in CONTENT.items():
        assert fragment in equations[number], number
