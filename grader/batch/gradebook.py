"""The class-level files of a batch: ``gradebook.csv`` and ``summary.json``.

Pure functions of the per-student rows (:class:`grader.batch.rows.StudentRow`); every file
is written with :func:`grader.files.write_atomic`.

Gradebook columns: ``student, total, max, <one column per graded function>, status, error,
notebook``. A graded submission has its points everywhere and an empty ``error``; an invalid
one (not a gradable notebook: the student's fault) scores 0 with the reason in ``error``; an
``error`` row (the grader itself failed on it) leaves the points blank, so nobody uploads a
zero by accident. ``notebook`` is the file that was graded.

Text cells are made safe for spreadsheets as OWASP recommends against formula injection
(:func:`cell`): a folder name like ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``, which a
spreadsheet shows as text; :func:`uncell` reads it back.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from grader.batch.rows import ERROR, GRADED, INVALID, FunctionScore, RowStatus, StudentRow

__all__ = ["ERROR", "GRADED", "INVALID"]

#: A function "passes" for the class statistics when it earned its points.
EARNING = ("passed", "inherited")


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: a leading ``'`` when it starts like a
    formula (or with ``'`` itself, so that :func:`uncell` gives back exactly ``text``)."""
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def uncell(text: str) -> str:
    """The text :func:`cell` was given."""
    return text[1:] if text.startswith("'") else text


