#!/usr/bin/env bash
# Fetches tree-sitter-python at the pinned version with `npm pack`, checks the
# tarball's sha512 integrity against the pinned value, and unpacks it to
# third_party_build/tree-sitter-python (git-ignored; never committed).
set -euo pipefail

version=0.23.6
integrity='sha512-yIM9z0oxKIxT7bAtPOhgoVl6gTXlmlIhue7liFT4oBPF/lha7Ha4dQBS82Av6hMMRZoVnFJI8M6mL+SwWoLD3A=='

here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/build/deps/tree-sitter-python"
stamp="$dest/.verified-$version"
[ -f "$stamp" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "tree-sitter-python@$version" >/dev/null)
tarball="$work/tree-sitter-python-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "fetch-grammar: integrity mismatch for tree-sitter-python@$version" >&2
  echo "  expected $integrity" >&2
  echo "  actual   $actual" >&2
  exit 1
fi
rm -rf "$dest"; mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" --strip-components=1 package/src package/LICENSE 2>/dev/null \
  || tar -xzf "$tarball" -C "$dest" --strip-components=1
touch "$stamp"
echo "fetch-grammar: tree-sitter-python@$version verified ($integrity)"
