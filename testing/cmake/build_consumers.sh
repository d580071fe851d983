#!/usr/bin/env bash
# testing/cmake/build_consumers.sh WORK LIBDIR: builds examples/pass_fd.c
# against an installed libunet twice, into WORK: through pkg-config and
# through find_package (testing/cmake/consumer); checks that each found
# libunet in LIBDIR and that each binary loads LIBDIR's libunet.so.0; runs
# both. Where libunet is looked for comes from the caller's environment:
# PKG_CONFIG_PATH, CMAKE_PREFIX_PATH and LD_LIBRARY_PATH for a temporary
# prefix (testing/cmake/check.sh), none of them for a system install
# (testing/debian/check.sh). CC names the compiler (default cc).
set -euo pipefail
cd "$(dirname "$0")/../.."
(($# == 2)) || { echo "usage: $0 WORK LIBDIR" >&2; exit 2; }
work=$1
libdir=$(readlink -f "$2")
cc=${CC:-cc}
mkdir -p "$work"

found=$(readlink -f "$(pkg-config --variable=libdir libunet)")
[[ "$found" == "$libdir" ]] ||
  { echo "build_consumers.sh: pkg-config found libunet in $found, not $libdir" >&2; exit 1; }
# shellcheck disable=SC2046 # pkg-config's words are meant to split.
"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/pass_fd_pkgconfig" examples/pass_fd.c \
  $(pkg-config --cflags --libs libunet)

cmake -S testing/cmake/consumer -B "$work/find_package" -DCMAKE_C_COMPILER="$cc" \
  -DLIBUNET_EXAMPLE="$PWD/examples/pass_fd.c" >"$work/find_package.log" ||
  { cat "$work/find_package.log"; exit 1; }
found=$(sed -n 's/^libunet_DIR:PATH=//p' "$work/find_package/CMakeCache.txt")
[[ "$(readlink -f "$found")" == "$libdir/cmake/libunet" ]] ||
  { echo "build_consumers.sh: find_package found libunet in $found, not under $libdir" >&2; exit 1; }
cmake --build "$work/find_package" >/dev/null

for binary in "$work/pass_fd_pkgconfig" "$work/find_package/pass_fd"; do
  loaded=$(ldd "$binary" | sed -n 's/^\s*libunet\.so\.0 => \(\S*\) .*/\1/p')
  [[ -n "$loaded" && "$(readlink -f "$loaded")" == "$(readlink -f "$libdir/libunet.so.0")" ]] ||
    { echo "build_consumers.sh: $binary loads '${loaded:-no libunet.so.0}', not $libdir's" >&2; exit 1; }
  echo "${binary#"$work/"} (loads $loaded):"
  "$binary"
done
