#!/usr/bin/env bash
# The full soak: one geminilive session across 100 forced reconnects
# (goAway / drop / close 1011 in turn) while 10 simulated minutes of 16 kHz
# audio stream in as fast as the element takes them. Prints RSS, threads
# and fds at the baseline and at the end; exits non-zero on failure.
#
#   bash tests/stress/run.sh                         # 100 reconnects, 600 s
#   bash tests/stress/run.sh --reconnects 20 -v      # any soak option
#   VALGRIND=1 bash tests/stress/run.sh -n 10 -a 60  # under memcheck
#
# BUILD_DIR (default build) is configured and built first if needed.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" >/dev/null || exit 1
fi
ninja -C "$build" tests/stress/soak gst/geminilive/libgstgeminilive.so >/dev/null || exit 1
build=$(cd "$build" && pwd)

export GST_PLUGIN_PATH_1_0=$build/gst/geminilive
export GST_REGISTRY=$build/tests/stress/registry-soak.bin
export GST_PLUGIN_LOADING_WHITELIST=gstreamer:gst-plugins-base:gst-plugins-good:gst-plugins-bad:gst-gemini-live
export GEMINI_API_KEY= GOOGLE_API_KEY=

wrap=()
if [ "${VALGRIND:-0}" = 1 ]; then
  export G_SLICE=always-malloc G_DEBUG=gc-friendly
  wrap=(valgrind --leak-check=full --error-exitcode=1 --trace-children=no
        --suppressions=tests/stress/valgrind.supp --num-callers=30)
fi
exec ${wrap[@]+"${wrap[@]}"} "$build/tests/stress/soak" "$@"
