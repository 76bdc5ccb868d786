"""The HTML report's work is bounded whatever the notebook holds (issue 17, item 7).

A 2.2 MB notebook of markdown formulas once cost the grader 1,520 s and 1.35 GB: every formula
was converted to MathML and sanitised. Now a page converts a bounded number of formulas, renders
a bounded amount of markdown, and shows the rest as escaped text.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.grading.results import GradeReport
from grader.reports import html as html_report
from grader.reports import mathml

UNIT = (
    r"Here $$dW^{[l]} = \frac{\partial \mathcal{L} }{\partial W^{[l]}} = "
    r"\frac{1}{m} dZ^{[l]} A^{[l-1] T} \tag{8}$$ and $a_i^{[l]}$ then $\sigma(z)$. "
)


def _formula_notebook(path: Path, size: int) -> Path:
    """About ``size`` bytes of markdown cells full of formulas, each cell numbered."""
    v4 = nbformat.v4
    per_cell = 20
    count = size // (len(UNIT) * per_cell)
    cells = [v4.new_markdown_cell(f"cell-{i}-marker " + UNIT * per_cell) for i in range(count)]
    nbformat.write(v4.new_notebook(cells=cells), path)
    return path


def _page(path: Path) -> str:
    return html_report.render_html(GradeReport(submission=str(path), functions=(), cells=()))


@pytest.fixture()
def converted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formulas handed to the converter (a cheap stand-in for it, so the test is quick)."""
    seen: list[str] = []

    def convert(tex: str, display: bool) -> str:
        seen.append(tex)
        return "<math><mi>x</mi></math>"

    monkeypatch.setattr(mathml, "_convert", convert)
    html_report._with_math.cache_clear()
    return seen


@pytest.mark.slow
def test_a_notebook_of_formulas_converts_a_bounded_number(
    tmp_path: Path, converted: list[str]
) -> None:
    notebook = _formula_notebook(tmp_path / "formulas.ipynb", 2_200_000)
    assert notebook.stat().st_size > 2_000_000
    page = _page(notebook)
    assert 0 < len(converted) <= mathml.MAX_PAGE_FORMULAS
    assert sum(len(tex) for tex in converted) <= mathml.MAX_PAGE_TEX_CHARS
    # Past the budget the math stays as text: the last cell is there, its TeX escaped.
    last = page[page.index("cell-700-marker ") :]
    assert r"$a_i^{[l]}$" in last and "<math" not in last
    assert "<script" not in page.lower()
    # The page is not many times the notebook's size (MathML is about 8 times its TeX).
    assert len(page) < 3 * notebook.stat().st_size


def test_the_bounded_page_is_the_same_every_time(tmp_path: Path, converted: list[str]) -> None:
    """Conversions are remembered between pages: the budget still decides alike."""
    notebook = _formula_notebook(tmp_path / "formulas.ipynb", 300_000)
    first, second = _page(notebook), _page(notebook)
    assert first.count("<math") == second.count("<math") > 0
    assert first.count("grader-plain-cell") == second.count("grader-plain-cell")


def test_markdown_past_the_page_budget_is_plain_escaped_text(tmp_path: Path) -> None:
    v4 = nbformat.v4
    filler = "word " * (html_report.MAX_MARKDOWN_CHARS // 5 + 10)
    cells = [
        v4.new_markdown_cell("# First heading"),
        v4.new_markdown_cell(filler),
        v4.new_markdown_cell("# Late heading <script>alert(1)</script> late-marker"),
        v4.new_code_cell("x = 1"),
    ]
    path = tmp_path / "long.ipynb"
    nbformat.write(v4.new_notebook(cells=cells), path)
    page = _page(path)
    assert "<h1" in page.split("late-marker")[0]  # the first heading is rendered
    late = page[page.index("late-marker") - 200 :]
    assert '<pre class="grader-plain-cell"># Late heading &lt;script&gt;' in late
    assert "<script>alert(1)" not in page


def test_a_formula_longer_than_the_bound_stays_as_its_source(converted: list[str]) -> None:
    long = "x + " * mathml.MAX_FORMULA_CHARS
    text = f"before ${long}$ after $y$"
    out = mathml.math_to_mathml(text)
    assert out.startswith(f"before ${long}$ after ")
    assert converted == ["y"]
    assert mathml.formulas(text) == ["y"]


def test_the_budget_takes_whole_cells_then_stops() -> None:
    budget = mathml.MathBudget()
    one = "$a$ " * (mathml.MAX_PAGE_FORMULAS - 1)
    assert budget.take(one)
    assert not budget.take("$a$ $b$")  # two do not fit in the one left
    assert not budget.take("$c$")  # and nothing after a refusal: page order decides
