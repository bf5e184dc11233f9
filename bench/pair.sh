#!/usr/bin/env bash
# Two commands timed against each other in interleaved rounds (A then B,
# then B then A, ...), each with /usr/bin/time; prints the medians of CPU
# (user + sys) and wall time, the median of B / A paired within a round
# and every round's ratio. For deciding whether a change made `check`
# faster, or how it stands against one peer, on a machine whose speed
# drifts from minute to minute: a ratio within a round is steadier than a
# ratio of medians taken minutes apart.
#
#   bench/pair.sh ROUNDS "COMMAND A" "COMMAND B"
#
# The commands are split into words as the shell splits unquoted words (no
# quoting inside them); their output goes to /dev/null, and a command that
# exits non-zero is timed all the same (`ast-grep run` exits 1 when
# nothing matched). Example, two builds of `check`:
#
#   bench/pair.sh 10 "old/paramlint check --no-cache --exit-zero -j1 /work/corpus" \
#                    "build/release/paramlint check --no-cache --exit-zero -j1 /work/corpus"
set -euo pipefail
[[ $# -eq 3 && $1 =~ ^[0-9]+$ ]] || { echo "usage: bench/pair.sh ROUNDS \"COMMAND A\" \"COMMAND B\"" >&2; exit 2; }
ROUNDS=$1
declare -A CMD=([A]=$2 [B]=$3)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for ((R = 0; R < ROUNDS; R++)); do
  ORDER="A B"
  ((R % 2)) && ORDER="B A"
  for X in $ORDER; do
    /usr/bin/time -o "$WORK/time" -f '%e %U %S' ${CMD[$X]} >/dev/null 2>&1 || true
    # The figures are the last line: time(1) writes "Command exited with
    # non-zero status" above them.
    echo "$X $R $(tail -n 1 "$WORK/time")" >>"$WORK/rows"
  done
done
python3 - "$WORK/rows" <<'PY'
import statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    x, r, wall, user, sys_ = line.split()
    rounds.setdefault(int(r), {})[x] = (float(user) + float(sys_), float(wall))
for k, name in ((0, "cpu"), (1, "wall")):
    a = [rounds[r]["A"][k] for r in sorted(rounds)]
    b = [rounds[r]["B"][k] for r in sorted(rounds)]
    ratios = [y / x for x, y in zip(a, b)]
    print(f"{name}: A median {statistics.median(a):.2f} s, B median {statistics.median(b):.2f} s; "
          f"B / A paired median {statistics.median(ratios):.3f} "
          f"(rounds {min(ratios):.2f}-{max(ratios):.2f}), {len(ratios)} rounds")
    print("  " + " ".join(f"{v:.2f}" for v in ratios))
PY
