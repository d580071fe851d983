#!/usr/bin/env bash
# Syscall fault injection for libunet: testing/faults/run.sh [--quick]
#
# 1. Builds a snapshot of unet/src and testing/faults/driver.c with gcc
#    (-std=c11 -D_GNU_SOURCE -fsanitize=address,undefined; no Bazel), twice:
#    plainly, and with the library's objects linked `ld -r --wrap=...` to
#    fault_wrap.c (the faults strace cannot make: short sendmsg/recvmsg/write
#    by cutting the iov, a close that closes and fails, malloc failing).
# 2. Runs the driver fault-free in each footprint (default, go) under
#    `strace -f -k`: every syscall whose stack leads into libunet is a site
#    (campaign.py sites), listed in TABLE.md next to footprint.c's table.
# 3. For every site S, every errno E plausible for S (campaign.py ERRNOS) and
#    every N-th occurrence of S that reaches the library (strace counts per
#    thread; at most 100 per site, spread evenly), runs
#      strace -f -qq -e trace=S -o LOG --inject=S:error=E:when=N driver FP
#    and, for the --wrap faults, UNET_FAULT=FUNCTION:MODE:N driver_wrap FP.
# 4. Classifies each run: ok, crash (a signal), hang (no exit within
#    $TIMEOUT s), leak (an fd or heap bytes left: the driver's own check),
#    sanitizer (an ASan/UBSan report); writes testing/faults/TABLE.md (or
#    TABLE.quick.md) and keeps every run that is not ok under $FAULTS_WORK.
#    Exit status 1 if any run is not ok.
# --quick: the first occurrence of each site only (every errno), N=1 for the
# --wrap faults: about a minute on 2 cores, for CI.
# Environment: JOBS (parallel runs, default 2), TIMEOUT (default 20),
# FAULTS_WORK (work directory, default a fresh one under /tmp).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=testing/faults
quick=
[[ ${1:-} == --quick ]] && quick=--quick
JOBS=${JOBS:-2}
TIMEOUT=${TIMEOUT:-20}
work=${FAULTS_WORK:-$(mktemp -d /tmp/unet-faults-run.XXXXXX)}
mkdir -p "$work/src" "$work/obj" "$work/runs"
start=$(date +%s)

# 1. A snapshot of the sources (others may edit them while this runs).
cp -r unet/src unet/include "$work/src/"
sources="$(git rev-parse --short HEAD)$(git status --porcelain unet/src unet/include |
  awk '{printf " + %s (uncommitted)", $2}')"
cflags=(-std=c11 -D_GNU_SOURCE -fsanitize=address,undefined -fno-omit-frame-pointer -g -O1
  -I"$work/src/include")
