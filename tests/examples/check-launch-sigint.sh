#!/usr/bin/env bash
# gst-launch-1.0 -e and Ctrl-C, as a user stops a recording: the pipeline
# must end promptly with status 0 and a finished WAV (its header sizes
# written), both when nothing is being said and right after an answer.
# Called by meson test with GEMINILIVE_BUILD set; waits on what
# gst-launch-1.0 -m prints, never on sleeps.
set -uo pipefail
build=${GEMINILIVE_BUILD:?}
tmp=$(mktemp -d)
sim_pid=
launch_pid=
cleanup() {
  [ -n "$launch_pid" ] && kill -9 "$launch_pid" 2>/dev/null
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export GST_PLUGIN_PATH_1_0=$build/gst/geminilive

fail() {
  echo "FAIL: $*"
  echo "---- gst-launch-1.0 output ----"
  cat "$tmp/launch.txt" 2>/dev/null
  exit 1
}

coproc SIM { exec "$build/tests/sim/gemini-live-sim" --api-key sigint-key --answer-ms 800; }
sim_pid=$SIM_PID
read -r line <&"${SIM[0]}" || fail "the simulator did not start"
uri="ws://127.0.0.1:${line##*:}/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"

# wav_is_finished FILE: the RIFF and data sizes match the file, as wavenc
# writes them at EOS; prints the data size.
wav_is_finished() {
  python3 - "$1" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
    sys.exit("not a WAV file")
if struct.unpack("<I", data[4:8])[0] != len(data) - 8:
    sys.exit("RIFF size not written")
pos = 12
while pos + 8 <= len(data):
    tag, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
    if tag == b"data":
        if pos + 8 + size != len(data):
            sys.exit("data size not written")
        print(size)
        sys.exit(0)
    pos += 8 + size + (size & 1)
sys.exit("no data chunk")
EOF
}

# run_case NAME WAVE WAIT_FOR MAX_SECONDS: starts the pipeline, waits for
# the -m line WAIT_FOR, sends SIGINT and checks the ending.
run_case() {
  local name=$1 wave=$2 wait_for=$3 max=$4 wav=$tmp/$1.wav start status size
  : >"$tmp/launch.txt"
  GEMINI_API_KEY=sigint-key gst-launch-1.0 -e -m \
    audiotestsrc is-live=true wave="$wave" \
    ! geminilive uri="$uri" ! wavenc ! filesink location="$wav" \
    >"$tmp/launch.txt" 2>&1 &
  launch_pid=$!
  timeout 20 grep -q -m1 -- "$wait_for" <(tail -f "$tmp/launch.txt") \
    || fail "$name: no $wait_for"
  start=$(date +%s%N)
  kill -INT "$launch_pid"
  if ! timeout 15 tail -s 0.05 --pid="$launch_pid" -f /dev/null; then
    fail "$name: still running 15 s after Ctrl-C"
  fi
  wait "$launch_pid"
  status=$?
  launch_pid=
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$status" -eq 0 ] || fail "$name: exit status $status"
  [ "$ms" -le $((max * 1000)) ] || fail "$name: took $ms ms after Ctrl-C"
  head -c 4 "$wav" | grep -q RIFF || fail "$name: no WAV header"
  echo "$name: ended $ms ms after Ctrl-C, status 0"
}

# Nothing said: it ends at once. (With no audio at all, wavenc leaves its
# header's sizes at their unknown-length values.)
run_case silence silence "geminilive/setup-complete" 2
# Right after an answer (ticks are speech to the model): the answer is in
# the file, whose header says how long it is.
run_case answer ticks "geminilive/turn-complete" 8
size=$(wav_is_finished "$tmp/answer.wav") || fail "answer: $size"
[ "$size" -gt 0 ] || fail "answer: the answer is not in the file"
echo "answer: $size bytes of audio in a finished WAV"
echo "ok"
