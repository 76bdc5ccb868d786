"""The isolated execution layer: the sandbox (grader.sandbox) and its worker side.

One warm sandbox serves most tests (as in batch grading); tests that need other limits make
their own. Every notebook is built with nbformat and goes through load_submission, the way
the grader reads real submissions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

from grader.paths import install_root as project_root
from grader.sandbox.api import (
    Call,
    CallOutcome,
    ExecutionResult,
    Limits,
    Sandbox,
    run_submission,
)
from grader.sandbox.codec import Opaque
from grader.sandbox.matching import same_argument
from grader.sandbox.protocol import CALL_SEED
from grader.sandbox.worker import confinement
from grader.submission import Submission, load_submission

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")

LIMITS = Limits(call_timeout=1.0, submission_timeout=30.0, memory_mb=1024, output_bytes=2_000)
HELPERS = {
    "dnn_utils.py": b"import numpy as np\n\ndef relu(Z):\n    return np.maximum(0, Z), Z\n",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(LIMITS) as sb:
        yield sb


def notebook(tmp_path: Path, *sources: str) -> Submission:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Assignment")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, str(path))
    return load_submission(path)


def run(sb: Sandbox, submission: Submission, *calls: Call) -> ExecutionResult:
    return sb.run(submission, calls, HELPERS)


def by_key(result: ExecutionResult) -> dict[str, CallOutcome]:
    return {outcome.key: outcome for outcome in result.calls}


# --- values and exceptions ----------------------------------------------------------------

FUNCTIONS = """
import numpy as np

def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, (A, W, b)

def kinds():
    return {"f": 1.5, "i": 3, "s": "x", "n": None, "b": True, "l": [1, (2.0,)],
            "np": np.float32(0.25), "i8": np.arange(3, dtype=np.int8)}

def weird():
    return (x for x in range(3))

def divide(x):
    y = x + 1
    return y / 0
