"""``python -m grader``: the ``grader`` command (``python -m grader --version``, ``check``...).

``python -m`` puts the current folder first on ``sys.path``: a ``numpy.py`` or ``json.py``
there (a student's file, in a folder of submissions) would be imported in place of the real
module. That entry comes off before anything else is imported. (A ``grader.py`` there is
found before this package itself: run ``grader`` or ``python -I -m grader`` in such folders.)
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from grader.cli import run

run()
