"""One hostile submission cannot hurt the grader, the host or the class.

Each test is built from a hostile submission (tests/hostile_code.py, or forged frames sent
straight to the grader's decoder, since the worker's side can send anything) and checks what
must hold: decoding is bounded, replies and notebooks are capped, strings from the worker are
clipped, a value the grader cannot take is that call's failure, hidden inputs stay hidden,
the worker gets no threads and no uncounted memory, cleanup survives any folder tree, and
the worker computes with the grader's numeric environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import crafted
import hostile_code
import nbformat
import numpy as np
import pytest

from grader.errors import InvalidSubmission
from grader.grading.engine import CheckOptions, Grader
from grader.sandbox import codec
from grader.sandbox.api import Call, CallOutcome, ExecutionResult, Limits, Sandbox
from grader.sandbox.codec import Opaque, decode_message, encode_message, unflatten
from grader.sandbox.worker.cleanup import remove_tree
from grader.submission import (
    MAX_CELL_CHARS,
    MAX_CODE_CHARS,
    MAX_NOTEBOOK_BYTES,
    Submission,
    load_submission,
)

LIMITS = Limits(call_timeout=2.0, submission_timeout=60.0, output_bytes=2_000)
COLLIDING = 2**61 - 1


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(LIMITS) as sb:
        yield sb


def notebook(tmp_path: Path, *sources: str) -> Submission:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path = tmp_path / "hostile.ipynb"
    nbformat.write(nb, str(path))
    return load_submission(path)


def run(sb: Sandbox, submission: Submission, *calls: Call) -> ExecutionResult:
    return sb.run(submission, calls)


def outcomes(result: ExecutionResult) -> dict[str, CallOutcome]:
    return {o.key: o for o in result.calls}


def decode_tree(tree: object, arrays: list[np.ndarray] | None = None) -> object:
    """What the grader makes of a reply whose value is ``tree``, forged byte for byte."""
    header, pooled = decode_message(encode_message({"tree": tree}, arrays or []))
    return unflatten(header["tree"], pooled)


# --- item 3: decoding is linear and bounded ----------------------------------------------------


def test_dict_keys_chosen_to_collide_are_refused() -> None:
    assert hash(5 * COLLIDING) == hash(COLLIDING) == 0
    keys = [[{"t": "int", "v": k * COLLIDING}, {"t": "none"}] for k in range(1, 2001)]
    with pytest.raises(ValueError):
        decode_tree({"t": "dict", "items": keys})
    # A few keys that are not strings are fine (a student's {1: ...} is judged, not refused),
    # and string keys are never limited but by the node count (their hashes are salted).
    few = decode_tree({"t": "dict", "items": keys[: codec.MAX_OTHER_KEYS]})
    assert isinstance(few, dict) and len(few) == codec.MAX_OTHER_KEYS
    names = [[{"t": "str", "v": f"W{i}"}, {"t": "none"}] for i in range(5000)]
    assert len(decode_tree({"t": "dict", "items": names})) == 5000  # type: ignore[arg-type]


def test_a_returned_dict_with_many_number_keys_travels_as_an_opaque_value() -> None:
    tree, arrays = codec.flatten({k: 0 for k in range(1000)})
    assert tree["t"] == "opaque" and "not strings" in tree["why"]


FORGED_NODES = {
    "Infinity as an int": {"t": "int", "v": float("inf")},
    "text as an int": {"t": "int", "v": "12"},
    "a bool as an int": {"t": "int", "v": True},
    "an int as a float": {"t": "float", "v": 3},
    "an array out of range": {"t": "ndarray", "i": 7},
    "an array index as text": {"t": "ndarray", "i": "0"},
    "items not a list": {"t": "list", "items": {"a": 1}},
    "a dict item not a pair": {"t": "dict", "items": [[{"t": "none"}]]},
    "an unhashable key": {"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]},
    "a node not an object": {"t": "list", "items": [3]},
    "an unknown kind": {"t": "set", "items": []},
    "an opaque name not text": {"t": "opaque", "type": ["x"], "why": ""},
}


@pytest.mark.parametrize("tree", FORGED_NODES.values(), ids=FORGED_NODES.keys())
def test_forged_nodes_are_malformed(tree: object) -> None:
    with pytest.raises(ValueError):
        decode_tree(tree)


def test_too_many_nodes_or_levels_are_malformed() -> None:
    many = {"t": "list", "items": [{"t": "none"}] * (codec.MAX_NODES + 1)}
    with pytest.raises(ValueError):
        decode_tree(many)
    deep: dict[str, object] = {"t": "none"}
    for _ in range(codec.MAX_DEPTH + 5):
        deep = {"t": "list", "items": [deep]}
    with pytest.raises(ValueError):
        decode_tree(deep)
    nested_json = b"[" * 100_000 + b"]" * 100_000
    frame = len(nested_json).to_bytes(8, "big") + nested_json
    with pytest.raises(ValueError):
        decode_message(frame)


def test_a_forged_reply_with_colliding_keys_is_a_crash_of_that_call(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    result = run(
        sandbox,
        notebook(tmp_path, hostile_code.FORGE),
        Call("forged", "colliding_keys", (2000,)),
        Call("after", "fine", ()),
    )
    got = outcomes(result)
    assert got["forged"].status == "crashed", got["forged"]
    assert got["after"].status == "ok" and got["after"].value == 1


# --- item 4: bytes per reply and per submission ------------------------------------------------


def test_an_over_large_reply_is_that_calls_failure(sandbox: Sandbox, tmp_path: Path) -> None:
    assert LIMITS.reply_bytes < 40 * 2**20
    result = run(
        sandbox,
        notebook(tmp_path, hostile_code.GREEDY),
        Call("huge", "big_array", (40,)),
        Call("after", "fine", ()),
    )
    got = outcomes(result)
    assert got["huge"].status == "crashed" and got["huge"].value is None
    assert "MB, far more than this case needs" in got["huge"].detail, got["huge"].detail
    assert got["after"].value == 1


def test_replies_kept_per_submission_are_capped(tmp_path: Path) -> None:
    limits = Limits(call_timeout=2.0, reply_bytes=2**20, submission_reply_bytes=2 * 2**20)
    calls = [Call(f"c{i}", "big_array", (0.6,)) for i in range(5)]  # 0.63 MB each
    with Sandbox(limits) as sb:
        result = run(sb, notebook(tmp_path, hostile_code.GREEDY), *calls)
    statuses = [o.status for o in result.calls]
    assert statuses == ["ok", "ok", "ok", "crashed", "crashed"], statuses
    assert "kept per submission" in result.calls[3].detail
    assert result.calls[3].value is None


def test_the_caps_leave_the_assignments_values_a_wide_margin() -> None:
    from grader.grading.engine import load_cases

    largest = max(
        len(encode_message({"tree": tree}, arrays))
        for case in load_cases("all")
        for tree, arrays in [codec.flatten((case.args, case.expected))]
    )
    limits = Limits()
    assert largest * 50 < limits.reply_bytes
    assert limits.reply_bytes * 4 <= limits.submission_reply_bytes <= 64 * 2**20


# --- item 5: notebooks and cells are capped before the grader parses them ----------------------


def write_cells(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


def test_a_notebook_of_two_million_lines_cannot_be_graded(tmp_path: Path) -> None:
    path = write_cells(tmp_path / "lines.ipynb", "x = 1\n" * 2_000_000)
    with pytest.raises(InvalidSubmission, match="cannot be graded"):
        load_submission(path)


def test_code_over_the_caps_cannot_be_graded(tmp_path: Path) -> None:
    one_big_cell = write_cells(tmp_path / "cell.ipynb", "#" * (MAX_CELL_CHARS + 1))
    with pytest.raises(InvalidSubmission, match="a cell may hold"):
        load_submission(one_big_cell)
    many_cells = ["#" * (MAX_CELL_CHARS // 2)] * (2 * MAX_CODE_CHARS // MAX_CELL_CHARS + 1)
    with pytest.raises(InvalidSubmission, match="a notebook may hold"):
        load_submission(write_cells(tmp_path / "cells.ipynb", *many_cells))
    plenty = write_cells(tmp_path / "fine.ipynb", *["x = 1\n" * 2_000] * 20)  # 240 kB of code
    assert len(load_submission(plenty).cells) == 20


def test_a_huge_notebook_file_is_refused_unread(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("stream", text="y" * (MAX_NOTEBOOK_BYTES + 10))]
    nb.cells = [cell]
    path = tmp_path / "outputs.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(InvalidSubmission, match="larger than"):
        load_submission(path)
    parts = tmp_path / "parts.ipynb"
    parts.write_text('{"nbformat": 4, "cells": [], "x": [' + "{}," * 2_100_000 + "{}]}")
    with pytest.raises(InvalidSubmission, match="JSON parts"):
        load_submission(parts)


def test_the_cli_says_cannot_be_graded_with_exit_2(tmp_path: Path) -> None:
    path = write_cells(tmp_path / "lines.ipynb", "x = 1\n" * 200_000)
    result = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "cannot be graded" in result.stderr and len(result.stderr.splitlines()) == 1


# --- item 6: strings from the worker are clipped where they are decoded ------------------------


def test_forged_long_names_and_strings_are_clipped_when_decoded() -> None:
    value = decode_tree({"t": "opaque", "type": "C" * 2_000_000, "why": "W" * 2_000_000})
    assert isinstance(value, Opaque)
    assert len(value.type_name) <= codec.MAX_NAME_CHARS + 10
    assert len(value.why) <= codec.MAX_NAME_CHARS + 10
    text = decode_tree({"t": "str", "v": "s" * 2_000_000})
    assert isinstance(text, Opaque) and text.type_name == "str"
    key = decode_tree({"t": "dict", "items": [[{"t": "str", "v": "k" * 50_000}, {"t": "none"}]]})
    assert all(isinstance(k, Opaque) for k in key)  # type: ignore[attr-defined]


def test_a_class_named_with_megabytes_stays_small(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(
        sandbox,
        notebook(tmp_path, hostile_code.GREEDY, hostile_code.FORGE),
        Call("object", "named_monster", ()),
        Call("raised", "raise_monster", ()),
        Call("forged", "huge_class_name", ()),
    )
    got = outcomes(result)
    value = got["object"].value
    assert isinstance(value, Opaque) and len(value.type_name) < 1_000
    raised = got["raised"].exception
    assert raised is not None and len(raised.type) < 1_000 and len(raised.message) < 5_000
    forged = got["forged"].value
    assert isinstance(forged, Opaque) and len(forged.type_name) < 1_000


def test_results_json_of_a_monster_class_name_stays_small(tmp_path: Path) -> None:
    source = """
        def compute_cost(AL, Y):
            return type("M" * 2_000_000, (), {})()
        """
    path = crafted.write(crafted.notebook(replace={"compute_cost": source}), tmp_path / "m.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path), "--format", "json"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert len(result.stdout) < 1_000_000
    assert json.loads(result.stdout)["score"] == 90


# --- item 7: a value the grader cannot take is that call's failure -----------------------------


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    with Grader(CheckOptions(timeout=2.0)) as g:
        yield g


def test_a_cost_too_large_for_a_float_fails_only_that_function(
    grader: Grader, tmp_path: Path
) -> None:
    source = """
        def compute_cost(AL, Y):
            return 10 ** 400
        """
    path = crafted.write(crafted.notebook(replace={"compute_cost": source}), tmp_path / "i.ipynb")
    report = grader.grade(path)
    assert {f.name for f in report.functions if f.points == 0} == {"compute_cost"}
    problems = [c.problem for c in report.function("compute_cost").cases]
    assert all(p is not None and "cannot be compared" in p.message for p in problems)


def test_a_forged_infinity_int_is_a_crash_of_that_call(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(
        sandbox,
        notebook(tmp_path, hostile_code.FORGE),
        Call("forged", "infinity_int", ()),
        Call("after", "fine", ()),
    )
    got = outcomes(result)
    assert got["forged"].status == "crashed" and got["after"].value == 1


# --- item 8: hidden inputs never leak through exception messages -------------------------------


def test_hidden_cases_report_the_exception_type_and_line_not_its_message(
    grader: Grader, tmp_path: Path
) -> None:
    source = """
        def compute_cost(AL, Y):
            raise ValueError("inputs: %r" % (AL.tolist(),))
        """
    path = crafted.write(crafted.notebook(replace={"compute_cost": source}), tmp_path / "l.ipynb")
    cases = grader.grade(path).function("compute_cost").cases
    hidden = [c for c in cases if c.visibility == "hidden"]
    public = [c for c in cases if c.visibility != "hidden"]
    assert hidden and public
    for case in hidden:
        assert case.problem is not None and "inputs: [" not in case.problem.message
        assert "ValueError" in case.problem.message and "raise ValueError" in case.problem.line
    assert all(c.problem is not None and "inputs: [" in c.problem.message for c in public)


# --- items 9 and 10: no threads, no memory files ------------------------------------------------


def test_the_worker_cannot_start_threads(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(
        sandbox,
        notebook(tmp_path, hostile_code.GREEDY),
        Call("threads", "threads", (4,)),
        Call("after", "fine", ()),
    )
    got = outcomes(result)
    assert got["threads"].status == "error", got["threads"]
    assert got["threads"].exception is not None
    assert got["threads"].exception.type == "RuntimeError"
    assert got["after"].value == 1


def test_the_worker_cannot_hold_memory_in_memory_files(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(sandbox, notebook(tmp_path, hostile_code.GREEDY), Call("m", "memory_file", (4,)))
    outcome = result.calls[0]
    assert outcome.status == "error" and outcome.exception is not None
    assert outcome.exception.type == "PermissionError", outcome.exception


# --- item 11: cleanup survives any tree and never follows a link -------------------------------


def make_deep(root: Path, depth: int) -> None:
    root.mkdir()
    fd = os.open(root, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    with open(os.open("f", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as f:
        f.write("leaf")
    os.close(fd)


def test_remove_tree_removes_folders_nested_far_past_the_recursion_limit(tmp_path: Path) -> None:
    root = tmp_path / "deep"
    make_deep(root, 3 * sys.getrecursionlimit())
    remove_tree(str(root))
    assert not root.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_worker_folder_with_thousands_of_nested_folders_is_removed(tmp_path: Path) -> None:
    depth = 2 * sys.getrecursionlimit()
    with Sandbox(Limits(call_timeout=30.0)) as sb:  # Landlock checks every level: slow
        zygote = sb._current_zygote()
        submission = notebook(tmp_path, hostile_code.DEEP_FOLDERS)
        result = run(sb, submission, Call("deep", "deep_folders", (depth,)))
        assert result.calls[0].value == depth, result.calls[0]
        assert [p for p in Path(zygote.base).iterdir() if p.name.startswith("w")] == []


UNPRIVILEGED_CLEANUP = """
import os, stat, sys
from grader.sandbox.worker.cleanup import remove_tree

