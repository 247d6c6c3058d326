#!/usr/bin/env bash
# Static checks of the source, run by .ci/run before the tests (a developer running a subset of
# the tests with scripts/test.sh does not wait for them). Sets .venv/ up like test.sh.
#   ruff: the lint rules ([tool.ruff.lint] in pyproject.toml) on the source, tests, benchmarks
#         and scripts
#   mypy: the type hints of src/quartier ([tool.mypy] in pyproject.toml)
set -euo pipefail
QUARTIER_EXTRAS="[test]"
source "$(dirname "$0")/_venv.sh"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/python -m mypy
