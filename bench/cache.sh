#!/usr/bin/env bash
# Times the facts cache end to end: `paramlint check` over a copy of the
# corpus with no cache, with an empty cache (cold), again over the unchanged
# tree (warm), and after one file changed; medians of several runs.
#
#   bench/cache.sh [CORPUS_DIR]      (default /work/corpus)
#
# run.sh calls it after its other timings. Environment:
#   BENCH_BUILD_DIR   the Release build whose paramlint is timed (default
#                     build/release; it must be built already)
#   BENCH_OUT         where the copy, the cache and the results go
#                     (default $BENCH_BUILD_DIR/bench)
#   BENCH_CACHE_RUNS  runs of each mode (default 3)
#   BENCH_CACHE_FILE  the file to change, relative to the corpus (default: a
#                     diffusers model file of typical size)
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=$(cd "${1:-/work/corpus}" && pwd)
BUILD=${BENCH_BUILD_DIR:-build/release}
OUT=$(mkdir -p "${BENCH_OUT:-$BUILD/bench}" && cd "${BENCH_OUT:-$BUILD/bench}" && pwd)
RUNS=${BENCH_CACHE_RUNS:-3}
BIN=$(cd "$BUILD" && pwd)/paramlint
[[ -x $BIN ]] || { echo "cache.sh: no paramlint in $BUILD (build it first)" >&2; exit 2; }

# The changed file is edited in a copy: the corpus itself is never touched.
COPY=$OUT/cache-corpus
CACHE=$OUT/cache-dir
rm -rf "$COPY" "$CACHE"
cp -a "$CORPUS" "$COPY"
FILE=${BENCH_CACHE_FILE:-diffusers/src/diffusers/models/attention.py}
[[ -f $COPY/$FILE ]] || FILE=$(cd "$COPY" && find . -name '*.py' -size +8k | sort | head -1)
echo "== cache: $RUNS runs per mode over a copy of $CORPUS; changed file: $FILE"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

RESULTS=$OUT/cache-times.txt
: > "$RESULTS"
# One timed run: mode, then wall/user/sys seconds and --timings' line.
timed() {
  local mode=$1; shift
  local err
  err=$( { /usr/bin/time -f "TIME %e %U %S" "$@" > "$OUT/cache-$mode.json"; } 2>&1 )
  local t; t=$(grep '^TIME ' <<<"$err" | tail -1 | cut -d' ' -f2-)
  local phases; phases=$(grep 'paramlint: timings:' <<<"$err" || true)
  echo "$mode $t | $phases" | tee -a "$RESULTS"
}
for ((R = 1; R <= RUNS; R++)); do
  timed no-cache "$BIN" check --no-cache --timings --exit-zero --output-format json "$COPY"
  rm -rf "$CACHE"
  PARAMLINT_CACHE_DIR=$CACHE timed cold "$BIN" check --timings --exit-zero --output-format json "$COPY"
  PARAMLINT_CACHE_DIR=$CACHE timed warm "$BIN" check --timings --exit-zero --output-format json "$COPY"
  printf '\n# bench edit %s\n' "$R$RANDOM" >> "$COPY/$FILE"
  PARAMLINT_CACHE_DIR=$CACHE timed one-changed "$BIN" check --timings --exit-zero --output-format json "$COPY"
done
for mode in cold warm; do
  cmp -s "$OUT/cache-no-cache.json" "$OUT/cache-$mode.json" ||
    { echo "cache.sh: $mode output differs from --no-cache" >&2; exit 1; }
done
echo "   outputs of no-cache, cold and warm runs are byte-identical"
echo "   cache size: $(du -sh "$CACHE" | cut -f1), $(find "$CACHE" -type f | wc -l) files"
echo "== cache medians (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$RESULTS" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    head, _, phases = line.partition("|")
    mode, wall, user, sys_ = head.split()
    m = re.search(r"read\+extract (\d+) ms, link (\d+) ms, checks (\d+) ms", phases)
    rows.setdefault(mode, []).append(
        (float(wall), float(user) + float(sys_),
         *(float(x) for x in (m.groups() if m else (0, 0, 0)))))
med = {m: [statistics.median(c) for c in zip(*v)] for m, v in rows.items()}
print(f"{'mode':12s} {'runs':>4s} {'wall s':>8s} {'cpu s':>8s} {'extract ms':>11s} {'link ms':>8s} {'checks ms':>9s} {'wall/cold':>9s} {'cpu/cold':>8s}")
cold = med.get("cold")
for mode in ("no-cache", "cold", "warm", "one-changed"):
    if mode not in med:
        continue
    w, c, e, l, k = med[mode]
    print(f"{mode:12s} {len(rows[mode]):4d} {w:8.2f} {c:8.2f} {e:11.0f} {l:8.0f} {k:9.0f}"
          f" {w / cold[0]:8.1%} {c / cold[1]:8.1%}")
if "one-changed" in med:
    w, c, e, l, k = med["one-changed"]
    print(f"-- one changed file: read+extract of all files {e:.0f} ms (every other "
          f"file a hit; the changed file's own miss is BM_OneFileMiss below), "
          f"linking {l:.0f} ms, checks {k:.0f} ms")
PY

# The per-file costs behind those numbers: the content hash (against
# FNV-1a) and the facts serializer (against the parse it replaces).
if [[ -x $BUILD/bench/cache_bench ]]; then
  echo "== cache_bench (medians of 3 repetitions)"
  PARAMLINT_BENCH_CORPUS=$CORPUS PARAMLINT_BENCH_FILE=$CORPUS/$FILE "$BUILD/bench/cache_bench" \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1 |
    grep -E 'median|Benchmark|---' || true
fi
