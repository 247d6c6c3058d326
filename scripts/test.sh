#!/usr/bin/env bash
# Sets quartier up in .venv/ with the test extra (which includes the notebooks extra) and runs
# the whole test suite.
set -euo pipefail
QUARTIER_EXTRAS="[test]"
source "$(dirname "$0")/_venv.sh"
exec .venv/bin/python -m pytest "$@"
