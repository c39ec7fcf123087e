#!/usr/bin/env bash
# `make demo`: the simulated household morning end to end, from a runtime-only
# environment: the package with its [collector,plot] extras, pinned by
# requirements/runtime.txt (no mypy, ruff or pytest; those are for `make test`).
#   PYTHON=python3.11 make demo          choose the interpreter (default: 3.13, else 3.11)
#   make demo ARGS="--days 1"            options of `hrv-collector demo`
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
python="${PYTHON:-}"
if [ -z "$python" ]; then
    python=$(find_python 3.13 2>/dev/null || find_python 3.11)
fi
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=".venv-demo-$version"
ensure_venv "$venv" "$python" requirements/runtime.txt pyproject.toml -- \
    -c requirements/runtime.txt -e ".[collector,plot]"
exec "$venv/bin/hrv-collector" demo "$@"
