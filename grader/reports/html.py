"""The HTML report: the student's own notebook, with the grader's verdict under each function.

The notebook is rendered with nbconvert's ``lab`` template. Before export, a raw cell holding a
random placeholder is inserted into a copy of the notebook right after the cell that defines
each graded function (and after each cell that failed to run); after export every placeholder
is swapped for its feedback block. A summary box with the score and a table of links to the
blocks opens the page. The notebook is untrusted: its HTML is sanitised by nbconvert, and every
piece of text from the submission that the grader puts in a block goes through
:func:`html.escape`. When the notebook cannot be read or rendered, the page still holds the
summary and all the feedback, with the cells' sources shown as plain text when possible.

The page needs no network: the math of the markdown cells (``$...$`` and ``$$...$$``) is
converted to MathML here (:mod:`grader.reports.mathml`), which browsers render natively, and
no script is loaded. The work a page costs is bounded whatever the notebook holds: markdown
cells past :data:`MAX_MARKDOWN_CHARS` in all are shown as plain text, not rendered, and the math
conversion has a budget per page (:class:`grader.reports.mathml.MathBudget`).

Code cells are labelled with their cell number (the one every report uses, counting all cells
from 1), not with the student's execution counts.

nbconvert is imported here, lazily: it takes longer to import than the rest of ``grader``. One
exporter serves every page a process renders, and the sanitised HTML of a markdown cell or of
a highlighted code cell is remembered by its text: the cells that come from the assignment
itself are the same in every notebook of a class, so a batch renders them once.
"""

from __future__ import annotations

import contextvars
import functools
import json
import re
import secrets
import threading
import warnings
from html import escape
from pathlib import Path
from typing import Any

from grader.grading.results import (
    CaseResult,
    CellReport,
    FunctionReport,
    GradeReport,
    cell_number,
)
from grader.paths import templates
from grader.reports.mathml import MATH_ATTRIBUTES, MATH_TAGS, MathBudget, math_to_mathml
from grader.reports.text import MAX_CASES_SHOWN, printable

_VERDICTS = {
    "passed": ("grader-passed", "Passed"),
    "inherited": ("grader-inherited", "Passes on its own logic"),
    "failed": ("grader-failed", "Failed"),
    "not_implemented": ("grader-failed", "Not implemented yet"),
    "missing": ("grader-failed", "Not found in the notebook"),
}

#: Most markdown (characters of source, in all cells) rendered on one page; later markdown cells
#: are shown as plain text. The course's notebook has 25,000; rendering costs about 3 s per MB.
MAX_MARKDOWN_CHARS = 250_000

#: The math budget of the page being rendered (set around each export).
_MATH_BUDGET: contextvars.ContextVar[MathBudget | None] = contextvars.ContextVar(
    "math_budget", default=None
)

#: Lone surrogates (a notebook's JSON may hold "\\ud800"): not encodable, shown as U+FFFD.
_SURROGATES = re.compile("[\ud800-\udfff]")

#: Tags kept in the student's HTML (markdown cells, outputs); others are shown as text.
_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "center",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
    }
)


def display_text(text: str) -> str:
    """``text`` without lone surrogates (each becomes U+FFFD), so that it can be written."""
    return _SURROGATES.sub("\ufffd", text)


def file_name(report: GradeReport) -> str:
    """The notebook's file name as shown to people (never a path of the grader's machine)."""
    return _shown_name(report.submission)


def _shown_name(path: str) -> str:
    return display_text(printable(Path(path).name))


def render_html(report: GradeReport) -> str:
    """The whole report as one self-contained HTML page (feedback readable offline)."""
    return display_text(_render_html(report))


