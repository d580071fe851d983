#!/usr/bin/env bash
# The build without Bazel, as a packager runs it: CMake configure, build and
# ctest; install into a temporary prefix; the exported symbols are exactly
# the header's UNET_API functions; the README's example (examples/pass_fd.c,
# which must match the README) compiles and runs against the installed shared
# library through pkg-config and through find_package; a dlopen of it works
# with the static TLS block full, and a thread's first call allocates
# nothing (testing/dlopen/); and the ABI is
# compatible with the committed baseline (abi/libunet.so.0.abi).
#   testing/cmake/check.sh            check
#   testing/cmake/check.sh --rebaseline   write the ABI baseline anew
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/install_packages.sh abigail-tools clang cmake googletest libgtest-dev pkg-config

work=$(mktemp -d /tmp/libunet-cmake.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "=== cmake: configure, build, ctest"
cmake -S . -B "$work/build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j"$(nproc)"
(cd "$work/build" && ctest -j"$(nproc)" --output-on-failure)
cmake --install "$work/build" >/dev/null
library=$(readlink -f "$prefix/lib/libunet.so")

echo "=== exported symbols against the header"
sed -n 's/^UNET_API\( UNET_MUST_USE\)\? [^(]*[ *]\(unet_[a-z_]*\)(.*/\2/p' unet/include/unet/unet.h |
  sort >"$work/header.txt"
nm -D --defined-only "$library" | awk '$2 == "T" {sub(/@.*/, "", $3); print $3}' | sort >"$work/exported.txt"
if ! diff -u "$work/header.txt" "$work/exported.txt"; then
  echo "check.sh: libunet.so exports something other than the UNET_API functions" >&2
  exit 1
fi
echo "$(wc -l <"$work/exported.txt") functions exported, exactly the header's"

echo "=== the README's example, installed library"
awk '/^## Example: pass an fd/ {inside = 1} inside && /^```c$/ {code = 1; next}
  code && /^```$/ {exit} code' README.md >"$work/readme_example.c"
diff -u "$work/readme_example.c" examples/pass_fd.c ||
  { echo "check.sh: examples/pass_fd.c differs from the README's example" >&2; exit 1; }
PKG_CONFIG_PATH=$prefix/lib/pkgconfig CMAKE_PREFIX_PATH=$prefix LD_LIBRARY_PATH=$prefix/lib \
  CC=clang testing/cmake/build_consumers.sh "$work/consumers" "$prefix/lib"

echo "=== manual pages installed: one per exported function"
for function in $(cat "$work/exported.txt"); do
  [[ -f "$prefix/share/man/man3/$function.3" ]] ||
    { echo "check.sh: no installed man page for $function" >&2; exit 1; }
done
[[ -f "$prefix/share/man/man7/libunet.7" ]] || { echo "check.sh: no libunet(7)" >&2; exit 1; }
echo "$(wc -l <"$work/exported.txt") pages in man3, and libunet(7)"

echo "=== dlopen of the installed library with static TLS full"
# ctypes and plugins dlopen libunet.so: it must not need static TLS
# (initial-exec), which other objects may have used up.
fillers=()
for bytes in 4096 2048 1024 512 256 128 64 32 16 8 4 2 1; do
  clang -std=c11 -fPIC -shared -DFILLER_BYTES=$bytes -o "$work/filler$bytes.so" \
    testing/dlopen/static_tls_filler.c
  fillers+=("$work/filler$bytes.so")
done
clang -std=c11 -Wall -Wextra -Werror -I"$prefix/include" -o "$work/dlopen_check" \
  testing/dlopen/dlopen_check.c -ldl -lpthread
"$work/dlopen_check" "$prefix/lib/libunet.so.0" "${fillers[@]}"

echo "=== dlopen: a thread's first call, in a signal handler, allocates nothing"
# With TLS descriptors, which gcc emits for x86 (clang from 19; clang 14
# builds the library above, so gcc builds this one).
cmake -S . -B "$work/gcc" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLIBUNET_TESTS=OFF >"$work/gcc-configure.log" || { cat "$work/gcc-configure.log"; exit 1; }
cmake --build "$work/gcc" --target unet >/dev/null
"$work/dlopen_check" "$(readlink -f "$work/gcc/libunet.so")"

echo "=== ABI against abi/libunet.so.0.abi"
# --drop-private-types: the opaque sockets' layouts (defined in unet/src/) are
# no ABI; every type a consumer can see is defined in the installed header.
abidw --no-corpus-path --headers-dir "$prefix/include" --drop-private-types "$library" >"$work/current.abi"
if [[ "${1:-}" == "--rebaseline" ]]; then
  cp "$work/current.abi" abi/libunet.so.0.abi
  echo "abi/libunet.so.0.abi written"
  exit 0
fi
baseline_soname=$(grep -o "soname=['\"][^'\"]*" abi/libunet.so.0.abi | head -1 | cut -c9-)
current_soname=$(readelf -d "$library" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
status=0
abidiff --no-added-syms abi/libunet.so.0.abi "$work/current.abi" >"$work/abidiff.txt" || status=$?
cat "$work/abidiff.txt"
# abidiff's exit status is a bit field: 4 = an ABI change (a type's layout,
# a signature), 8 = an incompatible one (a function removed). New functions
# are not changes (--no-added-syms).
if ((status & 12)) && [[ "$baseline_soname" == "$current_soname" ]]; then
  echo "check.sh: the ABI changed against abi/libunet.so.0.abi ($current_soname)." \
    "A compatible change (a field taking reserved space) is recorded by" \
    "rebaselining in the same commit (testing/cmake/check.sh --rebaseline);" \
    "an incompatible one also bumps LIBUNET_SOVERSION in CMakeLists.txt." >&2
  exit 1
fi
if ((status & ~12)); then
  echo "check.sh: abidiff failed ($status)" >&2
  exit 1
fi
echo "ABI compatible with the baseline (abidiff status $status)"
