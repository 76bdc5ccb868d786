"""The HTML report: the student's own notebook, with the grader's verdict under each function.

The notebook is rendered with nbconvert's ``lab`` template. Before export, a raw cell holding a
random placeholder is inserted into a copy of the notebook right after the cell that defines
each graded function (and after each cell that failed to run); after export every placeholder
is swapped for its feedback block. A summary box with the score and a table of links to the
blocks opens the page. The notebook is untrusted: its HTML is sanitised by nbconvert, and every
piece of text from the submission that the grader puts in a block goes through
:func:`html.escape`. When the notebook cannot be read or rendered, the page still holds the
summary and all the feedback, with the cells' sources shown as plain text when possible.

nbconvert is imported here, lazily: it takes longer to import than the rest of ``grader``.
"""

from __future__ import annotations

import json
import re
import secrets
import warnings
from html import escape
from pathlib import Path
from typing import Any

from grader.grading.results import CaseResult, CellReport, FunctionReport, GradeReport
from grader.paths import templates
from grader.reports.text import MAX_CASES_SHOWN

_VERDICTS = {
    "passed": ("grader-passed", "Passed"),
    "inherited": ("grader-inherited", "Passes on its own logic"),
    "failed": ("grader-failed", "Failed"),
    "not_implemented": ("grader-failed", "Not implemented yet"),
    "missing": ("grader-failed", "Not found in the notebook"),
}

#: Where MathJax comes from; loaded with ``defer`` so an offline page never waits for it.
_MATHJAX_URL = (
    "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"
)

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


def render_html(report: GradeReport) -> str:
    """The whole report as one self-contained HTML page (feedback readable offline)."""
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
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
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
    from nbconvert import HTMLExporter

    with warnings.catch_warnings():
        # Warnings about the student's file (missing cell ids, odd fields...) are not ours.
        warnings.simplefilter("ignore")
        # nbformat.v4.reads joins line lists like nbformat.reads, without validating twice.
        nb = nbformat.v4.reads(json.dumps(notebook))
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
        exporter = HTMLExporter(
            template_name="lab",
            sanitize_html=True,
            filters={"clean_html": _clean_html},
            exclude_anchor_links=True,
            optimistic_validation=True,
            mathjax_url=_MATHJAX_URL,
        )
        resources = {"metadata": {"name": f"Feedback: {Path(path).stem}"}}
        page, _ = exporter.from_notebook_node(nb, resources=resources)
    page = page.replace(f'<script src="{exporter.require_js_url}"></script>', "", 1)
    page = page.replace(f'<script src="{_MATHJAX_URL}">', f'<script defer src="{_MATHJAX_URL}">', 1)
    placed = set()
    for token, index in tokens.items():
        if token in page:
            page = page.replace(token, "\n".join(after[index]), 1)
            placed.add(index)
    return page, placed


def _clean_html(html: object) -> str:
    """Student HTML made inert: nbconvert's own allow-list would escape even ``<p>``.

    No scripts, no event handlers, no ``id`` (so nothing can shadow our anchors).
    """
    import bleach

    text = html.decode() if isinstance(html, bytes) else str(html)
    kwargs: dict[str, Any] = {}
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
    return str(
        bleach.clean(
            text,
            tags=_TAGS,
            attributes=attributes,
            protocols={"http", "https", "mailto", "data"},
            **kwargs,
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
    title = escape(f"Feedback: {Path(report.submission).stem}")
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


def _verdict(status: str) -> tuple[str, str]:
    return _VERDICTS.get(status, ("grader-failed", status.replace("_", " ").capitalize()))


def _feedback(function: FunctionReport, ids: dict[str, str]) -> str:
    css, verdict = _verdict(function.status)
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
            f'<p class="grader-blamed">Wrong values come from the graded helper(s) it '
            f"calls: {helpers}. Fix those first.</p>"
        )
    if function.diagnosis is not None and function.status != "passed":
        d = function.diagnosis
        parts.append(
            f'<div class="grader-diagnosis"><p class="grader-diagnosis-title">'
            f"Likely mistake: {escape(d.title)}</p>"
            f'<p class="grader-hint">{escape(d.hint)}</p></div>'
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
        f'<aside class="grader-cell-note" id="cell-note-{cell.index}">'
        f"<strong>This cell did not run cleanly</strong>{defines}: "
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
        css, verdict = _verdict(f.status)
        rows.append(
            f'<tr><td><a href="#{ids[f.name]}"><code>{escape(f.name)}</code></a></td>'
            f'<td><span class="grader-pill {css}">{verdict}</span></td>'
            f'<td class="grader-num">{_points(f.points)} / {_points(f.max_points)}'
            "</td></tr>"
        )
    parts = [
        '<section class="grader-summary" id="grader-summary">',
        "<h1>Grader feedback</h1>",
        f'<p class="grader-file">{escape(report.submission)}</p>',
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
        parts.append(f"<h2>Cells that did not run cleanly</h2><ul>{items}</ul>")
    if unplaced:
        parts.append(
            "<h2>Functions not found in your notebook</h2>" if placed else "<h2>Feedback</h2>"
        )
        parts.extend(_feedback(f, ids) for f in unplaced)
    parts.append("</section>")
    return "\n".join(parts)


def _cell_link(index: int, placed: set[int]) -> str:
    if index in placed:
        return f'<a href="#cell-note-{index}">cell {index}</a>'
    return f"cell {index}"
