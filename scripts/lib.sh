# Shared helpers for scripts/test.sh and scripts/demo.sh (sourced, not run).
# Every step here is idempotent: a venv is rebuilt only when its inputs change.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# find_python 3.13 -> path of a working python3.13 (pyenv's install on these machines,
# or any python3.13 on PATH).
find_python() {
    local want="$1" candidate
    for candidate in "/root/.pyenv/versions/${want}.0/bin/python${want}" \
                     /root/.pyenv/versions/${want}.*/bin/python${want} \
                     "$(command -v "python${want}" 2>/dev/null)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import sys' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python ${want} not found (looked in /root/.pyenv/versions and PATH)" >&2
    return 1
}

# ensure_venv DIR PYTHON STAMP_INPUTS... -- PIP_ARGS...
# Creates DIR with PYTHON and runs `pip install PIP_ARGS` when the hash of the
# stamp inputs changed since the last successful install.
ensure_venv() {
    local dir="$1" python="$2"; shift 2
    local inputs=()
    while [ "$1" != "--" ]; do inputs+=("$1"); shift; done
    shift
    local digest
    digest=$(cat "${inputs[@]}" | sha256sum | cut -c1-16)
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$digest" ]; then
        return 0
    fi
    log "setting up $dir ($("$python" --version)); pip's output goes to $dir.log"
    rm -rf "$dir"
    "$python" -m venv "$dir"
    if ! { "$dir/bin/python" -m pip install --quiet --upgrade pip \
           && "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"; } \
           > "$dir.log" 2>&1; then
        grep -v '^WARNING: Location' "$dir.log" | tail -40 >&2
        echo "error: installing $dir failed (full log: $dir.log)" >&2
        return 1
    fi
    echo "$digest" > "$dir/.stamp"
}

# ensure_debian_binary BINARY PACKAGE: installs the Debian package if the binary is missing.
ensure_debian_binary() {
    local binary="$1" package="$2"
    if command -v "$binary" >/dev/null 2>&1 || [ -x "/usr/sbin/$binary" ] || [ -x "/usr/bin/$binary" ]; then
        return 0
    fi
    log "installing Debian package $package (for $binary)"
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: $binary is missing; install it with: sudo apt-get install $package" >&2
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
}

ensure_collector_venv() {
    local py313
    py313=$(find_python 3.13)
    ensure_venv .venv "$py313" requirements/collector-dev.txt -- \
        -r requirements/collector-dev.txt
    # Editable (src/ layout: the tests import the installed package, never the working
    # tree), installed after the pins with --no-deps so pip does not re-resolve them.
    .venv/bin/python -m pip install --quiet --no-deps -e . >> .venv.log 2>&1
}

# built_wheel -> path of the one wheel in dist/ (built by build_dist).
built_wheel() {
    local wheels=(dist/hrv_readiness-*.whl)
    if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
        echo "error: expected exactly one wheel in dist/, found: ${wheels[*]}" >&2
        return 1
    fi
    echo "${wheels[0]}"
}

# build_dist: sdist, wheel and the HACS zip into dist/ (`make dist`).
build_dist() {
    ensure_collector_venv
    rm -rf dist build
    log "building sdist and wheel into dist/"
    .venv/bin/python -m build --outdir dist . > .venv-build.log 2>&1 \
        || { tail -30 .venv-build.log >&2; echo "error: build failed (log: .venv-build.log)" >&2; return 1; }
    .venv/bin/python scripts/build_hacs_zip.py --out dist
    ls -1 dist >&2
}

# The collector tests on Python 3.11 run against the built wheel, not the source tree.
ensure_collector_venv_311() {
    local py311 wheel
    py311=$(find_python 3.11)
    wheel=$(built_wheel)
    ensure_venv .venv311 "$py311" requirements/collector-py311.txt -- \
        -r requirements/collector-py311.txt
    .venv311/bin/python -m pip install --quiet --no-deps --force-reinstall "$wheel" >> .venv311.log 2>&1
}

# Home Assistant's test environment: HA with its own constraints, then the library from
# the built wheel *with its dependencies under HA's constraints*, as HA installs the
# manifest's requirement; any conflict with HA's pins fails here.
ensure_ha_venv() {
    local py313 wheel
    py313=$(find_python 3.13)
    wheel=$(built_wheel)
    ensure_venv .venv-ha "$py313" requirements/ha-test.txt requirements/ha-constraints.txt -- \
        -c requirements/ha-constraints.txt -r requirements/ha-test.txt
    .venv-ha/bin/python -m pip uninstall --quiet --yes hrv-readiness >> .venv-ha.log 2>&1 || true
    if ! .venv-ha/bin/python -m pip install --quiet --disable-pip-version-check \
            -c requirements/ha-constraints.txt "$wheel" >> .venv-ha.log 2>&1; then
        tail -20 .venv-ha.log >&2
        echo "error: $wheel does not install under Home Assistant's constraints" >&2
        return 1
    fi
    if ! .venv-ha/bin/python -m pip check >&2; then
        echo "error: the library's requirements conflict with Home Assistant's environment" >&2
        return 1
    fi
}
