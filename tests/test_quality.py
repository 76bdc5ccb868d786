"""The quality gates configured in pyproject.toml hold: ruff lint and format everywhere, mypy
strict on grader/, the import contracts, and a command line that starts without numpy."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def test_mypy_strict_on_the_grader_finds_nothing():
    result = run("-m", "mypy", "--no-incremental")
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
