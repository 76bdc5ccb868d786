"""TeX in rendered markdown, converted to MathML, so feedback pages show math without a network.

Browsers render MathML natively (Chromium since version 109, Firefox and Safari for longer), so
a page needs no MathJax from a CDN. The conversion is latex2mathml's (a pure-Python converter,
no JavaScript, no network); its output is *not* trusted as HTML (it copies ``\\text{...}``
verbatim), so the caller runs the result through its sanitiser with :data:`MATH_TAGS` and
:data:`MATH_ATTRIBUTES` allowed.

Input is HTML as nbconvert renders markdown: the TeX between ``$$ ... $$`` (display) or
``$ ... $`` (inline) is still HTML-escaped text. ``\\tag{N}`` in a display equation becomes its
number at the right margin, as in the notebook. A formula the converter cannot read stays as
its TeX source.

The work is bounded, since the notebook is the student's: a formula longer than
:data:`MAX_FORMULA_CHARS` stays as its (escaped) source, and a page converts at most
:data:`MAX_PAGE_FORMULAS` formulas holding :data:`MAX_PAGE_TEX_CHARS` characters in all
(:class:`MathBudget`); past that, the math of the page stays as text. The course's notebook has
about 230 formulas and 3,500 characters of TeX; each formula costs about 2 ms.
"""

from __future__ import annotations

import html
import re

#: MathML elements the converter produces (MathML Core plus what latex2mathml uses).
MATH_TAGS = frozenset(
    {
        "math",
        "mrow",
        "mi",
        "mo",
        "mn",
        "ms",
        "msup",
        "msub",
        "msubsup",
        "mfrac",
        "mtext",
        "mspace",
        "mover",
        "munder",
        "munderover",
        "mstyle",
        "mpadded",
        "msqrt",
        "mroot",
        "mtable",
        "mtr",
        "mtd",
        "menclose",
        "mphantom",
        "merror",
        "semantics",
    }
)

#: Presentation attributes only (no href, no event handlers, no style).
MATH_ATTRIBUTES = {
    name: [
        "display",
        "displaystyle",
        "mathvariant",
        "scriptlevel",
        "stretchy",
        "fence",
        "separator",
        "form",
        "accent",
        "accentunder",
        "movablelimits",
        "largeop",
        "symmetric",
        "lspace",
        "rspace",
        "width",
        "height",
        "depth",
        "voffset",
        "columnalign",
        "columnspacing",
        "rowspacing",
        "linethickness",
        "notation",
        "class",
    ]
    for name in MATH_TAGS
}

#: Longest formula converted (characters of TeX, as written in the cell).
MAX_FORMULA_CHARS = 1_000
#: Most formulas converted on one page.
MAX_PAGE_FORMULAS = 600
#: Most characters of TeX converted on one page.
MAX_PAGE_TEX_CHARS = 30_000

# Each pattern scans in linear time: a lazy repeat up to a fixed delimiter, no nesting.
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$")
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")


def _convert(tex: str, display: bool) -> str | None:
    from latex2mathml.converter import convert

    try:
        return str(convert(tex, display="block" if display else "inline"))
    except Exception:  # an unknown command or a malformed formula: keep the source
        return None


def _display(match: re.Match[str]) -> str:
    if not _convertible(match.group(1)):
        return match.group(0)
    tex = html.unescape(match.group(1))
    tags = _TAG.findall(tex)
    math = _convert(_TAG.sub("", tex), display=True)
    if math is None:
        return match.group(0)
    number = f'<span class="grader-eq-number">({html.escape(tags[0])})</span>' if tags else ""
    return f'<span class="grader-math-display">{math}{number}</span>'


def _inline(match: re.Match[str]) -> str:
    if not _convertible(match.group(1)):
        return match.group(0)
    math = _convert(html.unescape(match.group(1)), display=False)
    return match.group(0) if math is None else math


def _convertible(tex: str) -> bool:
    return len(tex) <= MAX_FORMULA_CHARS


def formulas(text: str) -> list[str]:
    """The TeX of each formula of ``text`` that :func:`math_to_mathml` would convert."""
    found, start = [], 0
    for match in _DISPLAY.finditer(text):
        found += [m.group(1) for m in _INLINE.finditer(text[start : match.start()])]
        found.append(match.group(1))
        start = match.end()
    found += [m.group(1) for m in _INLINE.finditer(text[start:])]
    return [tex for tex in found if _convertible(tex)]


class MathBudget:
    """What is left of one page's math conversion: cells take their formulas from it in page
    order, all or none; once one cell does not fit, no later cell's math is converted either,
    so what a page shows depends on the page alone."""

    def __init__(self) -> None:
        self.formulas = MAX_PAGE_FORMULAS
        self.chars = MAX_PAGE_TEX_CHARS

    def take(self, text: str) -> bool:
        """Whether the math of ``text`` (HTML of one cell) may be converted; charges it."""
        found = formulas(text)
        chars = sum(len(tex) for tex in found)
        if len(found) > self.formulas or chars > self.chars:
            self.formulas = self.chars = 0
            return False
        self.formulas -= len(found)
        self.chars -= chars
        return True


def math_to_mathml(text: str) -> str:
    """``text`` (HTML) with each ``$$...$$`` and ``$...$`` formula replaced by MathML (up to
    :data:`MAX_FORMULA_CHARS` characters each: a longer one stays as it was)."""
    parts, start = [], 0
    for match in _DISPLAY.finditer(text):
        parts += [_INLINE.sub(_inline, text[start : match.start()]), _display(match)]
        start = match.end()
    parts.append(_INLINE.sub(_inline, text[start:]))
    return "".join(parts)
