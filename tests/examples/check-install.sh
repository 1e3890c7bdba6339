#!/usr/bin/env bash
# `meson install --destdir` into a temporary directory, then checks that
# gst-inspect-1.0 finds geminilive there through GST_PLUGIN_PATH, as the
# README tells users to do.
set -uo pipefail
build=${GEMINILIVE_BUILD:?}
meson=${MESON:-meson}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet \
  || { echo "FAIL: meson install"; exit 1; }
lib=$(find "$tmp/root" -name 'libgstgeminilive.so' -path '*/gstreamer-1.0/*' | head -1)
[ -n "$lib" ] || { echo "FAIL: libgstgeminilive.so not installed into */gstreamer-1.0/"; exit 1; }
echo "installed: ${lib#"$tmp/root"}"

# Only the installed copy may be found: no build-tree path, a fresh registry.
unset GST_PLUGIN_PATH_1_0
export GST_PLUGIN_PATH
GST_PLUGIN_PATH=$(dirname "$lib")
export GST_REGISTRY=$tmp/registry.bin
inspect=$(gst-inspect-1.0 geminilive 2>&1) || { echo "$inspect"; echo "FAIL: gst-inspect-1.0 geminilive"; exit 1; }
echo "$inspect" | grep -E 'Filename|Long-name|Version'
echo "$inspect" | grep -q "Filename *$lib" || { echo "FAIL: loaded from elsewhere"; exit 1; }
echo "$inspect" | grep -q 'send-tool-response' || { echo "FAIL: signals missing"; exit 1; }
echo "PASS (install)"
