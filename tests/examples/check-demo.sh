#!/usr/bin/env bash
# The demo as a newcomer sees it, against the simulator. Called by meson
# test (tests/examples/meson.build) with GEMINILIVE_BUILD and an empty
# GEMINI_API_KEY.
#
#   check-demo.sh transcript    examples/demo.sh prints one line per turn,
#                               "you: ..." and "gemini: <sentences>", and
#                               writes demo-out/answer.wav
#   check-demo.sh keeps-answer  a failed run of the demo's program
#                               (talk-file) leaves an earlier answer.wav and
#                               answer.srt as they were, leaves no temporary
#                               file, and says what to do next
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GEMINILIVE_BUILD:?}
export GST_PLUGIN_PATH_1_0=$build/gst/geminilive
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.txt

fail() {
  echo "FAIL ($1): $2"
  echo "---- output ----"
  cat "$out"
  exit 1
}

# count PATTERN: how many lines of the output match.
count() {
  grep -c -E -- "$1" "$out"
}

case "${1:-}" in
  transcript)
    DEMO_OUT=$tmp/demo-out timeout 60 bash "$root/examples/demo.sh" >"$out" 2>&1
    status=$?
    cat "$out"
    [ $status -eq 0 ] || fail "$1" "exit status $status"
    [ "$(count '^you: ')" -eq 1 ] || fail "$1" "expected one 'you:' line"
    [ "$(count '^gemini: ')" -eq 1 ] || fail "$1" "expected one 'gemini:' line (the turn, not its deltas)"
    # The answer reads as sentences: joined deltas, single spaces, a
    # capital first and a full stop last, and several words.
    line=$(grep '^gemini: ' "$out")
    text=${line#gemini: }
    [[ $text =~ ^[A-Z].*[.!?]$ ]] || fail "$1" "the answer is not a sentence: '$text'"
    [[ $text != *"  "* ]] || fail "$1" "double space in '$text'"
    [ "$(wc -w <<<"$text")" -ge 4 ] || fail "$1" "the answer is a fragment: '$text'"
    grep -q "^answer written to $tmp/demo-out/answer.wav$" "$out" || fail "$1" "no 'answer written to'"
    head -c 4 "$tmp/demo-out/answer.wav" | grep -q RIFF || fail "$1" "answer.wav is not a WAV file"
    [ "$(stat -c %s "$tmp/demo-out/answer.wav")" -gt 10000 ] || fail "$1" "answer.wav is almost empty"
    [ "$(count '^listen: ')" -eq 1 ] || fail "$1" "no 'listen:' line"
    ;;
  keeps-answer)
    gst-launch-1.0 -q audiotestsrc num-buffers=10 ! wavenc \
      ! filesink location="$tmp/question.wav" || fail "$1" "cannot make question.wav"
    echo "an earlier answer" >"$tmp/answer.wav"
    echo "earlier subtitles" >"$tmp/answer.srt"
    cp "$tmp/answer.wav" "$tmp/answer.wav.before"
    cp "$tmp/answer.srt" "$tmp/answer.srt.before"
    talk=("$build/examples/talk-file" --timeout 20 --srt "$tmp/answer.srt")
    # A simulator that is not there (nothing listens on port 1)...
    GEMINI_API_KEY=example-key timeout 30 "${talk[@]}" \
      --uri ws://127.0.0.1:1/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent \
      "$tmp/question.wav" "$tmp/answer.wav" >"$out" 2>&1
    status=$?
    cat "$out"
    [ $status -ne 0 ] && [ $status -ne 124 ] || fail "$1" "exit status $status (refused connection)"
    grep -q 'was not written (an earlier one is left as it was)' "$out" || fail "$1" "no word on answer.wav"
    grep -q 'Is the simulator at ws://127.0.0.1:1/' "$out" || fail "$1" "no hint about the simulator"
    # ... and the real service without a key (fails before any connection).
    env -u GEMINI_API_KEY -u GOOGLE_API_KEY timeout 30 "${talk[@]}" \
      "$tmp/question.wav" "$tmp/answer.wav" >"$out" 2>&1
    status=$?
    cat "$out"
    [ $status -ne 0 ] && [ $status -ne 124 ] || fail "$1" "exit status $status (no key)"
    grep -q 'Check that GEMINI_API_KEY holds a valid key' "$out" || fail "$1" "no hint about GEMINI_API_KEY"
    grep -q 'unset GEMINI_API_KEY' "$out" || fail "$1" "no hint about the simulator"
    cmp -s "$tmp/answer.wav" "$tmp/answer.wav.before" || fail "$1" "answer.wav was changed"
    cmp -s "$tmp/answer.srt" "$tmp/answer.srt.before" || fail "$1" "answer.srt was changed"
    left=$(find "$tmp" -name '.answer.*')
    [ -z "$left" ] || fail "$1" "temporary files left: $left"
    ;;
  *)
    echo "usage: $0 transcript|keeps-answer"
    exit 2
    ;;
esac
echo "PASS (demo $1)"
