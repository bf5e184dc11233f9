#!/usr/bin/env bash
# fuzz/run.sh TARGET [SECONDS]: runs one fuzz target longer, keeping what it
# finds in build/fuzz/corpus/TARGET (seeds stay untouched) and a crash in
# build/fuzz/artifacts/TARGET (copy it to fuzz/crashes/TARGET once fixed: the
# fuzz tests replay that directory). `make fuzz FUZZ_SECONDS=N` runs them all.
#   TARGET: safetensors gguf npy zip pickle index python notebook config fix
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1 secs=${2:-600}
build=${FUZZ_BUILD_DIR:-build/fuzz}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DPARAMLINT_BUILD_FUZZ=ON -DPARAMLINT_BUILD_BENCH=OFF
fi
cmake --build "$build" -j2 --target "fuzz_$target" paramlint_fuzz_seeds
mkdir -p "$build/corpus/$target" "$build/artifacts/$target"
"$build/fuzz/fuzz_$target" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$build/artifacts/$target/" -print_final_stats=1 \
  "$build/corpus/$target" "$build/fuzz/seeds/$target"
