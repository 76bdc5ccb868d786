"""Course stand-in for ``dnn_utils``: the activation helpers of the oldest and newest versions.

It has the name of our own student module and exactly its contents (``sigmoid``, ``relu``,
``sigmoid_backward``, ``relu_backward``, the course's conventions): a re-export, so that the
course folder can come first on ``sys.path`` without hiding anything (see ``_course_support``).
"""

from __future__ import annotations

import _course_support as _support

__course_shim__ = True
__all__ = [*_support.re_export(globals(), _support.ours("dnn_utils"))]  # noqa: PLE0604 (computed)
