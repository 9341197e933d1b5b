#!/usr/bin/env bash
# Root's part of the Binder image (binder/Dockerfile), also replayed by scripts/check-environments.sh:
#   setup-root.sh NB_USER NB_UID
# apt: the Jupyter client packages and pip (scripts/install-kernel.sh --system); pip: JupyterLab, the server
# Binder opens (SKIP_PIP=1 leaves it out where PyPI is not reachable); then the notebook user.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/../scripts/install-kernel.sh" --system
if [ "${SKIP_PIP:-0}" != 1 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
  python3 -m pip install --no-cache-dir --break-system-packages jupyterlab notebook
fi
bash "$here/create-user.sh" "$1" "$2"