"""


#: Values that go to the worker and straight back, without arithmetic: they must come back
#: bit for bit (negative zero, NaN, infinities, a subnormal, float32, 0-d arrays, scalars).
UNTOUCHED = (
    np.array([[0.1, -0.0, np.nan, -np.inf, 5e-324]]),
    np.arange(4, dtype=np.float32).reshape(2, 2) / 3,
    np.array(0.41493159961539694),
    np.float64(0.1) + np.float64(0.2),
    [1, 2.5, True, None, "relu"],
)


def test_values_round_trip_exactly(sandbox: Sandbox, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    A, W, b = rng.standard_normal((3, 2)), rng.standard_normal((1, 3)), rng.standard_normal((1, 1))
    result = run(
        sandbox,
        notebook(tmp_path, FUNCTIONS, "def echo(*values):\n    return values"),
        Call("lf", "linear_forward", (A, W, b)),
        Call("echo", "echo", UNTOUCHED),
        Call("kinds", "kinds", ()),
        Call("weird", "weird", ()),
    )
    outcomes = by_key(result)
    assert outcomes["lf"].status == "ok"
    Z, cache = outcomes["lf"].value
    # Z went through a matrix product in another process, whose BLAS may pick another kernel
    # (another order of additions): the same numbers up to rounding, never bit for bit.
    assert Z.dtype == np.float64 and Z.shape == (1, 2)
    assert np.allclose(Z, np.dot(W, A) + b, rtol=1e-12, atol=1e-12)
    # The cache holds the inputs themselves: no arithmetic, so exactly.
    assert type(cache) is tuple and all(
        x.dtype == y.dtype and x.tobytes() == y.tobytes() for x, y in zip(cache, (A, W, b))
    )
    assert outcomes["lf"].args_after is None  # None: the inputs came back unchanged
    echoed = outcomes["echo"].value
    assert type(echoed) is tuple and len(echoed) == len(UNTOUCHED)
    for got, sent in zip(echoed[:4], UNTOUCHED[:4]):
        assert type(got) is type(sent) and got.dtype == sent.dtype and got.shape == sent.shape
        assert got.tobytes() == sent.tobytes()
    assert echoed[4] == UNTOUCHED[4] and type(echoed[4][1]) is float
    kinds = outcomes["kinds"].value
    assert kinds["l"] == [1, (2.0,)] and kinds["n"] is None and kinds["b"] is True
    assert type(kinds["np"]) is np.float32 and kinds["np"] == np.float32(0.25)
    assert kinds["i8"].dtype == np.int8
    assert isinstance(outcomes["weird"].value, Opaque) and outcomes["weird"].status == "ok"
    assert [c.status for c in result.cells] == ["ok", "ok"]


def test_an_exception_reports_the_students_own_line(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(sandbox, notebook(tmp_path, "x = 1", FUNCTIONS), Call("d", "divide", (1,)))
    outcome = result.calls[0]
    assert outcome.status == "error" and outcome.exception is not None
    assert outcome.exception.type == "ZeroDivisionError"
    assert (outcome.exception.cell, outcome.exception.function) == (2, "divide")
    assert outcome.exception.line == "return y / 0"
    assert FUNCTIONS.splitlines()[outcome.exception.lineno - 1].strip() == "return y / 0"


def test_a_failing_cell_does_not_stop_later_cells(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(
        tmp_path,
        "print('first')",
        "def f(x):\n    return x + 1\n\nraise ValueError('broken cell')",
        "def broken(:\n    pass",
        "def g(x):\n    return f(x) * 2",
    )
    result = run(sandbox, submission, Call("g", "g", (1,)))
    statuses = [(c.index, c.status) for c in result.cells]
    assert statuses == [(1, "ok"), (2, "error"), (3, "error"), (4, "ok")]
    assert result.cells[0].output == "first\n"
    assert result.cells[1].exception is not None and result.cells[1].exception.lineno == 4
    syntax = result.cells[2].exception
    assert syntax is not None and syntax.type == "SyntaxError" and syntax.lineno == 1
    assert result.calls[0].status == "ok" and result.calls[0].value == 4


def test_magics_and_shell_escapes_do_not_break_the_notebook(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    submission = notebook(
        tmp_path,
        "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n!pip install numpy\n"
        "from dnn_utils import relu\nfiles = !ls",
        "%%time\ndef f(x):\n    return relu(x)[0]",
        "%%writefile other.py\nthis is not python",
    )
    result = run(sandbox, submission, Call("f", "f", (np.array([-1.0, 2.0]),)))
    assert [c.status for c in result.cells] == ["ok", "ok", "skipped"]
    assert "writefile" in result.cells[2].detail
    assert np.array_equal(result.calls[0].value, [0.0, 2.0])


def test_the_last_definition_wins_and_missing_functions_are_reported(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    submission = notebook(
        tmp_path, "def f():\n    return 'first'", "def f():\n    return 'second'", "g = 3"
    )
    result = run(sandbox, submission, Call("f", "f", ()), Call("g", "g", ()), Call("h", "h", ()))
    outcomes = by_key(result)
    assert outcomes["f"].value == "second"
    assert outcomes["g"].status == "missing" and outcomes["h"].status == "missing"
    assert "'h'" in outcomes["h"].detail


def test_inputs_modified_in_place_show_up_after_the_call(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(tmp_path, "def update(p, lr):\n    p['W'] -= lr\n    return p")
    params = {"W": np.ones((2, 2))}
    result = run(sandbox, submission, Call("u", "update", (params, 0.5)))
    outcome = result.calls[0]
    assert outcome.args_after is not None
    assert np.array_equal(outcome.args_after[0]["W"], np.full((2, 2), 0.5))
    assert outcome.args_after[1] == 0.5
    assert np.array_equal(params["W"], np.ones((2, 2)))  # the grader's copy is untouched


def test_output_is_captured_per_call_and_capped(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(
        tmp_path,
        "import sys\n"
        "def chatty():\n    print('hello')\n    print('oops', file=sys.stderr)\n    return 1\n"
        "def flood():\n    for _ in range(50):\n        print('x' * 1_000_000)\n"
        "    for _ in range(100_000):\n        print('many small lines')\n    return 2\n",
    )
    started = time.monotonic()
    result = run(sandbox, submission, Call("c", "chatty", ()), Call("f", "flood", ()))
    outcomes = by_key(result)
    assert outcomes["c"].output == "hello\noops\n"
    flood = outcomes["f"]
    assert flood.status == "ok" and flood.value == 2
    assert flood.output.startswith("x" * LIMITS.output_bytes)
    assert "more characters of output were dropped" in flood.output
    assert len(flood.output) < LIMITS.output_bytes + 200
    assert time.monotonic() - started < 1.5


# --- containment ------------------------------------------------------------------------------

HOSTILE = """
import os, sys, ctypes
import numpy as np

