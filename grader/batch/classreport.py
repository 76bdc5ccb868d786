"""``report.html``: the class at a glance, for the instructor, in one self-contained page.

What it shows, from the rows and the summary of a batch: the counts and score statistics; a
histogram of the scores and the pass rate of each graded function (drawn by matplotlib, inlined
as SVG, so the page needs no network and runs no script); every mistake the grader named, with
how many students made it and links to their feedback; a "needs attention" list (invalid
files, grader errors, time-outs, students with several notebooks, rows kept from an earlier
gradebook); and every student, with each function that lost points and why (its named
mistake, else its first failing case).

matplotlib is imported here, lazily, and only by ``grader grade``: ``grader check`` never
loads it (the batch imports it in a thread while the submissions are graded, see
:func:`warm_up`). The figures use :class:`matplotlib.figure.Figure` and its SVG canvas (no
pyplot, no GUI backend, no global state), with fixed margins and text left as text, which
keeps drawing both at ~80 ms.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from html import escape
from typing import Any
from urllib.parse import quote

from grader.batch.rows import GRADED, StudentRow

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 60em; padding: 0 1em; color: #1d2330; }
h1 { margin-bottom: 0.2em; }
.meta { color: #5b6475; margin-top: 0; }
.counts { display: flex; flex-wrap: wrap; gap: 0.8em; padding: 0; list-style: none; }
.counts li { background: #f2f4f8; border-radius: 6px; padding: 0.5em 0.9em; }
.counts strong { font-size: 1.3em; display: block; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5em; }
.plot { flex: 1 1 24em; margin: 0; border: 1px solid #dde1e8; border-radius: 6px;
        padding: 0.5em; }
.plot svg { width: 100%; height: auto; display: block; }
.plot h2 { font-size: 1.05em; margin: 0.2em 0.4em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #e3e6ec;
         vertical-align: top; }
td.num, th.num { text-align: right; }
.attention td:first-child { white-space: nowrap; }
.status-invalid, .status-error { color: #a4262c; font-weight: 600; }
.empty { color: #5b6475; font-style: italic; }
ul.lost { margin: 0; padding-left: 1.1em; }
ul.lost code { white-space: nowrap; }
"""


def _svg(figure: Any) -> str:
    import matplotlib

    out = io.StringIO()
    # Text as SVG text (the browser's fonts), not glyph outlines: half the drawing time.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "grader"}):
        figure.savefig(out, format="svg")
    text = out.getvalue()
    # Inline SVG: no XML prolog, doctype or metadata block; ids made unique by the caller.
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return text[text.index("<svg") :]


