"""Course stand-in for ``testCases_v4``, the test-case module of version 4 (with `dnn_utils_v2`).

Everything this project's generated ``testCases`` exports (the published inputs, drawn from
the same seeds), plus what this version's check cells call on top of it:

- ``print_grads(grads)``: prints dW1, db1 and dA1 (``grads["dA1"]``, the gradient with
  respect to A[1]: this version's template uses the same keys as this project).
"""

from __future__ import annotations

from typing import Any

import _course_support as _support

__course_shim__ = True
__all__ = [*_support.re_export(globals(), _support.ours("testCases"))]  # noqa: PLE0604 (computed)


def print_grads(grads: Any) -> None:
    """Print the first layer's gradients the way this version's check cell shows them."""
    _support.print_first_layer_grads(grads, "dA1")


__all__ += ["print_grads"]
