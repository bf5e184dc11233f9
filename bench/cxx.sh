#!/usr/bin/env bash
# Times `paramlint check` on real C++ translation units against
# `clang++ -fsyntax-only` run once per file on the same units, in the same
# run (alternating, medians of RUNS).
#
#   bench/cxx.sh GGML_DIR [N]      (N units, default 20)
#
# GGML_DIR is a checkout of ggml (any project with CMake works): its
# compile_commands.json is made with `cmake -DCMAKE_EXPORT_COMPILE_COMMANDS=ON`
# in GGML_DIR/build when absent (configure only, nothing is built). The
# units are the first N `.cpp` files of the database, sorted. Environment:
#   BENCH_BUILD_DIR  build directory holding paramlint (default build)
#   BENCH_RUNS       repetitions (default 5)
#   BENCH_JOBS       paramlint --jobs (default 1: one process, one thread,
#                    as the per-file clang++ runs one file at a time)
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=${1:?usage: bench/cxx.sh GGML_DIR [N]}
N=${2:-20}
RUNS=${BENCH_RUNS:-5}
JOBS=${BENCH_JOBS:-1}
PARAMLINT=$(pwd)/${BENCH_BUILD_DIR:-build}/paramlint
SRC=$(cd "$SRC" && pwd)
CLANGXX=${CLANGXX:-$(command -v clang++-14 || command -v clang++)}

if [[ ! -f $SRC/build/compile_commands.json ]]; then
  cmake -S "$SRC" -B "$SRC/build" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The units, and one clang++ -fsyntax-only command per unit (the database's
# flags, the compiler swapped, output and -c dropped).
python3 - "$SRC/build/compile_commands.json" "$N" "$CLANGXX" "$WORK" <<'PY'
import json, shlex, sys
db, n, clang, work = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
entries = sorted((e for e in json.load(open(db)) if e["file"].endswith(".cpp")),
                 key=lambda e: e["file"])[:n]
with open(f"{work}/units", "w") as u, open(f"{work}/clang.sh", "w") as c:
    c.write("set -e\n")
    for e in entries:
        args = e.get("arguments") or shlex.split(e["command"])
        out, skip = [clang], False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a == "-o":
                skip = True
                continue
            if a == "-c":
                continue
            out.append(a)
        out.append("-fsyntax-only")
        u.write(e["file"] + "\n")
        c.write(f"cd {shlex.quote(e['directory'])} && {shlex.join(out)} >/dev/null 2>&1 || true\n")
PY
mapfile -t UNITS < "$WORK/units"
echo "units: ${#UNITS[@]} from $SRC"

now() { python3 -c 'import time; print(time.monotonic())'; }
declare -a T_CHECK T_CLANG
for ((r = 1; r <= RUNS; r++)); do
  a=$(now)
  # --no-cache: every run parses (a cached unit is not parsed at all).
  "$PARAMLINT" check --exit-zero --no-cache -j "$JOBS" -p "$SRC/build" "${UNITS[@]}" >/dev/null 2>&1
  b=$(now)
  bash "$WORK/clang.sh"
  c=$(now)
  T_CHECK+=("$(python3 -c "print($b - $a)")")
  T_CLANG+=("$(python3 -c "print($c - $b)")")
  echo "run $r: check ${T_CHECK[-1]} s, clang++ per file ${T_CLANG[-1]} s"
done
python3 - "${T_CHECK[*]}" "${T_CLANG[*]}" "$JOBS" <<'PY'
import statistics, sys
check = [float(x) for x in sys.argv[1].split()]
clang = [float(x) for x in sys.argv[2].split()]
mc, ml = statistics.median(check), statistics.median(clang)
print(f"median: paramlint check (-j {sys.argv[3]}) {mc:.2f} s, "
      f"clang++ -fsyntax-only per file {ml:.2f} s, ratio {mc / ml:.2f}x")
PY
