"""docs/architecture.md is true by construction: its table of parts is read here and checked
against the real import graph (grimp, the library behind import-linter).

Each row names a part of ``grader/`` and, in its "may import" column, every other part and
every third-party package it may import (the standard library always). A module that belongs
to no row, or an import that its row does not allow, fails the test. The worker's row is the
tightest: code that runs beside student code imports the standard library, numpy and three
sandbox modules, module by module (not only package by package).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
#: The code that runs beside student code may import exactly these modules of the grader.
WORKER_MAY_IMPORT = {"grader.sandbox.codec", "grader.sandbox.frames", "grader.sandbox.protocol"}

Edge = tuple[str, str]


def documented_parts(text: str) -> dict[str, set[str]]:
    """``{part: what it may import}`` from the table under "## One line per part"."""
    section = text.split("## One line per part", 1)[1].split("\n## ", 1)[0]
    parts: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        allowed = set(re.findall(r"`([^`]+)`", cells[2]))
        # the parts of one row may import each other
        allowed |= set(names)
        for name in names:
            parts[_module_of(name)] = {_module_of(a) if "/" in a or a.endswith(".py") else a
                                       for a in allowed}  # fmt: skip
    return parts


def _module_of(name: str) -> str:
    """``sandbox/worker/`` -> ``grader.sandbox.worker``; ``cli.py`` -> ``grader.cli``; a
    dotted or third-party name is kept as it is."""
    if name.endswith((".py", "/")):
        return "grader." + name.removesuffix(".py").strip("/").replace("/", ".")
    return name


def part_of(module: str, parts: Iterable[str]) -> str | None:
    """The most specific documented part a module belongs to."""
    found = [p for p in parts if module == p or module.startswith(p + ".")]
    return max(found, key=len) if found else None


def violations(parts: Mapping[str, set[str]], edges: Iterable[Edge]) -> list[str]:
    """Every import the table does not allow, and every module it does not document."""
    problems = []
    for importer, imported in edges:
        own = part_of(importer, parts)
        if own is None:
            problems.append(f"{importer} belongs to no part of docs/architecture.md")
            continue
        top = imported.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        target = part_of(imported, parts) if top == "grader" else top
        if target == own or target in parts[own] or imported in parts[own]:
            continue
        problems.append(f"{importer} imports {imported}, which {own}'s row does not allow")
    return problems


def graph_edges(graph: grimp.ImportGraph) -> list[Edge]:
    edges = []
    for module in sorted(graph.modules):
        if module == "grader" or not module.startswith("grader."):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            edges.append((module, imported))
    return edges


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("grader", include_external_packages=True, cache_dir=None)


@pytest.fixture(scope="module")
def parts() -> dict[str, set[str]]:
    return documented_parts(DOC.read_text(encoding="utf-8"))


def test_the_table_documents_every_part(parts: dict[str, set[str]]) -> None:
    assert {"grader.cli", "grader.sandbox.worker", "grader.grading", "grader.batch"} <= set(parts)
    for part, allowed in parts.items():
        unknown = {a for a in allowed if a.startswith("grader.") and part_of(a, parts) is None}
        assert not unknown, f"{part} may import {unknown}, which the table does not describe"


def test_every_import_is_allowed_by_the_table(
    graph: grimp.ImportGraph, parts: dict[str, set[str]]
) -> None:
    assert violations(parts, graph_edges(graph)) == []


def test_a_forbidden_import_is_reported(
    graph: grimp.ImportGraph, parts: dict[str, set[str]]
) -> None:
    """The check can fail: the reports importing the sandbox's driver, a module nobody
    documented, and the worker importing the grading package are each caught."""
    edges = graph_edges(graph)
    assert violations(parts, [*edges, ("grader.reports.text", "grader.sandbox.api")]) == [
        "grader.reports.text imports grader.sandbox.api, which grader.reports's row does not allow"
    ]
    assert violations(parts, [("grader.newpart", "grader.errors")]) == [
        "grader.newpart belongs to no part of docs/architecture.md"
    ]
    assert violations(parts, [("grader.sandbox.worker.runner", "grader.grading.judge")])


def test_worker_imports_only_its_allow_list(graph: grimp.ImportGraph) -> None:
    """Beside student code: the standard library, numpy, the codec, the framing and the
    protocol (and those three import nothing else of the grader)."""
    beside_student_code = {m for m in graph.modules if m.startswith("grader.sandbox.worker")}
    beside_student_code |= WORKER_MAY_IMPORT
    for module in sorted(beside_student_code):
        for imported in graph.find_modules_directly_imported_by(module):
            top = imported.split(".")[0]
            if top in sys.stdlib_module_names or top in ("__future__", "numpy"):
                continue
            assert imported in beside_student_code, f"{module} imports {imported}"


def test_the_worker_allow_list_check_can_fail(graph: grimp.ImportGraph) -> None:
    graph.add_import(importer="grader.sandbox.worker.runner", imported="matplotlib")
    try:
        with pytest.raises(AssertionError, match="matplotlib"):
            test_worker_imports_only_its_allow_list(graph)
    finally:
        graph.remove_import(importer="grader.sandbox.worker.runner", imported="matplotlib")


def entry_points(text: str) -> list[str]:
    """The dotted names (``grader.batch.run.grade_batch``) of the "Entry points" table."""
    section = text.split("## Entry points", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(grader(?:\.\w+)+)`", section)


def test_every_entry_point_the_document_names_exists() -> None:
    """The table of entry points names real functions (a rename breaks this test)."""
    import importlib.util

    names = entry_points(DOC.read_text(encoding="utf-8"))
    assert "grader.grading.engine.check_notebook" in names
    assert "grader.autograder.run_autograder" in names
    for name in names:
        module, _, attribute = name.rpartition(".")
        try:
            found = hasattr(importlib.import_module(module), attribute)
        except ImportError:
            found = False
        assert found or importlib.util.find_spec(name) is not None, name


def test_a_renamed_entry_point_is_caught() -> None:
    names = entry_points("## Entry points\n| x | `grader.grading.engine.grade_it` |\n")
    assert names == ["grader.grading.engine.grade_it"]
    module, _, attribute = names[0].rpartition(".")
    import importlib.util

    assert not hasattr(importlib.import_module(module), attribute)
