#!/usr/bin/env bash
# Makes the notebook user NAME with uid UID and home /home/NAME (run as root; idempotent).
#   create-user.sh NAME UID
# Base images may already have a user with that uid (mcr.microsoft.com/dotnet/sdk:10.0 is Ubuntu 24.04, whose
# user `ubuntu` has uid 1000), so `useradd --uid` would fail: such a user is renamed to NAME, its primary group
# too when it is the user's own, and its home moved to /home/NAME. Otherwise the user is created.
set -euo pipefail
name=$1 uid=$2
existing=$(getent passwd "$uid" | cut -d: -f1 || true)
if [ -z "$existing" ]; then
  useradd --create-home --home-dir "/home/$name" --shell /bin/bash --uid "$uid" "$name"
elif [ "$existing" != "$name" ]; then
  group=$(id -gn "$existing")
  usermod --login "$name" --home "/home/$name" --move-home "$existing"
  [ "$group" != "$existing" ] || groupmod --new-name "$name" "$group"
fi
mkdir -p "/home/$name"
chown "$uid:$(id -g "$name")" "/home/$name"
echo "notebook user: $(id "$name"), home $(getent passwd "$name" | cut -d: -f6)"
