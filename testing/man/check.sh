#!/usr/bin/env bash
# The manual pages: one per UNET_API function and libunet(7), exactly what
# tools/man/generate.py makes from the header's contracts now (none stale,
# missing or extra; every contract in shape: a NAME line within 80 columns,
# every ERRORS entry with its own condition; the parser refuses each fault
# its self-test plants), and clean under mandoc's linter at warning level.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/install_packages.sh mandoc
python3 tools/man/generate.py --self-test
python3 tools/man/generate.py --check
lint=$(mandoc -Tlint -Wwarning man/man3/*.3 man/man7/*.7 2>&1 || true)
if [[ -n "$lint" ]]; then
  echo "$lint" >&2
  echo "man/check.sh: mandoc -Tlint found the above" >&2
  exit 1
fi
echo "man: mandoc -Tlint -Wwarning clean ($(ls man/man3 | wc -l) pages in section 3)"
