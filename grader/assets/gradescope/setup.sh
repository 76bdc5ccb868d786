#!/usr/bin/env bash
# Gradescope runs this once, while it builds the autograder's image: install the grader (the
# wheel beside this script, with its case bundles and student helper files) and its
# dependencies into the image's python3, the first on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "setup.sh: the grader needs Python 3.10 or newer; this image has $(python3 --version 2>&1)." >&2
    echo "setup.sh: choose an Ubuntu 22.04 (or newer) base image in the autograder settings." >&2
    exit 1
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-pip
fi

# Gradescope builds as root outside any virtual environment, in images whose Python may be
# marked as managed by the system (Ubuntu 24.04): say that this is intended. Older pips
# ignore variables they do not know.
export PIP_ROOT_USER_ACTION=ignore PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install --no-cache-dir "$here/@WHEEL@"
python3 -m grader --version
