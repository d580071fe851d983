#!/usr/bin/env bash
# libunet against musl (Debian's musl-tools): the library's sources built
# with musl-gcc and -Werror, linked statically into C programs that run its
# public API: the seccomp suite's workload without a filter (every public
# function, in both footprints), the strict-C header test and the README's
# example. The GoogleTest suites need a C++ runtime built for musl, which
# Debian does not ship: they run against glibc only.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/install_packages.sh file musl-tools

work=$(mktemp -d /tmp/libunet-musl.XXXXXX)
trap 'rm -rf "$work"' EXIT
cflags=(-std=c11 -Wall -Wextra -Werror -O2 -I. -Iunet/include)

for source in unet/src/*.c; do
  musl-gcc "${cflags[@]}" -D_GNU_SOURCE -fvisibility=hidden -c "$source" \
    -o "$work/$(basename "$source" .c).o"
done
ar rcs "$work/libunet.a" "$work"/*.o

build() { # OUTPUT SOURCES... : a static musl program linked with libunet.a
  local output=$1
  shift
  musl-gcc "${cflags[@]}" -static -o "$work/$output" "$@" "$work/libunet.a" -lpthread
}
build workload -D_GNU_SOURCE testing/musl/run_workload.c testing/seccomp/workload.c
build header_c_test -pedantic unet/tests/header_c_test.c
build pass_fd examples/pass_fd.c

# Static and musl's, not glibc's: no dynamic loader at all.
if file "$work/workload" | grep -q dynamic; then
  echo "musl/check.sh: the workload is not a static musl program" >&2
  exit 1
fi
mkdir "$work/sockets"
"$work/workload" "$work/sockets"
"$work/header_c_test" && echo "header_c_test: passed"
"$work/pass_fd"
