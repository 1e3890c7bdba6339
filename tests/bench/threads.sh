#!/usr/bin/env bash
# CPU and context switches of each kind of thread in bench-geminilive,
# per session per second, over the measured window: exact (from
# /proc/<pid>/task/*/schedstat), unlike perf's samples. Run after run.sh
# has built the programs; A/B two builds with BUILD_DIR:
#
#   bash tests/bench/threads.sh [N] [SECONDS] [bench-geminilive args...]
#   BUILD_DIR=/tmp/b-old bash tests/bench/threads.sh 100 10 --mode baseline
set -uo pipefail
build=${BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build-bench}
# the conversation of bench.py (WORKLOAD there)
SIM_ARGS=${SIM_ARGS:---answer-ms 2000 --answer-chunk-ms 240 --answer-first-chunk-ms 200 --answer-speed 2}
WORKLOAD="--on-ms 2000 --off-ms 3000 --buffer-ms 40 --chunk-ms 40 --ramp-ms 10"
py=/usr/bin/python3; [ -x "$py" ] || py=python3
n=${1:-100}
secs=${2:-10}
shift 2 || shift $#
export GST_PLUGIN_PATH_1_0="$build/gst/geminilive"
tmp=$(mktemp -d)
trap 'kill $sim 2>/dev/null; rm -rf "$tmp"' EXIT

"$build/tests/sim/gemini-live-sim" --port 0 $SIM_ARGS > "$tmp/sim" &
sim=$!
for _ in $(seq 50); do grep -q listening "$tmp/sim" && break; sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/sim")
uri="ws://127.0.0.1:$port/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"

snapshot() { # pid file: one line per thread: tid comm cpu_ns voluntary involuntary
  $py - "$1" "$2" <<'PY'
import os, re, sys, time
pid, out = sys.argv[1], open(sys.argv[2], "w")
out.write(f"time {time.monotonic()}\n")
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        base = f"/proc/{pid}/task/{tid}"
        comm = open(f"{base}/comm").read().strip().replace(" ", "_")
        ns = open(f"{base}/schedstat").read().split()[0]
        st = open(f"{base}/status").read()
        v = re.search(r"^voluntary_ctxt_switches:\s*(\d+)", st, re.M).group(1)
        iv = re.search(r"^nonvoluntary_ctxt_switches:\s*(\d+)", st, re.M).group(1)
        out.write(f"{tid} {comm} {ns} {v} {iv}\n")
    except (OSError, AttributeError):
        pass  # the thread ended meanwhile
PY
}

fifo="$tmp/fifo"
mkfifo "$fifo"
"$build/tests/bench/bench-geminilive" --sessions "$n" --seconds "$secs" \
  --warmup 3 $WORKLOAD --uri "$uri" --no-latency "$@" \
  > "$fifo" &
bench=$!
while read -r line; do
  case "$line" in
    # The second snapshot is taken two seconds before the window ends: the
    # program may exit right after it.
    WINDOW-START*) snapshot $bench "$tmp/a"
      (sleep $((secs - 2)); snapshot $bench "$tmp/b") &
      snap=$! ;;
  esac
done < "$fifo"
wait $bench
wait $snap

$py - "$tmp/a" "$tmp/b" "$n" <<'PY'
import collections, re, sys
def load(path):
    rows = {}
    for line in open(path):
        f = line.split()
        rows[f[0]] = f[1:]
    return rows
a, b, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
secs = float(b.pop("time")[0]) - float(a.pop("time")[0])
def kind(comm):
    # audiotestsrc<i>:src and geminilive<i>:src (the output task), both
    # truncated to 15 characters; geminilive-net<i>
    if comm.startswith("audiotestsrc"):
        return "source (streaming)"
    if ":" in comm:
        return "output task"
    return re.sub(r"\d+", "", comm)
sums = collections.defaultdict(lambda: [0, 0, 0, 0])
for tid, (comm, ns, v, iv) in b.items():
    if tid not in a:
        continue
    s = sums[kind(comm)]
    s[0] += int(ns) - int(a[tid][1])
    s[1] += int(v) - int(a[tid][2])
    s[2] += int(iv) - int(a[tid][3])
    s[3] += 1
total = 0
print(f"{'threads':22s} {'count':>5s} {'ms/s/session':>12s} {'vol/s/session':>13s} {'invol/s/session':>15s}")
for k, (ns, v, iv, count) in sorted(sums.items(), key=lambda x: -x[1][0]):
    total += ns
    print(f"{k:22s} {count:5d} {ns / 1e6 / n / secs:12.3f} {v / n / secs:13.1f} {iv / n / secs:15.1f}")
print(f"{'total':22s} {'':5s} {total / 1e6 / n / secs:12.3f}")
PY
