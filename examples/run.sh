#!/usr/bin/env bash
# Runs one of the compiled (or Python) examples against the simulator, or
# against the real service when GEMINI_API_KEY is set:
#
#   bash examples/run.sh camera-captions
#   bash examples/run.sh tools
#   bash examples/run.sh tools.py
#   bash examples/run.sh server-many-sessions --sessions 4
#   bash examples/run.sh talk-file --srt out.srt question.wav answer.wav
#
# GEMINILIVE_EXAMPLE_TEST=1 swaps microphone, camera, speakers and screen
# for test sources and fakesink (what tests/examples does).
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
name=$1
shift
# shellcheck source=examples/common.sh
source "$(dirname "$0")/common.sh"

case "$name" in
  # Debian's python3-gi belongs to /usr/bin/python3.
  *.py) cmd=("$([ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)" "$root/examples/$name") ;;
  *) cmd=("$build/examples/$name") ;;
esac
# Not exec: the EXIT trap stops the simulator afterwards.
"${cmd[@]}" "${uri_args[@]}" "$@"