def fine(x):
    return x * 2

def forever():
    while True:
        pass

def exits():
    sys.exit(3)

def builtin_exit():
    exit()

def raises_systemexit():
    raise SystemExit("bye")

def hard_exit():
    os._exit(4)

def segfault():
    return ctypes.string_at(0)

def huge_array():
    return np.ones((100000, 100000))

def growing_list():
    blocks = []
    while True:
        blocks.append(np.empty(10_000_000))
"""


@pytest.mark.parametrize(
    ("function", "status", "exception"),
    [
        ("exits", "error", "SystemExit"),
        ("builtin_exit", "error", "SystemExit"),
        ("raises_systemexit", "error", "SystemExit"),
        ("hard_exit", "crashed", None),
        ("segfault", "crashed", None),
        ("huge_array", "memory", "MemoryError"),
        ("growing_list", "memory", "MemoryError"),
        ("forever", "timeout", None),
    ],
    ids=str,
)
def test_a_misbehaving_call_costs_only_itself(
    sandbox: Sandbox, tmp_path: Path, function: str, status: str, exception: str | None
) -> None:
    started = time.monotonic()
    result = run(
        sandbox,
        notebook(tmp_path, HOSTILE),
        Call("before", "fine", (1,)),
        Call("bad", function, ()),
        Call("after", "fine", (2,)),
    )
    outcomes = by_key(result)
    assert outcomes["bad"].status == status, outcomes["bad"]
    got = outcomes["bad"].exception
    assert got is None if exception is None else (got is not None and exception in got.type)
    assert (outcomes["before"].value, outcomes["after"].value) == (2, 4)
    assert time.monotonic() - started < LIMITS.call_timeout + 2.0
    if status in ("crashed", "timeout"):
        assert outcomes["bad"].detail


def test_touching_too_much_memory_is_a_memory_error(tmp_path: Path) -> None:
    source = (
        "def grow():\n    blocks = []\n    while True:\n        blocks.append(bytearray(10**7))"
    )
    limits = Limits(call_timeout=5.0, memory_mb=400)
    result = run_submission(notebook(tmp_path, source), [Call("grow", "grow", ())], limits)
    assert result.calls[0].status == "memory"
    assert "400 MB" in result.calls[0].detail


def test_a_hanging_function_costs_one_timeout_not_one_per_case(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    calls = [Call(f"hang{i}", "forever", ()) for i in range(4)] + [Call("ok", "fine", (2,))]
    started = time.monotonic()
    result = run(sandbox, notebook(tmp_path, HOSTILE), *calls)
    elapsed = time.monotonic() - started
    assert [c.status for c in result.calls] == ["timeout"] + ["not_run"] * 3 + ["ok"]
    assert all("earlier case" in c.detail for c in result.calls[1:4])
    assert result.calls[-1].value == 4
    assert elapsed < LIMITS.call_timeout + 2.0


def test_an_infinite_loop_in_a_cell_costs_only_that_cell(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(
        tmp_path,
        "def f():\n    return 'f'",
        "while True:\n    pass",
        "def g():\n    return f() + 'g'",
    )
    result = run(sandbox, submission, Call("g", "g", ()), Call("f", "f", ()))
    assert [c.status for c in result.cells] == ["ok", "timeout", "ok"]
    assert [c.value for c in result.calls] == ["fg", "f"]


def test_a_cell_that_kills_the_worker_is_skipped_on_restart(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    submission = notebook(tmp_path, "def f():\n    return 1", "import os\nos._exit(1)", "x = 2")
    result = run(sandbox, submission, Call("f", "f", ()), Call("g", "forever", ()))
    assert [c.status for c in result.cells] == ["ok", "crashed", "ok"]
    assert [c.status for c in result.calls] == ["ok", "missing"]


def test_each_function_has_its_own_share_of_the_budget(tmp_path: Path) -> None:
    limits = Limits(call_timeout=0.5, submission_timeout=1.2)
    hanging = "\n".join(f"def h{i}():\n    while True:\n        pass\n" for i in range(6))
    hanging += "\ndef fine():\n    return 1\n"
    calls = [Call(f"hang{i}", f"h{i}", ()) for i in range(6)] + [Call("fine", "fine", ())]
    started = time.monotonic()
    result = run_submission(notebook(tmp_path, hanging), calls, limits, HELPERS)
    # seven functions share 1.2 s: each hanging one is stopped after its ~0.17 s
    assert time.monotonic() - started < 3.0
    statuses = [c.status for c in result.calls]
    assert statuses == ["timeout"] * 6 + ["ok"], statuses
    assert all("it has for all its cases" in c.detail for c in result.calls[:6])


def test_a_forged_reply_is_a_crash_not_an_error_in_the_grader(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    submission = notebook(
        tmp_path,
        "import os\n"
        "def forge_huge():\n    os.write(3, (2**62).to_bytes(8, 'big'))\n    while True: pass\n"
        "def forge_garbage():\n    os.write(3, (5).to_bytes(8, 'big') + b'hello')\n"
        "    while True: pass\n"
        "def fine():\n    return 'ok'",
    )
    result = run(
        sandbox,
        submission,
        Call("huge", "forge_huge", ()),
        Call("garbage", "forge_garbage", ()),
        Call("fine", "fine", ()),
    )
    assert [c.status for c in result.calls] == ["crashed", "crashed", "ok"]


# --- confinement ----------------------------------------------------------------------------

needs_landlock = pytest.mark.skipif(confinement.landlock_abi() < 1, reason="no Landlock here")

READER = """
def read(path):
    with open(path, 'rb') as f:
        return f.read(100)

