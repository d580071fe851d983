#!/usr/bin/env bash
# The repository and its release archive hold only what a reader expects:
# the root's entries are the list below, every committed path is made of
# plain characters (no spaces, colons or backslashes: a redirect's typo
# leaves such names), and the archive tools/release/archive.sh makes holds
# exactly the committed files under its prefix.
set -euo pipefail
cd "$(dirname "$0")/../.."

# What HEAD holds: the archive is made from HEAD too.
tracked() { git -c core.quotePath=false ls-tree -r --name-only HEAD; }

expected_root=(
  .bazelignore .bazelrc .bcr .ci .clang-format .gitignore BUILD.bazel
  CHANGELOG.md CMakeLists.txt LICENSE MODULE.bazel README.md SECURITY.md
  WORKSPACE WORKSPACE.bzlmod abi cmake debian docs examples interop man testing
  tools unet
)
status=0
while read -r entry; do
  if [[ " ${expected_root[*]} " != *" $entry "* ]]; then
    echo "tree/check.sh: unexpected entry in the repository root: '$entry'" >&2
    status=1
  fi
done < <(tracked | cut -d/ -f1 | sort -u)
while read -r path; do
  echo "tree/check.sh: a committed path with unusual characters: '$path'" >&2
  status=1
done < <(tracked | grep -v -E '^[A-Za-z0-9._/+@-]+$' || true)

work=$(mktemp -d /tmp/libunet-tree.XXXXXX)
trap 'rm -rf "$work"' EXIT
tools/release/archive.sh "$work" >/dev/null
archive=$(ls "$work"/libunet-*.tar.gz)
prefix=$(basename "$archive" .tar.gz)/
tar -tzf "$archive" | grep -v '/$' | sed "s|^$prefix||" | sort >"$work/archived"
tracked | sort >"$work/tracked"
if ! diff -u "$work/tracked" "$work/archived" >&2; then
  echo "tree/check.sh: the release archive differs from the committed files (above)" >&2
  status=1
fi
[[ $status -eq 0 ]] && echo "tree: the root's $(tracked | cut -d/ -f1 | sort -u | wc -l) entries expected, archive = committed files"
exit $status
