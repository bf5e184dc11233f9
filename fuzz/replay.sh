#!/usr/bin/env bash
# replay.sh FUZZ_TARGET DIR: runs the target once on every file of DIR (the
# inputs that once crashed it); fails if any still does. No DIR: nothing to
# replay, which passes.
set -euo pipefail
target=$1 dir=$2
shopt -s nullglob
inputs=("$dir"/*)
if [ ${#inputs[@]} -eq 0 ]; then
  echo "no crash inputs in $dir"
  exit 0
fi
exec "$target" -runs=1 -rss_limit_mb=2048 -timeout=30 "${inputs[@]}"
