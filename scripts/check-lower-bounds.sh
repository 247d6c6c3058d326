#!/usr/bin/env bash
# Checks the lower bounds in pyproject.toml: installs every runtime dependency at its lowest
# allowed version (uv's --resolution lowest-direct, wheels only) into a separate virtual
# environment, quartier itself with --no-deps, and runs a representative subset of the tests
# there (load, compute, report, export, edition store, boundaries). Not run in CI: it downloads
# old wheels and takes minutes.
#
#   bash scripts/check-lower-bounds.sh                 # venv in /tmp/lowvenv, default tests
#   LOWVENV=/tmp/x PYTHON=python3.11 bash scripts/check-lower-bounds.sh tests/test_compute.py
#   EXTRAS="dask osm" bash scripts/check-lower-bounds.sh  # also these extras and their tests
#
# A bound with no wheel for this Python resolves to the first release that has one; the script
# prints every package installed above its stated bound so that the bound can be raised.
# Transitive dependencies get their newest versions that fit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
LOWVENV="${LOWVENV:-/tmp/lowvenv}"

EXTRAS="${EXTRAS:-}"

requirements=$(EXTRAS="$EXTRAS" "$PYTHON" - <<'EOF'
import os
import tomllib

with open("pyproject.toml", "rb") as file:
    project = tomllib.load(file)["project"]
extras = project["optional-dependencies"]
# pytest runs the tests; the other test extras (access, tobler, ...) are not needed here
requirements = project["dependencies"] + [r for r in extras["test"] if r.startswith("pytest")]
for extra in os.environ["EXTRAS"].split():
    requirements += extras[extra]
for requirement in dict.fromkeys(requirements):
    print(requirement)
EOF
)
printf '%s\n' "$requirements" > "$LOWVENV.requirements.txt"

rm -rf "$LOWVENV"
"$PYTHON" -m venv "$LOWVENV"
"$LOWVENV/bin/python" -m pip install --quiet --upgrade pip uv
# pyarrow (for dask's dataframes) from 26 on needs NumPy 2 without saying so in its metadata
echo "pyarrow<26" > "$LOWVENV.constraints.txt"
"$LOWVENV/bin/uv" pip install --quiet --python "$LOWVENV/bin/python" --only-binary :all: \
  --resolution lowest-direct -r "$LOWVENV.requirements.txt" -c "$LOWVENV.constraints.txt"
"$LOWVENV/bin/uv" pip install --quiet --python "$LOWVENV/bin/python" --no-deps -e .

# every direct dependency: stated bound and installed version
"$LOWVENV/bin/python" - "$LOWVENV.requirements.txt" <<'EOF'
import re
import sys
from importlib.metadata import version

from packaging.version import Version

print(f"{'package':<18} {'bound':>8} {'installed':>10}")
for line in open(sys.argv[1], encoding="utf-8").read().split():
    name, bound = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[.*\])?>=(.+)", line).groups()
    installed = version(name)
    note = "" if Version(installed) == Version(bound) else "  <- above the bound"
    print(f"{name:<18} {bound:>8} {installed:>10}{note}")
EOF

if [ "$#" -eq 0 ]; then
  set -- tests/test_load_population.py tests/test_load_facilities.py tests/test_load_tables.py \
    tests/test_compute.py tests/test_judgements.py tests/test_status_index.py \
    tests/test_report.py tests/test_export.py tests/test_edition_store.py \
    tests/test_edition_boundaries.py src/quartier/editions/boundaries.py
  case " $EXTRAS " in *" dask "*) set -- "$@" tests/test_scale_dask.py ;; esac
  case " $EXTRAS " in *" osm "*) set -- "$@" tests/test_osm.py tests/test_osm_extract.py ;; esac
fi
exec "$LOWVENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
