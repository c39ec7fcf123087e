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
    local py313
    py313=$(find_python 3.13)
    install_ha_venv .venv-ha "$py313" requirements/ha-test.txt requirements/ha-constraints.txt
}

# install_ha_venv DIR PYTHON TEST_REQUIREMENTS CONSTRAINTS: HA's test venv and the wheel.
install_ha_venv() {
    local dir="$1" python="$2" requirements="$3" constraints="$4" wheel
    wheel=$(built_wheel)
    ensure_venv "$dir" "$python" "$requirements" "$constraints" -- \
        -c "$constraints" -r "$requirements"
    "$dir/bin/python" -m pip uninstall --quiet --yes hrv-readiness >> "$dir.log" 2>&1 || true
    if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check \
            -c "$constraints" "$wheel" >> "$dir.log" 2>&1; then
        tail -20 "$dir.log" >&2
        echo "error: $wheel does not install under Home Assistant's constraints" >&2
        return 1
    fi
    if ! "$dir/bin/python" -m pip check >&2; then
        echo "error: the library's requirements conflict with Home Assistant's environment" >&2
        return 1
    fi
}

# The current Home Assistant (2026.10.4 harness) on Python 3.14 from the sid root:
# .venv-ha-current lives in the clone but only runs inside the root (in_sid_root).
ensure_ha_current_venv() {
    ensure_sid_root
    in_sid_root bash -c 'source scripts/lib.sh && python_at_least /usr/bin/python3 3.14.2 &&
        install_ha_venv .venv-ha-current /usr/bin/python3 \
            requirements/ha-current-test.txt requirements/ha-current-constraints.txt'
}

# The real `hass` of the current release (2026.11.0) for tests/e2e, in the sid root:
# everything its components need, but not the library (hass installs that itself).
ensure_hass_venv() {
    ensure_sid_root
    in_sid_root bash -c 'source scripts/lib.sh && python_at_least /usr/bin/python3 3.14.2 &&
        ensure_venv .venv-hass /usr/bin/python3 \
            requirements/hass-e2e.txt requirements/hass-e2e-constraints.txt -- \
            -c requirements/hass-e2e-constraints.txt -r requirements/hass-e2e.txt &&
        .venv-hass/bin/python -m pip check >&2'
}

# python_at_least PYTHON X.Y.Z: fails with a clear message when PYTHON is older.
python_at_least() {
    "$1" -c "import sys; v = tuple(map(int, '$2'.split('.')));
sys.exit(0 if sys.version_info[:3] >= v else
         f'error: {sys.executable} is {sys.version.split()[0]}, Home Assistant needs >= $2')"
}

# ---------------------------------------------------------------------------------------
# The current Home Assistant needs Python >= 3.14.2, which these machines only have from
# Debian's own packages: a Debian sid root made with debootstrap from the Debian mirror
# already configured in /etc/apt, cached outside the clone (a fresh machine builds it
# with the same function). Commands run in it through `in_sid_root`, in a private mount
# namespace (unshare), so the bind mounts vanish with the command and parallel runs from
# several clones do not step on each other.
SID_ROOT="${HRV_SID_ROOT:-/var/cache/hrv-readiness/sid-root}"
# python3 (3.14 in sid), venv and a compiler (for a dependency without a 3.14 wheel), the
# broker and the D-Bus daemon the tests start, the CA bundle. Changing it rebuilds the
# root. The browser of the real-browser check runs outside (Debian's chromium on the host).
SID_PACKAGES="python3,python3-venv,python3-dev,build-essential,ca-certificates,mosquitto,dbus-daemon"

# debian_mirror -> the Debian archive URI configured in /etc/apt (deb822 or one-line).
debian_mirror() {
    local uri
    uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
              /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -1 | tr -d ' ')
    if [ -z "$uri" ]; then
        echo "error: no Debian mirror configured in /etc/apt" >&2
        return 1
    fi
    echo "$uri"
}

ensure_sid_root() {
    local stamp digest mirror tmp
    stamp="$SID_ROOT/.hrv-readiness-stamp"
    digest=$(printf '%s' "$SID_PACKAGES" | sha256sum | cut -c1-16)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: building the Debian sid root needs root (debootstrap, chroot)" >&2
        return 1
    fi
    mkdir -p "$(dirname "$SID_ROOT")"
    (
        flock 9
        if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then exit 0; fi
        command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] \
            || ensure_debian_binary debootstrap debootstrap || exit 1
        mirror=$(debian_mirror) || exit 1
        tmp="$SID_ROOT.tmp"
        rm -rf "$tmp"
        log "building a Debian sid root in $SID_ROOT from $mirror (log: $SID_ROOT.log)"
        # The .debs are kept, so a rebuild (a changed package list) downloads only
        # what changed.
        mkdir -p "$SID_ROOT.debs"
        if ! PATH="$PATH:/usr/sbin" debootstrap --variant=minbase --include="$SID_PACKAGES" \
                --cache-dir="$SID_ROOT.debs" sid "$tmp" "$mirror" > "$SID_ROOT.log" 2>&1; then
            tail -20 "$SID_ROOT.log" >&2
            echo "error: debootstrap failed (log: $SID_ROOT.log)" >&2
            exit 1
        fi
        rm -rf "$SID_ROOT"
        mv "$tmp" "$SID_ROOT"
        echo "$digest" > "$stamp"
    ) 9> "$SID_ROOT.lock"
}

# in_sid_root COMMAND...: runs COMMAND inside the sid root (scripts/in_sid_root.sh).
in_sid_root() {
    SID_ROOT="$SID_ROOT" bash scripts/in_sid_root.sh "$@"
}
