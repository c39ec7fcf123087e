#!/usr/bin/env bash
# The built wheel as a Raspberry Pi user installs it: a clean virtual environment per
# Python (3.11, 3.13), `hrv-readiness[collector,plot]` from dist/ under the pinned runtime
# constraints (requirements/runtime.txt), then the installed `hrv-collector` is run from
# outside the source tree: --version, and `run --check` on config.example.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

wheel=$(realpath "$(built_wheel)")
example=$(realpath config.example.yaml)
constraints=$(realpath requirements/runtime.txt)
version=$(.venv/bin/python -c 'import hrv_readiness; print(hrv_readiness.__version__)')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for want in 3.11 3.13; do
    python=$(find_python "$want")
    venv="$work/venv$want"
    log "clean venv on Python $want: pip install -c requirements/runtime.txt '$(basename "$wheel")[collector,plot]'"
    "$python" -m venv "$venv"
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            -c "$constraints" "$wheel[collector,plot]" > "$work/pip$want.log" 2>&1; then
        tail -20 "$work/pip$want.log" >&2
        echo "error: the wheel does not install on Python $want" >&2
        exit 1
    fi
    cd "$work"  # nothing of the source tree is importable from here
    printed=$("$venv/bin/hrv-collector" --version)
    echo "$printed"
    [ "$printed" = "hrv-collector $version" ] || { echo "error: expected hrv-collector $version" >&2; exit 1; }
    "$venv/bin/hrv-collector" run --check --config "$example"
    if "$venv/bin/python" -c 'import collector' 2>/dev/null; then
        echo "error: a top-level 'collector' package is importable from the wheel" >&2
        exit 1
    fi
    cd - > /dev/null
done
echo "wheel check: 2 passed, 0 failed"
