#!/usr/bin/env bash
# The numeric harness's fp32 kernel at 8192 x 4096 against memcpy (same run)
# and against torch.nn.functional.layer_norm (same shape, same threads).
#
#   bench/harness.sh            (BENCH_BUILD_DIR, default build/release)
#
# Prints medians of 5 repetitions. Single-thread figures compare process CPU
# time, the steadier measure on a shared machine (wall time is printed
# too); multi-thread figures can only compare wall time.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BENCH_BUILD_DIR:-build/release}
OUT=$BUILD/bench
mkdir -p "$OUT"
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j2 --target harness_bench

THREADS=$(nproc)
echo "== harness kernel vs memcpy (Google Benchmark, medians of 5)"
"$BUILD/bench/harness_bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$OUT/harness_bench.json" --benchmark_out_format=json
echo "== torch.nn.functional.layer_norm (/usr/bin/python3, medians of 15)"
/usr/bin/python3 -B bench/torch_layer_norm.py 1 "$THREADS" --json "$OUT/torch_layer_norm.json"

echo "== ratios"
python3 - "$OUT/harness_bench.json" "$OUT/torch_layer_norm.json" "$THREADS" <<'PY'
import json, sys

bench = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))["results"]
threads = int(sys.argv[3])
med = {}
for b in bench["benchmarks"]:
    if b.get("aggregate_name") == "median":
        name, t = b["run_name"].split("/")[:2]
        med[(name, int(t))] = (b["real_time"], b["cpu_time"])
tmed = {(r["name"], r["threads"]): (r["wall_ms"], r["cpu_ms"]) for r in torch}

for t in sorted({1, threads}):
    pick = 1 if t == 1 else 0  # cpu time single-threaded, wall time otherwise
    what = "cpu" if t == 1 else "wall"
    ln = med[("BM_LayerNormF32", t)][pick]
    rms = med[("BM_RMSNormF32", t)][pick]
    cp = med[("BM_Memcpy", t)][pick]
    fresh = med[("BM_LayerNormF32FreshOutput", t)][pick]
    tln = tmed[("torch_layer_norm", t)][pick]
    print(f"-- {t} thread(s), {what} ms:")
    print(f"   harness LayerNorm {ln:7.1f}   memcpy {cp:7.1f}   ratio {ln / cp:4.2f}x (aim <= 2)")
    print(f"   harness RMSNorm   {rms:7.1f}                    ratio {rms / cp:4.2f}x")
    print(f"   harness LayerNorm into a fresh output {fresh:7.1f}   torch F.layer_norm {tln:7.1f}"
          f"   ratio {fresh / tln:4.2f}x (aim <= 1)")
    print(f"   harness LayerNorm (reused output) vs torch: {ln / tln:4.2f}x")
PY
