#!/usr/bin/env bash
# Runs paramlint on the bundled example, the first command of the README.
# Usage: scripts/demo.sh <paramlint binary>
# Exit 0 when the six expected findings appear (paramlint itself exits 1
# because it found something: that is the point of the demo).
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 <paramlint binary>" >&2
  exit 2
fi
bin=$1
if [ ! -x "$bin" ]; then
  echo "demo: '$bin' is not an executable; build first (make build)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."

echo "\$ $bin check examples/gpt2-swap/"
out=$("$bin" check examples/gpt2-swap/ 2>&1)
status=$?
printf '%s\n' "$out"
echo
echo "Above: the book's GPT-2 loader writes norm1/norm2/final_norm .scale/.shift into torch.nn.LayerNorm,"
echo "which has .weight/.bias; at run time that is an AttributeError, or, written as a plain assignment, a silently unloaded model."

# Count from the JSON report so the text layout can change freely.
count=$("$bin" check --output-format json examples/gpt2-swap/ 2>/dev/null |
  grep -o '"code" *: *"PL101"' | wc -l)
if [ "$status" -ne 1 ]; then
  echo "demo: expected paramlint to exit 1 (findings), got $status" >&2
  exit 1
fi
if [ "$count" -ne 6 ]; then
  echo "demo: expected 6 PL101 findings, saw $count" >&2
  exit 1
fi
echo "demo: ok (6 findings, exit status 1 as expected)"
