#!/usr/bin/env bash
# Installs the browser test tools (axe-core for accessibility checks, puppeteer-core to drive
# Debian's chromium) into a cache folder outside the repository and prints that folder.
# The report tests use it when node and npm exist; without them they are skipped.
#   QUARTIER_BROWSER_TOOLS  folder to install into (default: ~/.cache/quartier-browser-tools)
set -euo pipefail
folder="${QUARTIER_BROWSER_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/quartier-browser-tools}"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: the accessibility and print tests will be skipped" >&2
  exit 1
fi
if [ ! -f "$folder/node_modules/axe-core/axe.min.js" ] \
   || [ ! -f "$folder/node_modules/puppeteer-core/package.json" ]; then
  mkdir -p "$folder"
  npm install --prefix "$folder" --no-audit --no-fund --loglevel=error \
    axe-core@4.10 puppeteer-core@24 >&2
fi
echo "$folder"
