#!/usr/bin/env bash
# Runs paramlint on the bundled example, the first command of the README,
# then shows the fixes: `check --diff` and `check --fix` on a copy of the
# example in a temporary directory (the committed example is never
# modified), and a second, clean run on the fixed copy.
# Usage: scripts/demo.sh <paramlint binary>
# Exit 0 when the six expected findings appear (paramlint itself exits 1
# because it found something: that is the point of the demo), the diff
# shows the six renames, --fix fixes all six and the second run is clean.
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

# --- The fixes, on a copy -------------------------------------------------
bin_abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d "${TMPDIR:-/tmp}/paramlint-demo-XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cp -r examples/gpt2-swap "$work/"
cd "$work" || exit 2

echo
echo "\$ cp -r examples/gpt2-swap $work/ && cd $work"
echo "\$ paramlint check --diff gpt2-swap/"
diff_out=$("$bin_abs" check --diff gpt2-swap/ 2>&1)
diff_status=$?
printf '%s\n' "$diff_out"
echo
echo "\$ paramlint check --fix gpt2-swap/"
fix_out=$("$bin_abs" check --fix gpt2-swap/ 2>&1)
fix_status=$?
printf '%s\n' "$fix_out"
echo
echo "\$ paramlint check gpt2-swap/   # again, on the fixed copy"
again_out=$("$bin_abs" check gpt2-swap/ 2>&1)
again_status=$?
printf '%s\n' "$again_out"
echo

renames=$(printf '%s\n' "$diff_out" | grep -cE '^\+.*norm[0-9]*\.(weight|bias) = assign' || true)
if [ "$diff_status" -ne 1 ] || [ "$renames" -ne 6 ]; then
  echo "demo: expected --diff to exit 1 with 6 renamed lines, got status $diff_status and $renames" >&2
  exit 1
fi
if ! cmp -s "$OLDPWD/examples/gpt2-swap/load_weights.py" gpt2-swap/load_weights.py &&
   [ "$fix_status" -eq 0 ] && [ "$again_status" -eq 0 ] &&
   printf '%s\n' "$fix_out" | grep -q '(6 fixed, 0 remaining)'; then
  echo "demo: ok (--diff showed the 6 renames, --fix fixed all 6, the second run is clean)"
else
  echo "demo: expected --fix to fix all 6 findings and a clean second run" \
       "(--fix exit $fix_status, second run exit $again_status)" >&2
  exit 1
fi
