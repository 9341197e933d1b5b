#!/usr/bin/env bash
# Installs Jupyter's notebook client and the .NET Interactive kernel the notebooks run on (idempotent):
#   python3-nbclient & co.     execute notebooks headlessly, as papermill and Binder do (apt, Debian/Ubuntu)
#   Microsoft.dotnet-interactive 1.0.712001   the last release of the kernel (a dotnet global tool)
#   kernelspec .net-csharp     registered for the current user (~/.local/share/jupyter/kernels)
# `--system` does only the apt step (root's part of an image build, binder/setup-root.sh); a non-root user whose
# machine already has the apt packages needs no sudo.
# The .NET SDK must already be on PATH (global.json pins the feature band).
set -euo pipefail
tool=Microsoft.dotnet-interactive
version=1.0.712001
export PATH="$PATH:$HOME/.dotnet/tools"   # the kernelspec runs `dotnet-interactive`, found through PATH

# 1. Python side: nbclient + jupyter_client (kernel discovery) + ipykernel + nbformat.
bash "$(dirname "$0")/apt-install.sh" python3-nbclient python3-jupyter-client python3-ipykernel python3-nbformat
[ "${1:-}" = --system ] && exit 0

# 2. The kernel, pinned: install it, or move an installed other version to the pinned one.
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 2; }
installed=$(dotnet tool list -g | awk -v t="${tool,,}" 'tolower($1) == t { print $2 }')
if [ "$installed" != "$version" ]; then
  verb=install
  [ -n "$installed" ] && verb=update
  echo "dotnet tool $verb -g $tool --version $version (was: ${installed:-none})"
  dotnet tool "$verb" -g "$tool" --version "$version" >/dev/null
fi

# 3. The kernelspec. `jupyter install` writes into the kernels folder only when it exists.
mkdir -p "$HOME/.local/share/jupyter/kernels"
dotnet interactive jupyter install >/dev/null

# 4. Check Jupyter finds it, with the interpreter nbclient runs on.
/usr/bin/python3 - <<'EOF'
import sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
try:
    spec = KernelSpecManager().get_kernel_spec(".net-csharp")
except NoSuchKernel:
    sys.exit("error: Jupyter does not find kernelspec .net-csharp after `dotnet interactive jupyter install`")
print(f"kernelspec .net-csharp: {spec.resource_dir} ({' '.join(spec.argv[:2])} ...)")
EOF
