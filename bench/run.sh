#!/usr/bin/env bash
# Times `paramlint check` against a bare tree-sitter parse of the same files.
#
#   bench/run.sh [CORPUS_DIR]        (default /work/corpus)
#
# Builds the release preset, runs bench/CheckBench.cpp (medians of five
# repetitions, half and whole corpus), times the real CLI end to end with
# hyperfine, and prints the ratios check / bare parse. Environment:
#   BENCH_BUILD_DIR   build directory (default build/release, the release preset)
#   BENCH_FILTER      --benchmark_filter regex (default: all benchmarks)
#   BENCH_OUT         where the JSON results go (default $BENCH_BUILD_DIR/bench)
#   BENCH_CLI_RUNS    hyperfine runs of the CLI (default 5; 0 skips it)
#   PARAMLINT_BENCH_REPETITIONS  repetitions per benchmark (default 5)
#   BENCH_CACHE_RUNS  runs per mode of bench/cache.sh (cold / warm / one file
#                     changed / --no-cache; default 3; 0 skips it)
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${1:-/work/corpus}
if [[ ! -d $CORPUS ]] || [[ -z $(find "$CORPUS" -name '*.py' -print -quit) ]]; then
  cat >&2 <<EOF
run.sh: no Python corpus at '$CORPUS'.
A corpus is any directory of real Python model code, kept outside the
repository. The one in bench/README.md is three public repositories checked
out side by side, e.g.:
  mkdir -p /work/corpus && cd /work/corpus
  git clone <diffusers repository URL> diffusers
  git clone <nanoGPT repository URL> nanoGPT
  git clone <LLMs-from-scratch repository URL> LLMs-from-scratch
then: bench/run.sh /work/corpus
EOF
  exit 2
fi
CORPUS=$(cd "$CORPUS" && pwd)

BUILD=${BENCH_BUILD_DIR:-build/release}
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT"

if [[ $BUILD == build/release ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target paramlint_bench cache_bench paramlint
else
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target paramlint_bench cache_bench paramlint
fi

PY_FILES=$(find "$CORPUS" -name '*.py' -not -path '*/.*' | wc -l)
PY_LINES=$(find "$CORPUS" -name '*.py' -not -path '*/.*' -print0 | xargs -0 cat | wc -l)
echo "== corpus: $CORPUS ($PY_FILES .py files, $PY_LINES lines)"

# Repetitions of all benchmarks run in random order, so a load that comes
# and goes on a shared machine falls on every benchmark alike and the
# ratios stay fair.
echo "== Google Benchmark (medians of ${PARAMLINT_BENCH_REPETITIONS:-5} repetitions, randomly interleaved)"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
PARAMLINT_BENCH_CORPUS=$CORPUS "$BUILD/bench/paramlint_bench" \
  --benchmark_enable_random_interleaving=true \
  --benchmark_filter="${BENCH_FILTER:-.}" \
  --benchmark_out="$OUT/bench.json" --benchmark_out_format=json

HYPERFINE_JSON=
if [[ ${BENCH_CLI_RUNS:-5} != 0 ]] && ! command -v hyperfine >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  apt-get install -y -qq hyperfine >/dev/null 2>&1 || true
fi
if [[ ${BENCH_CLI_RUNS:-5} == 0 ]]; then
  echo "== CLI timing skipped (BENCH_CLI_RUNS=0)"
elif command -v hyperfine >/dev/null; then
  echo "== CLI end to end (hyperfine)"
  HYPERFINE_JSON=$OUT/hyperfine.json
  hyperfine --warmup 1 --runs "${BENCH_CLI_RUNS:-5}" --export-json "$HYPERFINE_JSON" \
    "$BUILD/paramlint check --exit-zero --output-format json $CORPUS > /dev/null"
else
  echo "== hyperfine not found: CLI timing skipped"
fi

echo "== ratios (medians; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$OUT/bench.json" "$HYPERFINE_JSON" <<'PY'
import json, statistics, sys

bench = json.load(open(sys.argv[1]))
wall, cpu, mb, ctx = {}, {}, {}, {}
for b in bench["benchmarks"]:
    if b.get("aggregate_name") == "median":  # times in milliseconds
        wall[b["run_name"]] = b["real_time"]
        cpu[b["run_name"]] = b["cpu_time"]
        mb[b["run_name"]] = b.get("MB")
        ctx[b["run_name"]] = b.get("context_files")

def get(table, name, share):
    for k, v in table.items():
        if k.startswith(f"{name}/{share}/"):
            return v
    return None

# Single-thread benchmarks: the main thread's CPU time is the steadier
# measure on a shared machine; wall time is printed beside it. The parallel
# run has only a meaningful wall time (its workers' CPU is not counted).
print(f"{'':24s} {'wall ms':>9s} {'ratio':>6s} {'cpu ms':>9s} {'ratio':>6s}")
for share in (50, 100):
    pw, pc = get(wall, "BM_BareParse", share), get(cpu, "BM_BareParse", share)
    if pw is None:
        continue
    print(f"-- {share}% of the corpus")
    for name in ("BM_BareParse", "BM_Extract", "BM_AnalyzeNoChecks",
                 "BM_CheckSingleThread", "BM_CheckParallel"):
        w, c = get(wall, name, share), get(cpu, name, share)
        if w is None:
            continue
        cpu_part = (f"{c:9.0f} {c / pc:5.2f}x" if name != "BM_CheckParallel"
                    else f"{'-':>9s} {'-':>6s}")
        print(f"   {name:21s} {w:9.0f} {w / pw:5.2f}x {cpu_part}")

# Linearity: CPU time per analysed MB on the whole corpus against half of
# it (a half's analysis also reads the imported files of the other half).
for name in ("BM_BareParse", "BM_Extract", "BM_CheckSingleThread"):
    h, w = get(cpu, name, 50), get(cpu, name, 100)
    hm, wm = get(mb, name, 50), get(mb, name, 100)
    if h and w and hm and wm:
        extra = get(ctx, name, 50)
        note = f", half read {extra:.0f} imported files beyond its inputs" if extra else ""
        print(f"-- linearity, {name}: cpu/MB whole / cpu/MB half = "
              f"{(w / wm) / (h / hm):.2f} (1.00 is linear; {hm:.1f} MB vs {wm:.1f} MB{note})")

if len(sys.argv) > 2 and sys.argv[2]:
    runs = json.load(open(sys.argv[2]))["results"][0]["times"]
    cli = statistics.median(runs) * 1000
    parse = get(wall, "BM_BareParse", 100)
    print(f"-- CLI `check` (all inputs, notebooks too, parallel): median wall {cli:.0f} ms"
          + (f", {cli / parse:.2f}x the single-thread bare parse's wall" if parse else ""))
PY

# The cache: cold, warm and one-file-changed runs of the CLI (bench/cache.sh).
if [[ ${BENCH_CACHE_RUNS:-3} != 0 ]]; then
  BENCH_BUILD_DIR=$BUILD BENCH_OUT=$OUT bench/cache.sh "$CORPUS"
fi
