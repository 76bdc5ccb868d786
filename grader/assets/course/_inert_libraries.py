"""Inert stand-ins for the plotting and data libraries the course's notebooks import.

Every version of the course's notebook starts with ``import h5py`` and
``import matplotlib.pyplot as plt`` (and sets ``plt.rcParams[...]``); students often paste the
application notebook's ``from PIL import Image`` and ``from scipy import ndimage`` too. None of
it matters to the graded functions, and the real libraries are costly where grading runs:
importing ``matplotlib.pyplot`` takes 340 to 490 ms and 41 MB per process, scipy with
``ndimage`` 160 ms more (measured with matplotlib 3.11, scipy 1.17, Pillow 13, h5py 3.16 on the
grading machine); matplotlib and scipy are not even dependencies of the grader.

So importing this module installs an import hook that answers every import of ``matplotlib``,
``h5py``, ``PIL`` and ``scipy`` (and of any of their submodules) with an :class:`InertModule`:
any attribute of it is an :class:`Inert` object, which can be called, indexed, assigned into,
iterated (as nothing), used as a context manager and compared, and always gives another inert
object. ``plt.rcParams['figure.figsize'] = (5.0, 4.0)``, ``plt.plot(x); plt.show()`` and
``from scipy import ndimage`` all run and do nothing. A notebook therefore grades exactly as it
would without those lines.

Standard library only. The grader's worker imports it once, in the zygote, before any student
code; importing it elsewhere changes only the imports of those four libraries.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

#: The top-level packages answered by stand-ins.
STAND_INS = ("matplotlib", "h5py", "PIL", "scipy")


class Inert:
    """Does nothing, whatever is asked of it, and gives back another inert object."""

    def __init__(self, name: str = "inert") -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, name: str) -> Inert:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Inert(f"{self._name}.{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Inert:
        return Inert(f"{self._name}()")

    def __getitem__(self, key: Any) -> Inert:
        return Inert(f"{self._name}[]")

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def __delitem__(self, key: Any) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return False

    def __enter__(self) -> Inert:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return f"<inert stand-in {self._name}>"


class InertModule(ModuleType):
    """A module whose every public attribute is an :class:`Inert` object."""

    __course_shim__ = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = Inert(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class _InertLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return InertModule(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        module.__path__ = []  # a package, so that any submodule can be imported from it
        parent, _, child = module.__name__.rpartition(".")
        if parent and parent in sys.modules:
            setattr(sys.modules[parent], child, module)


class InertFinder(importlib.abc.MetaPathFinder):
    """Finds every module of :data:`STAND_INS` first, and gives the inert stand-in."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] not in STAND_INS:
            return None
        return importlib.machinery.ModuleSpec(fullname, _InertLoader(), is_package=True)


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once) and drop any real copy already loaded."""
    if not any(isinstance(f, InertFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, InertFinder())
    for name in list(sys.modules):
        if name.partition(".")[0] in STAND_INS and not isinstance(sys.modules[name], InertModule):
            del sys.modules[name]


install()
