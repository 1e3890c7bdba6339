#!/usr/bin/env bash
# The demo conversation: a spoken question (made with espeak-ng) goes in,
# the model's answer comes out as answer.wav and the transcript is printed.
# Talks to the bundled simulator unless GEMINI_API_KEY is set.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh
build=${BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null
build=$(cd "$build" && pwd)

export GST_PLUGIN_PATH_1_0="$build/gst/geminilive${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
out=${DEMO_OUT:-$PWD/demo-out}
mkdir -p "$out"
espeak-ng -v en-us -s 150 -w "$out/question.wav" \
  "Hello Gemini. What is a good name for a small robot?"
echo "question: $out/question.wav"

uri=()
if [ -z "${GEMINI_API_KEY:-}" ]; then
  "$build/tests/sim/gemini-live-sim" --api-key demo-key > "$out/sim.log" &
  sim=$!
  trap 'kill $sim 2>/dev/null || true' EXIT
  until grep -q listening "$out/sim.log"; do sleep 0.1; done
  port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$out/sim.log" | head -1)
  uri=("ws://127.0.0.1:$port/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent")
  export GEMINI_API_KEY=demo-key
  echo "talking to the simulator at ${uri[0]} (set GEMINI_API_KEY to use the real service)"
else
  echo "talking to the real Gemini Live API"
fi

"$build/examples/talk-file" "$out/question.wav" "$out/answer.wav" "${uri[@]}"