def _render_html(report: GradeReport) -> str:
    ids = _anchor_ids(report.functions)
    after: dict[int, list[str]] = {}
    for cell in report.cells:
        after.setdefault(cell.index, []).append(_cell_note(cell))
    for function in report.functions:
        if function.cells:
            after.setdefault(function.cells[-1], []).append(_feedback(function, ids))

    notebook = _read_notebook(report.submission)
    error = f"Your notebook cannot be shown here: {notebook}." if isinstance(notebook, str) else ""
    page: str | None = None
    if isinstance(notebook, dict):
        try:
            page, placed = _export(notebook, after, report.submission)
        except Exception as exc:  # the file is untrusted: any failure falls back to plain text
            error = (
                f"Your notebook could not be rendered ({type(exc).__name__}): its cells "
                "are shown as plain text."
            )
    if page is None:
        cells = notebook.get("cells") if isinstance(notebook, dict) else None
        body, placed = _plain_cells(cells, after)
    unplaced = [f for f in report.functions if not f.cells or f.cells[-1] not in placed]
    summary = _summary(report, ids, unplaced, placed, error)
    if page is None:
        return _plain_page(report, summary, body)
    head = f'<style type="text/css">\n{_css()}</style>\n</head>'
    page = page.replace("</head>", head, 1)
    return re.sub(r"(<body[^>]*>)", lambda m: f"{m.group(1)}\n{summary}", page, count=1)


# --- the notebook ---------------------------------------------------------------------------


def _read_notebook(path: str) -> dict[str, Any] | str:
    """The notebook's JSON object, or why it cannot be shown (a sentence fragment)."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig", "replace"))
    except OSError as exc:
        return f"the file could not be read ({exc.strerror or type(exc).__name__})"
    except (ValueError, RecursionError):
        return "the file is not valid notebook JSON"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "the file is not a Jupyter notebook"
    return data


def _export(
    notebook: dict[str, Any], after: dict[int, list[str]], path: str
) -> tuple[str, set[int]]:
    """nbconvert's page for the notebook with the blocks in place, and the cells they follow."""
    import nbformat

    with warnings.catch_warnings():
        # Warnings about the student's file (missing cell ids, odd fields...) are not ours.
        warnings.simplefilter("ignore")
        # nbformat.v4.reads joins line lists like nbformat.reads, without validating twice.
        nb = nbformat.v4.reads(display_text(json.dumps(notebook, ensure_ascii=False)))
        markdown = 0
        renumber = _traceback_numbers(nb.cells)
        for index, cell in enumerate(nb.cells):
            if cell.get("cell_type") == "code":
                # The prompt shows the cell's number, as every report counts cells, and so do
                # the student's saved tracebacks.
                cell["execution_count"] = cell_number(index)
                _renumber_tracebacks(cell, renumber)
            elif cell.get("cell_type") == "markdown":
                markdown += len(str(cell.get("source", "")))
                if markdown > MAX_MARKDOWN_CHARS:
                    nb.cells[index] = _plain_markdown(nbformat, cell)
        nonce = secrets.token_hex(8)
        tokens: dict[str, int] = {}
        for index in sorted(after, reverse=True):
            if 0 <= index < len(nb.cells):
                token = f"grader-slot-{nonce}-{index}"
                tokens[token] = index
                slot = nbformat.v4.new_raw_cell(token, metadata={"raw_mimetype": "text/html"})
                if int(nb.get("nbformat_minor", 0)) < 5:
                    del slot["id"]
                nb.cells.insert(index + 1, slot)
        resources = {"metadata": {"name": f"Feedback: {Path(_shown_name(path)).stem}"}}
        with _EXPORTER_LOCK:
            exporter = _exporter()
            budget = _MATH_BUDGET.set(MathBudget())
            try:
                page, _ = exporter.from_notebook_node(nb, resources=resources)
            finally:
                _MATH_BUDGET.reset(budget)
    placed = set()
    for token, index in tokens.items():
        if token in page:
            page = page.replace(token, "\n".join(after[index]), 1)
            placed.add(index)
    return page, placed


#: How tracebacks saved by Jupyter name a cell: by its execution count (``Cell In[16]``,
#: ``Input In [16]``, or ``<ipython-input-16-...>`` from older kernels).
_TRACEBACK_CELL = re.compile(
    r"(Cell In ?\[|Input In ?\[)(\d{1,9})(\])|<ipython-input-(\d{1,9})-[0-9a-f]+>"
)


def _traceback_numbers(cells: list[Any]) -> dict[int, int]:
    """``execution count -> cell number`` for the code cells, counts held by one cell only."""
    seen: dict[int, list[int]] = {}
    for index, cell in enumerate(cells):
        count = cell.get("execution_count") if cell.get("cell_type") == "code" else None
        if isinstance(count, int) and not isinstance(count, bool):
            seen.setdefault(count, []).append(cell_number(index))
    return {count: numbers[0] for count, numbers in seen.items() if len(numbers) == 1}


