#!/usr/bin/env bash
# Run every check CI runs: lint, format, layer contracts, types, and the test suite.
#   bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
source scripts/_system.sh
ensure_system_packages
ensure_venv "test"

echo "==> ruff (lint and format)"
.venv/bin/ruff check src tests notebooks benchmarks
.venv/bin/ruff format --check src tests notebooks benchmarks
echo "==> import-linter (layers point downward; private modules stay in their package)"
PYTHONPATH=src .venv/bin/lint-imports --no-cache
echo "==> mypy"
.venv/bin/mypy
echo "==> pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    # pytest's "no tests collected": nothing failed, but say so loudly.
    echo "pytest collected no tests (exit 5); treating as success" >&2
    exit 0
fi
exit "$status"
