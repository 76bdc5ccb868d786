"""The graded functions of the reference, split into what students see and what they write.

In ``reference/network.py`` each graded function follows a ``# GRADED FUNCTION: <name>`` line,
and each region between ``### START CODE HERE ###`` and ``### END CODE HERE ###`` holds the
solution lines plus the stub lines students get, written behind ``#| ``.
"""

from __future__ import annotations

import io
import re
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import SetupError

START = "### START CODE HERE ###"
END = "### END CODE HERE ###"
_GRADED = re.compile(r"# GRADED FUNCTION: (\w+)")
_STUB = re.compile(r"^(\s*)#\|(?: (.*))?$")


# --- the graded functions of the reference ---------------------------------------------------


@dataclass(frozen=True)
class GradedFunction:
    """One graded function of ``reference/network.py`` as the two notebooks show it.

    student / solution -- the cell source (from ``# GRADED FUNCTION:`` to the end of the
    function) with stub lines or solution lines in each region; answers -- the solution lines.
    """

    name: str
    student: str
    solution: str
    answers: tuple[str, ...]


def graded_functions() -> list[GradedFunction]:
    """The graded functions of the reference, in file order."""
    import ast

    path = reference_dir() / "network.py"
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    defs = {n.name: n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    found = []
    for index, line in enumerate(lines):
        match = _GRADED.fullmatch(line)
        if not match:
            continue
        node = defs.get(match[1])
        if node is None or node.lineno != index + 2 or node.end_lineno is None:
            raise SetupError(f"{path}:{index + 1}: '{line}' is not right above its function")
        found.append(_split_regions(match[1], lines[index : node.end_lineno], path))
    return found


def _split_regions(name: str, block: list[str], path: Path) -> GradedFunction:
    student: list[str] = []
    solution: list[str] = []
    answers: list[str] = []
    region: tuple[list[str], list[str]] | None = None
    for line in block:
        stripped = line.strip()
        if stripped == START:
            if region is not None:
                raise SetupError(f"{path}: nested {START} in {name}")
            region = ([], [])
        elif stripped == END:
            if region is None:
                raise SetupError(f"{path}: {END} without {START} in {name}")
            stubs, lines = region
            if not lines:
                raise SetupError(f"{path}: a code region of {name} has no solution lines")
            indent = line[: len(line) - len(line.lstrip())]
            head = f"{indent}{START} (≈ {_count_lines(lines)} of code)"
            student += [head, *stubs, line]
            solution += [head, *lines, line]
            # A line the stub itself hands out (a loop header, say) is no secret.
            answers += [a for a in lines if a not in stubs]
            region = None
        elif region is not None:
            stub = _STUB.match(line)
            if stub:
                region[0].append((stub[1] + (stub[2] or "")).rstrip())
            else:
                region[1].append(line)
        else:
            student.append(line)
            solution.append(line)
    if region is not None:
        raise SetupError(f"{path}: {START} without {END} in {name}")
    graded = GradedFunction(name, "\n".join(student), "\n".join(solution), tuple(answers))
    for text in (graded.student, graded.solution):
        try:
            compile(text, f"<{name}>", "exec")
        except SyntaxError as exc:
            raise SetupError(f"{path}: the cell of {name} would not compile: {exc}") from None
    return graded


def _count_lines(lines: list[str]) -> str:
    """'N lines' counting statements, not physical lines (a call split over 3 lines is 1)."""
    text = textwrap.dedent("\n".join(lines)) + "\n"
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    count = sum(1 for token in tokens if token.type == tokenize.NEWLINE)
    return f"{count} line" if count == 1 else f"{count} lines"


def reference_dir() -> Path:
    """The checkout's ``reference`` package folder (a clear error when it is not importable)."""
    from grader.authoring.catalogue_table import reference_module

    return Path(reference_module("reference").__file__).parent


def reference_namespace() -> dict[str, Any]:
    """What the notebook's cells see, with the reference's functions as the graded ones."""
    import numpy as np

    import reference
    from reference import activations
    from testcases import published

    namespace: dict[str, Any] = {"np": np}
    for module in (activations, published):
        namespace.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    namespace.update({name: getattr(reference, name) for name in reference.GRADED_FUNCTIONS})
    return namespace
