#!/usr/bin/env bash
# A first profile of the element: N sessions (default 50) in one process
# against gemini-live-sim, sampled by perf (cpu-clock, DWARF call graphs) during
# the measured window. Run after run.sh has built the programs:
#
#   bash tests/bench/profile.sh [N] [SECONDS]
#   BENCH_ARGS="--buffer-ms 40 --ramp-ms 10" bash tests/bench/profile.sh 500 10
#   PERF_FREQ=1999 bash tests/bench/profile.sh 100 12   # more samples
#
# Writes tests/bench/results/profile-N<N>-{dso,threads,symbols,callers}.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build-bench}
# the conversation of bench.py (WORKLOAD there)
SIM_ARGS=${SIM_ARGS:---answer-ms 2000 --answer-chunk-ms 240 --answer-first-chunk-ms 200 --answer-speed 2}
WORKLOAD="--on-ms 2000 --off-ms 3000 --buffer-ms 40 --chunk-ms 40 --ramp-ms 10"
n=${1:-50}
secs=${2:-15}
out="$here/results"
mkdir -p "$out"
command -v perf >/dev/null || { echo "perf missing: apt-get install linux-perf"; exit 1; }
export GST_PLUGIN_PATH_1_0="$build/gst/geminilive"

"$build/tests/sim/gemini-live-sim" --port 0 $SIM_ARGS > /tmp/profile-sim.$$ &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening /tmp/profile-sim.$$ && break; sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' /tmp/profile-sim.$$)
uri="ws://127.0.0.1:$port/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"

fifo=/tmp/profile-fifo.$$
mkfifo "$fifo"
"$build/tests/bench/bench-geminilive" --sessions "$n" --seconds "$secs" --warmup 3 \
  --uri "$uri" --no-latency $WORKLOAD ${BENCH_ARGS:-} > "$fifo" &
bench=$!
perf_pid=
while read -r line; do
  case "$line" in
    WINDOW-START*)
      perf record -q -e cpu-clock -F ${PERF_FREQ:-499} --call-graph dwarf,16384 -p "$bench" \
        -o /tmp/profile.$$.data &
      perf_pid=$! ;;
    WINDOW-END*)
      kill -INT "$perf_pid" ;;
    \{*) echo "$line" > "$out/profile-N$n-result.json" ;;
  esac
done < "$fifo"
wait "$bench" || true
wait "$perf_pid" || true
rm -f "$fifo"

report() {
  perf report -i /tmp/profile.$$.data --stdio "$@" 2>/dev/null | grep -v '^$' | grep -v '^#' || true
}
report --no-children --sort dso -g none | head -40 > "$out/profile-N$n-dso.txt"
# per thread: threads are named after their role (geminilive-net, the src
# task "g<i>:src", the sources' "audiotestsrc<i>:src")
report --no-children --sort comm -g none \
  | awk '{n = $2; gsub(/[0-9]+/, "", n); a[n] += $1} END {for (k in a) printf "%6.2f%%  %s\n", a[k], k}' \
  | sort -rn > "$out/profile-N$n-threads.txt"
report --no-children --sort dso,sym -g none | head -80 > "$out/profile-N$n-symbols.txt"
# inclusive cost (self + callees) of every function, e.g. the element's own
report --children --sort sym -g none | head -150 > "$out/profile-N$n-callers.txt"
[ -z "${KEEP_PERF_DATA:-}" ] || cp /tmp/profile.$$.data "$KEEP_PERF_DATA"
rm -f /tmp/profile.$$.data /tmp/profile-sim.$$
echo "profile written to $out/profile-N$n-*.txt"
