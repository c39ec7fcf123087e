#!/usr/bin/env bash
# The one test command (`make test`): environments, broker binary, lint, types, tests.
# Exits non-zero on any failure and ends with the total passed/failed counts.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

set -e
build_dist
ensure_collector_venv_311
ensure_ha_venv
# The two Python 3.14 environments of the sid root install side by side (on a fresh
# machine each takes minutes, much of it waiting on downloads).
ensure_sid_root
ensure_ha_current_venv & current_venv=$!
ensure_hass_venv & hass_venv=$!
wait "$current_venv"
wait "$hass_venv"
ensure_debian_binary mosquitto mosquitto
ensure_debian_binary dbus-daemon dbus
ensure_debian_binary chromium chromium
set +e

export PATH="$PATH:/usr/sbin"
reports=$(mktemp -d)
failed_steps=()

step() {  # step NAME COMMAND...
    local name="$1"; shift
    log "$name"
    if ! "$@"; then
        failed_steps+=("$name")
    fi
}

step "release: the wheel in clean venvs (3.11, 3.13)" bash scripts/check_wheel.sh
step "make demo in an empty clone (3.11, 3.13)" bash scripts/check_demo.sh
step "ruff check" .venv/bin/ruff check .
step "ruff format --check" .venv/bin/ruff format --check .
step "mypy --strict src/" .venv/bin/mypy src
step "mypy --strict custom_components/ (Home Assistant 2026.10.4)" in_sid_root \
    .venv-ha-current/bin/mypy --config-file pyproject.toml --python-version 3.14 \
    custom_components/hrv_readiness
step "library tests (Python 3.13)" .venv/bin/python -m pytest tests/library \
    --junitxml="$reports/library-313.xml" --cov=hrv_readiness --cov-report=term:skip-covered -q
step "real export files: ../shared/realfiles against its PROVENANCE.md" \
    .venv/bin/python tests/support/realfiles.py
step "library tests (Python 3.11)" .venv311/bin/python -m pytest tests/library \
    --junitxml="$reports/library-311.xml" -q -p no:cacheprovider
step "integration tests (Home Assistant 2026.10.4, Python 3.14)" in_sid_root \
    .venv-ha-current/bin/python -m pytest -c tests/integration/pytest.ini tests/integration \
    --junitxml="$reports/integration-current.xml" -q \
    --cov=custom_components.hrv_readiness --cov-config=tests/integration/.coveragerc \
    --cov-report=term:skip-covered --cov-fail-under=95
step "integration tests (Home Assistant 2025.4.4, the oldest supported)" .venv-ha/bin/python \
    -m pytest -c tests/integration/pytest.ini tests/integration \
    --junitxml="$reports/integration-oldest.xml" -q
# The real `hass` of the current release runs in the sid root (Python 3.14); the test,
# the collector's demo and Debian's chromium run here and reach it on 127.0.0.1.
export HRV_E2E_HASS_PYTHON="bash $PWD/scripts/in_sid_root.sh $PWD/.venv-hass/bin/python"
step "real hass 2026.11.0: installs the wheel from a local index; a strap entry; the dashboard in Chromium" \
    .venv-ha/bin/python -m pytest -c tests/e2e/pytest.ini tests/e2e --junitxml="$reports/e2e.xml" -q

.venv/bin/python scripts/summarize_junit.py "$reports"/*.xml
if [ ${#failed_steps[@]} -gt 0 ]; then
    printf 'failed steps: %s\n' "${failed_steps[*]}"
    exit 1
fi
