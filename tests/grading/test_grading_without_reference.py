"""Grading needs neither the reference nor the case generators: with ``reference`` and
``testcases`` unimportable, the sample grades to the same report (70/100, the same mistakes
named) as with the former diagnosis, which replayed the catalogue from ``reference``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from replayed_diagnosis import replayed_diagnosis

from grader.grading import diagnose as diagnose_module
from grader.grading.engine import check_notebook

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "exercises" / "examples" / "sample_submission.ipynb"

#: Run in a fresh interpreter: a finder ahead of every other one refuses both packages (the
#: editable install would find them otherwise), then the sample is graded.
WITHOUT_REFERENCE = textwrap.dedent(
    """
    import json, sys

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("reference", "testcases"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Refuse())
    for name in ("reference", "testcases", "reference.mutants"):
        try:
            __import__(name)
        except ModuleNotFoundError:
            pass
        else:
            raise SystemExit(f"{name} could be imported")
    from grader.grading.engine import check_notebook

    report = check_notebook(sys.argv[1]).to_dict()
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("reference", "testcases"))
    print(json.dumps({"report": report, "loaded": loaded}))
    """
)


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in ("execution_time", "protections")}


@pytest.mark.slow
def test_the_sample_grades_alike_with_reference_and_testcases_unimportable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_REFERENCE, str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["loaded"] == []
    without = found["report"]

    monkeypatch.setattr(diagnose_module, "diagnose", replayed_diagnosis)  # as grading was
    before = check_notebook(SAMPLE).to_dict()

    assert without["score"] == 70
    named = {f["name"]: (f["diagnosis"] or {}).get("name") for f in without["functions"]}
    assert named["initialize_parameters"] and named["compute_cost"] and named["linear_backward"]
    assert _comparable(without) == _comparable(before)
