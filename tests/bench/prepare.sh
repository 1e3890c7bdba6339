#!/usr/bin/env bash
# What run.sh and ab.sh need: the test suite's Debian packages, the plot's
# and node's, the SDK exactly as locked in package-lock.json, and a build
# of this checkout in $1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$1

bash "$root/tests/install-deps.sh"
need=()
for p in python3-matplotlib nodejs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if [ ! -d "$here/node/node_modules/@google/genai" ]; then
  (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" >/dev/null
