# Sourced by setup.sh and test.sh: creates .venv/ once and installs quartier with the extras
# named in QUARTIER_EXTRAS (e.g. "[test]").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${QUARTIER_EXTRAS:-}"
