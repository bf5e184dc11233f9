#!/usr/bin/env bash
# make_seeds.sh SOURCE_DIR OUT: one seed directory per fuzz target, from the
# files the checkpoint tests write (good ones and hostile ones).
set -euo pipefail
src=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/good" "$tmp/bad"
/usr/bin/python3 "$src/tests/differential/checkpoint_oracle.py" "$tmp/good" >/dev/null
/usr/bin/python3 "$src/tests/differential/hostile_checkpoints.py" "$tmp/bad" "$tmp/good" >/dev/null
rm -f "$tmp/bad/npz_zip_bomb.npz" # 256 MiB inflated: a slow seed, not a new path
for t in safetensors gguf npy zip pickle index; do mkdir -p "$out/$t"; done
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
touch "$out/stamp"
