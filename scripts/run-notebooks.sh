#!/usr/bin/env bash
# The main job: packs the toolkit into the local feed, executes every notebook under notebooks/ with
# the headless runner (papermill semantics), and writes executed notebooks and self-contained HTML
# reports to artifacts/notebooks/. Prints the runner's summary table; exits non-zero if any
# notebook fails or an executed notebook is not valid nbformat 4.5.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
bash scripts/pack.sh
out=artifacts/notebooks
rm -rf "$out" && mkdir -p "$out"
dotnet build Runner -c Release --nologo -v quiet
status=0
dotnet run --project Runner -c Release --no-build -- notebooks "$out" --html || status=$?
for nb in "$out"/*.ipynb; do
  [ -e "$nb" ] || continue
  /usr/bin/python3 -c 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))' "$nb" \
    || { echo "invalid nbformat: $nb"; status=1; }
done
echo "executed notebooks and HTML reports: $out/"
exit $status