def function_names(rows: Sequence[StudentRow], known: Sequence[str] = ()) -> list[str]:
    """Gradebook columns: the known graded functions in order, then any other a report had."""
    names = list(known)
    for row in rows:
        for function in row.functions:
            if function.name not in names:
                names.append(function.name)
    return names


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def gradebook_csv(rows: Sequence[StudentRow], functions: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["student", "total", "max", *functions, "status", "error", "notebook"]
    writer.writerow([cell(name) for name in header])
    for row in rows:
        points = {f.name: f.points for f in row.functions}
        if row.status == INVALID:
            cells = ["0" for _ in functions]
        elif row.status == ERROR:
            cells = ["" for _ in functions]
        else:
            cells = [_number(points.get(name)) for name in functions]
        writer.writerow(
            [
                cell(row.student),
                _number(row.score),
                _number(row.max_score),
                *cells,
                row.status,
                cell("" if row.status == GRADED else row.message),
                cell(row.path),
            ]
        )
    return out.getvalue()


def rows_from_gradebook(text: str) -> dict[str, StudentRow]:
    """The rows of a ``gradebook.csv`` written by :func:`gradebook_csv`, by student: what a
    regrade keeps of a student whose ``grading.json`` is lost.

    The gradebook holds less than ``grading.json``: each function's status is read from its
    points (all its points: ``passed``, else ``failed``; every function is worth the same), and
    the named mistakes and notes are gone. Unreadable lines are left out."""
    found: dict[str, StudentRow] = {}
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return found
    if not lines:
        return found
    header = [uncell(c) for c in lines[0]]
    fixed = {"student", "total", "max", "status", "error", "notebook"}
    if not fixed <= set(header):
        return found
    functions = [h for h in header[3:] if h not in fixed]
    for line in lines[1:]:
        cells = dict(zip(header, (uncell(c) for c in line)))
        try:
            row = _gradebook_row(cells, functions)
        except (KeyError, ValueError):
            continue
        found[row.student] = row
    return found


def _gradebook_row(cells: dict[str, str], functions: Sequence[str]) -> StudentRow:
    status = _status(cells["status"])
    total, most = _float(cells["total"]), _float(cells["max"])
    scores = []
    if status == GRADED and most is not None and functions:
        each = most / len(functions)
        for name in functions:
            points = _float(cells[name])
            if points is not None:
                scores.append(
                    FunctionScore(name, points, each, "passed" if points >= each else "failed")
                )
    return StudentRow(
        student=cells["student"],
        path=cells["notebook"],
        status=status,
        score=total if status != ERROR else None,
        max_score=most,
        functions=tuple(scores),
        message=cells["error"],
    )


def _float(text: str) -> float | None:
    return None if text == "" else float(text)


def _status(text: str) -> RowStatus:
    for status in (GRADED, INVALID, ERROR):
        if text == status:
            return status
    raise ValueError(f"unknown row status {text!r}")


def summarize(
    rows: Sequence[StudentRow], functions: Sequence[str], *, total: int, interrupted: bool = False
) -> dict[str, Any]:
    """Class statistics: counts, score statistics and distribution, per-function pass rates.

    Scores and pass rates are over the *graded* submissions; invalid and errored ones are
    counted separately (``total`` is the number of submissions given, finished or not).
    """
    graded = [r for r in rows if r.status == GRADED]
    scores = [r.score for r in graded if r.score is not None]
    maxima = [r.max_score for r in graded if r.max_score is not None]
    max_score = max(maxima) if maxima else None
    counts = Counter(r.status for r in rows)
    summary: dict[str, Any] = {
        "submissions": total,
        "finished": len(rows),
        "graded": counts[GRADED],
        "invalid": counts[INVALID],
        "error": counts[ERROR],
        "full_marks": sum(1 for r in graded if r.full_marks),
        "reused": sum(1 for r in rows if r.reused),
        "interrupted": interrupted,
        "max_score": max_score,
        "score": _stats(scores),
        "distribution": _distribution(graded, scores, max_score),
        "functions": {name: _function_stats(name, graded) for name in functions},
        "mistakes": mistake_counts(graded),
        "needs_attention": [
            {"student": r.student, "status": r.status, "reasons": list(r.attention)}
            for r in rows
            if r.attention
        ],
        "warnings": [n.text for r in rows for n in r.notes if n.kind == "notebooks"],
    }
    return summary


def mistake_counts(graded: Sequence[StudentRow]) -> list[dict[str, Any]]:
    """Each diagnosed mistake with the students who made it, most frequent first."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in graded:
        for m in row.mistakes:
            item = found.setdefault(
                (m.function, m.name),
                {"function": m.function, "name": m.name, "title": m.title, "students": []},
            )
            item["students"].append(row.student)
    items = sorted(found.values(), key=lambda i: (-len(i["students"]), i["function"], i["name"]))
    return [{**i, "count": len(i["students"])} for i in items]


def _stats(scores: Sequence[float]) -> dict[str, float | None]:
    if not scores:
        return {"mean": None, "median": None, "min": None, "max": None, "stdev": None}
    return {
        "mean": round(statistics.fmean(scores), 4),
        "median": statistics.median(scores),
        "min": min(scores),
        "max": max(scores),
        "stdev": round(statistics.pstdev(scores), 4),
    }


def _distribution(
    graded: Sequence[StudentRow], scores: Sequence[float], max_score: float | None
) -> dict[str, int]:
    """How many graded submissions got each total score (every reachable total listed when
    all functions are worth the same, so a histogram shows its empty bars too)."""
    found = Counter(scores)
    steps = {f.max_points for r in graded for f in r.functions}
    keys: list[float] = sorted(found)
    if max_score is not None and len(steps) == 1:
        step = steps.pop()
        if step > 0 and (max_score / step).is_integer() and max_score / step <= 1000:
            keys = sorted({step * i for i in range(int(max_score / step) + 1)} | set(found))
    return {f"{k:g}": found.get(k, 0) for k in keys}


def _function_stats(name: str, graded: Sequence[StudentRow]) -> dict[str, Any]:
    results = [f for r in graded for f in r.functions if f.name == name]
    if not results:
        return {
            "graded": 0,
            "pass_rate": None,
            "mean_points": None,
            "max_points": None,
            "statuses": {},
        }
    earned = sum(1 for f in results if f.status in EARNING)
    return {
        "graded": len(results),
        "pass_rate": round(earned / len(results), 4),
        "mean_points": round(statistics.fmean(f.points for f in results), 4),
        "max_points": max(f.max_points for f in results),
        "statuses": dict(sorted(Counter(f.status for f in results).items())),
    }


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2) + "\n"
