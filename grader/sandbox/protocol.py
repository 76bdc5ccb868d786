"""What both sides of the wall agree on, beyond the framing and the codec.

Imported by the worker (which seeds numpy before each call to student code) and by the
grader's process (which seeds the same way before replaying a catalogued mistake), so that a
student's random draws and a mistake's draws start from the same state.
"""

from __future__ import annotations

#: Seed of numpy's legacy global generator (and ``random``) before every call to student code.
CALL_SEED = 20240607
