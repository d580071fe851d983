#!/usr/bin/env bash
# Runs the unit test binaries under valgrind memcheck; any error, or any
# definite or indirect leak, fails.
#   testing/valgrind.sh [bazel flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

# Every unit test but two: pidfd_test, because valgrind 3.19 does not know
# pidfd_send_signal (syscall 424), which that test uses to check the pidfds it
# received; and fork_test, whose children valgrind follows and blames, at
# their _exit, for the parent's thread stacks, and whose exec of
# /proc/self/exe finds valgrind's own binary. Both run plainly, under ASan
# and under TSan.
mapfile -t tests < <(tools/bazel query \
  'kind(cc_test, //unet/...) except //unet:pidfd_test except //unet:fork_test' 2>/dev/null)
tools/bazel build "$@" "${tests[@]}"
bin=$(tools/bazel info "$@" bazel-bin 2>/dev/null)

# Left out in every binary: a test that hands the kernel deliberately bogus
# buffers to see its -EINVAL (valgrind reports the syscall parameters first).
skip='-BadInputTest.HugeIovecTotalsAreTheKernelsError'

status=0
for label in "${tests[@]}"; do
  test=${label#//unet:}
  # The tests that lower RLIMIT_NOFILE skip: valgrind keeps fds of its own
  # near the limit and answers EBADF around them.
  if LIBUNET_UNDER_VALGRIND=1 valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect "$bin/unet/$test" \
      --gtest_brief=1 --gtest_filter="$skip" >"${TMPDIR:-/tmp}/valgrind-$test.log" 2>&1; then
    echo "valgrind: $test clean"
  else
    echo "valgrind: $test FAILED:" >&2
    cat "${TMPDIR:-/tmp}/valgrind-$test.log" >&2
    status=1
  fi
done
exit "$status"
