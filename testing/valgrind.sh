#!/usr/bin/env bash
# Runs the unit test binaries under valgrind memcheck; any error, or any
# definite or indirect leak, fails.
#   testing/valgrind.sh [bazel flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

tests=(bad_input_test close_wakeup_test control_message_test fd_passing_test
       peer_cred_test server_socket_test socket_io_test)
tools/bazel build "$@" "${tests[@]/#/\/\/unet:}"
bin=$(tools/bazel info "$@" bazel-bin 2>/dev/null)

status=0
for test in "${tests[@]}"; do
  if valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect "$bin/unet/$test" \
      --gtest_brief=1 >"${TMPDIR:-/tmp}/valgrind-$test.log" 2>&1; then
    echo "valgrind: $test clean"
  else
    echo "valgrind: $test FAILED:" >&2
    cat "${TMPDIR:-/tmp}/valgrind-$test.log" >&2
    status=1
  fi
done
exit "$status"