def listdir(path):
    return sorted(os.listdir(path))

def write_and_read(name):
    with open(name, 'w') as f:
        f.write('mine')
    with open(name) as f:
        return f.read()

import os
from dnn_utils import relu
"""


@needs_landlock
def test_the_worker_cannot_read_outside_its_folder(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = tmp_path / "other-student.txt"
    secret.write_text("not yours")
    root = project_root()
    calls = [
        Call("other", "read", (str(secret),)),
        Call("reference", "read", (str(root / "reference" / "network.py"),)),
        Call("grader", "read", (str(root / "grader" / "sandbox" / "codec.py"),)),
        Call("tmp", "listdir", (str(tmp_path),)),
        Call("repo", "listdir", (str(root),)),
        Call("own", "write_and_read", ("scratch.txt",)),
        Call("system", "read", ("/etc/passwd",)),
        Call("etc", "listdir", ("/etc",)),
    ]
    if os.path.exists("/etc/shadow"):
        calls.append(Call("shadow", "read", ("/etc/shadow",)))
    if (root / "testcases" / "hidden.h5").exists():
        calls.append(Call("hidden", "read", (str(root / "testcases" / "hidden.h5"),)))
    outcomes = by_key(run(sandbox, notebook(tmp_path, READER), *calls))
    for key in ("other", "reference", "grader", "tmp", "repo", "hidden", "etc", "shadow"):
        if key in outcomes:
            exc = outcomes[key].exception
            assert outcomes[key].status == "error" and exc is not None, key
            assert exc.type == "PermissionError", (key, exc)
    assert outcomes["own"].value == "mine"
    assert outcomes["system"].status == "ok"


# Signal 0 only checks permission: if confinement ever failed, these tests fail harmlessly
# instead of killing the test runner (or, as root, every process on the machine).
ESCAPES = """
import os, signal, socket, subprocess

