"""Read a student's notebook and turn its code cells into plain Python, step by step.

A notebook is JSON written by Jupyter; its code cells may hold IPython-only syntax that plain
Python cannot compile (``%matplotlib inline``, ``!pip install x``, ``%%time``). The grader runs
the cells as plain Python, "Run all" style, so each cell goes through a few small cleaning
steps, applied in this order:

1. :func:`code_cells` -- keep code cells only, remembering each one's position among *all*
   cells (the number a student sees when counting cells in their notebook).
2. :func:`strip_cell_magic` -- a cell whose first line is a cell magic either loses that line
   (``%%time``, ``%%timeit``, ``%%capture``: they only wrap ordinary Python, which we run once)
   or is skipped entirely with a reason (``%%writefile``, ``%%bash``, ``%%html`` ...: the body
   is not Python to run).
3. :func:`neutralize_ipython_lines` -- line magics, shell escapes (also ``x = !ls``), help
   lines (``np.dot?``) and single-line ``get_ipython()`` statements become ``pass`` at the
   same indentation. Lines are replaced, never removed, so line numbers in tracebacks still
   match what the student sees in their cell.

A cell that does not compile is kept as it is: the error is reported when it runs, like
Jupyter would. Reading uses the ``json`` module directly rather than ``nbformat``: importing
nbformat (and its schema validator) costs more than the whole rest of a ``grader check``.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import InvalidSubmission

#: Cell magics whose body is ordinary Python: we drop the magic line and run the body once.
TRANSPARENT_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

# Sizes beyond which a notebook cannot be graded. The grader parses the notebook's JSON and
# its code (to name the cells that define each function) in its own process, where parsing
# costs hundreds of times the size of the code in memory (1 MB of short statements: 400 MB
# and 1.5 s), so these bound what any submission costs the grader. The assignment's filled
# notebook is 48 kB, with 11 kB of code in 21 cells, the largest 1.5 kB; students' notebooks
# with their outputs and plots stay under 1-2 MB.

#: Largest notebook file (bytes).
MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024
#: Most JSON parts (objects, arrays and strings) a notebook file may hold.
MAX_NOTEBOOK_PARTS = 2_000_000
#: Longest code cell (characters).
MAX_CELL_CHARS = 100_000
#: Most code in all cells together (characters).
MAX_CODE_CHARS = 400_000

_LINE_MAGIC = re.compile(r"^[ \t]*[%!]")
_NAMES = r"[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*"
_ASSIGNED_MAGIC = re.compile(rf"^[ \t]*{_NAMES}[ \t]*=[ \t]*[%!]")
_HELP_LINE = re.compile(r"^[ \t]*(?:\?\??[A-Za-z_][\w.]*|[A-Za-z_][\w.]*\?\??)[ \t]*(?:#.*)?$")
_GET_IPYTHON = re.compile(r"\bget_ipython[ \t]*\(")
_DEF_LINE = re.compile(r"(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)")


@dataclass(frozen=True)
class CodeCell:
    """One code cell: ``index`` counts all cells (markdown too), from 0."""

    index: int
    source: str
    original: str
    skipped_reason: str | None = None


@dataclass(frozen=True)
class Submission:
    path: Path
    cells: tuple[CodeCell, ...]


# --- reading -----------------------------------------------------------------------------


def load_submission(path: str | Path) -> Submission:
    """Read and clean the notebook at ``path``; :class:`InvalidSubmission` if it is not one."""
    path = Path(path)
    notebook = read_notebook_json(path)
    cells = []
    sources = code_cells(notebook)
    check_code_size(path, sources)
    for index, original in sources:
        source, reason = strip_cell_magic(original)
        if reason is None:
            source = neutralize_ipython_lines(source)
        cells.append(CodeCell(index, source, original, reason))
    return Submission(path=path, cells=tuple(cells))


def check_code_size(path: Path, sources: list[tuple[int, str]]) -> None:
    """:class:`InvalidSubmission` if a code cell, or all code, is longer than the caps."""
    for index, source in sources:
        if len(source) > MAX_CELL_CHARS:
            raise InvalidSubmission(
                f"{path} cannot be graded: cell {index} holds {len(source):,} characters of "
                f"code, more than the {MAX_CELL_CHARS:,} a cell may hold."
            )
    total = sum(len(source) for _index, source in sources)
    if total > MAX_CODE_CHARS:
        raise InvalidSubmission(
            f"{path} cannot be graded: its code cells hold {total:,} characters, more than "
            f"the {MAX_CODE_CHARS:,} a notebook may hold."
        )


def _read_capped(path: Path) -> bytes:
    """The file's bytes; :class:`InvalidSubmission` past :data:`MAX_NOTEBOOK_BYTES` (read no
    further) or with more JSON parts than :data:`MAX_NOTEBOOK_PARTS`."""
    with path.open("rb") as f:
        data = f.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise InvalidSubmission(
            f"{path} cannot be graded: it is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB "
            "(clear the outputs and save it again)."
        )
    if data.count(b"{") + data.count(b"[") + data.count(b'"') // 2 > MAX_NOTEBOOK_PARTS:
        raise InvalidSubmission(
            f"{path} cannot be graded: it holds more than {MAX_NOTEBOOK_PARTS:,} JSON parts "
            "(clear the outputs and save it again)."
        )
    return data


def read_notebook_json(path: Path) -> dict[str, Any]:
    """The notebook's JSON object, after the structural checks we rely on later."""
    try:
        data = _read_capped(path)
    except FileNotFoundError:
        raise InvalidSubmission(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise InvalidSubmission(f"{path} is a folder, not a notebook file.") from None
    except OSError as exc:
        raise InvalidSubmission(f"{path} cannot be read ({exc.strerror}).") from None
    if not data.strip():
        raise InvalidSubmission(f"{path} is empty.")
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InvalidSubmission(f"{path} is not a notebook: it is not valid JSON.") from None
    if not isinstance(notebook, dict) or "nbformat" not in notebook:
        raise InvalidSubmission(f"{path} is JSON but not a Jupyter notebook (no 'nbformat').")
    major = notebook["nbformat"]
    if major != 4 or isinstance(major, bool):
        raise InvalidSubmission(
            f"{path} uses notebook format version {major!r}; only version 4 can be graded "
            "(open and save it in a current Jupyter to convert it)."
        )
    cells = notebook.get("cells")
    if not isinstance(cells, list) or not all(_looks_like_cell(c) for c in cells):
        raise InvalidSubmission(f"{path} is JSON but not a Jupyter notebook (bad 'cells' list).")
    return notebook


def _looks_like_cell(cell: object) -> bool:
    if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
        return False
    source = cell.get("source", "")
    return isinstance(source, str) or (
        isinstance(source, list) and all(isinstance(s, str) for s in source)
    )


# --- cleaning steps ----------------------------------------------------------------------


def code_cells(notebook: dict[str, Any]) -> list[tuple[int, str]]:
    """Step 1: ``(index among all cells, source)`` of each code cell, in notebook order.

    nbformat stores a source either as one string or as a list of lines to concatenate.
    """
    out = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            source = cell.get("source", "")
            out.append((index, source if isinstance(source, str) else "".join(source)))
    return out


def strip_cell_magic(source: str) -> tuple[str, str | None]:
    """Step 2: handle a leading ``%%magic``; returns ``(source, skipped_reason or None)``.

    Only the first non-blank line can be a cell magic (IPython's rule). Transparent magics
    (see :data:`TRANSPARENT_CELL_MAGICS`) are blanked so the body runs once as plain Python;
    any other cell magic means the body is not Python for us, so the cell is skipped.
    """
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("%%"):
            return source, None
        name = stripped[2:].split(maxsplit=1)[0] if len(stripped) > 2 else ""
        if name in TRANSPARENT_CELL_MAGICS:
            lines[number] = _newline_of(line)
            return "".join(lines), None
        return source, f"cell magic %%{name} is not plain Python; the cell was not run"
    return source, None


def neutralize_ipython_lines(source: str) -> str:
    """Step 3: replace IPython-only statements by ``pass``, keeping line numbers.

    A line only counts when it starts a statement: a ``%`` line inside a docstring or a
    parenthesized expression (``(a\\n % b)``) is ordinary Python and stays.
    """
    lines = source.splitlines(keepends=True)
    candidates = {
        number
        for number, line in enumerate(lines, start=1)
        if _LINE_MAGIC.match(line)
        or _ASSIGNED_MAGIC.match(line)
        or _HELP_LINE.match(line)
        or _GET_IPYTHON.search(line)
    }
    if not candidates:
        return source
    for number in candidates & _statement_starts(lines, candidates):
        line = lines[number - 1]
        if _GET_IPYTHON.search(line) and not _is_single_line_statement(line):
            continue
        lines[number - 1] = _as_pass(line)
    return "".join(lines)


def _statement_starts(lines: list[str], ipython_lines: set[int]) -> set[int]:
    """Rows (1-based) that begin outside any string, bracket or backslash continuation.

    A small scanner rather than :mod:`tokenize`, because it must survive the IPython lines
    themselves (``!echo "it's"`` is not Python): a candidate line found at a statement start
    is not scanned, the way IPython would take it whole.
    """
    starts: set[int] = set()
    depth = 0
    quote: str | None = None  # the delimiter that closes the string we are in
    continued = False
    for number, line in enumerate(lines, start=1):
        if quote is None and depth == 0 and not continued:
            starts.add(number)
            if number in ipython_lines:
                continue
        continued = False
        i = 0
        while i < len(line):
            char = line[i]
            if quote is not None:
                i, quote = _in_string(line, i, quote)
                continue
            if char == "#":
                break
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth = max(depth - 1, 0)
            elif char in "'\"":
                quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else char
                i += len(quote)
                continue
            elif char == "\\" and not line[i + 1 :].strip("\r\n"):
                continued = True
                break
            i += 1
    return starts


def _in_string(line: str, i: int, quote: str) -> tuple[int, str | None]:
    """One step of :func:`_statement_starts` inside a string closed by ``quote``: the next
    position, and the delimiter still open (None once the string ends)."""
    char = line[i]
    if char == "\\":
        return i + 2, quote
    if line.startswith(quote, i):
        return i + len(quote), None
    if len(quote) == 1 and char in "\r\n":
        return i + 1, None  # unterminated one-line string: a syntax error anyway
    return i + 1, quote


def _is_single_line_statement(line: str) -> bool:
    try:
        ast.parse(line.strip())
    except SyntaxError:
        return False
    return True


def _as_pass(line: str) -> str:
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return f"{indent}pass{_newline_of(line)}"


def _newline_of(line: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :]


# --- reporting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompileFailure:
    """Why a cell's code does not compile: ``SyntaxError``, ``IndentationError`` or ``TabError``,
    the line in the cell (from 1) and Python's own words (``unexpected indent``)."""

    index: int
    type: str
    lineno: int | None
    reason: str
    line: str = ""


@functools.lru_cache(maxsize=64)
def _parsed(source: str) -> ast.Module | SyntaxError | None:
    """A cell's syntax tree, the SyntaxError that stops it, or None (too deep or too big to
    parse). Cached: the report asks twice per cell (what it defines, whether it compiles), and
    a batch grades many copies of the same cells. The trees are only read, never changed."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError):
        return None


def compile_failures(submission: Submission) -> dict[int, CompileFailure]:
    """The cells (by index) whose code does not compile, and why."""
    failures = {}
    for cell in submission.cells:
        if cell.skipped_reason is not None:
            continue
        exc = _parsed(cell.source)
        if isinstance(exc, SyntaxError):
            reason = exc.msg if isinstance(exc.msg, str) else ""
            line = exc.text.strip()[:500] if isinstance(exc.text, str) else ""
            failures[cell.index] = CompileFailure(
                cell.index, type(exc).__name__, exc.lineno, reason, line
            )
    return failures


def uncompiled_definitions(
    submission: Submission, failures: dict[int, CompileFailure]
) -> dict[str, CompileFailure]:
    """``name -> failure`` for each function that a cell which does not compile defines at
    top level (a ``def`` line at the start of a line), the last such cell for each name."""
    found = {}
    for cell in submission.cells:
        failure = failures.get(cell.index)
        if failure is None:
            continue
        for line in cell.source.splitlines():
            match = _DEF_LINE.match(line)
            if match is not None:
                found[match.group(1)] = failure
    return found


def defined_functions(submission: Submission) -> dict[str, list[int]]:
    """``name -> indices of the cells defining it at top level``, in notebook order.

    The last index is the definition that wins when the notebook runs top to bottom.
    Cells that are skipped or do not parse define nothing.
    """
    found: dict[str, list[int]] = {}
    for cell in submission.cells:
        if cell.skipped_reason is not None:
            continue
        tree = _parsed(cell.source)
        if not isinstance(tree, ast.Module):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, []).append(cell.index)
    return found
