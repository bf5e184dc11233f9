#!/usr/bin/env bash
# Time and peak memory of `paramlint check` over 1, 2, 4 and 8 copies of a
# corpus (issue: linear within 10%; peak RSS under 256 MiB at 1x and 1 GiB at
# 8x). Copies are hard links in separate directories, so every copy is
# parsed, extracted and linked as its own package.
#
#   bench/scaling.sh [CORPUS_DIR]      (default /work/corpus)
#
# Environment:
#   BENCH_BUILD_DIR    the Release build whose paramlint is timed (default
#                      build/release; it must be built already)
#   BENCH_OUT          where the copies go (default $BENCH_BUILD_DIR/bench)
#   BENCH_SCALES       the multiples (default "1 2 4 8")
#   BENCH_JOBS         --jobs (default 2)
#   BENCH_SCALING_RUNS runs per multiple; the median is reported (default 1)
# Prints one row per multiple: wall, user+sys CPU, peak RSS, and CPU and
# RSS per copy relative to 1x (1.00 = linear).
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=$(cd "${1:-/work/corpus}" && pwd)
BUILD=${BENCH_BUILD_DIR:-build/release}
OUT=$(mkdir -p "${BENCH_OUT:-$BUILD/bench}" && cd "${BENCH_OUT:-$BUILD/bench}" && pwd)
SCALES=${BENCH_SCALES:-1 2 4 8}
JOBS=${BENCH_JOBS:-2}
RUNS=${BENCH_SCALING_RUNS:-1}
BIN=$(cd "$BUILD" && pwd)/paramlint
[[ -x $BIN ]] || { echo "scaling.sh: no paramlint in $BUILD (build it first)" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ROOT=$OUT/scaling
rm -rf "$ROOT"
printf '%-6s %8s %10s %10s %10s %12s %12s\n' scale files wall_s cpu_s rss_MiB cpu/copy rss/copy
base_cpu="" base_rss=""
for S in $SCALES; do
  DIR=$ROOT/x$S
  for ((I = 0; I < S; I++)); do
    mkdir -p "$DIR"
    cp -al "$CORPUS" "$DIR/copy$I"
  done
  FILES=$(find "$DIR" -name '*.py' -o -name '*.ipynb' | wc -l)
  WALLS="" CPUS="" RSSS=""
  for ((R = 0; R < RUNS; R++)); do
    /usr/bin/time -o "$ROOT/time" -f '%e %U %S %M' "$BIN" check "$DIR" --no-cache \
      -j "$JOBS" -o /dev/null --exit-zero >/dev/null 2>&1
    read -r W U Y M <"$ROOT/time"
    WALLS+="$W"$'\n' CPUS+="$(echo "$U + $Y" | bc)"$'\n' RSSS+="$M"$'\n'
  done
  W=$(printf '%s' "$WALLS" | median) C=$(printf '%s' "$CPUS" | median)
  M=$(printf '%s' "$RSSS" | median)
  MIB=$(echo "scale=1; $M / 1024" | bc)
  [[ -z $base_cpu ]] && base_cpu=$C base_rss=$M
  printf '%-6s %8d %10.2f %10.2f %10.1f %12.2f %12.2f\n' "${S}x" "$FILES" "$W" "$C" "$MIB" \
    "$(echo "scale=4; $C / $S / $base_cpu" | bc)" "$(echo "scale=4; $M / $S / $base_rss" | bc)"
  rm -rf "$DIR"
done