def _renumber_tracebacks(cell: Any, numbers: dict[int, int]) -> None:
    """The student's saved tracebacks name cells by the numbers the page shows: ``Cell In[16]``
    becomes ``Cell In[24]`` for the cell numbered 24, ``Cell In[?]`` when no cell of the
    notebook still has that count (it was run again since)."""

    def number(match: re.Match[str]) -> str:
        count = int(match.group(2) or match.group(4))
        shown = str(numbers[count]) if count in numbers else "?"
        if match.group(4):
            return f"In[{shown}]"
        return f"{match.group(1)}{shown}{match.group(3)}"

    for output in cell.get("outputs", []):
        lines = output.get("traceback") if output.get("output_type") == "error" else None
        if isinstance(lines, list):
            output["traceback"] = [
                _TRACEBACK_CELL.sub(number, line) if isinstance(line, str) else line
                for line in lines
            ]


def _plain_markdown(nbformat: Any, cell: Any) -> Any:
    """A markdown cell past the page's budget, as its source in plain text (escaped)."""
    text = f'<pre class="grader-plain-cell">{escape(str(cell.get("source", "")))}</pre>'
    plain = nbformat.v4.new_raw_cell(text, metadata={"raw_mimetype": "text/html"})
    if "id" in cell:
        plain["id"] = cell["id"]
    else:
        del plain["id"]
    return plain


#: nbconvert's exporter is not thread-safe (filters are registered per call): one page at a time.
_EXPORTER_LOCK = threading.Lock()


#: The lab template without the scripts it would load from the network (MathJax, mermaid,
#: require.js, widgets): the page must read offline and run nothing.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


