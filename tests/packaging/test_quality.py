"""The quality gates configured in pyproject.toml hold: ruff lint and format everywhere, mypy
strict on grader/ (and, a little relaxed, on tests/), the import contracts, and a command line
that starts without numpy."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ruff_finds_nothing():
    result = run("-m", "ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing():
    result = run("-m", "ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_the_grader_finds_nothing():
    result = run("-m", "mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


#: mypy over tests/: the strict configuration of pyproject.toml, relaxed only where tests differ
#: from the grader. Test functions take pytest's fixtures without annotations, and call the
#: untyped helpers and reference code, so untyped definitions and calls are allowed; their
#: bodies are still checked. Each test file is its own top-level module (no __init__.py), so
#: the shared helpers in tests/ (``import crafted``) resolve and are checked where used.
MYPY_ON_THE_TESTS = (
    "--no-incremental",
    "--allow-untyped-defs",
    "--allow-incomplete-defs",
    "--allow-untyped-calls",
    "--check-untyped-defs",
    "tests",
)


@pytest.mark.slow
def test_mypy_on_the_tests_finds_nothing():
    result = run("-m", "mypy", *MYPY_ON_THE_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold(tmp_path):
    """The architecture's rules (layers along the data flow, the worker's short list of
    imports, no cycles, the reference apart) as import-linter checks them."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = str(lint_imports) if lint_imports.exists() else shutil.which("lint-imports")
    assert command, "import-linter is not installed (it is in the test extra)"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert " BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_the_command_line_starts_without_numpy():
    """`grader check` starts the sandbox before importing numpy: importing the CLI (and the
    locations and errors it needs first) must not pull numpy in."""
    code = (
        "import sys, grader.cli, grader.paths, grader.errors; "
        "print(sorted(m for m in ('numpy', 'h5py', 'nbformat') if m in sys.modules))"
    )
    result = run("-c", code, cwd=ROOT.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _imported_before_numpy() -> list[str]:
    """The modules ``grader check`` imports before it starts the zygote (read from the source
    of ``grader.cli._cmd_check``: every import above the one of the grading engine)."""
    tree = ast.parse((ROOT / "grader" / "cli.py").read_text(encoding="utf-8"))
    command = next(n for n in ast.walk(tree) if getattr(n, "name", "") == "_cmd_check")
    modules = []
    for node in ast.walk(command):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "grader.grading.engine":
                break
            modules.append(node.module)
            # `from grader.sandbox import zygote` imports the submodule too
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return modules


def test_check_starts_the_sandbox_before_numpy():
    """Everything `grader check` does before the zygote is started (parse its options, read
    the notebook and the helper files) loads neither numpy nor h5py nor nbformat."""
    modules = _imported_before_numpy()
    assert {"grader.paths", "grader.sandbox.zygote", "grader.submission"} <= set(modules)
    sample = ROOT / "exercises" / "examples" / "sample_submission.ipynb"
    code = (
        "import sys, importlib, grader.cli\n"
        f"args = grader.cli.build_parser().parse_args(['check', '--', {str(sample)!r}])\n"
        f"for name in {modules!r}:\n"
        "    try: importlib.import_module(name)\n"
        "    except ModuleNotFoundError: pass  # a function, not a module\n"
        "from grader.submission import load_submission\n"
        "from grader.paths import load_student_files\n"
        "load_submission(args.notebook); load_student_files()\n"
        "print(sorted(m for m in ('numpy', 'h5py', 'nbformat') if m in sys.modules))"
    )
    result = run("-c", code, cwd=ROOT.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
