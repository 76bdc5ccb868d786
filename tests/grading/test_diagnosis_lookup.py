"""The diagnosis looks the catalogued mistakes' outputs up in the bundles: it names exactly
what the former replay of the catalogue named, on every corpus, and threads cannot disturb it.

The former replay is kept test-side (tests/replayed_diagnosis.py, importing
``reference.mutants``); the grader itself imports neither ``reference`` nor ``testcases``.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import crafted
import numpy as np
import pytest
from replayed_diagnosis import replay, replayed_diagnosis
from unseen_function_corpus import CORPUS as FUNCTION_CORPUS
from unseen_notebook_corpus import CORPUS as NOTEBOOK_CORPUS

from grader import paths
from grader.bundle import BundleCase, read_bundle
from grader.grading import judge as judge_module
from grader.grading.diagnose import diagnose
from grader.grading.engine import CheckOptions, Grader
from grader.sandbox.outcomes import ExceptionInfo
from reference.mutants import MISTAKES, RAISING, Mistake

ROOT = Path(__file__).resolve().parents[2]
COURSE_NOTEBOOKS = sorted((ROOT / "tests" / "course_formats" / "notebooks").glob("*/*.ipynb"))

Observations = list[tuple[tuple[Any, ...], Any]]


def _bundle_cases() -> list[BundleCase]:
    found = paths.bundle_paths()
    return read_bundle(found["public"]) + read_bundle(found["hidden"])


CASES = _bundle_cases()


def _line(func: Callable[..., Any], exc: BaseException) -> str | None:
    """The innermost line of ``func``'s own code the exception passed through (the student's
    line, as the sandbox reports it)."""
    frames = [f for f, _ in traceback.walk_tb(exc.__traceback__) if f.f_code is func.__code__]
    if not frames:
        return None
    lines, start = inspect.getsourcelines(func)
    return lines[frames[-1].f_lineno - start].strip()


def _observe(func: Callable[..., Any], cases: list[BundleCase]) -> Observations:
    """(args, output or ExceptionInfo) on each case, as the judge hands them over."""
    observed: Observations = []
    for case in cases:
        try:
            observed.append((case.args, replay(func, case.args)))
        except Exception as exc:
            info = ExceptionInfo(type(exc).__name__, str(exc), line=_line(func, exc))
            observed.append((case.args, info))
    return observed


def _name(found: Any) -> str | None:
    return found.name if found is not None else None


def _both_ways(function: str, observed: Observations) -> tuple[str | None, str | None]:
    return _name(replayed_diagnosis(function, observed)), _name(diagnose(function, observed))


@pytest.mark.slow
@pytest.mark.parametrize("mistake", MISTAKES + RAISING, ids=lambda m: m.name)
def test_each_mistake_is_named_alike_on_the_bundles_cases(mistake: Mistake) -> None:
    """Every case of the function, the public ones only, the hidden ones only, and each case
    alone (where many mistakes coincide, so both must say "no diagnosis" alike)."""
    cases = [c for c in CASES if c.function == mistake.function]
    observed = _observe(mistake.impl, cases)
    subsets = [
        observed,
        [o for o, c in zip(observed, cases) if c.visibility == "public"],
        [o for o, c in zip(observed, cases) if c.visibility == "hidden"],
        *([o] for o in observed),
    ]
    named = []
    for subset in subsets:
        old, new = _both_ways(mistake.function, subset)
        assert new == old, f"replay named {old}, the lookup {new}"
        named.append(new)
    assert named[0] == mistake.name  # the comparison is not between two Nones


# --- every corpus, graded end to end ----------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_observations(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Any]]:
    """(function, observations) of every graded function of every corpus notebook, as the
    judge collected them (failed or not: more evidence for the comparison)."""
    folder = tmp_path_factory.mktemp("corpora")
    notebooks = [
        crafted.write(crafted.notebook(replace={f: src}), folder / f"functions-{name}.ipynb")
        for name, (f, src, _) in FUNCTION_CORPUS.items()
    ]
    notebooks += [
        crafted.write(
            crafted.notebook(replace={e.function: e.source}), folder / f"notebooks-{e.name}.ipynb"
        )
        for e in NOTEBOOK_CORPUS
    ]
    notebooks += COURSE_NOTEBOOKS
    recorded: list[tuple[str, Any]] = []
    original = judge_module._function_report

    def recording(name: str, results: Any, options: Any, cells: Any, obs: Any, *rest: Any) -> Any:
        recorded.append((name, list(obs)))
        return original(name, results, options, cells, obs, *rest)

    with pytest.MonkeyPatch.context() as patch, Grader(CheckOptions(timeout=2.0)) as grader:
        patch.setattr(judge_module, "_function_report", recording)
        for notebook in notebooks:
            grader.grade(notebook)
    return recorded


@pytest.mark.slow
def test_every_corpus_diagnosis_is_the_same_both_ways(
    corpus_observations: list[tuple[str, Any]],
) -> None:
    assert len(COURSE_NOTEBOOKS) >= 20
    notebooks = len(FUNCTION_CORPUS) + len(NOTEBOOK_CORPUS) + len(COURSE_NOTEBOOKS)
    assert len(corpus_observations) == 10 * notebooks
    disagree = []
    named = 0
    for function, observed in corpus_observations:
        old, new = _both_ways(function, observed)
        named += new is not None
        if old != new:
            disagree.append((function, old, new))
    assert disagree == []
    assert named >= len(FUNCTION_CORPUS)  # the corpora's diagnoses were compared, not Nones


# --- threads ------------------------------------------------------------------------------------


def _seeding_mistake() -> tuple[Mistake, Observations]:
    mistake = next(m for m in MISTAKES if m.name == "deep-init-seed-not-set")  # draws randomly
    cases = [c for c in CASES if c.function == mistake.function]
    return mistake, _observe(mistake.impl, cases)


def test_threads_diagnosing_at_once_all_name_the_mistake() -> None:
    """4 threads x 40 diagnoses of a mistake whose outputs come from the seeded generator,
    while a fifth thread reseeds it (the replay named 127 of 160 wrongly or not at all)."""
    import threading

    mistake, observed = _seeding_mistake()
    stop = threading.Event()

    def churn() -> None:  # what other threads of a library caller may do meanwhile
        while not stop.is_set():
            np.random.seed(7)
            np.random.rand(3)

    def forty(_: int) -> list[str | None]:
        return [_name(diagnose(mistake.function, observed)) for _ in range(40)]

    background = threading.Thread(target=churn)
    background.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            names = [n for batch in pool.map(forty, range(4)) for n in batch]
    finally:
        stop.set()
        background.join()
    assert names == [mistake.name] * 160
