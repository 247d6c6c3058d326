#!/usr/bin/env bash
# Sets quartier up in .venv/ and builds the sample report (reports/musterstadt/2025/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/quartier validate --quiet data/sample/quartier.toml
.venv/bin/quartier report data/sample/quartier.toml
