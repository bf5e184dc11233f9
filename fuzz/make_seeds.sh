#!/usr/bin/env bash
# make_seeds.sh SOURCE_DIR OUT: one seed directory per fuzz target: for the
# checkpoint readers the files the checkpoint tests write (good ones and
# hostile ones), for the others the fixtures (make_fix_seeds.py turns each
# Python fixture and notebook into the fix target's input).
set -euo pipefail
src=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/good" "$tmp/bad"
/usr/bin/python3 "$src/tests/differential/checkpoint_oracle.py" "$tmp/good" >/dev/null
/usr/bin/python3 "$src/tests/differential/hostile_checkpoints.py" "$tmp/bad" "$tmp/good" >/dev/null
rm -f "$tmp/bad/npz_zip_bomb.npz" # 256 MiB inflated: a slow seed, not a new path
for t in safetensors gguf npy zip pickle index python notebook config fix; do
  mkdir -p "$out/$t"
done
small() { [ "$(stat -c %s "$1")" -le 1048576 ]; }
for f in "$tmp"/good/* "$tmp"/good/sharded/* "$tmp"/bad/* "$tmp"/bad/idx/*; do
  [ -f "$f" ] && small "$f" || continue
  case "$f" in
    *.safetensors) cp "$f" "$out/safetensors/" ;;
    *.gguf) cp "$f" "$out/gguf/" ;;
    *.npy) cp "$f" "$out/npy/" ;;
    *.json) cp "$f" "$out/index/" ;;
    *.pt|*.pth|*.bin|*.npz)
      cp "$f" "$out/zip/"
      # The data.pkl of each torch zip seeds the unpickler.
      /usr/bin/python3 - "$f" "$out/pickle" <<'PY' || true
import sys, zipfile, os
try:
    z = zipfile.ZipFile(sys.argv[1])
except Exception:
    sys.exit(0)
for n in z.namelist():
    if n.endswith("data.pkl"):
        open(os.path.join(sys.argv[2], os.path.basename(sys.argv[1]) + ".pkl"), "wb").write(z.read(n))
PY
      ;;
  esac
done
# Copies named after their path in fixtures/, so equal names do not collide.
seed() { cp "$1" "$out/$2/$(echo "${1#"$src"/fixtures/}" | tr / _)"; }
while IFS= read -r -d '' f; do
  case "$f" in
    *.py) seed "$f" python ;;
    *.ipynb) seed "$f" notebook ;;
    *.toml) seed "$f" config ;;
  esac
done < <(find "$src/fixtures" -type f \( -name '*.py' -o -name '*.ipynb' \
         -o -name '*.toml' \) -size -256k -print0)
# The example's loader binds to the model the python target analyses it with.
cp "$src/examples/gpt2-swap/load_weights.py" "$out/python/example_load_weights.py"
/usr/bin/python3 "$src/fuzz/make_fix_seeds.py" "$src/fixtures" "$out/fix"
touch "$out/stamp"
