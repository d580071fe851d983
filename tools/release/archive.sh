#!/usr/bin/env bash
# tools/release/archive.sh [--release] [OUTDIR]: the release archive of the
# commit checked out: libunet-VERSION.tar.gz (VERSION from unet.h), every
# tracked file under the stable prefix libunet-VERSION/, reproducible (git
# archive: the commit's time on every entry, no build outputs). Prints the
# file, its sha256 and the Subresource Integrity value a registry's
# source.json takes (.bcr/source.template.json points at this file). OUTDIR
# defaults to dist/. With --release (the archive to publish) it first runs
# testing/bcr/check.py --release, which refuses a .bcr/ whose maintainer or
# repository is still unset.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/../.."

release=false out=""
for arg in "$@"; do
  case "$arg" in
    --release) release=true ;;
    -*) echo "archive.sh: unknown option $arg" >&2; exit 2 ;;
    *) [[ -z "$out" ]] || { echo "archive.sh: one OUTDIR only" >&2; exit 2; }; out=$arg ;;
  esac
done
# OUTDIR is the caller's; the default dist/ is the repository's.
[[ -z "$out" || "$out" == /* ]] || out=$caller/$out
if $release; then
  # The check reads the checkout, the archive is HEAD: they must be one.
  [[ -z "$(git status --porcelain --untracked-files=no)" ]] ||
    { echo "archive.sh: --release needs a checkout without uncommitted changes" >&2; exit 1; }
  python3 testing/bcr/check.py --release ||
    { echo "archive.sh: the registry entry .bcr/ makes is not publishable (above)" >&2; exit 1; }
fi

# The version and the module of HEAD, which the archive holds.
version=$(git show HEAD:unet/include/unet/unet.h |
  sed -n 's/^#define UNET_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' | paste -sd.)
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "archive.sh: no version in unet.h" >&2; exit 1; }
git show HEAD:MODULE.bazel | grep -q "^    version = \"$version\",$" ||
  { echo "archive.sh: MODULE.bazel's version is not unet.h's $version" >&2; exit 1; }
out=${out:-dist}
mkdir -p "$out"
archive=$out/libunet-$version.tar.gz
git archive --format=tar --prefix="libunet-$version/" HEAD | gzip -n -9 >"$archive"
sha256=$(sha256sum "$archive" | cut -d' ' -f1)
integrity=sha256-$(openssl dgst -sha256 -binary "$archive" | base64 -w0)
echo "archive:   $archive"
echo "prefix:    libunet-$version/"
echo "sha256:    $sha256"
echo "integrity: $integrity"
