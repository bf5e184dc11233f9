#!/usr/bin/env bash
# Instructions, not time: `paramlint check -j 1` beside the bare parse (the
# three floors of compare.sh) and ast-grep's one pattern (as a `scan` rule
# and as `run -p`, bench/peers.sh), each counted by
# valgrind (cachegrind without its cache model: the count of instructions
# the program executed). The counts are the same on every run and on a busy
# machine, where compare.sh's times drift by 15% from one round to the
# next; they do not see memory stalls, so they bound what a change does to
# the work, not to the time. Two programs run at once (the counts do not
# depend on it); the whole benchmark corpus takes about 10 minutes.
#
#   bench/instructions.sh [CORPUS_DIR]       (default /work/corpus)
#
# Environment:
#   BENCH_BUILD_DIR   Release build with paramlint and bench/bare_parse built
#                     (default build/release)
#   BENCH_JEMALLOC    the jemalloc library of the jemalloc rows (default: the
#                     one paramlint is linked against, found with ldd)
#   AST_GREP          as in compare.sh (skipped when none is found)
# Needs valgrind (Debian's `valgrind`).
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=$(cd "${1:-/work/corpus}" && pwd)
BUILD=$(cd "${BENCH_BUILD_DIR:-build/release}" && pwd)
for B in "$BUILD/paramlint" "$BUILD/bench/bare_parse"; do
  [[ -x $B ]] || { echo "instructions.sh: $B missing (build paramlint and bare_parse)" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind missing (apt-get install valgrind)" >&2; exit 2; }
source bench/peers.sh

# The programs run in WORK, where ast-grep's rule is.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
write_ast_grep_rule "$WORK"

# One job per program: NAME|PRELOAD|COMMAND (PRELOAD goes in front of
# valgrind, which hands it to the program it runs).
CMDS=("paramlint||$BUILD/paramlint check --no-cache --exit-zero -j 1 --output-format json $CORPUS"
      "bare_parse||$BUILD/bench/bare_parse -j 1 $CORPUS")
if [[ -n $JEMALLOC ]]; then
  CMDS+=("bare_parse_je|$JEMALLOC|$BUILD/bench/bare_parse -j 1 $CORPUS")
  CMDS+=("bare_parse_arena|$JEMALLOC|$BUILD/bench/bare_parse --arena -j 1 $CORPUS")
fi
[[ -n $SG ]] && CMDS+=("ast-grep||$SG scan -j 1 $CORPUS"
                       "ast-grep_run||$SG run -p $AST_GREP_PATTERN -l python -j 1 $CORPUS")

echo "== corpus $CORPUS; $(nproc) cores; $(valgrind --version)"
# valgrind's summary of each goes to NAME.log, the program's exit status
# (valgrind passes it on) to NAME.rc: a program that failed has no count.
printf '%s\n' "${CMDS[@]}" | (cd "$WORK" && xargs -d '\n' -P 2 -I{} bash -c '
  IFS="|" read -r NAME PRELOAD CMD <<<"$1"
  env ${PRELOAD:+LD_PRELOAD=$PRELOAD} valgrind --tool=cachegrind \
    --cache-sim=no --branch-sim=no --cachegrind-out-file=/dev/null \
    $CMD >/dev/null 2>"$NAME.log"; echo $? >"$NAME.rc"' _ {})

python3 - "$WORK" "${CMDS[@]%%|*}" <<'PY'
import re, sys
work, names = sys.argv[1], sys.argv[2:]
count = {}
for n in names:
    m = re.search(r"I\s+refs:\s+([\d,]+)", open(f"{work}/{n}.log").read())
    rc = open(f"{work}/{n}.rc").read().strip()
    if m and rc == "0":
        count[n] = int(m.group(1).replace(",", ""))
    else:
        # The log goes with the temporary directory: show its end now.
        tail = open(f"{work}/{n}.log").read().splitlines()[-10:]
        print(f"{n}: no count (exit status {rc}); the end of valgrind's output:", *tail, sep="\n  ", file=sys.stderr)
print(f"{'program':16s} {'instructions':>16s} {'/parse':>8s} {'/parse_je':>10s} {'/parse_arena':>13s}")
for n in names:
    if n not in count:
        continue
    line = f"{n:16s} {count[n]:16,d}"
    for floor, width in (("bare_parse", 8), ("bare_parse_je", 10), ("bare_parse_arena", 13)):
        line += f" {count[n] / count[floor]:{width - 1}.3f}x" if floor in count else f" {'-':>{width}s}"
    print(line)
PY
