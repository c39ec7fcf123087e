#!/usr/bin/env bash
# `make demo`: set up .venv if needed, then run the simulated morning end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_collector_venv
exec .venv/bin/hrv-collector demo "$@"
