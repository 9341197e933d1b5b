#!/usr/bin/env bash
# Mutation score of the toolkit's core folders with Stryker.NET (dotnet-stryker 5.1.0), one folder per run.
#
#   bash scripts/mutation.sh                      # Attention Cells Kernels Layers, in that order
#   bash scripts/mutation.sh Attention Cells      # only these chunks
#   CONCURRENCY=2 bash scripts/mutation.sh Cells  # more test runners (default 1: the machine is shared)
#   FILES="MultiHeadAttention.cs KerasScores.cs" bash scripts/mutation.sh Attention   # only these files of the folder
#
# Each chunk mutates Toolkit/<Folder>/**/*.cs and runs the tests of Tests/RnnToolkit.Tests selected by the chunk's
# filter (the tests that exercise that folder; see FILTER below), with per-test coverage, so each mutant runs only the
# tests that reach it. Reports (html, json, markdown) go to artifacts/mutation/<Folder>/reports/, the console log to
# artifacts/mutation/<Folder>.log, and the wall time to artifacts/mutation/<Folder>.time (<Folder>-files… with FILES). Not part of CI: a chunk takes
# from minutes to hours (figures in docs/mutation.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v dotnet-stryker >/dev/null 2>&1; then
  dotnet tool install -g dotnet-stryker --version 5.1.0
fi

declare -A FILTER=(
  [Attention]="FullyQualifiedName~RnnToolkit.Tests.Attention"
  [Cells]="FullyQualifiedName~RnnToolkit.Tests.Cells|FullyQualifiedName~RnnToolkit.Tests.Layers|FullyQualifiedName~RnnToolkit.Tests.Kernels|FullyQualifiedName~RnnToolkit.Tests.Modules"
  [Kernels]="FullyQualifiedName~RnnToolkit.Tests.Kernels|FullyQualifiedName~RnnToolkit.Tests.Cells|FullyQualifiedName~RnnToolkit.Tests.Layers|FullyQualifiedName~RnnToolkit.Tests.Modules"
  [Layers]="FullyQualifiedName~RnnToolkit.Tests.Layers|FullyQualifiedName~RnnToolkit.Tests.Cells|FullyQualifiedName~RnnToolkit.Tests.Kernels|FullyQualifiedName~RnnToolkit.Tests.Modules"
)
chunks=("$@")
[ ${#chunks[@]} -eq 0 ] && chunks=(Attention Cells Kernels Layers)
concurrency=${CONCURRENCY:-1}
mkdir -p artifacts/mutation

for chunk in "${chunks[@]}"; do
  filter=${FILTER[$chunk]:-}
  if [ -z "$filter" ]; then echo "unknown chunk '$chunk' (Attention, Cells, Kernels, Layers)" >&2; exit 2; fi
  out=$root/artifacts/mutation/$chunk
  mutate="\"**/Toolkit/$chunk/**/*.cs\""
  if [ -n "${FILES:-}" ]; then
    mutate=$(printf '"**/Toolkit/'"$chunk"'/%s",' $FILES); mutate=${mutate%,}
    out=$out-files
  fi
  rm -rf "$out"; mkdir -p "$out"
  cat > "$out/stryker-config.json" <<JSON
{
  "stryker-config": {
    "project": "Toolkit.csproj",
    "test-projects": ["$root/Tests/RnnToolkit.Tests/RnnToolkit.Tests.csproj"],
    "configuration": "Release",
    "mutate": [$mutate],
    "test-case-filter": "$filter",
    "coverage-analysis": "perTest",
    "concurrency": $concurrency,
    "additional-timeout": 10000,
    "reporters": ["html", "json", "markdown", "cleartext", "progress"],
    "thresholds": { "high": 85, "low": 70, "break": 0 }
  }
}
JSON
  echo "== $chunk: $(date -u +%FT%TZ), concurrency $concurrency, filter $filter"
  start=$(date +%s)
  (cd Tests/RnnToolkit.Tests && dotnet-stryker --config-file "$out/stryker-config.json" --output "$out" --skip-version-check) 2>&1 | tee "$out.log"
  end=$(date +%s)
  echo "$chunk${FILES:+ ($FILES)}: $((end - start)) s wall" | tee "$out.time"
done
