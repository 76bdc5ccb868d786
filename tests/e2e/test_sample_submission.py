"""The README's example: the sample submission is fresh, and grading it names its mistakes."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"


def builder():
    path = SAMPLE.with_name("make_sample_submission.py")
    spec = importlib.util.spec_from_file_location("make_sample_submission", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_sample_is_what_its_script_writes(tmp_path):
    fresh = tmp_path / "sample.ipynb"
    nbformat.write(builder().build(), str(fresh))
    assert fresh.read_bytes() == SAMPLE.read_bytes(), (
        "run `python exercises/examples/make_sample_submission.py`"
    )


def test_grading_the_sample_names_each_mistake_and_charges_it_once():
    result = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    failing = {line.split()[1] for line in lines if line.startswith("FAIL")}
    assert failing == {"initialize_parameters", "compute_cost", "linear_backward"}
    for title in (
        "Biases of shape (n,) instead of (n, 1)",
        "Cost without the leading minus sign",
        "db summed without keepdims=True",
    ):
        assert any(title in line for line in lines if "Likely mistake" in line), title
    for caller in ("linear_activation_backward", "L_model_backward"):
        line = next(line for line in lines if line.split()[1:2] == [caller])
        assert line.startswith("PASS") and "because linear_backward is wrong" in line
    assert "cell 44: KeyError: 'W3'" in result.stdout  # the scratch cell (cells counted from 1)
    assert "Total: 70 / 100" in result.stdout
