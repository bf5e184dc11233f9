#!/bin/bash
# bench/phases.sh — interleaved A/B of `paramlint check --timings` between
# builds: every round runs each binary at -j1 and -j2 (BENCH_JOBS), timed by
# /usr/bin/time, then prints per binary and jobs the medians of wall, CPU
# (user + sys), peak RSS, every phase of the `phases:` line, and SERIAL: the
# phases that run on one thread (discover, after extract, imports, run key,
# models.which, loaders, keys.targets, keys.groups, keys.apply, checks).
#
#   BENCH_RUNS=5 bench/phases.sh CORPUS BINARY...
set -euo pipefail
CORPUS=${1:?usage: bench/phases.sh CORPUS BINARY...}
shift
[ $# -ge 1 ] || { echo "usage: bench/phases.sh CORPUS BINARY..." >&2; exit 2; }
RUNS=${BENCH_RUNS:-5}
JOBS=${BENCH_JOBS:-"1 2"}
OUT=$(mktemp)
TIME=$(mktemp)
ERR=$(mktemp)
trap 'rm -f "$OUT" "$TIME" "$ERR"' EXIT
echo "== $CORPUS; runs $RUNS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$RUNS"); do
  for J in $JOBS; do
    for B in "$@"; do
      /usr/bin/time -f "%e %U %S %M" -o "$TIME" "$B" check --no-cache --exit-zero \
        -j "$J" --timings --output-format json "$CORPUS" >/dev/null 2>"$ERR"
      printf '%s\t%s\t%s\t%s\n' "$B" "$J" "$(cat "$TIME")" "$(tr '\n' ' ' <"$ERR")" >>"$OUT"
    done
  done
done
python3 - "$OUT" <<'PY'
import collections, re, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    binary, jobs, times, timings = line.rstrip('\n').split('\t')
    wall, user, sys_, rss = map(float, times.split())
    d = {'wall': wall, 'cpu': user + sys_, 'rss_MiB': rss / 1024}
    m = re.search(r'checks (\d+) ms', timings)
    d['checks'] = float(m.group(1)) if m else 0
    phases = timings.split('phases:', 1)[1] if 'phases:' in timings else ''
    for k, v in re.findall(r'([a-z][a-z.+ ()-]*?) (\d+) ms', phases):
        d[k.strip().replace(' ', '_')] = float(v)
    rows[(binary, jobs)].append(d)
serial = ['discover', 'after_extract', 'imports', 'run_key', 'models.which', 'loaders',
          'keys.targets', 'keys.groups', 'keys.apply', 'checks']
for (binary, jobs), runs in sorted(rows.items(), key=lambda r: (r[0][1], r[0][0])):
    med = {k: statistics.median(r.get(k, 0) for r in runs) for k in runs[0]}
    ser = statistics.median(sum(r.get(k, 0) for k in serial) for r in runs)
    print(f"{binary} -j{jobs} ({len(runs)} runs): SERIAL {ser:.0f} ms; " +
          ' '.join(f"{k}={v:.2f}" if k in ('wall', 'cpu') else f"{k}={v:.0f}"
                   for k, v in med.items()))
PY
