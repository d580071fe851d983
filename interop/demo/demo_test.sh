#!/usr/bin/env bash
# The demo runs, exits 0 and shows both fds crossing.
set -euo pipefail
output=$("$1")
echo "$output"
for expected in 'C: the file behind it says "written by Go into a file"' \
                'Go: the pipe says "written by C into a pipe"'; do
  if ! grep -qF "$expected" <<<"$output"; then
    echo "demo_test: missing line: $expected" >&2
    exit 1
  fi
done
