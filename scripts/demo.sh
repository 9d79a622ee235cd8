#!/usr/bin/env bash
# Quickstart: set everything up and run the demo on bundled sample data.
#   bash scripts/demo.sh            -> reports under ./workbench-demo/runs/*/report.html
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv ""
# --force recreates only a folder that `workbench demo` made itself.
.venv/bin/workbench demo --out workbench-demo --force
