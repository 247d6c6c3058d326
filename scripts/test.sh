#!/usr/bin/env bash
# Sets quartier up in .venv/ with the test extra (which includes the notebooks extra) and runs
# the whole test suite, spread over up to four processes (pytest-xdist; each test module stays
# in one process, so its module fixtures are built once). Arguments go to pytest; with -n or
# --pdb of your own, or QUARTIER_SERIAL=1, the tests run in one process.
set -euo pipefail
QUARTIER_EXTRAS="[test]"
source "$(dirname "$0")/_venv.sh"
parallel=(-n auto --maxprocesses=4 --dist loadfile)
if [[ "${QUARTIER_SERIAL:-0}" == "1" ]]; then parallel=(); fi
for argument in "$@"; do
  case "$argument" in -n|-n*|--numprocesses*|--pdb|--trace) parallel=() ;; esac
done
exec .venv/bin/python -m pytest "${parallel[@]}" "$@"
