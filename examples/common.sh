# Sourced by the example scripts. Builds the project (unless
# GEMINILIVE_BUILD names an existing build directory, as the tests do) and,
# unless GEMINI_API_KEY is set, starts the bundled simulator. Afterwards:
#   $build        the build directory
#   $GEMINILIVE_URI  the simulator's endpoint, empty for the real service
#   uri_args      ("--uri" "$GEMINILIVE_URI") or () for the C/Python examples
# Extra simulator options (e.g. "--answer-ms 600") come from $SIM_ARGS.
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ -n "${GEMINILIVE_BUILD:-}" ]; then
  build=$GEMINILIVE_BUILD
else
  bash "$root/tests/install-deps.sh"
  build=${BUILD_DIR:-$root/build}
  [ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
  ninja -C "$build" >/dev/null
fi
build=$(cd "$build" && pwd)
export GST_PLUGIN_PATH_1_0="$build/gst/geminilive${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"

GEMINILIVE_URI=
uri_args=()
if [ -z "${GEMINI_API_KEY:-}" ]; then
  # The simulator prints "listening on ws://127.0.0.1:PORT" once it
  # accepts connections: reading that line is the synchronisation.
  # shellcheck disable=SC2086
  coproc GEMINILIVE_SIM { exec "$build/tests/sim/gemini-live-sim" --api-key example-key ${SIM_ARGS:-}; }
  trap 'kill "$GEMINILIVE_SIM_PID" 2>/dev/null || true' EXIT
  if ! read -r sim_line <&"${GEMINILIVE_SIM[0]}"; then
    echo "gemini-live-sim did not start" >&2
    exit 1
  fi
  GEMINILIVE_URI="ws://127.0.0.1:${sim_line##*:}/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
  uri_args=(--uri "$GEMINILIVE_URI")
  export GEMINI_API_KEY=example-key
  echo "talking to the simulator at $GEMINILIVE_URI (set GEMINI_API_KEY to use the real service)" >&2
else
  echo "talking to the real Gemini Live API" >&2
fi
