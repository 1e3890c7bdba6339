#!/usr/bin/env bash
# A voice assistant that works without headphones: the microphone goes
# through webrtcdsp (echo cancellation, noise suppression, gain control)
# to the model, and the model's voice goes through webrtcechoprobe to the
# speakers, so the canceller knows what is being played. Both run at
# 48 kHz mono; geminilive's 24 kHz output is resampled to match.
#
#   bash examples/voice-assistant.sh            # talk; Ctrl-C to stop
#   GEMINILIVE_EXAMPLE_TEST=1 bash examples/voice-assistant.sh
#       # audiotestsrc (a 2 s tone) and fakesink instead of the sound card:
#       # one turn, then the pipeline ends
#
# Talks to the bundled simulator unless GEMINI_API_KEY is set. Extra
# geminilive properties can be given as arguments, e.g. voice=Kore.
set -euo pipefail
# shellcheck source=examples/common.sh
source "$(dirname "$0")/common.sh"

rate=audio/x-raw,format=S16LE,rate=48000,channels=1
if [ -n "${GEMINILIVE_EXAMPLE_TEST:-}" ]; then
  # 200 buffers of 10 ms: a tone the simulator's VAD hears as speech. EOS
  # then ends the user's turn (audioStreamEnd), and geminilive ends its
  # output with EOS once the answer has played.
  src="audiotestsrc is-live=true wave=sine freq=300 volume=0.5 samplesperbuffer=480 num-buffers=200"
  sink="fakesink sync=true"
else
  src="autoaudiosrc"
  sink="autoaudiosink"
fi

props=(input-transcription=true output-transcription=true)
[ -n "$GEMINILIVE_URI" ] && props+=("uri=$GEMINILIVE_URI")

# -m prints the bus messages; only the conversation is shown.
# shellcheck disable=SC2086
gst-launch-1.0 -e -m \
  $src ! audioconvert ! audioresample ! $rate \
  ! webrtcdsp probe=echo ! audioconvert \
  ! geminilive name=gemini "${props[@]}" "$@" \
  ! audioconvert ! audioresample ! $rate \
  ! webrtcechoprobe name=echo \
  ! audioconvert ! audioresample ! $sink \
  | sed -nu \
    -e 's/.*geminilive\/input-transcription.*text=(string)\(.*\), finished=.*/you:    \1/p' \
    -e 's/.*geminilive\/output-transcription.*text=(string)\(.*\), finished=.*/gemini: \1/p' \
    -e 's/.*geminilive\/\(turn-complete\|interrupted\).*/-- \1/p' \
    -e '/ERROR\|WARNING/p' -e '/Execution ended/p' \
  | sed -u -e 's/\\\(.\)/\1/g' -e 's/^\(you: *\|gemini: *\)"\(.*\)"$/\1\2/'
