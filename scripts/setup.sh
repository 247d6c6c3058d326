#!/usr/bin/env bash
# Sets quartier up in .venv/ and builds the sample report: first the 2024 edition, then 2025
# into the same edition store, so reports/musterstadt/2025/index.html shows the changes chapter.
set -euo pipefail
# the notebooks extra brings Jupyter, so notebooks/ can be opened right away
QUARTIER_EXTRAS="[notebooks]"
source "$(dirname "$0")/_venv.sh"
.venv/bin/quartier validate --quiet data/sample/quartier.toml
.venv/bin/quartier report data/sample/quartier.toml --edition 2024 --replace
.venv/bin/quartier report data/sample/quartier.toml --edition 2025 --replace
