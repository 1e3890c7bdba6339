#!/usr/bin/env bash
# The benchmark (docs/benchmarks.md): builds what it needs, then measures
# the element (N pipelines in one process, one pipeline of N branches, one
# process per session) and the official @google/genai SDK, each with its
# bare program, against a fresh simulator process per run, repeated.
#
#   bash tests/bench/run.sh            # full run, about 50 minutes
#   bash tests/bench/run.sh --quick    # a few tiny runs, about 1 minute
#   bash tests/bench/run.sh --sessions 10,100 --contenders gl,gl-base,sdk,sdk-base
#
# Writes tests/bench/results/{results.json,summary.csv,summary.md} and
# docs/benchmarks/cpu.png. BUILD_DIR (default build-bench in this checkout)
# is the meson build directory to use or create.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}

bash "$here/prepare.sh" "$build"
# The harness runs under Debian's python3 (for python3-matplotlib).
py=/usr/bin/python3; [ -x "$py" ] || py=python3
exec "$py" "$here/bench.py" --build "$build" "$@"
