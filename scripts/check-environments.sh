#!/usr/bin/env bash
# Replays what binder/Dockerfile and .devcontainer/devcontainer.json do, on this machine (no Docker engine
# needed), each as a fresh non-root user with a fresh HOME, then runs notebooks/index.ipynb on the kernel that
# user installed (tools/notebooks/execute_jupyter.py, kernelspec .net-csharp). Runs as root (it makes users);
# removes the users, their homes and their files in /tmp on exit.
#   Binder         a user already holding the uid stands in for Ubuntu 24.04's `ubuntu` (uid 1000); the
#                  Dockerfile's root step binder/setup-root.sh renames it to the notebook user (SKIP_PIP=1: PyPI,
#                  where JupyterLab comes from, is not reachable here; nbclient needs no server); the repository
#                  is copied where the Dockerfile's `COPY … . DEST` puts it, and the Dockerfile's RUN lines after
#                  `USER ${NB_USER}` run in its WORKDIR with the Dockerfile's PATH.
#   Dev container  a new user (the image's `vscode`), the repository in ~/repo, postCreateCommand run there with
#                  remoteEnv's PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "error: scripts/check-environments.sh must run as root: it creates and removes users (useradd/userdel)" >&2; exit 2; }

tag=$$
binder=rnnbinder$tag placeholder=rnnubuntu$tag devc=rnndevc$tag
made=()
cleanup() {
  for u in "${made[@]}"; do
    id "$u" &>/dev/null || continue
    runuser -u "$u" -- dotnet build-server shutdown &>/dev/null || true   # MSBuild nodes, compiler server
    pids=$(pgrep -u "$u" || true)                                         # anything else this user still runs
    [ -z "$pids" ] || { kill $pids 2>/dev/null || true; sleep 2; }
    find /tmp -xdev -user "$u" -delete 2>/dev/null || true
    userdel --remove "$u" 2>/dev/null || userdel --force --remove "$u" 2>/dev/null || true
    echo "removed user $u"
  done
}
trap cleanup EXIT

free_uid() { local u=2000; while getent passwd "$u" >/dev/null || getent group "$u" >/dev/null; do u=$((u + 1)); done; echo "$u"; }

# The repository as a clone would have it: tracked and untracked-not-ignored files, no build outputs.
copy_repo() {
  mkdir -p "$1"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$1"
  chown -R "$2:$(id -g "$2")" "$1"
}

# as USER DIR PATH_PREFIX PATH_SUFFIX COMMAND: a login shell (fresh environment) of USER in DIR.
as() {
  runuser -l "$1" -c "export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PATH=$3\$PATH$4 && cd $2 && $5"
}

# Runs index.ipynb as USER from REPO and checks the kernelspec is that user's own.
run_notebook() {
  local user=$1 repo=$2 home
  home=$(getent passwd "$user" | cut -d: -f6)
  [ -f "$home/.local/share/jupyter/kernels/.net-csharp/kernel.json" ] || { echo "error: no kernelspec .net-csharp in $user's home" >&2; exit 1; }
  as "$user" "$repo" "" "" "/usr/bin/python3 tools/notebooks/execute_jupyter.py $home/check-out notebooks/index.ipynb"
}

step() { echo "== $* ($SECONDS s)"; }

step "Binder: root step, then the Dockerfile's user steps, as $binder"
read -r uid < <(free_uid)
useradd --create-home --uid "$uid" --shell /bin/bash "$placeholder"   # stands in for Ubuntu's `ubuntu`
made+=("$placeholder" "$binder")
SKIP_PIP=1 bash "$root/binder/setup-root.sh" "$binder" "$uid"
[ "$(id -u "$binder")" = "$uid" ] && [ ! -e "/home/$placeholder" ] || { echo "error: create-user.sh did not take over uid $uid" >&2; exit 1; }
dockerfile=$root/binder/Dockerfile
home=/home/$binder
dest=$(sed -n 's/^COPY --chown=[^ ]* \. //p' "$dockerfile" | sed "s:\${HOME}:$home:")
workdir=$(sed -n 's/^WORKDIR //p' "$dockerfile" | sed "s:\${HOME}:$home:")
[ -n "$dest" ] && [ -n "$workdir" ] || { echo "error: no COPY … . DEST or WORKDIR in binder/Dockerfile" >&2; exit 1; }
copy_repo "$dest" "$binder"
mapfile -t steps < <(awk '/^USER \$\{NB_USER\}/ { user = 1; next } user && /^RUN / { sub(/^RUN /, ""); print }' "$dockerfile")
((${#steps[@]})) || { echo "error: no RUN line after USER \${NB_USER} in binder/Dockerfile" >&2; exit 1; }
for s in "${steps[@]}"; do
  step "Binder RUN $s"
  as "$binder" "$workdir" "\$HOME/.local/bin:\$HOME/.dotnet/tools:" "" "$s"
done
step "Binder: index.ipynb on $binder's kernel"
run_notebook "$binder" "$workdir"

step "Dev container: postCreateCommand as $devc"
read -r uid < <(free_uid)
useradd --create-home --uid "$uid" --shell /bin/bash "$devc"
made+=("$devc")
copy_repo "/home/$devc/repo" "$devc"
post=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["postCreateCommand"])' "$root/.devcontainer/devcontainer.json")
step "postCreateCommand: $post"
as "$devc" "~/repo" "" ":\$HOME/.dotnet/tools" "$post"
step "Dev container: index.ipynb on $devc's kernel"
run_notebook "$devc" "~/repo"
step "both environments passed"
