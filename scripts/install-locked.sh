#!/usr/bin/env bash
# Install hash-locked requirements into a venv exactly, with no dependency resolution:
#   scripts/install-locked.sh VENV_PYTHON LOCK [LOCK...]
# 1. pip and setuptools from requirements-pip.lock, installed by whatever pip the venv came with
#    (wheels only, hashes checked), so the steps below run the pinned pip on every machine;
# 2. each lock with --no-deps: pip installs exactly the listed files (hashes checked) and resolves
#    nothing, so no release made after the lock can change what is installed; the one sdist in the
#    lock is built with the pinned setuptools (--no-build-isolation), not a freshly fetched one;
# 3. pip check: the locks together satisfy every installed package's requirements.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="$1"
shift
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
  --only-binary :all: -r "$repo/requirements-pip.lock"
for lock in "$@"; do
  "$python" -m pip install --quiet --no-deps --require-hashes --no-build-isolation -r "$lock"
done
"$python" -m pip check
