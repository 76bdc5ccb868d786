#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image: install the
# grader (the wheel beside this script, with its case bundles and student helper files) and
# what grading needs into the image's python3, the first on PATH; then make the worker's user
# and keep it away from the grader's files.
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
# Only what grading needs (numpy, h5py, nbformat and theirs): not the HTML report's nbconvert
# nor the class report's matplotlib, which run_autograder never uses.
python3 -m pip install --no-cache-dir --no-deps "$here/@WHEEL@"
python3 -m pip install --no-cache-dir @REQUIREMENTS@

if [ "$(id -u)" = 0 ]; then
    # The user student code runs as (the worker drops to it; without it, to nobody). Only
    # on Gradescope itself: a trial run with AUTOGRADER_ROOT leaves the machine's users alone.
    if [ -z "${AUTOGRADER_ROOT:-}" ] && ! id -u dnn-grader >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin dnn-grader ||
            echo "setup.sh: could not add the user dnn-grader; student code will run as nobody" >&2
    fi
    # Hidden cases and the solution's code readable by root only; the package by no one else.
    python3 -I -c 'from grader.autograder import protect_installation; protect_installation()'
fi
python3 -I -m grader --version
