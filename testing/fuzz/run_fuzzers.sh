#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), starting from its
# seed corpus in testing/fuzz/corpus/; exits non-zero on any finding.
#   testing/fuzz/run_fuzzers.sh [SECONDS] [bazel flags...]
# New inputs go to a temporary corpus; a crash leaves crash-* files in
# testing/fuzz/findings/ to reproduce with the fuzz binary.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
shift || true
flags=(--config=fuzz "$@")
targets=(control_message receive_path)

labels=()
for target in "${targets[@]}"; do
  labels+=("//testing/fuzz:${target}_fuzz_test")
done
tools/bazel build "${flags[@]}" "${labels[@]}"
bin=$(tools/bazel info "${flags[@]}" bazel-bin 2>/dev/null)

mkdir -p testing/fuzz/findings
status=0
for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  echo "fuzzing ${target} for ${seconds}s"
  if ! "$bin/testing/fuzz/${target}_fuzz_test" -max_total_time="$seconds" \
      -print_final_stats=1 -artifact_prefix=testing/fuzz/findings/ \
      "$corpus" "testing/fuzz/corpus/${target}" 2>&1 | tail -n 12; then
    echo "fuzzing ${target}: FINDING (see testing/fuzz/findings/)" >&2
    status=1
  fi
  rm -rf "$corpus"
done
exit "$status"
