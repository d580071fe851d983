#!/usr/bin/env bash
# tools/buildifier.sh [--fix]: buildifier, the Bazel community's formatter and
# linter, on every BUILD, .bzl, WORKSPACE and MODULE.bazel file of the
# repository. Without --fix it checks (CI): every file formatted, and
# `--lint=warn` reports nothing. With --fix it formats the files in place and
# applies the lint fixes buildifier knows.
#
# The binary is npm's @bazel/buildifier at a pinned version, installed by
# this script into $LIBUNET_CACHE (default /var/cache/libunet) on first use
# and checked against its sha256 (npm is reachable; nothing else is
# downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."

version=8.2.1
sha256_linux_amd64=6ceb7b0ab7cf66fceccc56a027d21d9cc557a7f34af37d2101edb56b92fcfa1a
cache=${LIBUNET_CACHE:-/var/cache/libunet}/buildifier-$version
case "$(uname -m)" in
  x86_64) arch=linux_amd64 ;;
  aarch64) arch=linux_arm64 ;;
  *) echo "tools/buildifier.sh: no buildifier binary for $(uname -m)" >&2; exit 1 ;;
esac
binary=$cache/node_modules/@bazel/buildifier/buildifier-$arch

if [[ ! -x "$binary" ]]; then
  command -v npm >/dev/null || tools/install_packages.sh npm
  echo "tools/buildifier.sh: installing @bazel/buildifier@$version from npm into $cache" >&2
  mkdir -p "$cache"
  npm install --silent --no-save --ignore-scripts --prefix "$cache" "@bazel/buildifier@$version" >&2
fi
if [[ "$arch" == linux_amd64 ]] &&
    [[ "$(sha256sum "$binary" | cut -d' ' -f1)" != "$sha256_linux_amd64" ]]; then
  echo "tools/buildifier.sh: $binary is not buildifier $version (sha256 differs)" >&2
  exit 1
fi

mapfile -t files < <(git ls-files | grep -E '(^|/)(BUILD(\.bazel)?|WORKSPACE(\.bazel|\.bzlmod)?|MODULE\.bazel|[^/]*\.bzl|[^/]*\.BUILD)$')
if [[ "${1:-}" == "--fix" ]]; then
  "$binary" -lint=fix "${files[@]}"
  exit
fi
if ! "$binary" -mode=check -lint=warn "${files[@]}"; then
  echo "tools/buildifier.sh: run tools/buildifier.sh --fix (formatting), and fix what it reports" >&2
  exit 1
fi
echo "buildifier $version: ${#files[@]} files formatted, no lint warnings"
