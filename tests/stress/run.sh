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

if [ "${VALGRIND:-0}" != 1 ]; then
  exec "$build/tests/stress/soak" "$@"
fi

# Under memcheck. The soak forks the simulator (no exec), so valgrind runs
# in both processes: one log each, and the verdict reads all of them. An
# error is what memcheck finds (invalid access, uninitialised use, bad
# free) and blocks "definitely" or "indirectly" lost; "possibly lost"
# blocks are glibc's thread stacks (the TLS of live threads) and are not.
# valgrind keeps freed blocks in a queue (--freelist-vol, 20 MB by
# default) to catch use after free; in a 10-reconnect run that queue
# alone is RSS growth beyond the soak's margin, so it is 2 MB here and the
# margin is the soak's own plus that: real growth still fails.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
valgrind --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --freelist-vol=2000000 \
  --trace-children=no --suppressions=tests/stress/valgrind.supp \
  --num-callers=30 --log-file="$logs/memcheck.%p.log" \
  "$build/tests/stress/soak" --max-rss-growth-kb $((8192 + 2048)) "$@"
status=$?
errors=0
for log in "$logs"/memcheck.*.log; do
  # A process that went on to exec another program (valgrind does not
  # follow it there) has no summary.
  grep -q 'ERROR SUMMARY' "$log" || continue
  pid=${log##*/memcheck.}
  echo "---- valgrind: process ${pid%.log} ----"
  sed -n -e '/ERROR SUMMARY/p' -e '/LEAK SUMMARY/,/suppressed:/p' "$log"
  n=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
  if [ "${n:-1}" != 0 ]; then
    errors=$((errors + ${n:-1}))
    cat "$log"
  fi
done
if [ $status -ne 0 ]; then
  echo "FAIL: the soak failed (exit status $status)"
  exit 1
fi
if [ $errors -ne 0 ]; then
  echo "FAIL: memcheck found $errors errors (memory errors, or blocks definitely or indirectly lost)"
  exit 1
fi
echo "PASS: no memcheck errors, nothing definitely or indirectly lost"
