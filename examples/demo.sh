#!/usr/bin/env bash
# The demo conversation: a spoken question (made with espeak-ng) goes in,
# the model's answer comes out as demo-out/answer.wav and the transcript is
# printed, one line per turn. Talks to the bundled simulator unless
# GEMINI_API_KEY is set. A failed run leaves an earlier answer.wav as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

GEMINILIVE_DEPS=--demo
GEMINILIVE_TARGETS="gst/geminilive/libgstgeminilive.so tests/sim/gemini-live-sim examples/talk-file"
GEMINILIVE_SIM_VOICE=espeak
# shellcheck source=examples/common.sh
source examples/common.sh

out=${DEMO_OUT:-$PWD/demo-out}
mkdir -p "$out"
question="Hello Gemini. What is a good name for a small robot?"
espeak-ng -v en-us -s 150 -w "$out/question.wav" "$question"
echo "question: $out/question.wav (\"$question\")"

"$build/examples/talk-file" "${uri_args[@]}" "$out/question.wav" "$out/answer.wav"
echo "listen: gst-launch-1.0 playbin uri=file://$out/answer.wav"
if [ -n "$GEMINILIVE_URI" ]; then
  echo "(that was the bundled simulator, which does not understand speech;"
  echo " set GEMINI_API_KEY to ask the real model)"
fi