def connect():
    s = socket.create_connection(("127.0.0.1", 9), timeout=1)
    return "connected"

def spawn():
    return subprocess.run(["true"]).returncode

def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid

def signal_zygote():
    os.kill(os.getppid(), 0)

def signal_everyone():
    os.kill(-1, 0)
"""


@needs_landlock
@pytest.mark.parametrize(
    "function", ["connect", "spawn", "fork", "signal_zygote", "signal_everyone"], ids=str
)
def test_escape_attempts_fail_and_the_sandbox_carries_on(
    sandbox: Sandbox, tmp_path: Path, function: str
) -> None:
    result = run(
        sandbox,
        notebook(tmp_path, ESCAPES, "def fine():\n    return 1"),
        Call("escape", function, ()),
        Call("fine", "fine", ()),
    )
    escape, fine = result.calls
    assert escape.status == "error" and escape.exception is not None
    assert escape.exception.type in ("PermissionError", "OSError"), escape.exception
    assert fine.value == 1
    assert run(sandbox, notebook(tmp_path, "x = 1")).cells[0].status == "ok"


@needs_landlock
def test_protections_report_what_applied(sandbox: Sandbox) -> None:
    protections = sandbox.protections()
    assert protections["landlock_filesystem"] and protections["seccomp"]
    assert protections["rlimits"] and protections["own_session"]


def test_the_worker_holds_no_data_of_the_grader_process(sandbox: Sandbox, tmp_path: Path) -> None:
    sentinel = np.full(7, 987654.321)  # lives in this process: a fork of it would carry it
    submission = notebook(
        tmp_path,
        "import gc\nimport numpy as np\n"
        "def find():\n"
        "    return sum(1 for o in gc.get_objects() if type(o) is np.ndarray\n"
        "               and o.size == 7 and bool(np.all(o == 987654.321)))",
    )
    assert run(sandbox, submission, Call("find", "find", ())).calls[0].value == 0
    assert sentinel.size == 7


def test_student_monkeypatching_stays_in_the_worker(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(
        tmp_path,
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.random.seed = lambda s: None",
        "def draw():\n    return np.random.randn(2)",
    )
    first = run(sandbox, submission, Call("d", "draw", ()))
    assert not np.allclose(1.0, 2.0)  # the grader's numpy is its own
    np.random.seed(CALL_SEED)
    assert np.array_equal(first.calls[0].value, np.random.randn(2))  # seeded despite the patch


# --- substituted helpers ----------------------------------------------------------------------

ORACLE_NOTEBOOK = """
import numpy as np

def linear_activation_forward(A_prev, W, b, activation):
    raise NotImplementedError("student's helper is unfinished")

def L_model_forward(X, parameters):
    A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"],
                                           activation="relu")
    AL, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
    return AL, [cache1, cache2]

def wrong_L_model_forward(X, parameters):
    A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "sigmoid")
    return A1, [cache1]

def snooping_L_model_forward(X, parameters):
    import gc
    cells = linear_activation_forward.__closure__ or ()
    seen = [c.cell_contents for c in cells]
    leaked = sum(1 for o in gc.get_objects()
                 if type(o) is np.ndarray and o.size and bool(np.any(o == 4242.0)))
    return leaked, len(seen)
