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
# Until tests/meson.build has subdir('bench'), build the two programs here.
if [ ! -x "$build/tests/bench/bench-geminilive" ] || ! grep -q "bench-geminilive" "$build/build.ninja"; then
  mkdir -p "$build/tests/bench"
  flags="-O2 -g -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wno-unused-parameter -D_GNU_SOURCE -I$root/tests/sim"
  pc="gstreamer-1.0 libsoup-3.0 json-glib-1.0 gio-2.0"
  # shellcheck disable=SC2046
  gcc $flags -o "$build/tests/bench/bench-geminilive" "$here/bench-geminilive.c" \
    "$build/tests/sim/libglssim.a" $(pkg-config --cflags --libs $pc) -lm -ldl -rdynamic
  # shellcheck disable=SC2046
  gcc $flags -o "$build/tests/bench/bench-sim" "$here/bench-sim.c" \
    "$build/tests/sim/libglssim.a" $(pkg-config --cflags --libs $pc) -lm
fi

# The harness runs under Debian's python3 (for python3-matplotlib).
py=/usr/bin/python3; [ -x "$py" ] || py=python3
exec "$py" "$here/bench.py" --build "$build" "$@"
