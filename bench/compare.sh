#!/usr/bin/env bash
# `paramlint check` beside the bare tree-sitter parse (bench/BareParse.cpp)
# and ast-grep with one pattern rule, all three from the outside with
# /usr/bin/time, in one run, interleaved, at each --jobs; prints medians of
# wall, CPU (user + sys) and peak RSS, the ratios to the bare parse, and
# paramlint's ratio to each other tool paired within a round (the median
# over the rounds: steadier where the machine's speed drifts).
#
#   bench/compare.sh [CORPUS_DIR]       (default /work/corpus)
#
# Environment:
#   BENCH_BUILD_DIR   Release build with paramlint and bench/bare_parse built
#                     (default build/release)
#   BENCH_RUNS        runs per tool and --jobs (default 5)
#   BENCH_JOBS        the --jobs values (default "1 2")
#   BENCH_JEMALLOC    the jemalloc library bare_parse is also timed with, by
#                     LD_PRELOAD, as a row of its own (default: the one
#                     paramlint is linked against, found with ldd; none when
#                     it was built with PARAMLINT_JEMALLOC=OFF)
#   AST_GREP          the ast-grep binary (default: `ast-grep` on PATH, else
#                     node_modules/.bin/ast-grep under /tmp/astgrep); when none
#                     is found its rows are skipped
# paramlint is linked with jemalloc (PARAMLINT_JEMALLOC), bare_parse with
# glibc's malloc; and paramlint parses each file in an arena
# (python/ParseArena.h), whose parsers take the lexer's fast path
# (python/LexerFastPath.h) and parse with python/ParseLanguage.h's language.
# So that the floor stays honest, bare_parse is timed three ways (glibc,
# jemalloc, jemalloc with the arena, the fast path and that language:
# `bare_parse_arena`, the parse as paramlint makes it), and the ratios are
# printed against each.
# On a shared machine wall time is inflated by other processes; CPU time
# (what the process itself spent) and peak RSS are the figures to compare.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=$(cd "${1:-/work/corpus}" && pwd)
BUILD=$(cd "${BENCH_BUILD_DIR:-build/release}" && pwd)
RUNS=${BENCH_RUNS:-5}
JOBS=${BENCH_JOBS:-1 2}
for B in "$BUILD/paramlint" "$BUILD/bench/bare_parse"; do
  [[ -x $B ]] || { echo "compare.sh: $B missing (build paramlint and bare_parse)" >&2; exit 2; }
done
source bench/peers.sh
[[ -z $JEMALLOC || -f $JEMALLOC ]] || { echo "compare.sh: $JEMALLOC missing" >&2; exit 2; }

# ast-grep runs in RULES, where its rule is.
RULES=$(mktemp -d)
trap 'rm -rf "$RULES"' EXIT
write_ast_grep_rule "$RULES"

echo "== corpus $CORPUS: $(find "$CORPUS" \( -name '*.py' -o -name '*.ipynb' \) -not -path '*/.*' | wc -l) inputs;" \
  "runs $RUNS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bench/bare_parse" -j 1 "$CORPUS"
[[ -n $JEMALLOC ]] && echo "jemalloc: $JEMALLOC (paramlint linked, bare_parse_je preloaded)"
[[ -n $SG ]] && echo "ast-grep: $("$SG" --version)"

