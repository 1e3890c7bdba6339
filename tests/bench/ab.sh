#!/usr/bin/env bash
# A/B of two versions of the plugin on the benchmark's conversation
# workload (docs/benchmarks.md, "How to A/B a change"): each side is a git
# revision (built in /tmp/gl-ab/<commit>), a meson build directory, or a
# directory holding libgstgeminilive.so. The simulator and the bench
# programs are this checkout's, the same for both sides; the runs
# alternate A B B A ..., and every figure is printed as min / median / max
# for A and for B, with B ÷ A repeat by repeat.
#
#   bash tests/bench/ab.sh main HEAD                      # N = 100, 5 repeats
#   bash tests/bench/ab.sh main build --sessions 200 --repeats 7
#   bash tests/bench/ab.sh HEAD~1 HEAD --contenders gl,gl-pp --sessions 50
#   bash tests/bench/ab.sh main HEAD --deflate            # server offers deflate
#
# Options after A and B: --sessions N, --repeats R, --seconds S, --warmup S,
# --contenders LIST (gl, gl-branches, gl-pp; default gl), --deflate, and
# any other bench.py option. Writes tests/bench/results/ab.{txt,json}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
[ $# -ge 2 ] || { sed -n '2,18p' "$0"; exit 2; }
a=$1 b=$2
shift 2
args=()
sessions=100 repeats=5
while [ $# -gt 0 ]; do
  case "$1" in
    --sessions) sessions=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

plugin_dir() { # a revision, a build directory or a plugin directory
  local x=$1 sha dir
  if [ -f "$x/libgstgeminilive.so" ]; then
    (cd "$x" && pwd)
  elif [ -f "$x/gst/geminilive/libgstgeminilive.so" ] || [ -f "$x/build.ninja" ]; then
    ninja -C "$x" gst/geminilive/libgstgeminilive.so >/dev/null
    (cd "$x/gst/geminilive" && pwd)
  else
    sha=$(git -C "$root" rev-parse --verify "$x^{commit}") || { echo "not a revision or a directory: $x" >&2; exit 2; }
    dir=/tmp/gl-ab/$sha
    mkdir -p /tmp/gl-ab
    if [ ! -f "$dir/build/gst/geminilive/libgstgeminilive.so" ]; then
      # built aside and moved into place, as another checkout may ask for
      # the same commit at the same time
      echo "building $x ($sha) in $dir" >&2
      local tmp
      tmp=$(mktemp -d "/tmp/gl-ab/$sha.XXXXXX")
      mkdir -p "$tmp/src"
      git -C "$root" archive "$sha" | tar -x -C "$tmp/src"
      meson setup "$tmp/build" "$tmp/src" >/dev/null
      ninja -C "$tmp/build" gst/geminilive/libgstgeminilive.so >/dev/null
      # meson's build directory remembers its source path: keep both
      mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
    fi
    echo "$dir/build/gst/geminilive"
  fi
}

bash "$here/prepare.sh" "$build"
pa=$(plugin_dir "$a")
pb=$(plugin_dir "$b")
py=/usr/bin/python3; [ -x "$py" ] || py=python3
exec "$py" "$here/bench.py" --build "$build" --ab "$pa" "$pb" \
  --ab-sessions "$sessions" --repeats "$repeats" "${args[@]}"