def _figure(width: float, height: float, left: float) -> Any:
    """A figure with fixed margins (a layout engine or a tight bounding box would draw it two
    or three times over)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    figure.subplots_adjust(left=left, right=0.97, bottom=0.5 / height + 0.05, top=0.95)
    return figure


def warm_up() -> None:
    """Import matplotlib's figure machinery (most of the report's cost in a fresh process)."""
    from matplotlib.backends import backend_svg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401


def histogram_svg(distribution: Mapping[str, int], max_score: float | None) -> str:
    """Bars: how many graded students got each total score."""
    figure = _figure(5, 3.2, left=0.12)
    axes = figure.add_subplot()
    scores = [float(k) for k in distribution]
    counts = list(distribution.values())
    step = min((b - a for a, b in zip(scores, scores[1:])), default=1.0) or 1.0
    axes.bar(scores, counts, width=step * 0.8, color="#3b6fd6")
    axes.set_xlabel("total score" + (f" (out of {max_score:g})" if max_score else ""))
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    if scores:
        axes.set_xticks(scores)
        axes.set_xticklabels([f"{s:g}" for s in scores], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


#: Pass rates (%) from which a bar holds its own label ("100%" at 8 pt is about 9% of the axes).
INSIDE_FROM = 20.0


def pass_rate_svg(functions: Mapping[str, Mapping[str, Any]]) -> str:
    """Horizontal bars: the share of graded students whose function earned its points."""
    names = [n for n, s in functions.items() if s.get("pass_rate") is not None]
    rates = [100 * float(functions[n]["pass_rate"]) for n in names]
    figure = _figure(5, 0.3 * max(len(names), 3) + 0.9, left=0.38)
    axes = figure.add_subplot()
    positions = list(range(len(names)))[::-1]
    colours = ["#2e8540" if r >= 80 else "#d08a00" if r >= 50 else "#c0392b" for r in rates]
    axes.barh(positions, rates, color=colours)
    axes.set_yticks(positions)
    axes.set_yticklabels(names, fontsize=8, fontfamily="monospace")
    axes.set_xlim(0, 100)
    axes.set_xlabel("students who earned the points (%)")
    for y, rate, colour in zip(positions, rates, colours):
        # Inside the bar's end when it is long enough to hold the label, else just after it:
        # never across the end, never past the axes.
        if rate >= INSIDE_FROM:
            ink = "#1d2330" if colour == "#d08a00" else "white"
            axes.text(rate - 1.5, y, f"{rate:.0f}%", va="center", ha="right", fontsize=8, color=ink)
        else:
            axes.text(rate + 1.5, y, f"{rate:.0f}%", va="center", ha="left", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def _unique_ids(svg: str, prefix: str) -> str:
    """matplotlib's ids (clip paths, glyphs) are unique within one figure only."""
    pattern = r'(id="|url\(#|href="#)([^")]+)'
    return re.sub(pattern, lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def _link(student: str, pages: Mapping[str, str]) -> str:
    href = pages.get(student)
    if href is None:
        return escape(student)
    return f'<a href="{escape(href)}">{escape(student)}</a>'


def _counts(summary: Mapping[str, Any]) -> str:
    score = summary.get("score") or {}
    items = [
        ("students", summary.get("finished")),
        ("graded", summary.get("graded")),
        ("full marks", summary.get("full_marks")),
        ("invalid", summary.get("invalid")),
        ("grader errors", summary.get("error")),
        ("mean score", score.get("mean")),
        ("median", score.get("median")),
    ]
    cells = "".join(
        f"<li><strong>{escape('-' if v is None else f'{v:.4g}')}</strong>{escape(label)}</li>"
        for label, v in items
    )
    return f'<ul class="counts">{cells}</ul>'


def _mistakes(summary: Mapping[str, Any], pages: Mapping[str, str]) -> str:
    mistakes = summary.get("mistakes") or []
    if not mistakes:
        return '<p class="empty">The grader named no mistake in this class.</p>'
    rows = "".join(
        f'<tr><td class="num">{m["count"]}</td><td><code>{escape(m["function"])}</code></td>'
        f"<td>{escape(m['title'])}</td>"
        f"<td>{', '.join(_link(s, pages) for s in m['students'])}</td></tr>"
        for m in mistakes
    )
    return (
        '<table class="mistakes"><thead><tr><th class="num">students</th><th>function</th>'
        f"<th>mistake</th><th>who</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _attention(rows: Sequence[StudentRow], pages: Mapping[str, str]) -> str:
    flagged = [r for r in rows if r.attention]
    if not flagged:
        return '<p class="empty">Nothing: every submission graded normally.</p>'
    items = "".join(
        f"<tr><td>{_link(r.student, pages)}</td>"
        f'<td class="status-{escape(r.status)}">{escape(r.status)}</td>'
        f"<td>{'<br>'.join(escape(a) for a in r.attention)}</td></tr>"
        for r in flagged
    )
    return (
        '<table class="attention"><thead><tr><th>student</th><th>status</th><th>why</th>'
        f"</tr></thead><tbody>{items}</tbody></table>"
    )


def _lost(row: StudentRow) -> str:
    """Each function that lost points, with why (empty at full marks)."""
    if row.status != GRADED:
        return ""
    items = "".join(
        f"<li><code>{escape(f.name)}</code>"
        + (f": {escape(f.explanation)}" if f.explanation else f" ({escape(f.status)})")
        + "</li>"
        for f in row.lost
    )
    return f'<ul class="lost">{items}</ul>' if items else ""


def _gradebook(rows: Sequence[StudentRow], pages: Mapping[str, str]) -> str:
    items = "".join(
        f"<tr><td>{_link(r.student, pages)}</td>"
        f'<td class="num">{"" if r.score is None else f"{r.score:g}"}</td>'
        f'<td class="status-{escape(r.status)}">{escape(r.status)}</td>'
        f"<td>{_lost(r)}</td></tr>"
        for r in rows
    )
    return (
        '<table class="gradebook"><thead><tr><th>student</th><th class="num">score</th>'
        "<th>status</th><th>functions that lost points, and why</th></tr></thead>"
        f"<tbody>{items}</tbody></table>"
    )


def render_class_report(
    rows: Sequence[StudentRow],
    summary: Mapping[str, Any],
    pages: Mapping[str, str] | None = None,
) -> str:
    """The page. ``pages`` maps a student to the (relative) address of their feedback; by
    default ``<student>/feedback.html`` for graded rows and ``feedback.txt`` otherwise."""
    if pages is None:
        pages = {r.student: f"{quote(r.student)}/feedback.txt" for r in rows}
    graded = [r for r in rows if r.status == GRADED]
    if graded:
        histogram = _unique_ids(
            histogram_svg(summary.get("distribution") or {}, summary.get("max_score")), "h-"
        )
        rates = _unique_ids(pass_rate_svg(summary.get("functions") or {}), "p-")
        plots = (
            '<div class="plots">'
            f'<figure class="plot" id="score-histogram"><h2>Scores</h2>{histogram}</figure>'
            f'<figure class="plot" id="pass-rates"><h2>Pass rate per function</h2>{rates}'
            "</figure></div>"
        )
    else:
        plots = '<p class="empty">No submission was graded: nothing to plot.</p>'
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Class report</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        "<h1>Class report</h1>\n"
        f'<p class="meta">{len(rows)} students, written {escape(when)}. Scores and pass rates '
        "count the graded submissions only.</p>\n"
        f"{_counts(summary)}\n{plots}\n"
        "<h2>Needs attention</h2>\n"
        f"{_attention(rows, pages)}\n"
        "<h2>Mistakes the grader named</h2>\n"
        f"{_mistakes(summary, pages)}\n"
        "<h2>Every student</h2>\n"
        f"{_gradebook(rows, pages)}\n"
        "</body>\n</html>\n"
    )
