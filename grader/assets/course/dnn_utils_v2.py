"""Course stand-in for ``dnn_utils_v2``: the activation helpers of versions 2 to 4a.

The course's module gives ``sigmoid``, ``relu`` (each returning ``(A, Z)``) and
``sigmoid_backward``, ``relu_backward`` (``dZ`` from ``dA`` and the cached ``Z``): the same four
functions, with the same conventions, as this project's ``dnn_utils``, which this re-exports.
"""

from __future__ import annotations

import _course_support as _support

__course_shim__ = True
__all__ = [*_support.re_export(globals(), _support.ours("dnn_utils"))]  # noqa: PLE0604 (computed)
