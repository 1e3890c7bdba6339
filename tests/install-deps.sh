#!/usr/bin/env bash
# Installs the Debian 12 packages one purpose needs, and only those:
#
#   bash tests/install-deps.sh --demo       # build + run the plugin, the demo
#   bash tests/install-deps.sh --examples   # the demo's, plus every example's
#   bash tests/install-deps.sh --tests      # everything the test suite needs
#                                           # (also without an option)
#   bash tests/install-deps.sh --list PURPOSE   # print the list, install nothing
#
# Safe to run again: it only calls apt-get when something is missing. apt's
# own output goes to a log file; this script says what it is doing.
set -euo pipefail

# Compiling the plugin, the simulator and the examples.
build=(
  gcc libc6-dev pkg-config meson ninja-build
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libsoup-3.0-dev libjson-glib-dev
)
# Running them: gst-launch-1.0 and gst-inspect-1.0, the elements the plugin
# and the demo use (audioconvert, audioresample, decodebin, wavparse,
# wavenc, jpegenc), TLS for wss:// and the CA certificates to check it.
runtime=(
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  glib-networking ca-certificates
)
demo=(
  espeak-ng  # speaks the demo's question (and the simulator's answers)
)
examples=(
  gstreamer1.0-plugins-bad     # webrtcdsp, for examples/voice-assistant.sh
  gstreamer1.0-x               # textoverlay (pango), for camera-captions
  python3-gi gir1.2-gstreamer-1.0  # examples/tools.py
)
tests=(
  clang libclang-rt-dev  # libFuzzer and UBSan runtimes, for the fuzz test
  clang-format git       # tests/check-format.sh
  valgrind               # meson test --setup valgrind, the valgrind soak
)

usage() {
  sed -n '2,8s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

list=0
if [ "${1:-}" = --list ]; then
  list=1
  shift
fi
case "${1:---tests}" in
  --demo) what="the demo needs"; packages=("${build[@]}" "${runtime[@]}" "${demo[@]}") ;;
  --examples) what="the examples need"; packages=("${build[@]}" "${runtime[@]}" "${demo[@]}" "${examples[@]}") ;;
  --tests) what="the tests need"; packages=("${build[@]}" "${runtime[@]}" "${demo[@]}" "${examples[@]}" "${tests[@]}") ;;
  *) usage ;;
esac
if [ $list = 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
log=${TMPDIR:-/tmp}/gst-gemini-live-apt.log
: >"$log"
export DEBIAN_FRONTEND=noninteractive

fail() {
  echo "apt-get failed: the last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

start=$SECONDS
echo "Installing what ${what} from Debian: ${missing[*]}"
echo "  updating the package lists (apt-get update; log: $log)"
"${SUDO[@]}" apt-get update >>"$log" 2>&1 || fail
total=$("${SUDO[@]}" apt-get install -s --no-install-recommends "${missing[@]}" 2>>"$log" | grep -c '^Inst ' || true)
# Measured on a fresh Debian 12 (debootstrap, 2 shared cores): the demo's
# 412 packages took 112 to 182 s, the tests' 545 150 to 204 s
# (docs/testing.md).
echo "  installing ${total} packages with their dependencies: usually 2 to 4 minutes on a fresh machine"

# apt-get in the background; every few seconds, how far dpkg has got.
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 &
apt=$!
last=
while kill -0 "$apt" 2>/dev/null; do
  sleep 2
  unpacked=$(grep -c '^Unpacking ' "$log" || true)
  set_up=$(grep -c '^Setting up ' "$log" || true)
  now="  unpacked ${unpacked}/${total}, set up ${set_up}/${total}"
  if [ -t 1 ]; then
    printf '\r%s' "$now"
  elif [ "$now" != "$last" ] && [ $(((SECONDS - start) % 20)) -lt 2 ]; then
    echo "$now"
    last=$now
  fi
done
[ -t 1 ] && echo
wait "$apt" || fail
echo "  done in $((SECONDS - start)) s"
