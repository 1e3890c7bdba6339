#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every test and
# ends with the line "N passed, N failed", counted per test case (the line
# before counts skipped tests).
set -uo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh || exit 1

build=${BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" >/dev/null || exit 1
fi
ninja -C "$build" || exit 1

meson test -C "$build" --print-errorlogs "$@"
status=$?

python3 tests/summarize.py "$build/meson-logs/testlog.json"
summary=$?
[ $status -eq 0 ] && exit $summary
exit $status
