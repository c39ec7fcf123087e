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
    ensure_venv .venv "$py313" requirements/collector-dev.txt pyproject.toml -- \
        -r requirements/collector-dev.txt -e . --no-deps
}

ensure_collector_venv_311() {
    local py311
    py311=$(find_python 3.11)
    ensure_venv .venv311 "$py311" requirements/collector-py311.txt pyproject.toml -- \
        -r requirements/collector-py311.txt
    # Installed separately: --no-deps keeps pip from re-resolving the pins.
    .venv311/bin/python -m pip install --quiet --no-deps -e . >> .venv311.log 2>&1
}

ensure_ha_venv() {
    local py313
    py313=$(find_python 3.13)
    ensure_venv .venv-ha "$py313" requirements/ha-test.txt requirements/ha-constraints.txt pyproject.toml -- \
        -c requirements/ha-constraints.txt -r requirements/ha-test.txt
    .venv-ha/bin/python -m pip install --quiet --no-deps -e . >> .venv-ha.log 2>&1
}
