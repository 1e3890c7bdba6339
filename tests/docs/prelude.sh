# shellcheck shell=bash
# Sourced before each documented block by check-docs.py: the commands that
# cannot run here as they would on a reader's machine are shell functions
# (they apply to the block's own commands, not to the scripts it runs).
# $DOCS_TESTS is this directory; $DOCS_BRIEF the seconds a script may run.

note() {
  echo "[docs] $*" >&2
}

# gst-launch-1.0: parsed as gst-launch-1.0 does, then run for a moment
# against a simulator (gst-launch.py says how).
gst-launch-1.0() {
  /usr/bin/python3 "$DOCS_TESTS/gst-launch.py" "$@"
}

# The reader is root, as the README assumes; sudo may not be installed.
sudo() {
  "$@"
}

# An access token for Vertex AI: the simulator takes any.
gcloud() {
  note "gcloud $*: a made-up token"
  echo "docs-test-token"
}

# A `| grep` after a command filters what a moment's run printed, which
# may not hold what a long one does: no match is fine, a bad pattern
# (status 2) is not.
grep() {
  local s=0
  command grep "$@" || s=$?
  [ $s -eq 1 ] && note "grep $*: no match in a short run" && return 0
  return $s
}

# The build directory a meson or ninja command works on.
build_dir() {
  local prev=
  for a in "$@"; do
    [ "$prev" = -C ] && { echo "$a"; return; }
    prev=$a
  done
  echo .
}

# meson test lists what it would run (checking the setup and test names);
# meson install is a dry run; meson setup configures a new build and is
# not run. A command on a build directory that does not exist here (made
# by a meson setup that was not run) is skipped.
meson() {
  local dir
  dir=$(build_dir "$@")
  case "$1" in
    test)
      [ -d "$dir" ] || { note "meson $*: no $dir here, skipped"; return 0; }
      command meson "$@" --list >/dev/null
      ;;
    install)
      [ -d "$dir" ] || { note "meson $*: no $dir here, skipped"; return 0; }
      command meson "$@" --dry-run --no-rebuild >/dev/null
      ;;
    setup) note "meson $*: configures a new build, not run" ;;
    *) command meson "$@" ;;
  esac
}

# ninja: a dry run, which checks that the targets exist.
ninja() {
  local dir
  dir=$(build_dir "$@")
  [ -d "$dir" ] || { note "ninja $*: no $dir here, skipped"; return 0; }
  command ninja -n "$@" >/dev/null
}

# valgrind makes a run minutes long (meson test --setup valgrind runs the
# suite under it): only its program must exist.
valgrind() {
  local a
  for a in "$@"; do
    case "$a" in
      -*) ;;
      *)
        [ -x "$a" ] || { note "valgrind: no program $a"; return 1; }
        note "valgrind $a: not run (minutes under memcheck)"
        return 0
        ;;
    esac
  done
  return 1
}

# bash SCRIPT: the scripts in DOCS_SYNTAX_ONLY (the suite itself, or runs
# of minutes) are only checked for syntax; those in DOCS_TO_THE_END must
# end by themselves, and well, within 90 s; any other runs with its
# arguments for up to DOCS_BRIEF seconds: still running then counts as
# running (it is stopped with SIGINT, as Ctrl-C would).
bash() {
  local script=$1 s
  if [ -f "$script" ] && [[ " $DOCS_SYNTAX_ONLY " == *" $script "* ]]; then
    note "bash $*: syntax only (bash -n)"
    command bash -n "$script"
    return
  fi
  if [[ " $DOCS_TO_THE_END " == *" $script "* ]]; then
    timeout -s INT -k 5 90 bash "$@"
    return
  fi
  timeout -s INT -k 5 "$DOCS_BRIEF" bash "$@" && return 0
  s=$?
  [ $s -eq 124 ] && { note "bash $*: still running after ${DOCS_BRIEF} s"; return 0; }
  return $s
}
