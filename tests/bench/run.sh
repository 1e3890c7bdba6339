#!/usr/bin/env bash
# The benchmark (docs/benchmarks.md): builds what it needs, then measures
# geminilive (one process, and one process per session), the same pipeline
# without the element, and the official @google/genai SDK (with its own
# baseline) for N concurrent sessions against a separate simulator process.
#
#   bash tests/bench/run.sh            # full run, about 15-20 minutes
#   bash tests/bench/run.sh --quick    # tiny N and seconds, about 2 minutes
#   bash tests/bench/run.sh --sessions 1,10 --seconds 10 --contenders geminilive,baseline
#
# Writes tests/bench/results/{results.json,summary.csv,summary.md} and
# docs/benchmarks/cpu.png. BUILD_DIR (default /tmp/b-bench) is the meson
# build directory to use or create.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-/tmp/b-bench}

bash "$root/tests/install-deps.sh"
# benchmark-only packages (Debian): the plot, node and npm for the SDK
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
# The SDK, exactly as locked in package-lock.json.
if [ ! -d "$here/node/node_modules/@google/genai" ]; then
  (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error)
fi

[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" >/dev/null

# The harness runs under Debian's python3 (for python3-matplotlib).
py=/usr/bin/python3; [ -x "$py" ] || py=python3
exec "$py" "$here/bench.py" --build "$build" "$@"