base = sys.argv[1]
if os.getuid() == 0:  # as root permissions never stop the cleanup: test as a user
    os.chown(base, 65534, 65534)
    os.setgid(65534)
    os.setuid(65534)
outside = os.path.join(base, "outside.txt")
with open(outside, "w") as f:
    f.write("not the worker's")
os.chmod(outside, 0o600)
tree = os.path.join(base, "work")
locked = os.path.join(tree, "locked")  # holds only a link: unlinking it is refused
closed = os.path.join(tree, "closed", "inner")  # cannot even be listed
os.makedirs(locked)
os.makedirs(closed)
os.symlink(outside, os.path.join(locked, "link"))
os.symlink(base, os.path.join(closed, "link-to-folder"))
with open(os.path.join(closed, "f"), "w") as f:
    f.write("x")
os.chmod(locked, 0o500)
os.chmod(closed, 0)
os.chmod(os.path.dirname(closed), 0o100)
remove_tree(tree)
print(oct(stat.S_IMODE(os.stat(outside).st_mode)), os.path.exists(tree), os.path.exists(outside))
"""


def test_cleanup_never_follows_a_link_out_and_removes_locked_folders() -> None:
    base = tempfile.mkdtemp(prefix="cleanup-test-")  # in /tmp itself: a user can reach it
    try:
        result = subprocess.run(
            [sys.executable, "-c", UNPRIVILEGED_CLEANUP, base],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["0o600", "False", "True"]
    finally:
        remove_tree(base)


# --- issue 12 item 1: the worker computes with the grader's numeric environment ----------------


def test_the_worker_inherits_the_numeric_environment_with_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENBLAS_GRADER_PROBE", "inherited")
    monkeypatch.setenv("NPY_GRADER_PROBE", "inherited too")
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    monkeypatch.setenv("UNRELATED_GRADER_PROBE", "not for the worker")
    names = (
        "OPENBLAS_GRADER_PROBE",
        "NPY_GRADER_PROBE",
        "OMP_NUM_THREADS",
        "UNRELATED_GRADER_PROBE",
    )
    with Sandbox(LIMITS) as sb:
        result = run(sb, notebook(tmp_path, hostile_code.GREEDY), Call("env", "environment", names))
    assert result.calls[0].value == ["inherited", "inherited too", "1", None]


# --- the hostile cells themselves are sound Python ---------------------------------------------


@pytest.mark.parametrize("name", ["FORGE", "GREEDY", "DEEP_FOLDERS"])
def test_the_hostile_cells_compile(name: str) -> None:
    compile(textwrap.dedent(getattr(hostile_code, name)), name, "exec")
