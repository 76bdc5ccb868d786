"""Shared plumbing of the course-version helper modules in this folder.

The course published its notebook in several versions, each importing its own helper modules
(``testCases_v3``, ``dnn_utils_v2``, ``public_tests`` ...). The modules in this folder stand in
for them so that a notebook written against any version runs. They hold no case data of their
own: every input comes from this project's generated student modules (``testCases``,
``dnn_utils``, ``public_tests`` of the student folder), which are built from the single source of
truth ``testcases/published.py``.

**The name clash.** Three course modules have the same names as our student modules:
``testCases``, ``dnn_utils`` and ``public_tests``. In this folder each of them is a *superset* of
ours: it re-exports everything our module exports and adds the course-only names. So whichever
of the two a notebook gets under that name, our own format keeps working, and a course-format
notebook only works with the superset. To reach our module without importing itself, a shim
calls :func:`ours`, which looks, in order, for:

1. ``sys.modules["_dnn_ours_<name>"]``: the grader's worker preloads our student modules under
   these private aliases, beside the public names;
2. ``sys.modules["<name>"]`` when it is already our module (imported before the shim);
3. ``<name>.py`` in a ``sys.path`` folder other than this one, loaded under the private alias.

Standard library and numpy only; nothing here touches the file system beyond that lookup.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

#: Set in every module of this folder, so that :func:`ours` never mistakes a shim for ours.
COURSE_SHIM_MARK = "__course_shim__"
_ALIAS = "_dnn_ours_"
_HERE = os.path.dirname(os.path.abspath(__file__))


def ours(name: str) -> ModuleType:
    """This project's student module ``name`` (``testCases``, ``dnn_utils``, ``public_tests``)."""
    alias = _ALIAS + name
    found = sys.modules.get(alias)
    if found is not None:
        return found
    current = sys.modules.get(name)
    if current is not None and not getattr(current, COURSE_SHIM_MARK, False):
        return current
    for entry in sys.path:
        folder = os.path.abspath(entry or os.curdir)
        path = os.path.join(folder, name + ".py")
        if folder == _HERE or not os.path.isfile(path):
            continue
        spec = importlib.util.spec_from_file_location(alias, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[alias] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[alias]
            raise
        return module
    raise ImportError(f"this project's student module {name!r} is neither loaded nor on sys.path")


def public_names(module: ModuleType) -> dict[str, Any]:
    """What ``from module import *`` would give: its ``__all__``, else its public names."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return {n: getattr(module, n) for n in names}


def re_export(namespace: dict[str, Any], module: ModuleType) -> list[str]:
    """Copy the public names of ``module`` into ``namespace``; return them for ``__all__``."""
    names = public_names(module)
    namespace.update(names)
    return list(names)


# --- the course-only inputs, drawn the way the course draws them ------------------------------


def L_model_forward_test_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The one-hidden-layer forward case of the older versions (seed 1, X of shape (4, 2)).

    Not among this project's published cases (the grader uses the two-hidden-layer one), so it
    is drawn here: legacy generator seeded with 1, then X (4, 2), W1 (3, 4), b1 (3, 1), W2 (1, 3),
    b2 (1, 1) in that order.
    """
    np.random.seed(1)
    X = np.random.randn(4, 2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    return X, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def print_first_layer_grads(grads: Mapping[str, Any], da_key: str) -> None:
    """Print dW1, db1 and the gradient the course labels "dA1", read from ``grads[da_key]``.

    The course's ``print_grads`` always labels its third line "dA1"; the versions whose template
    shifts the dA keys by one (``dA<l+1>`` for the gradient with respect to A[l]) read it from
    ``grads["dA2"]``, the others from ``grads["dA1"]``.
    """
    print("dW1 = " + str(grads["dW1"]))
    print("db1 = " + str(grads["db1"]))
    print("dA1 = " + str(grads[da_key]))