for source in "$work"/src/src/*.c; do
  gcc "${cflags[@]}" -Wall -Wextra -c "$source" -o "$work/obj/$(basename "$source" .c).o"
done
ar rcs "$work/libunet.a" "$work"/obj/*.o
ld -r --wrap=sendmsg --wrap=recvmsg --wrap=write --wrap=close --wrap=malloc \
  "$work"/obj/*.o -o "$work/libunet_wrapped.o"
gcc "${cflags[@]}" -Wall -Wextra -Werror $here/driver.c "$work/libunet.a" -lpthread \
  -o "$work/driver"
gcc "${cflags[@]}" -Wall -Wextra -Werror $here/driver.c $here/fault_wrap.c \
  "$work/libunet_wrapped.o" -lpthread -o "$work/driver_wrap"
nm --defined-only "$work/libunet.a" | awk 'NF == 3 && $2 ~ /^[tT]$/ {print $3}' |
  sort -u >"$work/libsyms"

export ASAN_OPTIONS=detect_leaks=0:exitcode=86 # LSan cannot run under ptrace;
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87 # the driver counts heap.

# 2. Fault-free: the sites, and the --wrap build's counts of eligible calls.
for fp in default go; do
  for run in "$work/driver $fp" "strace -f -qq -k -o $work/base.$fp.strace $work/driver $fp"; do
    if ! $run >"$work/base.$fp.out" 2>&1 || ! grep -q 'failed_steps=0 surprises=0' "$work/base.$fp.out"; then
      echo "run.sh: the fault-free run failed ($run):" >&2
      cat "$work/base.$fp.out" >&2
      exit 1
    fi
  done
  python3 $here/campaign.py sites "$work/base.$fp.strace" "$work/libsyms" >"$work/sites.$fp.json"
  "$work/driver_wrap" $fp >"$work/wrap.$fp.out" 2>&1 || {
    cat "$work/wrap.$fp.out" >&2
    exit 1
  }
done
"$work/driver" rules >"$work/rules"

# 3-4. One run: KIND FOOTPRINT TARGET FAULT WHEN; appends a line to results.
run_one() {
  local kind=$1 fp=$2 target=$3 fault=$4 when=$5 rc=0 outcome detail injected
  local out="$work/runs/$kind.$fp.$target.$fault.$when"
  if [[ $kind == strace ]]; then
    nice -n 10 timeout -k 5 "$TIMEOUT" strace -f -qq -e trace="$target" -o "$out.strace" \
      --inject="$target:error=$fault:when=$when" "$work/driver" "$fp" >"$out.out" 2>"$out.err" || rc=$?
    injected=$(grep -c 'INJECTED' "$out.strace" || true)
  else
    UNET_FAULT="$target:$fault:$when" nice -n 10 timeout -k 5 "$TIMEOUT" \
      "$work/driver_wrap" "$fp" >"$out.out" 2>"$out.err" || rc=$?
    injected=$(grep -c '^fault_wrap: applied' "$out.err" || true)
  fi
  if ((rc == 124 || rc == 137)); then
    outcome=hang detail="no exit within ${TIMEOUT}s"
  elif grep -q 'DEADLYSIGNAL\|AddressSanitizer: SEGV\|AddressSanitizer: BUS' "$out.err"; then
    outcome=crash detail=$(grep -m1 'ERROR: AddressSanitizer' "$out.err" || true)
  elif grep -q 'ERROR: AddressSanitizer\|runtime error:\|Sanitizer' "$out.err"; then
    outcome=sanitizer detail=$(grep -m1 'ERROR: AddressSanitizer\|runtime error:\|Sanitizer' "$out.err")
  elif ((rc > 128)); then
    outcome=crash detail="killed by signal $((rc - 128))"
  elif ((rc == 3 || rc == 4)); then
    outcome=leak detail="$(grep -h 'leaked fd\|heap_leak=' "$out.err" "$out.out" | tr '\n' ' ')"
    if [[ $kind == strace && $target == close && $rc == 3 ]] && grep -q 'heap_leak=0$' "$out.out"; then
      # strace skips an injected close: were the fds left exactly those?
      local left closed
      left=$(sed -n 's/^driver: leaked fd \([0-9]*\) .*/\1/p' "$out.err" | sort -u)
      closed=$(sed -n 's/.*close(\([0-9]*\)) *= -1 .*INJECTED.*/\1/p' "$out.strace" | sort -u)
      if [[ -n $left && -z $(comm -23 <(echo "$left") <(echo "$closed")) ]]; then
        outcome=ok detail="close not made: fd $(echo $left)"
      fi
    fi
  elif ((rc != 0)); then
    outcome=crash detail="exit status $rc: $(tail -n 1 "$out.err")"
  else
    outcome=ok detail=
  fi
  if [[ $outcome != ok && $kind == strace ]]; then # what was injected
    detail+="; injected: $(grep -m2 INJECTED "$out.strace" | cut -c1-200 | tr '\n' ' ')"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$fp" "$target" "$fault" "$when" "$outcome" \
    "${injected:-0}" "${detail:0:600}" >>"$work/results"
  [[ $outcome != ok ]] || rm -f "$out".*
}
export -f run_one
export work TIMEOUT

python3 $here/campaign.py plan $quick "$work/sites.default.json" "$work/sites.go.json" \
  "$work/wrap.default.out" "$work/wrap.go.out" >"$work/plan"
echo "run.sh: $(wc -l <"$work/plan") runs, $JOBS at a time, in $work"
: >"$work/results"
xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _ <"$work/plan"

table=$here/TABLE${quick:+.quick}.md
{
  echo "# libunet syscall fault campaign${quick:+ (--quick)}"
  echo
  echo "Made by testing/faults/run.sh${quick:+ $quick} in $(($(date +%s) - start)) s on $(nproc) cores," \
    "$(date -u +%Y-%m-%d), Linux $(uname -r), $(strace -V | head -n 1)."
  echo "Sources: $sources."
} >"$work/meta"
python3 $here/campaign.py table "$work/results" "$work/sites.default.json" \
  "$work/sites.go.json" "$work/rules" "$work/meta" >"$table"
echo "run.sh: $(cut -f6 "$work/results" | sort | uniq -c | tr '\n' ' ')-> $table"
# Not grep -q in a pipeline: its early exit makes cut's SIGPIPE the
# pipeline's status under pipefail, which "!" turned into success.
awk -F'\t' '$6 != "ok" {bad = 1} END {exit bad}' "$work/results"