# One row per run: tool jobs wall cpu rss_kib.
RESULTS=$RULES/results
for ((R = 0; R < RUNS; R++)); do
  for J in $JOBS; do
    CMDS=("paramlint|$BUILD/paramlint check --no-cache --exit-zero -j $J --output-format json $CORPUS"
          "bare_parse|$BUILD/bench/bare_parse -j $J $CORPUS")
    [[ -n $JEMALLOC ]] &&
      CMDS+=("bare_parse_je|env LD_PRELOAD=$JEMALLOC $BUILD/bench/bare_parse -j $J $CORPUS")
    # The floor with tree-sitter's allocations in the parse arena, the
    # lexer's fast path and the arena's language, as `check` parses
    # (python/ParseArena.h), and the rest in jemalloc.
    CMDS+=("bare_parse_arena|env ${JEMALLOC:+LD_PRELOAD=$JEMALLOC} $BUILD/bench/bare_parse --arena -j $J $CORPUS")
    # ast-grep's pattern run two ways (bench/peers.sh), and a pattern that
    # matches nothing: ast-grep's parse and walk, the peer's own floor.
    # (`run` exits 1 when nothing matched.)
    [[ -n $SG ]] && CMDS+=("ast-grep|$SG scan -j $J $CORPUS"
                           "ast-grep_run|$SG run -p $AST_GREP_PATTERN -l python -j $J $CORPUS"
                           "ast-grep_parse|$SG run -p paramlint_matches_nothing -l python -j $J $CORPUS")
    for C in "${CMDS[@]}"; do
      NAME=${C%%|*} CMD=${C#*|}
      (cd "$RULES" && /usr/bin/time -o "$RULES/time" -f '%e %U %S %M' $CMD >/dev/null 2>&1) || true
      # The figures are the last line: time(1) writes "Command exited with
      # non-zero status" above them.
      read -r W U S M < <(tail -n 1 "$RULES/time")
      echo "$NAME $J $W $(echo "$U + $S" | bc) $M $R" >>"$RESULTS"
    done
  done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = {}
by_round = {}  # (jobs, round) -> {tool: (wall, cpu)}
for line in open(sys.argv[1]):
    name, jobs, wall, cpu, rss, rnd = line.split()
    rows.setdefault((name, int(jobs)), []).append((float(wall), float(cpu), int(rss)))
    by_round.setdefault((int(jobs), int(rnd)), {})[name] = (float(wall), float(cpu))
med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in rows.items()}
# Ratios to the bare parse with glibc's malloc and, when timed, with jemalloc.
print(f"{'tool':16s} {'jobs':>4s} {'wall s':>8s} {'cpu s':>8s} {'RSS MiB':>8s} {'cpu/parse':>10s} "
      f"{'wall/parse':>10s} {'cpu/parse_je':>12s} {'wall/parse_je':>13s} "
      f"{'cpu/parse_arena':>15s} {'wall/parse_arena':>16s}")
for (name, jobs), (w, c, m) in sorted(med.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    pw, pc, _ = med.get(("bare_parse", jobs), (w, c, 0))
    line = f"{name:16s} {jobs:4d} {w:8.2f} {c:8.2f} {m / 1024:8.1f} {c / pc:9.2f}x {w / pw:9.2f}x"
    for floor, width in (("bare_parse_je", 12), ("bare_parse_arena", 15)):
        if (floor, jobs) in med:
            fw, fc, _ = med[(floor, jobs)]
            line += f" {c / fc:{width - 1}.2f}x {w / fw:{width}.2f}x"
        else:
            line += f" {'-':>{width}s} {'-':>{width + 1}s}"
    print(line)
# Paired ratios: paramlint against each other tool within the same round
# (the runs of a round are adjacent), then the median over the rounds. On
# a machine whose speed drifts from minute to minute this is steadier than
# the ratio of the medians above, which pairs runs minutes apart.
print("-- paired: median over rounds of paramlint / tool in the same round (cpu, wall)")
for j in sorted({j for _, j in med}):
    for other in sorted({n for n, jj in med if jj == j and n != "paramlint"}):
        pairs = [(r["paramlint"][1] / r[other][1], r["paramlint"][0] / r[other][0])
                 for (jj, _), r in sorted(by_round.items())
                 if jj == j and "paramlint" in r and other in r]
        if pairs:
            cpu = [c for c, _ in pairs]
            print(f"-- paired -j{j} paramlint / {other}: cpu {statistics.median(cpu):.2f}x "
                  f"(rounds {min(cpu):.2f}-{max(cpu):.2f}), "
                  f"wall {statistics.median(w for _, w in pairs):.2f}x, {len(pairs)} rounds")
jobs = sorted({j for _, j in med})
if len(jobs) > 1:
    lo, hi = jobs[0], jobs[-1]
    for name in sorted({n for n, _ in med}):
        if (name, lo) in med and (name, hi) in med:
            print(f"-- {name}: wall speed-up -j{hi} over -j{lo}: "
                  f"{med[(name, lo)][0] / med[(name, hi)][0]:.2f}x")
PY
