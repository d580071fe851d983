#!/usr/bin/env bash
# testing/readme/run_blocks.sh: runs, as written, every ```sh block of the
# README that follows a line "<!-- ci: run -->", each in a fresh clone of
# HEAD with the machine's default compiler (CC and CXX unset), so that a
# user's first command is never one nobody ran. Installs are staged under
# DESTDIR (cmake --install and make install honour it), so the host's
# /usr/local is left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/install_packages.sh cmake g++ googletest libgtest-dev

work=$(mktemp -d /tmp/libunet-readme.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The marked blocks, each into its own file.
awk -v dir="$work" '
  /^<!-- ci: run -->$/ { marked = 1; next }
  marked && /^```sh$/ { n++; file = dir "/block" n ".sh"; inside = 1; marked = 0; next }
  inside && /^```$/ { inside = 0; close(file); next }
  inside { print > file }
  { marked = 0 }
' README.md
blocks=("$work"/block*.sh)
[[ -e "${blocks[0]}" ]] || { echo "run_blocks.sh: no block of README.md is marked" >&2; exit 1; }

status=0
for block in "${blocks[@]}"; do
  clone="$work/clone-$(basename "$block" .sh)"
  git clone --quiet . "$clone"
  echo "=== README block ($(wc -l <"$block") lines), in a fresh clone:"
  cat "$block"
  # Line by line, as a user types them: a line's status is its whole
  # "a && b" list's, which set -e alone would let pass.
  failed=0
  while IFS= read -r line; do
    [[ -n "${line// /}" ]] || continue
    if ! (cd "$clone" && env -u CC -u CXX DESTDIR="$work/destdir" bash -euo pipefail -c "$line"); then
      echo "=== README block FAILED at: $line" >&2
      failed=1
      break
    fi
  done <"$block"
  if ((failed)); then
    status=1
  else
    echo "=== README block passed"
  fi
done
exit "$status"