"""


def reference_layer(A: Any, W: Any, b: Any, activation: str) -> tuple[Any, Any]:
    Z = W @ A + b
    A_out = np.maximum(0, Z) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A_out, ((A, W, b), Z)


def oracle_case() -> tuple[tuple[Any, ...], dict[str, list[tuple[tuple[Any, ...], Any]]], Any]:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3, 4))
    params = {
        "W1": rng.standard_normal((2, 3)),
        "b1": rng.standard_normal((2, 1)),
        "W2": rng.standard_normal((1, 2)),
        "b2": rng.standard_normal((1, 1)),
    }
    A1, c1 = reference_layer(X, params["W1"], params["b1"], "relu")
    AL, c2 = reference_layer(A1, params["W2"], params["b2"], "sigmoid")
    recorded = [
        ((X, params["W1"], params["b1"], "relu"), (A1, c1)),
        ((A1, params["W2"], params["b2"], "sigmoid"), (AL, c2)),
    ]
    return (X, params), {"linear_activation_forward": recorded}, AL


def substitutes_args(substitutes: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(substitutes["linear_activation_forward"][0][0][:3])


def test_substituted_helpers_answer_the_reference_calls(sandbox: Sandbox, tmp_path: Path) -> None:
    args, substitutes, expected = oracle_case()
    result = run(
        sandbox,
        notebook(tmp_path, ORACLE_NOTEBOOK),
        Call("own", "L_model_forward", args),
        Call("fair", "L_model_forward", args, substitutes=substitutes),
        Call("wrong", "wrong_L_model_forward", args, substitutes=substitutes),
        Call("restored", "linear_activation_forward", (*substitutes_args(substitutes), "relu")),
    )
    outcomes = by_key(result)
    assert outcomes["own"].exception is not None
    assert outcomes["own"].exception.type == "NotImplementedError"
    assert outcomes["fair"].status == "ok"
    AL, caches = outcomes["fair"].value
    assert np.array_equal(AL, expected) and len(caches) == 2
    refused = outcomes["wrong"].exception
    assert refused is not None and refused.type == "grader.sandbox.worker.runner.OracleRefused"
    # The grader counts the refusals it answered, on its side; the answered calls are not.
    assert (outcomes["wrong"].refused, outcomes["fair"].refused, outcomes["own"].refused) == (
        1,
        0,
        0,
    )
    assert "linear_activation_forward(array(3, 4), array(2, 3), array(2, 1), 'sigmoid')" in (
        refused.message
    )
    assert refused.line is not None and "linear_activation_forward" in refused.line
    restored = outcomes["restored"].exception
    assert restored is not None and restored.type == "NotImplementedError"


def test_recorded_results_never_reach_the_worker(sandbox: Sandbox, tmp_path: Path) -> None:
    args, substitutes, _ = oracle_case()
    marked = [
        (a, (np.full((2, 4), 4242.0), r[1])) for a, r in substitutes["linear_activation_forward"]
    ]
    call = Call(
        "snoop", "snooping_L_model_forward", args, substitutes={"linear_activation_forward": marked}
    )
    outcome = run(sandbox, notebook(tmp_path, ORACLE_NOTEBOOK), call).calls[0]
    assert outcome.status == "ok"
    leaked, _ = outcome.value
    assert leaked == 0


@pytest.mark.parametrize(
    ("got", "recorded", "same"),
    [
        (np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), True),
        (np.array([1.0, 2.0]), np.array([1.0, 2.001]), False),
        (np.array([[1.0, 2.0]]), np.array([1.0, 2.0]), False),
        ((1, "relu"), (1, "relu"), True),
        ([1, "relu"], (1, "relu"), False),
        ("relu", "sigmoid", False),
        (np.float64(0.5), 0.5, True),
        (True, 1, False),
        ({"W1": np.ones(2)}, {"W1": np.ones(2)}, True),
        ({"W1": np.ones(2)}, {"W2": np.ones(2)}, False),
        (None, None, True),
        (np.array([np.nan]), np.array([np.nan]), True),
    ],
    ids=[
        "close-arrays",
        "different-arrays",
        "different-shapes",
        "tuples",
        "list-for-tuple",
        "strings",
        "numpy-scalar",
        "bool-for-int",
        "dicts",
        "dict-keys",
        "none",
        "nan",
    ],
)
def test_argument_matching(got: Any, recorded: Any, same: bool) -> None:
    assert same_argument(got, recorded) is same


# --- determinism ----------------------------------------------------------------------------

RANDOM = """
import numpy as np, random

