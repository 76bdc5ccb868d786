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
    tex = html.unescape(match.group(1))
    tags = _TAG.findall(tex)
    math = _convert(_TAG.sub("", tex), display=True)
    if math is None:
        return match.group(0)
    number = f'<span class="grader-eq-number">({html.escape(tags[0])})</span>' if tags else ""
    return f'<span class="grader-math-display">{math}{number}</span>'


def _inline(match: re.Match[str]) -> str:
    math = _convert(html.unescape(match.group(1)), display=False)
    return match.group(0) if math is None else math


def math_to_mathml(text: str) -> str:
    """``text`` (HTML) with each ``$$...$$`` and ``$...$`` formula replaced by MathML."""
    parts, start = [], 0
    for match in _DISPLAY.finditer(text):
        parts += [_INLINE.sub(_inline, text[start : match.start()]), _display(match)]
        start = match.end()
    parts.append(_INLINE.sub(_inline, text[start:]))
    return "".join(parts)