@functools.lru_cache(maxsize=1)
def _exporter() -> Any:
    """One HTML exporter per process (building one loads and compiles its templates)."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    highlighter = Highlight2HTML(pygments_lexer="ipython3")

    @functools.lru_cache(maxsize=4096)
    def highlight(source: str, language: str | None = None) -> str:
        html = str(highlighter(source, language))
        _TRUSTED.add(html)  # pygments escapes the source: nothing to clean
        return html

    def highlight_code(source: str, language: Any = None, metadata: Any = None) -> str:
        return highlight(source, language if isinstance(language, str) else None)

    base: Any = HTMLExporter  # untyped

    class Exporter(base):  # type: ignore[misc]
        """HTMLExporter without its final BeautifulSoup pass (alt texts and tab stops),
        which took more time than the rest of the page (MathML has many elements)."""

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            self._nb_metadata.clear()  # one exporter for many notebooks: keep none
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("filter_data_type", data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return Exporter(
        template_name="lab",
        template_file="grader_feedback.html.j2",
        extra_loaders=[jinja2.DictLoader({"grader_feedback.html.j2": _TEMPLATE})],
        sanitize_html=True,
        filters={"clean_html": _clean_html, "highlight_code": highlight_code},
        exclude_anchor_links=True,
        optimistic_validation=True,
    )


#: HTML known to be safe as it is: the highlighter's own output.
_TRUSTED: set[str] = set()


def _clean_html(html: object) -> str:
    """Student HTML made inert (nbconvert's own allow-list would escape even ``<p>``), with
    its TeX as MathML.

    No scripts, no event handlers, no ``id`` (so nothing can shadow our anchors).
    """
    text = html.decode() if isinstance(html, bytes) else str(html)
    if text in _TRUSTED:
        return text
    clean = _sanitised(text)
    if "$" not in clean:
        return clean
    budget = _MATH_BUDGET.get()
    if budget is None or not budget.take(clean):
        return clean  # the math stays as (escaped) text
    return _with_math(clean)


def _bleach_options() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """bleach's keyword options besides the tags, and the attributes allowed per tag."""
    kwargs: dict[str, Any] = {"protocols": {"http", "https", "mailto", "data"}}
    attributes = {
        "*": ["class", "title", "align"],
        "a": ["href", "title"],
        "img": ["src", "alt", "width", "height"],
        "th": ["colspan", "rowspan"],
        "td": ["colspan", "rowspan"],
        "ol": ["start"],
        "font": ["color"],
    }
    try:
        from bleach.css_sanitizer import CSSSanitizer
    except ImportError:  # no tinycss2: no inline styles either
        pass
    else:
        kwargs["css_sanitizer"] = CSSSanitizer()
        attributes["*"].append("style")
    return kwargs, attributes


@functools.lru_cache(maxsize=4096)
def _sanitised(text: str) -> str:
    import bleach

    kwargs, attributes = _bleach_options()
    return str(bleach.clean(text, tags=_TAGS, attributes=attributes, **kwargs))


@functools.lru_cache(maxsize=1024)
def _with_math(clean: str) -> str:
    """Sanitised HTML with its TeX converted to MathML, the MathML sanitised again."""
    import bleach

    math = math_to_mathml(clean)
    if math == clean:
        return clean
    kwargs, attributes = _bleach_options()
    return str(
        bleach.clean(
            math, tags=_TAGS | MATH_TAGS, attributes={**attributes, **MATH_ATTRIBUTES}, **kwargs
        )
    )


def _plain_cells(cells: object, after: dict[int, list[str]]) -> tuple[str, set[int]]:
    """Each cell's source as plain text, with its blocks after it; and the cells they follow."""
    parts, placed = [], set()
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        parts.append(f'<pre class="grader-plain-cell">{escape(str(source))}</pre>')
        if index in after:
            parts.extend(after[index])
            placed.add(index)
    return "\n".join(parts), placed


def _plain_page(report: GradeReport, summary: str, body: str) -> str:
    title = escape(f"Feedback: {Path(file_name(report)).stem}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<title>{title}</title>\n<style type="text/css">\n{_css()}</style>\n</head>\n'
        f'<body>\n{summary}\n<main class="grader-plain">\n{body}\n</main>\n'
        "</body>\n</html>\n"
    )


def _css() -> str:
    try:
        return (templates() / "feedback.css").read_text(encoding="utf-8")
    except OSError:  # an install without package data: plain but readable
        return ""


# --- the blocks -----------------------------------------------------------------------------


def _anchor_ids(functions: tuple[FunctionReport, ...]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for function in functions:
        base = "feedback-" + re.sub(r"[^A-Za-z0-9_-]", "-", function.name)
        anchor, n = base, 2
        while anchor in ids.values():
            anchor, n = f"{base}-{n}", n + 1
        ids.setdefault(function.name, anchor)
    return ids


def _points(value: float) -> str:
    return f"{value:g}"


def _verdict_of(function: FunctionReport) -> tuple[str, str]:
    """The CSS class and the words of a function's verdict. A missing function with a cell is
    one whose cell does not compile (the grader found its ``def`` there)."""
    if function.status == "missing" and function.cells:
        return "grader-failed", "Its cell did not compile"
    return _verdict(function.status)


def _verdict(status: str) -> tuple[str, str]:
    return _VERDICTS.get(status, ("grader-failed", status.replace("_", " ").capitalize()))


def _feedback(function: FunctionReport, ids: dict[str, str]) -> str:
    css, verdict = _verdict_of(function)
    name = escape(function.name)
    score = f"{_points(function.points)} / {_points(function.max_points)} points"
    parts = [
        f'<section class="grader-feedback {css}" id="{ids[function.name]}" '
        f'data-function="{name}" data-status="{escape(function.status)}">',
        f'<div class="grader-head"><span class="grader-verdict">{verdict}</span>'
        f'<code>{name}</code><span class="grader-points">{score}</span></div>',
    ]
    if function.summary:
        parts.append(f'<p class="grader-summary-line">{escape(function.summary)}</p>')
    elif function.status == "passed":
        parts.append(f'<p class="grader-summary-line">All {len(function.cases)} cases pass.</p>')
    if function.blamed_helpers:
        helpers = ", ".join(f"<code>{escape(h)}</code>" for h in function.blamed_helpers)
        parts.append(
            f'<p class="grader-blamed">Its cases fail because of the graded helper(s) it '
            f"calls: {helpers}. Fix those first.</p>"
        )
    if function.diagnosis is not None and function.status != "passed":
        d = function.diagnosis
        parts.append(
            f'<div class="grader-diagnosis"><p class="grader-diagnosis-title">'
            f"Likely mistake: {escape(d.title)}</p>"
            f'<p class="grader-hint">{escape(d.hint)}</p></div>'
        )
    if function.explanation and function.status != "passed":
        parts.append(
            f'<p class="grader-explanation">Where it goes wrong: {escape(function.explanation)}</p>'
        )
    failing = [] if function.status == "passed" else [c for c in function.cases if not c.passed]
    if function.status in ("missing", "not_implemented"):
        failing = failing[:1]
    if failing:
        inherited = function.status == "inherited"
        items = "".join(_case(c, inherited) for c in failing[:MAX_CASES_SHOWN])
        parts.append(f'<ul class="grader-cases">{items}</ul>')
    if len(failing) > MAX_CASES_SHOWN:
        parts.append(
            f'<p class="grader-more">... and {len(failing) - MAX_CASES_SHOWN} more '
            "failing case(s).</p>"
        )
    parts.append('<a class="grader-back" href="#grader-summary">&uarr; back to the summary</a>')
    parts.append("</section>")
    return "\n".join(parts)


def _case(case: CaseResult, inherited: bool) -> str:
    label = escape(case.label + (f" ({case.note})" if case.note else ""))
    parts = [f'<li class="grader-case"><span class="grader-case-label">{label}</span>']
    if inherited and case.passed_with_correct_helpers:
        parts.append('<span class="grader-case-ok">passes with correct helpers</span>')
    problem = case.problem
    if problem is not None:
        parts.append(f'<p class="grader-problem">{escape(problem.message)}</p>')
        if problem.line:
            where = f"line {problem.lineno}: " if problem.lineno is not None else ""
            parts.append(f'<pre class="grader-line">{escape(where + problem.line)}</pre>')
    for mismatch in case.mismatches:
        parts.append(f'<p class="grader-mismatch">{escape(mismatch.message)}</p>')
    parts.append("</li>")
    return "".join(parts)


def _cell_note(cell: CellReport) -> str:
    defines = ", ".join(f"<code>{escape(d)}</code>" for d in cell.defines)
    defines = f" (it defines {defines})" if defines else ""
    return (
        f'<aside class="grader-cell-note" id="cell-note-{cell_number(cell.index)}">'
        f"<strong>Cell {cell_number(cell.index)} did not run cleanly</strong>{defines}: "
        f"{escape(cell.message)}</aside>"
    )


def _summary(
    report: GradeReport,
    ids: dict[str, str],
    unplaced: list[FunctionReport],
    placed: set[int],
    error: str,
) -> str:
    share = report.score / report.max_score if report.max_score else 0.0
    rows = []
    for f in report.functions:
        css, verdict = _verdict_of(f)
        rows.append(
            f'<tr><td><a href="#{ids[f.name]}"><code>{escape(f.name)}</code></a></td>'
            f'<td><span class="grader-pill {css}">{verdict}</span></td>'
            f'<td class="grader-num">{_points(f.points)} / {_points(f.max_points)}'
            "</td></tr>"
        )
    parts = [
        '<section class="grader-summary" id="grader-summary">',
        "<h1>Grader feedback</h1>",
        f'<p class="grader-file">{escape(file_name(report))}</p>',
        f'<p class="grader-total"><span>Score: <strong>{_points(report.score)} / '
        f"{_points(report.max_score)}</strong></span>"
        f'<span class="grader-bar"><span style="width: {share:.1%}"></span></span></p>',
    ]
    if report.cases == "public":
        parts.append('<p class="grader-note">Public cases only: hidden cases were not run.</p>')
    if error:
        parts.append(f'<p class="grader-render-error">{escape(error)}</p>')
    parts.append(
        '<table class="grader-table"><thead><tr><th>Function</th><th>Result</th>'
        '<th class="grader-num">Points</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )
    if report.cells:
        items = "".join(
            f"<li>{_cell_link(c.index, placed)}: {escape(c.message)}</li>" for c in report.cells
        )
        parts.append(
            "<h2>Cells that did not run cleanly</h2>"
            '<p class="grader-note">Cells are counted from 1, top to bottom, markdown cells '
            "included; each code cell below shows its number in its prompt.</p>"
            f"<ul>{items}</ul>"
        )
    if unplaced:
        parts.append(
            "<h2>Functions not found in your notebook</h2>" if placed else "<h2>Feedback</h2>"
        )
        parts.extend(_feedback(f, ids) for f in unplaced)
    parts.append("</section>")
    return "\n".join(parts)


def _cell_link(index: int, placed: set[int]) -> str:
    number = cell_number(index)
    if index in placed:
        return f'<a href="#cell-note-{number}">cell {number}</a>'
    return f"cell {number}"
