"""The README says how to read the reports on the machine that graded them (issue 20, item 6):
no macOS-only ``open`` in the grading day, and a way to serve them from a headless Linux box."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _grading_day() -> str:
    section = README.split("### An instructor's grading day", 1)[1]
    return section.split("\n### ", 1)[0]


def test_the_grading_day_opens_the_report_on_linux() -> None:
    commands = re.findall(r"```bash\n(.*?)```", _grading_day(), re.S)[0]
    assert not re.search(r"^open ", commands, re.M)
    assert re.search(r"^xdg-open out/report\.html", commands, re.M)


def test_the_grading_day_says_how_to_serve_the_reports_from_a_headless_machine() -> None:
    day = _grading_day()
    assert "python3 -m http.server 8000 --bind 127.0.0.1 --directory out" in day
    assert "ssh -L 8000:localhost:8000" in day
