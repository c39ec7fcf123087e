#!/usr/bin/env bash
# `make bench-*`: run a benchmark script in the collector venv.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_collector_venv
exec .venv/bin/python "$@"
