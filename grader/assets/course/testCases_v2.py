"""Course stand-in for ``testCases_v2``, the test-case module of version 2 (with `dnn_utils_v2`).

Everything this project's generated ``testCases`` exports (the published inputs, drawn from
the same seeds), plus what this version's check cells call on top of it:

- ``L_model_forward_test_case()``: the one-hidden-layer forward case (seed 1).
"""

from __future__ import annotations

import _course_support as _support

__course_shim__ = True
__all__ = [*_support.re_export(globals(), _support.ours("testCases"))]  # noqa: PLE0604 (computed)

L_model_forward_test_case = _support.L_model_forward_test_case


__all__ += ["L_model_forward_test_case"]
