#!/usr/bin/env bash
# The demo runs, exits 0, shows both fds crossing, and prints its lines in
# the same order on every run (the C half's are relayed by the Go half).
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
order=$(awk '{print $1, $2}' <<<"$output")
expected_order='Go: listening
C: connected;
Go: accepted;
Go: sending
C: received
C: the
C: sent
Go: received
Go: the
Go: done:'
if [[ "$order" != "$expected_order" ]]; then
  echo "demo_test: the lines are out of order; their first words:" >&2
  diff <(echo "$expected_order") <(echo "$order") >&2 || true
  exit 1
fi
