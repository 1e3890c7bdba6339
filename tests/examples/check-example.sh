#!/usr/bin/env bash
# Runs one example briefly against the simulator and checks what it says
# and how it exits. Called by meson test (tests/examples/meson.build) with
# GEMINILIVE_BUILD, GEMINILIVE_EXAMPLE_TEST=1 and an empty GEMINI_API_KEY.
# Every run ends by itself (num-buffers, --max-turns, a fixed prompt list),
# bounded by `timeout`: no sleeps.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.txt

fail() {
  echo "FAIL ($name): $*"
  echo "---- output ----"
  cat "$out"
  exit 1
}

# expect PATTERN [COUNT]: the output has at least COUNT lines matching.
expect() {
  local n
  n=$(grep -c -E -- "$1" "$out")
  [ "$n" -ge "${2:-1}" ] || fail "expected ${2:-1} line(s) matching '$1', got $n"
}

run() {
  timeout 30 "$@" >"$out" 2>&1
  status=$?
  cat "$out"
  [ $status -eq 0 ] || fail "exit status $status"
}

case "$name" in
  voice-assistant)
    run bash "$root/examples/voice-assistant.sh"
    expect '^you: +\(you spoke for'
    expect '^gemini: '
    expect '^-- turn-complete'
    ;;
  camera-captions)
    run bash "$root/examples/run.sh" camera-captions --max-turns 1 --timeout 20
    expect '^caption: Hello! This is a simulated answer'
    expect '^-- turn complete \(1\)'
    ;;
  talk-file)
    # A 1.5 s tone as the recorded question; its end is the end of the turn.
    gst-launch-1.0 -q audiotestsrc wave=sine freq=300 volume=0.5 \
      samplesperbuffer=1600 num-buffers=15 \
      ! audio/x-raw,rate=16000,channels=1 ! wavenc \
      ! filesink location="$tmp/question.wav" || fail "cannot make question.wav"
    run bash "$root/examples/run.sh" talk-file --timeout 20 \
      --srt "$tmp/answer.srt" "$tmp/question.wav" "$tmp/answer.wav"
    expect '^gemini: '
    expect "^answer written to $tmp/answer.wav"
    head -c 4 "$tmp/answer.wav" | grep -q RIFF || fail "answer.wav is not a WAV file"
    [ "$(stat -c %s "$tmp/answer.wav")" -gt 10000 ] || fail "answer.wav is almost empty"
    cp "$tmp/answer.srt" "$out"
    cat "$out"
    expect '^1$'
    expect '^00:00:[0-9]{2},[0-9]{3} --> 00:00:[0-9]{2},[0-9]{3}$' 2
    expect '^You: \(you spoke for'
    expect '^Gemini: Hello! This is a simulated answer'
    ;;
  tools | tools.py)
    run bash "$root/examples/run.sh" "$name" --timeout 20
    expect '^tool: model called get_weather'
    expect '^tool: answered get_weather synchronously'
    expect '^tool: model called book_table'
    expect '^tool: answered book_table asynchronously \(queued\)'
    expect 'returned \{"confirmation":"CG-1234"'
    expect '^done: 2 turns, 2 tool calls answered'
    ;;
  server-many-sessions)
    run bash "$root/examples/run.sh" server-many-sessions --sessions 3 \
      --feed --max-turns 1 --timeout 20
    expect '^session [0-2]: turn complete \(1\)' 3
    expect '^caller [0-2]: received [1-9][0-9]* ms of answer' 3
    ;;
  *)
    echo "unknown example $name"
    exit 2
    ;;
esac
echo "PASS ($name)"
