#!/usr/bin/env bash
# Installs what paramlint needs to build (and, with --test, to test) on Debian 12,
# then fetches and verifies the pinned tree-sitter-python grammar.
# Idempotent: installs only what is missing, re-downloads only when absent.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

build_pkgs=(cmake ninja-build g++ make pkg-config nodejs npm
  llvm-14-dev libclang-14-dev clang-14 libtree-sitter-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libfmt-dev libzip-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgraphviz-dev libjemalloc-dev)
# libtorch-dev: the C++ differential test builds a libtorch module against it.
# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes (clang-14 only
# recommends it) for the fuzz targets `make test` runs.
test_pkgs=(python3 python3-torch python3-numpy python3-jsonschema chromium libtorch-dev
  libclang-rt-14-dev)

pkgs=("${build_pkgs[@]}")
[ $want_test = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  # npm may come with nodejs from another source; accept the command.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$here/scripts/fetch-grammar.sh"
