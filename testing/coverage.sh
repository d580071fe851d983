#!/usr/bin/env bash
# Line and branch coverage of unet/src/ by the unit, stress and interop tests
# (the interop C peer included), from clang's source-based coverage; fails
# when lines fall below the threshold.
#   testing/coverage.sh [bazel flags...]
# LIBUNET_COVERAGE_MIN: the least line coverage in percent (default 95).
set -euo pipefail
cd "$(dirname "$0")/.."
min=${LIBUNET_COVERAGE_MIN:-95}

profiles=$(mktemp -d /tmp/libunet-coverage.XXXXXX)
trap 'rm -rf "$profiles"' EXIT
targets=(//unet/... //testing/stress/... //interop:interop_test)
tools/bazel test "$@" --config=coverage --nocache_test_results \
  --test_env=LLVM_PROFILE_FILE="$profiles/%p-%m.profraw" "${targets[@]}"

llvm-profdata-14 merge -sparse -o "$profiles/merged.profdata" "$profiles"/*.profraw
bin=$(tools/bazel info "$@" --config=coverage bazel-bin 2>/dev/null)
mapfile -t binaries < <(tools/bazel query 'kind(cc_test, //unet/... + //testing/stress/...) + //interop:peer_c' 2>/dev/null |
  sed -e 's|^//||' -e 's|:|/|' -e "s|^|$bin/|")
objects=()
for binary in "${binaries[@]:1}"; do
  objects+=(-object "$binary")
done
report=(-instr-profile="$profiles/merged.profdata" "${binaries[0]}" "${objects[@]}")
# The mapping names files relative to the (gone) sandbox, so llvm-cov's own
# source filter finds nothing: keep the unet/src rows of the full report.
llvm-cov-14 report "${report[@]}" 2>/dev/null | grep '^unet/src/' | tee "$profiles/report.txt"
# LIBUNET_COVERAGE_LINES=FILE: also write the annotated sources there.
if [[ -n "${LIBUNET_COVERAGE_LINES:-}" ]]; then
  llvm-cov-14 show "${report[@]}" -format=text 2>/dev/null |
    awk '/^[^ |].*:$/ {keep = /unet\/src\//} keep' >"$LIBUNET_COVERAGE_LINES"
fi

# Columns: file, regions (3), functions (3), lines (3), branches (3).
read -r lines branches < <(awk '{l += $8; lm += $9; b += $11; bm += $12}
  END {printf "%.2f %.2f\n", 100 * (l - lm) / l, b ? 100 * (b - bm) / b : 100}' "$profiles/report.txt")
echo "coverage of unet/src: lines ${lines}%, branches ${branches}% (minimum for lines: ${min}%)"
if awk -v l="$lines" -v m="$min" 'BEGIN {exit !(l < m)}'; then
  echo "coverage: lines below ${min}%" >&2
  exit 1
fi