def draw():
    return np.random.randn(3), random.random(), list({"alpha", "beta", "gamma", "delta"})
"""


def test_runs_are_deterministic(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(tmp_path, RANDOM)
    calls = [Call("a", "draw", ()), Call("b", "draw", ())]
    first = run(sandbox, submission, *calls)
    with Sandbox(LIMITS) as other:  # another zygote: another interpreter start
        second = run(other, submission, *calls)
    values = [c.value for c in (*first.calls, *second.calls)]
    for value in values[1:]:
        assert np.array_equal(value[0], values[0][0])
        assert value[1:] == values[0][1:]
    np.random.seed(CALL_SEED)
    assert np.array_equal(values[0][0], np.random.randn(3))


def test_stdin_is_empty_and_closing_the_channel_is_a_crash(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    submission = notebook(
        tmp_path,
        "import os\ndef ask():\n    return input('name? ')\n"
        "def cut():\n    os.close(3)\n    return 1\ndef fine():\n    return 2",
    )
    result = run(
        sandbox,
        submission,
        Call("ask", "ask", ()),
        Call("cut", "cut", ()),
        Call("fine", "fine", ()),
    )
    ask, cut, fine = result.calls
    assert ask.exception is not None and ask.exception.type == "EOFError"
    assert cut.status == "crashed" and fine.value == 2


def test_a_cell_running_out_of_memory_is_an_error(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(tmp_path, "import numpy as np\nbig = np.ones((100000, 100000))", "x = 1")
    result = run(sandbox, submission)
    assert [c.status for c in result.cells] == ["error", "ok"]
    assert result.cells[0].exception is not None
    assert "MemoryError" in result.cells[0].exception.type


def test_keyword_arguments_to_a_helper_the_student_never_wrote(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    source = "def twice(x):\n    return helper(x=x, scale=2) + helper(x, 3)"
    recorded = [((1.5, 2), 3.0), ((1.5, 3), 4.5)]
    without_names = Call("plain", "twice", (1.5,), substitutes={"helper": recorded})
    with_names = Call(
        "named",
        "twice",
        (1.5,),
        substitutes={"helper": recorded},
        parameter_names={"helper": ["x", "scale"]},
    )
    outcomes = by_key(run(sandbox, notebook(tmp_path, source), without_names, with_names))
    assert outcomes["plain"].exception is not None
    assert "could not be matched" in outcomes["plain"].exception.message
    assert outcomes["named"].value == 7.5


def test_a_dead_zygote_is_replaced(tmp_path: Path) -> None:
    with Sandbox(LIMITS) as sb:
        submission = notebook(tmp_path, "def f():\n    return 1")
        assert run(sb, submission, Call("f", "f", ())).calls[0].value == 1
        zygote = sb._zygote
        assert zygote is not None
        zygote.process.kill()
        zygote.process.wait()
        assert run(sb, submission, Call("f", "f", ())).calls[0].value == 1
        assert not os.path.exists(zygote.base)  # the dead zygote's folder went with it
        assert sb._zygote is not None and sb._zygote is not zygote
        base = Path(sb._zygote.base)
        assert [p.name for p in base.iterdir()] == []  # every worker folder was removed
    assert not base.exists()


def test_a_killed_grader_leaves_no_folders_or_processes(tmp_path: Path) -> None:
    script = (
        "import os, sys, time\n"
        "from grader.sandbox.api import Sandbox\n"
        "sb = Sandbox()\n"
        "sb.protections()\n"
        "print(sb._zygote.base, sb._zygote.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=project_root()
    )
    assert proc.stdout is not None
    with proc.stdout:
        base, zygote = proc.stdout.readline().split()
    assert os.path.isdir(base)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while (os.path.exists(base) or _running(int(zygote))) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not os.path.exists(base) and not _running(int(zygote))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not running
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_readable_paths_carve_forbidden_folders_out(tmp_path: Path) -> None:
    for folder in ("lib/site/numpy", "lib/site/grader", "lib/site/other", "lib/std", "repo/.venv"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "lib" / "site" / "six.py").write_text("")
    roots = [str(tmp_path / "lib"), str(tmp_path / "repo" / ".venv"), str(tmp_path / "gone")]
    forbidden = [str(tmp_path / "lib" / "site" / "grader"), str(tmp_path / "repo")]
    got = confinement.readable_paths(roots, forbidden)
    expected = ["lib/site/numpy", "lib/site/other", "lib/site/six.py", "lib/std", "repo/.venv"]
    assert got == [os.path.realpath(tmp_path / p) for p in expected]


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"], ids=str)
def test_the_seccomp_program_is_well_formed(arch: str) -> None:
    program = confinement.seccomp_program(arch, own_pid=1234)
    assert len(program) < 255
    for at, (code, jt, jf, _k) in enumerate(program):
        if code in (0x15, 0x35, 0x45):  # jumps stay inside the program
            assert 0 <= at + 1 + jt < len(program) and 0 <= at + 1 + jf < len(program)
    assert program[-1][0] == 0x06  # ends with a return


def test_awkward_values_and_sabotage_stay_within_the_call(sandbox: Sandbox, tmp_path: Path) -> None:
    submission = notebook(
        tmp_path,
        "import random, sys\n"
        "def huge():\n    sys.set_int_max_str_digits(0)\n    return 10 ** 100_000\n"
        "def sabotage():\n    random.seed = lambda *a: 1 / 0\n    return 1\n"
        "def fine():\n    return 2",
    )
    outcomes = by_key(
        run(
            sandbox,
            submission,
            Call("huge", "huge", ()),
            Call("sabotage", "sabotage", ()),
            Call("after", "fine", ()),
        )
    )
    assert outcomes["huge"].status == "ok" and isinstance(outcomes["huge"].value, Opaque)
    assert outcomes["sabotage"].value == 1
    after = outcomes["after"]
    assert after.status == "error" and after.exception is not None
    assert after.exception.type == "ZeroDivisionError"


def test_workdir_file_names_must_be_plain(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        sandbox.run(notebook(tmp_path, "x = 1"), [], {"../escape.py": b""})


def test_preloaded_inputs_travel_by_name_and_are_fresh_for_every_call(tmp_path: Path) -> None:
    inputs = (np.ones((2, 2)),)
    with Sandbox(LIMITS) as sb:
        sb.preload_args({"case-1": inputs})
        assert sb.preloaded("case-1") and not sb.preloaded("case-2")
        submission = notebook(tmp_path, "def bump(a):\n    a += 1\n    return float(a.sum())")
        calls = [Call(f"c{i}", "bump", inputs, args_ref="case-1") for i in range(2)]
        result = sb.run(submission, calls, HELPERS)
    assert [c.value for c in result.calls] == [8.0, 8.0]  # the second got a fresh copy
    after = result.calls[0].args_after
    assert after is not None and np.array_equal(after[0], np.full((2, 2), 2.0))
    assert np.array_equal(inputs[0], np.ones((2, 2)))  # and ours never changed
