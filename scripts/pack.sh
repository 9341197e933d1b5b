#!/usr/bin/env bash
# Packs the toolkit's NuGet packages into artifacts/feed, the local folder feed the notebooks use
# (their set-up cells add it by its absolute path: `#i "nuget:<repo>/artifacts/feed"`). Our own version's copy in the NuGet cache is dropped so the next
# restore sees the freshly packed package and not a stale one of the same version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
packages=(Toolkit)
[ -f Formatters/Formatters.csproj ] && packages+=(Formatters)
feed=artifacts/feed
tmp=$(mktemp -d)
for p in "${packages[@]}"; do
  dotnet pack "$p" -c Release -o "$tmp" --nologo -v quiet
done
rm -rf "$feed"
mkdir -p artifacts
mv "$tmp" "$feed"
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
rm -rf "$cache/rnntoolkit/$version" "$cache/rnntoolkit.formatters/$version"
echo "packed $(ls "$feed" | tr '\n' ' ')into $feed"
