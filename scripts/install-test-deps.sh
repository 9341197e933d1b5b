#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 / Ubuntu machine (idempotent):
#   python3-nbformat  validates executed notebooks (nbformat 4.5 schema)
#   chromium          headless browser check that formatter charts draw (Tests/Formatters.Tests)
#   scripts/install-kernel.sh   Jupyter's nbclient and the .NET Interactive kernel (Tests/Notebooks.Tests
#                     executes every notebook on it, as Binder and papermill would)
# The .NET SDK must already be on PATH (global.json pins the feature band).
set -euo pipefail
bash "$(dirname "$0")/apt-install.sh" python3-nbformat chromium
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 2; }
bash "$(dirname "$0")/install-kernel.sh"
