"""Course stand-in for ``testCases``, the test-case module of the oldest and newest versions.

Everything this project's generated ``testCases`` exports (the published inputs, drawn from
the same seeds), plus what this version's check cells call on top of it:

- ``L_model_forward_test_case()``: the one-hidden-layer forward case (seed 1).

This module has the name of our own student module: it is a superset of it (see
``_course_support``), so notebooks of this project's format work with it too.

The newest version changed two of its cases (``compute_cost_test_case`` with labels [1, 1, 0],
``linear_backward_test_case`` with dZ of shape (3, 4)); here they keep this project's published
inputs, so those two demo cells print other numbers than the newest notebook's text shows. The
grading never uses them.
"""

from __future__ import annotations

import _course_support as _support

__course_shim__ = True
__all__ = [*_support.re_export(globals(), _support.ours("testCases"))]  # noqa: PLE0604 (computed)

L_model_forward_test_case = _support.L_model_forward_test_case


__all__ += ["L_model_forward_test_case"]
