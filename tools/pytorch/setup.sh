#!/usr/bin/env bash
# Installs the Python side of RnnToolkit's tooling on Debian 12 (bookworm):
# Debian's PyTorch (python3-torch, 1.13.1) and OpenBLAS (libopenblas0-pthread),
# and makes sure libblas.so.3 / liblapack.so.3 resolve to OpenBLAS rather than
# Debian's reference BLAS (libblas3), which is ~10x slower.
#
# Idempotent and non-interactive. Run as root (or a user with sudo):
#     bash tools/pytorch/setup.sh
# Then use /usr/bin/python3 explicitly (a python3 earlier on PATH, e.g. pyenv,
# has no torch).
set -euo pipefail

PACKAGES=(python3-torch libopenblas0-pthread)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "setup.sh: must run as root (or with sudo available)" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}" >&2
    "${SUDO[@]}" apt-get update
    # Both in one transaction so apt satisfies libtorch's "libblas3 | libblas.so.3"
    # dependency with OpenBLAS where possible.
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"
else
    echo "setup.sh: ${PACKAGES[*]} already installed" >&2
fi

# Point the BLAS/LAPACK alternatives at OpenBLAS (auto mode already picks it,
# priority 100 vs 10, unless someone set the link manually).
case "$(dpkg --print-architecture)" in
    amd64) triplet=x86_64-linux-gnu ;;
    arm64) triplet=aarch64-linux-gnu ;;
    *) triplet=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu) ;;
esac
for lib in libblas.so.3 liblapack.so.3; do
    name="${lib}-${triplet}"
    want="/usr/lib/${triplet}/openblas-pthread/${lib}"
    if [ ! -e "$want" ]; then
        echo "setup.sh: $want not found (is libopenblas0-pthread installed?)" >&2
        exit 1
    fi
    current=$(update-alternatives --query "$name" 2>/dev/null | sed -n 's/^Value: //p')
    if [ "$current" != "$want" ]; then
        echo "setup.sh: switching $name from '${current:-none}' to $want" >&2
        "${SUDO[@]}" update-alternatives --set "$name" "$want"
    fi
    echo "setup.sh: $name -> $want" >&2
done

/usr/bin/python3 - <<'EOF'
import torch
a = torch.randn(64, 64)
(a @ a).sum().item()
maps = open("/proc/self/maps").read()
blas = sorted({l.split()[-1] for l in maps.splitlines() if "/libblas" in l or "openblas" in l})
print("setup.sh: torch", torch.__version__, "OK; BLAS mapped:", ", ".join(blas))
if not any("openblas" in p for p in blas):
    raise SystemExit("setup.sh: torch is not using OpenBLAS")
EOF
