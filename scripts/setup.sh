#!/usr/bin/env bash
# Sets quartier up in .venv/ and builds the sample report (reports/musterstadt/2025/index.html).
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
.venv/bin/quartier validate --quiet data/sample/quartier.toml
.venv/bin/quartier report data/sample/quartier.toml --replace
