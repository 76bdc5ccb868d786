"""Which notebook format a submission follows, and the one thing that changes its judging.

Besides this project's own notebook, instructors grade notebooks written against the course's
own published notebook, which exists in several versions (see ``grader/assets/course``). They
differ in their helper modules, which the worker provides for all of them, and in one
instruction of the ``L_model_backward`` template: where the gradient with respect to A[l] goes.

- This project's notebook, and the course's versions 4, 4a and the newest one, say
  ``grads["dA" + str(l)]`` (``dA0`` .. ``dA<L-1>``): the "ours" convention.
- The course's oldest version, version 2 and version 3 say ``grads["dA" + str(L)]`` for the
  output layer's ``dA_prev`` and ``grads["dA" + str(l + 1)]`` in the loop (``dA1`` .. ``dA<L>``):
  the "shifted" convention.

A notebook written for a version whose template instructs the shifted keys is not failed for
following them: its ``L_model_backward`` passes with either convention applied consistently to
every layer (the dW and db keys are the same in both). Any other notebook keeps requiring ours,
and the "dA keys shifted" diagnosis stays for it.

**How the version is recognised**, from the notebook's import statements (any code cell):

- ``testCases_v2`` or ``testCases_v3`` imported: version 2 or 3 (shifted keys allowed);
- ``testCases`` imported, ``public_tests`` not, and ``h5py`` or ``matplotlib`` imported: the
  oldest version (shifted keys allowed). This project's notebook imports ``public_tests`` and
  neither library; so does the newest course version, which also imports ``public_tests``;
- anything else: ours only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Literal

DAConvention = Literal["ours", "shifted"]

# Student code is untrusted: each pattern below runs in time linear in the line's length (one
# character class repeated, or a literal after a class that cannot match its first letter).
_FROM = re.compile(r"\s*from\s+([\w.]+)\s+import\b")
_NAME_LIST = re.compile(r"[\w.,\s]+")
_SHIFTED_MODULES = frozenset({"testCases_v2", "testCases_v3"})
_COURSE_LIBRARIES = frozenset({"h5py", "matplotlib"})

#: How a report names the shifted convention.
SHIFTED_NOTE = (
    "dA keys read in the course's older convention: grads['dA' + str(l + 1)] holds the "
    "gradient with respect to A[l], as this notebook's version of the course instructs"
)


def imported_modules(sources: Iterable[str]) -> set[str]:
    """Top-level names of the modules the code imports (``import a.b as c`` gives ``a``)."""
    found: set[str] = set()
    for source in sources:
        found.update(_source_imports(source))
    return found


@functools.lru_cache(maxsize=256)
def _source_imports(source: str) -> frozenset[str]:
    """The modules one cell imports. Cached: a report asks twice per notebook, and a batch
    grades many notebooks whose cells are the same."""
    return frozenset(name for line in source.splitlines() for name in _line_imports(line))


def _line_imports(line: str) -> list[str]:
    """The modules one line imports: ``from a.b import c`` gives ``a``; ``import a.b as c, d``
    gives ``a`` and ``d``; any other line, nothing."""
    match = _FROM.match(line)
    if match is not None:
        return [match.group(1).split(".")[0]]
    stripped = line.lstrip()
    rest = stripped[len("import") :]
    if not (stripped.startswith("import") and rest[:1].isspace()):
        return []
    if _NAME_LIST.fullmatch(rest) is None:
        return []
    first_words = (part.split()[:1] for part in rest.split(","))
    return [words[0].split(".")[0] for words in first_words if words]


def shifted_keys_allowed(sources: Iterable[str]) -> bool:
    """Whether the notebook follows a course version whose template shifts the dA keys."""
    modules = imported_modules(sources)
    if modules & _SHIFTED_MODULES:
        return True
    return (
        "testCases" in modules
        and "public_tests" not in modules
        and bool(modules & _COURSE_LIBRARIES)
    )


def _layer_count(grads: dict[Any, Any]) -> int:
    return sum(1 for k in grads if isinstance(k, str) and re.fullmatch(r"dW[1-9]\d*", k))


def read_shifted(value: Any) -> tuple[Any, DAConvention | None]:
    """``L_model_backward``'s grads with the dA keys in our convention, and the convention
    they were written in (None: neither one consistently, left as it was)."""
    if type(value) is not dict:
        return value, None
    layers = _layer_count(value)
    da_keys = {k for k in value if isinstance(k, str) and re.fullmatch(r"dA\d+", k)}
    if layers == 0 or not da_keys:
        return value, None
    if da_keys == {f"dA{l}" for l in range(layers)}:
        return value, "ours"
    if da_keys == {f"dA{l + 1}" for l in range(layers)}:
        renamed = {(f"dA{int(k[2:]) - 1}" if k in da_keys else k): v for k, v in value.items()}
        return renamed, "shifted"
    return value, None
