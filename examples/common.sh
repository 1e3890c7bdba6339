# Sourced by the example scripts. Installs what the examples need and
# builds the project (unless GEMINILIVE_BUILD names an existing build
# directory, as the tests do) and, unless GEMINI_API_KEY is set, starts the
# bundled simulator. Afterwards:
#   $build        the build directory
#   $GEMINILIVE_URI  the simulator's endpoint, empty for the real service
#   uri_args      ("--uri" "$GEMINILIVE_URI") or () for the C/Python examples
# Extra simulator options (e.g. "--answer-ms 600") come from $SIM_ARGS.
# Set before sourcing, by examples/demo.sh:
#   GEMINILIVE_DEPS     what tests/install-deps.sh installs (--examples)
#   GEMINILIVE_TARGETS  the ninja targets to build (default: all)
#   GEMINILIVE_SIM_VOICE  the simulator's --voice, where it has that option
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ -n "${GEMINILIVE_BUILD:-}" ]; then
  build=$GEMINILIVE_BUILD
else
  bash "$root/tests/install-deps.sh" "${GEMINILIVE_DEPS:---examples}"
  build=${BUILD_DIR:-$root/build}
  if [ ! -f "$build/build.ninja" ]; then
    echo "Configuring the build in $build (meson setup)"
    if ! setup_log=$(meson setup "$build" "$root" 2>&1); then
      echo "$setup_log" >&2
      exit 1
    fi
  fi
  echo "Building (ninja -C $build)"
  # shellcheck disable=SC2086
  ninja -C "$build" ${GEMINILIVE_TARGETS:-}
fi
build=$(cd "$build" && pwd)
export GST_PLUGIN_PATH_1_0="$build/gst/geminilive${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"

GEMINILIVE_URI=
uri_args=()
if [ -z "${GEMINI_API_KEY:-}" ]; then
  sim_args=()
  # The simulator speaks with this voice only where it has the option.
  if [ -n "${GEMINILIVE_SIM_VOICE:-}" ] \
    && "$build/tests/sim/gemini-live-sim" --help 2>/dev/null | grep -q -- '--voice'; then
    sim_args=(--voice "$GEMINILIVE_SIM_VOICE")
  fi
  # The simulator prints "listening on ws://127.0.0.1:PORT" once it
  # accepts connections: reading that line is the synchronisation.
  # shellcheck disable=SC2086
  coproc GEMINILIVE_SIM { exec "$build/tests/sim/gemini-live-sim" --api-key example-key "${sim_args[@]}" ${SIM_ARGS:-}; }
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
