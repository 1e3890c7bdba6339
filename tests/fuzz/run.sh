#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (whatever compiler the project
# uses) and runs each for a bounded time over the committed seed corpus.
#
#   bash tests/fuzz/run.sh                 # every target, FUZZ_TIME s each
#   bash tests/fuzz/run.sh --time 300 parse
#   bash tests/fuzz/run.sh --merge         # then fold new inputs into the corpus
#
# Options: --time S (seconds per target; default $FUZZ_TIME or 30),
# --ci (default 20 s, the meson test 'fuzz'), --merge (minimise what the
# run found into tests/fuzz/corpus/<target>/), --jobs N (parallel fuzzing
# processes per target; default 1, the machine is shared).
# Environment: FUZZ_OUT (work directory, default /tmp/gst-gemini-live-fuzz),
# CLANG (compiler), FUZZ_CHECKS=memory (memory errors only, see
# fuzz-common.h), FUZZ_SKIP_KNOWN=0 (do not skip inputs that can only
# rediscover the known findings F1-F5, all fixed now; default 0), FUZZ_INCLUDE_KNOWN=1
# (also load the committed crash-*/leak-* reproducers, which otherwise
# only the replay tests run).
#
# Exit status: 0 clean, 1 a crash/leak/timeout (the reproducer path and the
# stack are printed), 77 no clang with libFuzzer (skipped).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

time_s=${FUZZ_TIME:-30}
merge=0
jobs=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_s=$2; shift 2 ;;
    --ci) time_s=${FUZZ_TIME:-20}; shift ;;
    --merge) merge=1; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(parse setup)

out=${FUZZ_OUT:-/tmp/gst-gemini-live-fuzz}
mkdir -p "$out"

clang=${CLANG:-}
if [ -z "$clang" ]; then
  for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    if command -v "$c" >/dev/null; then clang=$c; break; fi
  done
fi
if [ -z "$clang" ]; then
  echo "SKIP: no clang (apt-get install clang)"; exit 77
fi
probe="$out/probe.c"
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n){return 0;}\n' >"$probe"
if ! "$clang" -fsanitize=fuzzer "$probe" -o "$out/probe" 2>/dev/null; then
  echo "SKIP: $clang cannot build libFuzzer targets (Debian: apt-get install clang libclang-rt-dev, or clang-14's bundled runtime)"
  exit 77
fi

flags=(-g -O1 -fsanitize=fuzzer,address,undefined
  -fno-sanitize-recover=undefined -fno-omit-frame-pointer
  -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wno-unused-parameter
  -DG_LOG_DOMAIN=\"geminilive\" -I"$root/gst/geminilive")
read -ra deps <<<"$(pkg-config --cflags --libs glib-2.0 json-glib-1.0)"

export G_SLICE=always-malloc G_DEBUG=gc-friendly FUZZ_SKIP_KNOWN=${FUZZ_SKIP_KNOWN:-0}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

jobs_args=()
[ "$jobs" -gt 1 ] && jobs_args=(-jobs="$jobs" -workers="$jobs")

status=0
for t in "${targets[@]}"; do
  src="$here/fuzz-$t.c"
  [ -f "$src" ] || { echo "no target $t"; exit 2; }
  bin="$out/fuzz-$t"
  if ! "$clang" "${flags[@]}" "$src" "$root/gst/geminilive/gstgeminiliveconfig.c" \
      "$root/gst/geminilive/gstgeminiliveprotocol.c" \
      "$root/gst/geminilive/gstgeminilivejson.c" \
      "$root/gst/geminilive/gstgeminilivehotpath.c" "${deps[@]}" -o "$bin"; then
    echo "FAIL: building fuzz-$t"; exit 1
  fi

  # Seeds: the committed corpus minus known reproducers (those fail the
  # replay test until fixed; here they would stop the search at once).
  seeds="$out/seeds-$t"
  rm -rf "$seeds"; mkdir -p "$seeds" "$out/corpus-$t" "$out/artifacts-$t"
  for f in "$here/corpus/$t"/*; do
    case "$(basename "$f")" in
      crash-*|leak-*|timeout-*|oom-*|slow-*)
        [ "${FUZZ_INCLUDE_KNOWN:-0}" = 1 ] || continue ;;
    esac
    ln -s "$f" "$seeds/"
  done

  echo "=== fuzz-$t: ${time_s}s, $(ls "$seeds" | wc -l) seeds, work dir $out"
  log="$out/fuzz-$t.log"
  "$bin" -max_total_time="$time_s" -timeout=10 -rss_limit_mb=2048 \
    -max_len=131072 -print_final_stats=1 ${jobs_args[@]+"${jobs_args[@]}"} \
    -artifact_prefix="$out/artifacts-$t/" \
    "$out/corpus-$t" "$seeds" >"$log" 2>&1
  rc=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)|cov:" "$log" | tail -3
  if [ $rc -ne 0 ]; then
    status=1
    echo "FAIL: fuzz-$t exited $rc; reproducer(s):"
    ls -1 "$out/artifacts-$t/" | sed "s|^|  $out/artifacts-$t/|"
    grep -E -A40 "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|invariant failed" "$log" | head -80
    echo "  replay: $bin <reproducer>   (full log: $log)"
  else
    echo "OK: fuzz-$t, no crash"
  fi
  if [ $merge = 1 ]; then
    "$bin" -merge=1 -max_len=131072 "$here/corpus/$t" "$out/corpus-$t" >"$out/merge-$t.log" 2>&1 \
      && echo "merged new inputs into tests/fuzz/corpus/$t"
  fi
done
exit $status
