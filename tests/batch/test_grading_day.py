"""An instructor's grading day after `grader grade`: the class report (in headless Chromium),
publishing the grades to Canvas or Moodle, and the command line's messages.

The class report is checked on a class of 34 made-up rows (scores and named mistakes from the
catalogue); its screenshot must show the two plots drawn (their bar colours are in the
picture). ``GRADER_REPORT_SCREENSHOT=docs/class_report.png`` keeps the screenshot (the
README's picture is made that way).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser import run_chromium

from grader.batch.classreport import render_class_report
from grader.batch.export import export_grades
from grader.batch.gradebook import function_names, gradebook_csv, summarize
from grader.batch.rows import FunctionScore, Mistake, Note, StudentRow
from grader.cli import main
from grader.grading.comparison import GRADED_FUNCTIONS
from reference.mutants import MISTAKES

ROOT = Path(__file__).resolve().parents[2]

#: Bar colours of the two plots (classreport.py): the histogram's, and a pass rate's.
HISTOGRAM_BLUE = (0x3B, 0x6F, 0xD6)
PASS_COLOURS = [(0x2E, 0x85, 0x40), (0xD0, 0x8A, 0x00), (0xC0, 0x39, 0x2B)]


def _class_rows(n: int = 34) -> list[StudentRow]:
    """A class: most pass, some make one or two catalogued mistakes, a few need attention."""
    by_function = {}
    for m in MISTAKES:
        if not m.raises:
            by_function.setdefault(m.function, []).append(m)
    names = ("compute_cost", "linear_backward", "initialize_parameters", "L_model_backward")
    common = [by_function[f][0] for f in names] + [by_function["compute_cost"][1]]
    rows = []
    for i in range(n):
        student = f"student{i:02d}"
        # a spread of scores: student i makes the mistakes of the bits of (i * 7) % 13
        made = [m for j, m in enumerate(common) if (i * 7) % 13 >> j & 1 and i % 3]
        made = [m for k, m in enumerate(made) if m.function not in {x.function for x in made[:k]}]
        functions = tuple(
            FunctionScore(
                f,
                0.0 if any(m.function == f for m in made) else 10.0,
                10.0,
                "failed" if any(m.function == f for m in made) else "passed",
            )
            for f in GRADED_FUNCTIONS
        )
        score = sum(f.points for f in functions)
        notes = (Note("timeout", "hit the time limit: compute_cost"),) if i == 7 else ()
        if i == 12:
            notes = (Note("notebooks", "2 notebooks in student12/: graded final.ipynb"),)
        if i == 20:
            rows.append(
                StudentRow(
                    student,
                    f"subs/{student}/hw.ipynb",
                    "invalid",
                    0.0,
                    100.0,
                    message="subs/student20/hw.ipynb is empty.",
                )
            )
            continue
        if i == 21:
            rows.append(
                StudentRow(
                    student,
                    f"subs/{student}/hw.ipynb",
                    "error",
                    message="the grading process stopped unexpectedly",
                )
            )
            continue
        rows.append(
            StudentRow(
                student,
                f"subs/{student}/hw.ipynb",
                "graded",
                score,
                100.0,
                functions,
                mistakes=tuple(Mistake(m.function, m.name, m.title) for m in made),
                notes=notes,
            )
        )
    return rows


def _report(rows: list[StudentRow]) -> str:
    functions = function_names(rows, GRADED_FUNCTIONS)
    return render_class_report(rows, summarize(rows, functions, total=len(rows)))


def test_class_report_lists_mistakes_and_attention() -> None:
    rows = _class_rows()
    page = _report(rows)
    summary = summarize(rows, function_names(rows, GRADED_FUNCTIONS), total=len(rows))
    top = summary["mistakes"][0]
    assert top["count"] >= 2 and top["title"] in page
    for student in top["students"]:
        assert f'<a href="{student}/feedback.txt">{student}</a>' in page
    attention = page[page.index("Needs attention") : page.index("Mistakes the grader named")]
    for student in ("student07", "student12", "student20", "student21"):
        assert student in attention, student
    assert "student00" not in attention
    assert page.count("<svg") == 2 and "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing to fetch


def test_class_report_without_graded_rows() -> None:
    rows = [StudentRow("ann", "ann.ipynb", "invalid", 0.0, 100.0, message="is empty.")]
    page = _report(rows)
    assert "nothing to plot" in page and "<svg" not in page


def _pixels(png: Path) -> tuple[int, int, list[tuple[int, int, int]]]:
    from PIL import Image  # pillow comes with matplotlib

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        data = rgb.tobytes()
    triples = [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]
    return rgb.width, rgb.height, triples


def _near(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 12 for x, y in zip(a, b))


@pytest.mark.slow
@pytest.mark.browser
def test_class_report_plots_render_in_chromium(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_report(_class_rows()), encoding="utf-8")
    png = Path(os.environ.get("GRADER_REPORT_SCREENSHOT", tmp_path / "report.png"))
    done = run_chromium(
        chromium,
        tmp_path / "profile",
        f"--screenshot={png}",
        "--window-size=1100,1000",
        "--hide-scrollbars",
        page.as_uri(),
    )
    assert png.is_file(), done.stderr.decode()[-2000:]
    width, height, pixels = _pixels(png)
    assert (width, height) == (1100, 1000)
    # the plots sit side by side below the counts: their bars' colours are in the picture
    blue = [i for i, p in enumerate(pixels) if _near(p, HISTOGRAM_BLUE)]
    assert len(blue) > 500, "the score histogram was not drawn"
    rates = [i for i, p in enumerate(pixels) if any(_near(p, c) for c in PASS_COLOURS)]
    assert len(rates) > 500, "the pass-rate plot was not drawn"
    # and they are beside each other: the histogram's bars left of the pass-rate bars
    assert sum(i % width for i in blue) / len(blue) < sum(i % width for i in rates) / len(rates)


#: Runs in the browser: where each pass-rate label, its bar and the axes are drawn.
_MEASURE = """
<script>
const svg = document.querySelector('#pass-rates svg');
const box = (e) => e.getBoundingClientRect();
const axes = box(svg.querySelector('[id$="patch_2"] path'));
const bars = [...svg.querySelectorAll('path')]
  .filter((p) => /fill: #(2e8540|d08a00|c0392b)/.test(p.getAttribute('style') || ''))
  .map(box);
const labels = [...svg.querySelectorAll('text')].filter((t) => /^\\d+%$/.test(t.textContent));
const measured = labels.map((t) => {
  const b = box(t);
  const middle = (b.top + b.bottom) / 2;
  const bar = bars.find((r) => r.top <= middle && middle <= r.bottom) || null;
  return {text: t.textContent, left: b.left, right: b.right, axes: axes.right,
          bar: bar && [bar.left, bar.right]};
});
const pre = document.createElement('pre');
pre.id = 'measured';
pre.textContent = JSON.stringify(measured);
document.body.appendChild(pre);
</script>
"""


@pytest.mark.slow
@pytest.mark.browser
def test_class_report_pass_rate_labels_stay_clear_of_bar_ends_and_axes(
    chromium: str, tmp_path: Path
) -> None:
    """Issue 20 item 7: a label sits inside its bar's end or after it, never across it, and
    never past the axes ("100%" and "97%" were drawn over the bar ends and off the plot)."""
    import json

    rows = _class_rows()
    functions = function_names(rows, GRADED_FUNCTIONS)
    summary = summarize(rows, functions, total=len(rows))
    for name, rate in zip(GRADED_FUNCTIONS, (1.0, 0.97, 0.5, 0.21, 0.19, 0.05, 0.0, 0.88)):
        summary["functions"][name]["pass_rate"] = rate
    page = tmp_path / "report.html"
    html = render_class_report(rows, summary).replace("</body>", _MEASURE + "</body>")
    page.write_text(html, encoding="utf-8")
    done = run_chromium(
        chromium, tmp_path / "profile", "--window-size=1100,1000", "--dump-dom", page.as_uri()
    )
    dom = done.stdout.decode("utf-8", "replace")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, done.stderr.decode()[-2000:]
    labels = json.loads(found.group(1).replace("&amp;", "&"))
    texts = [label["text"] for label in labels]
    assert len(texts) == len(GRADED_FUNCTIONS) and {"100%", "97%", "0%"} <= set(texts)
    for label in labels:
        left, right = label["left"], label["right"]
        assert label["bar"] is not None, label
        bar_left, bar_right = label["bar"]
        inside = left >= bar_left - 0.5 and right <= bar_right - 1
        after = left >= bar_right + 1
        assert inside or after, f"{label['text']} is drawn across its bar's end: {label}"
        assert right <= label["axes"] + 0.5, f"{label['text']} runs past the axes: {label}"


# --- publishing the grades ---------------------------------------------------------------------


def _graded_folder(tmp_path: Path) -> Path:
    rows = [r for r in _class_rows(6)]
    out = tmp_path / "out"
    out.mkdir()
    (out / "gradebook.csv").write_text(gradebook_csv(rows, GRADED_FUNCTIONS), encoding="utf-8")
    return out


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_export_canvas_without_roster(tmp_path: Path) -> None:
    out = _graded_folder(tmp_path)
    exported = export_grades(out, "canvas", tmp_path / "canvas.csv", assignment="DNN 1")
    lines = _read(tmp_path / "canvas.csv")
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "DNN 1"]
    assert lines[1] == ["Points Possible", "", "", "", "", "100"]
    by_login = {line[3]: line[5] for line in lines[2:]}
    assert by_login["student00"] == "100" and len(by_login) == 6
    assert exported.rows == 6 and exported.warnings == ()


def test_export_moodle_with_roster(tmp_path: Path) -> None:
    out = _graded_folder(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student,email,idnumber\n"
        "student00,ann@example.edu,1000\n"
        "student01,ben@example.edu,1001\n"
        "student02,cat@example.edu,1002\n"
        "student03,dan@example.edu,1003\n"
        "student04,eve@example.edu,1004\n"
        "absent,zoe@example.edu,1099\n",
        encoding="utf-8",
    )
    exported = export_grades(
        out, "moodle", tmp_path / "moodle.csv", roster=roster, assignment="DNN 1"
    )
    lines = _read(tmp_path / "moodle.csv")
    assert lines[0] == ["ID number", "Email address", "DNN 1"]
    grades = {line[1]: line[2] for line in lines[1:]}
    assert grades["ann@example.edu"] == "100" and grades["zoe@example.edu"] == ""
    assert "ben@example.edu" in grades
    warnings = " ".join(exported.warnings)
    assert "student05: graded but not in the roster" in warnings
    assert "absent: in the roster but not graded" in warnings


def test_export_leaves_grader_errors_blank(tmp_path: Path) -> None:
    rows = _class_rows(22)
    out = tmp_path / "out"
    out.mkdir()
    (out / "gradebook.csv").write_text(gradebook_csv(rows, GRADED_FUNCTIONS), encoding="utf-8")
    exported = export_grades(out, "canvas", tmp_path / "c.csv")
    grades = {line[3]: line[5] for line in _read(tmp_path / "c.csv")[2:]}
    assert grades["student21"] == "" and grades["student20"] == "0"
    assert any("student21" in w for w in exported.warnings)


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _graded_folder(tmp_path)
    target = tmp_path / "grades.csv"
    status = main(["export", str(out), "--format", "canvas", "--output", str(target)])
    assert status == 0 and "wrote 6 grade(s) for canvas" in capsys.readouterr().out
    status = main(["export", str(tmp_path), "--format", "moodle", "--output", str(target)])
    assert status == 4 and "no gradebook.csv here" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nann\n")
    args = ["export", str(out), "--format", "canvas", "--roster", str(bad), "--output", "x"]
    assert main(args) == 4 and "needs a 'student' column" in capsys.readouterr().err


# --- the command line ----------------------------------------------------------------------------


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "only place that prints" not in text and "Grade notebooks" in text
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for status in ("0 ", "1 ", "2 ", "3 ", "4 ", "70 ", "130 "):
        assert f" {status}" in text, status


def test_out_naming_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").write_text("")
    (tmp_path / "a.ipynb").write_text("{}")
    status = main(["grade", str(tmp_path / "a.ipynb"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 4 and "this is a file; give a folder" in err and "Traceback" not in err


def test_check_never_loads_matplotlib() -> None:
    code = (
        "import sys; from grader.cli import main; "
        "status = main(['check', 'exercises/examples/sample_submission.ipynb', '--cases', "
        "'public']); print(sorted(m for m in ('matplotlib', 'latex2mathml') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr[-2000:]
