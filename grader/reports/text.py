"""The plain-text report: one line per graded function, details under each failing one."""

from __future__ import annotations

from grader.grading.results import (
    CaseResult,
    FunctionReport,
    GradeReport,
    cell_number,
    protections_line,
)

_COLOURS = {
    "green": "\033[32m",
    "red": "\033[31m",
    "yellow": "\033[33m",
    "bold": "\033[1m",
    "dim": "\033[2m",
}
_RESET = "\033[0m"

#: At most this many failing cases are detailed per function (the rest are counted).
MAX_CASES_SHOWN = 4


def _points(value: float) -> str:
    return f"{value:g}"


def printable(text: str) -> str:
    """``text`` safe to show on a terminal: valid Unicode (bytes of a file name that were not
    UTF-8, kept by Python as surrogate escapes, and lone surrogates become U+FFFD), without
    control characters (escape sequences could move the cursor, recolour or rewrite what is
    shown: a fake total) or the invisible marks that reorder text; a tab becomes a space."""
    import os
    import re

    try:
        text = os.fsencode(text).decode("utf-8", "replace")
    except UnicodeError:  # a lone surrogate that is not an escaped byte
        text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return re.sub(_UNPRINTABLE, "", text.replace("\t", " "))


def printable_lines(text: str) -> str:
    """:func:`printable` line by line: the line breaks stay."""
    return "\n".join(printable(line) for line in text.split("\n"))


#: C0 and C1 controls (ESC, CR, backspace, CSI...) and the bidirectional formatting marks.
_UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def _shown(line: str, colour: bool) -> str:
    """A finished line of the report, as the terminal gets it: only this module's own colour
    codes (when ``colour``) survive, whatever the line's parts held."""
    import re

    ours = "|".join(re.escape(code) for code in (*_COLOURS.values(), _RESET)) if colour else ""
    pattern = f"{ours}|{_UNPRINTABLE}" if ours else _UNPRINTABLE
    return re.sub(pattern, lambda found: found[0] if len(found[0]) > 1 else "", line)


class _Painter:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, colour: str) -> str:
        return f"{_COLOURS[colour]}{text}{_RESET}" if self.colour else text


def render_text(report: GradeReport, colour: bool = False) -> str:
    """The whole report as text (ANSI colours only when ``colour`` is true)."""
    paint = _Painter(colour)
    # The file's name only: the rest of the path is the instructor's folders.
    from pathlib import PurePath

    lines = [paint(f"Grading {printable(PurePath(report.submission).name)}", "bold"), ""]
    width = max(len(f.name) for f in report.functions) if report.functions else 10
    for function in report.functions:
        lines.extend(_function_lines(function, width, paint))
    if report.cells:
        lines += [
            "",
            paint("Notebook cells that did not run cleanly (counting every cell from 1):", "bold"),
        ]
        for cell in report.cells:
            defines = f" (defines {', '.join(cell.defines)})" if cell.defines else ""
            lines.append(f"  cell {cell_number(cell.index)}{defines}: {cell.message}")
    if report.protections:
        lines += ["", paint(protections_line(report.protections), "dim")]
    lines += ["", paint(f"Total: {_points(report.score)} / {_points(report.max_score)}", "bold")]
    if report.cases == "public":
        lines.append(paint("(public cases only: hidden cases were not run)", "dim"))
    return "\n".join(_shown(line, colour) for line in lines) + "\n"


def _function_lines(function: FunctionReport, width: int, paint: _Painter) -> list[str]:
    mark = {"passed": paint("PASS", "green"), "inherited": paint("PASS", "yellow")}.get(
        function.status, paint("FAIL", "red")
    )
    score = f"{_points(function.points)}/{_points(function.max_points)}"
    lines = [f"{mark}  {function.name:<{width}}  {score:>7}  {printable(function.summary)}"]
    if function.status == "passed":
        return lines
    if function.diagnosis is not None:
        d = function.diagnosis
        lines.append(f"      Likely mistake: {d.title}")
        lines.extend(f"        {line}" for line in _wrap(d.hint, 88))
    if function.explanation:
        lines.extend(
            f"      {line}" for line in _wrap(f"Where it goes wrong: {function.explanation}", 90)
        )
    if function.status == "inherited":
        helpers = " and ".join(function.blamed_helpers) or "a graded helper it calls"
        lines.append(
            "      Every failing case passes with correct versions of the graded "
            f"functions it calls; the bug is in {helpers}: fix that first."
        )
        return lines
    failing = [c for c in function.cases if not c.passed]
    if function.status in ("missing", "not_implemented"):
        failing = failing[:1]
    for case in failing[:MAX_CASES_SHOWN]:
        lines.extend(_case_lines(case))
    if len(failing) > MAX_CASES_SHOWN:
        lines.append(f"      ... and {len(failing) - MAX_CASES_SHOWN} more failing case(s)")
    return lines


def _case_lines(case: CaseResult) -> list[str]:
    note = f" ({case.note})" if case.note else ""
    lines = [f"    - {case.label}{note}:"]
    if case.problem is not None:
        lines.extend(f"        {line}" for line in _wrap(case.problem.message, 88))
        if case.problem.line:
            lines.append(f"          > {printable(case.problem.line.strip())}")
    for m in case.mismatches:
        lines.extend(f"        {line}" for line in _wrap(m.message, 88))
    return lines


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(printable(text), width) or [""]
