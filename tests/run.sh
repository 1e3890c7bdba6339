#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every test and
# ends with the line "N passed, N failed", counted per test case (the line
# before counts skipped tests).
set -uo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh --tests || exit 1

build=${BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  echo "Configuring the build in $build (meson setup)"
  setup_log=$(meson setup "$build" 2>&1) || { echo "$setup_log"; exit 1; }
fi
echo "Building (ninja -C $build)"
ninja -C "$build" || exit 1
echo "Running the tests (meson test): about 4 minutes on 2 cores"

meson test -C "$build" --print-errorlogs "$@"
status=$?

python3 tests/summarize.py "$build/meson-logs/testlog.json"
summary=$?
[ $status -eq 0 ] && exit $summary
exit $status
