#!/usr/bin/env bash
# Regenerates the committed notebooks with their outputs: builds notebooks/*.ipynb from notebooks/src/*.dib, executes
# them with the headless runner at their default parameters (the seed each notebook states), and copies the outputs
# into notebooks/*.ipynb, so GitHub and nbviewer show numbers, tables and charts (each chart with its static SVG;
# plotly.js is referenced from its CDN, never inlined). Fails, leaving the committed notebooks as they were, if any
# notebook fails.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 tools/notebooks/build.py
bash scripts/install-test-deps.sh
bash scripts/pack.sh
dotnet build Runner -c Release --nologo -v quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet run --project Runner -c Release --no-build -- notebooks "$out"
/usr/bin/python3 tools/notebooks/attach_outputs.py "$out"
du -ch notebooks/*.ipynb | tail -1
