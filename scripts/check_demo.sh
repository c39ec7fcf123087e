#!/usr/bin/env bash
# `make demo` in an empty clone of the committed tree, on Python 3.11 and 3.13: the
# newcomer's first command must work from a fresh checkout on the Pi's Python too.
# A first morning (--days 1) at high speed keeps it short; no broker is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet . "$work/clone"
for version in 3.11 3.13; do
    python=$(find_python "$version")
    log "make demo in an empty clone on Python $version"
    (cd "$work/clone" && PYTHON="$python" make demo ARGS="--days 1 --speed 400 --mqtt-port 9") \
        > "$work/demo-$version.log" 2>&1 || { tail -30 "$work/demo-$version.log" >&2; exit 1; }
    grep -q "readiness  building baseline" "$work/demo-$version.log" \
        || { tail -30 "$work/demo-$version.log" >&2; echo "error: no verdict on $version" >&2; exit 1; }
    if "$work/clone/.venv-demo-$version/bin/python" -c 'import pytest' 2>/dev/null \
        || [ -e "$work/clone/.venv-demo-$version/bin/mypy" ]; then
        echo "error: the demo environment on $version holds the dev toolchain" >&2
        exit 1
    fi
done
