"""Feedback through the whole grader: each catalogued mistake, written into an otherwise correct
notebook, is named by `grader check`; a helper's bug costs only the helper's points.

The mistakes' code comes from the catalogue (reference/mutants), turned into the cell a student
would have written: the function renamed to the graded name, calls to the reference's helpers
pointing at the notebook's own functions.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import crafted
import pytest

from grader.grading.engine import CheckOptions, Grader
from reference.mutants import MISTAKES

pytestmark = pytest.mark.slow


class _StudentStyle(ast.NodeTransformer):
    """Strip annotations and decorators, call ``linear_forward`` instead of ``ref.linear_forward``
    (and a correct copy, ``correct_<name>``, where a mistake calls the reference of itself)."""

    def __init__(self, graded: str, rename: bool) -> None:
        self.graded = graded
        self.rename = rename
        self.names: set[str] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        if self.rename:
            node.name, self.rename = self.graded, False
        node.decorator_list, node.returns = [], None
        for arg in [*node.args.args, *node.args.kwonlyargs]:
            arg.annotation = None
        self.generic_visit(node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "ref":
            name = f"correct_{node.attr}" if node.attr == self.graded else node.attr
            return ast.copy_location(ast.Name(name, ast.Load()), node)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.Name:
        self.names.add(node.id)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is None:
            return ast.Pass()
        return ast.copy_location(ast.Assign([node.target], node.value), node)


def _as_student_code(function, graded: str, rename: bool) -> tuple[str, set[str]]:
    style = _StudentStyle(graded, rename)
    tree = style.visit(ast.parse(textwrap.dedent(inspect.getsource(function))))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n", style.names


def student_cell(mistake) -> str:
    """The mistake as one notebook cell, with the module's private helpers it uses."""
    module = inspect.getmodule(mistake.impl)
    source, names = _as_student_code(mistake.impl, mistake.function, rename=True)
    parts, seen, todo = [source], set(), sorted(names)
    while todo:
        name = todo.pop()
        helper = getattr(module, name, None)
        if name in seen or not name.startswith("_") or not inspect.isfunction(helper):
            continue
        seen.add(name)
        code, more = _as_student_code(helper, mistake.function, rename=False)
        parts.insert(0, code)
        todo += sorted(more - seen)
    text = "\n\n".join(parts)
    if f"correct_{mistake.function}" in text:
        correct = crafted.reference_source(mistake.function).replace(
            f"def {mistake.function}(", f"def correct_{mistake.function}("
        )
        text = correct + "\n\n" + text
    return text


@pytest.fixture(scope="module")
def grader():
    with Grader(CheckOptions(timeout=2.0)) as g:
        yield g


@pytest.fixture(scope="module")
def reports(grader, tmp_path_factory):
    """Every mistake, graded once (shared by the tests below)."""
    folder = tmp_path_factory.mktemp("mistakes")
    found = {}
    for mistake in MISTAKES:
        nb = crafted.notebook(replace={mistake.function: student_cell(mistake)})
        found[mistake.name] = grader.grade(crafted.write(nb, folder / f"{mistake.name}.ipynb"))
    return found


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_a_catalogued_mistake_is_named_and_costs_only_its_function(reports, mistake):
    report = reports[mistake.name]
    f = report.function(mistake.function)
    assert f.points == 0, f"{mistake.name} passed: the mutant is not wrong on the grader's cases"
    assert f.diagnosis is not None and f.diagnosis.name == mistake.name, (
        f"diagnosed as {f.diagnosis.name if f.diagnosis else None}"
    )
    others = [g for g in report.functions if g.name != mistake.function]
    assert all(g.points == g.max_points for g in others)
    assert all(g.diagnosis is None for g in others)


def test_at_least_nine_in_ten_mistakes_are_named(reports):
    """The issue's bar, over the whole catalogue (the test above demands every one)."""
    named = sum(
        reports[m.name].function(m.function).diagnosis is not None
        and reports[m.name].function(m.function).diagnosis.name == m.name
        for m in MISTAKES
    )
    assert named >= 0.9 * len(MISTAKES)


def test_the_correct_notebook_gets_no_diagnosis(grader, tmp_path):
    report = grader.grade(crafted.write(crafted.notebook(), tmp_path / "right.ipynb"))
    assert report.score == report.max_score
    assert all(f.diagnosis is None for f in report.functions)


# One bug per helper; every function that calls it (directly or through another) keeps its
# points, and the report names the helper.
EDGES = {
    "linear_forward": (
        "db-like bias doubled",
        """
        def linear_forward(A, W, b):
            Z = np.dot(W, A) + 2 * b
            return Z, (A, W, b)
        """,
        {"linear_activation_forward", "L_model_forward"},
    ),
    "linear_activation_forward": (
        "relu on every layer",
        """
        def linear_activation_forward(A_prev, W, b, activation):
            Z, linear_cache = linear_forward(A_prev, W, b)
            A, activation_cache = relu(Z)
            return A, (linear_cache, activation_cache)
        """,
        {"L_model_forward"},
    ),
    "linear_backward": (
        "db without 1/m",
        """
        def linear_backward(dZ, cache):
            A_prev, W, b = cache
            m = A_prev.shape[1]
            dW = np.dot(dZ, A_prev.T) / m
            db = np.sum(dZ, axis=1, keepdims=True)
            return np.dot(W.T, dZ), dW, db
        """,
        {"linear_activation_backward", "L_model_backward"},
    ),
    "linear_activation_backward": (
        "sigmoid derivative everywhere",
        """
        def linear_activation_backward(dA, cache, activation):
            linear_cache, activation_cache = cache
            dZ = sigmoid_backward(dA, activation_cache)
            return linear_backward(dZ, linear_cache)
        """,
        {"L_model_backward"},
    ),
}


@pytest.mark.parametrize(("helper", "edge"), EDGES.items(), ids=EDGES.keys())
def test_a_helpers_bug_is_charged_to_the_helper_alone(grader, tmp_path, helper, edge):
    _, source, callers = edge
    report = grader.grade(
        crafted.write(crafted.notebook(replace={helper: source}), tmp_path / "s.ipynb")
    )
    assert {f.name for f in report.functions if f.points == 0} == {helper}
    for caller in callers:
        f = report.function(caller)
        assert f.status == "inherited" and f.points == f.max_points
        assert f.blamed_helpers and f.diagnosis is None
        assert f"Your {caller} is right" in f.summary


@pytest.mark.parametrize(("helper", "edge"), EDGES.items(), ids=EDGES.keys())
def test_strict_scoring_charges_the_callers_too(tmp_path, helper, edge):
    _, source, callers = edge
    path = crafted.write(crafted.notebook(replace={helper: source}), tmp_path / "s.ipynb")
    with Grader(CheckOptions(strict_dependencies=True)) as strict:
        report = strict.grade(path)
    assert {f.name for f in report.functions if f.points == 0} == {helper, *callers}
