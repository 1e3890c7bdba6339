#!/usr/bin/env bash
# Every C file follows the repository's one .clang-format. Exit 77 (skip)
# when clang-format is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find gst tests examples docs -name '*.[ch]')
if ! clang-format --dry-run --Werror --style=file $files; then
  echo "run: clang-format -i --style=file \$(git ls-files '*.c' '*.h')"
  exit 1
fi
echo "$(echo "$files" | wc -w) files formatted"
