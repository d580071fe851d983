#!/usr/bin/env bash
# The Debian packages, built and used as Debian would: debian/libunet0.symbols
# is the one generated from the ABI baseline; the committed tree (HEAD, as
# tools/release/archive.sh exports it, which is also the orig tarball) is
# built with dpkg-buildpackage, source and binaries, tests included; lintian
# reports no error and no warning (overrides must say why, in a comment); the
# two .debs are installed on this machine and examples/pass_fd.c is built
# against the installed files with pkg-config and find_package and run
# without LD_LIBRARY_PATH (testing/cmake/build_consumers.sh); then both
# packages are purged, on failure too. Refuses, before installing anything,
# to run if either package is already known to dpkg, or if a libunet that
# no package owns is installed under /usr or /usr/local.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
packages=(libunet-dev libunet0)

# What dpkg knows of the packages: a line per package and architecture, its
# status abbreviated ("ii ", "rc ", ...); none, or only "un", for neither.
known() {
  dpkg-query -W -f='${binary:Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null |
    awk 'substr($2, 2, 1) != "n"' || true
}
if [[ -n "$(known)" ]]; then
  echo "check.sh: dpkg already knows these; the check installs and purges both," \
    "so it refuses rather than clobber them: $(known | paste -sd,)" >&2
  exit 1
fi
# A libunet no package owns: under /usr/local it would come before the
# packages' files; under /usr, dpkg -i would take its files over and the
# purge delete them.
shadows=()
for prefix in /usr/local /usr; do
  for path in "$prefix"/include/unet "$prefix"/lib*/libunet* "$prefix"/lib*/*/libunet* \
    "$prefix"/lib*/pkgconfig/libunet.pc "$prefix"/lib*/*/pkgconfig/libunet.pc \
    "$prefix"/share/pkgconfig/libunet.pc "$prefix"/lib*/cmake/libunet \
    "$prefix"/lib*/*/cmake/libunet "$prefix"/share/cmake/libunet; do
    if [[ -e "$path" ]]; then shadows+=("$path"); fi
  done
done
if ((${#shadows[@]})); then
  echo "check.sh: a libunet no package owns is installed; the check refuses rather than" \
    "shadow, take over or delete it: ${shadows[*]}" >&2
  exit 1
fi

# The build tools and debian/control's Build-Depends (dpkg-checkbuilddeps
# below says if this list falls behind).
tools/install_packages.sh build-essential cmake debhelper dpkg-dev libgtest-dev lintian \
  pkg-config python3
if ! unmet=$(dpkg-checkbuilddeps 2>&1); then
  echo "check.sh: $unmet; add them to the install list above" >&2
  exit 1
fi

cached_before=$(ldconfig -p | grep -c libunet || true)

echo "=== debian/libunet0.symbols against abi/libunet.so.0.abi"
python3 tools/release/debian_symbols.py --check

version=$(sed -n 's/^#define UNET_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
  unet/include/unet/unet.h | paste -sd.)
debian_version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
[[ "${debian_version%-*}" == "$version" ]] ||
  { echo "check.sh: debian/changelog's $debian_version is not unet.h's $version" >&2; exit 1; }
git diff --quiet HEAD ||
  echo "check.sh: note: uncommitted changes are not in the build (it is HEAD's)"

work=$(mktemp -d /tmp/libunet-debian.XXXXXX)
installed=0
cleanup() {
  local status=$?
  if ((installed)); then
    echo "=== purging ${packages[*]}"
    dpkg --purge "${packages[@]}" >"$work/purge.log" || cat "$work/purge.log" >&2
    if [[ -n "$(known)" || "$(ldconfig -p | grep -c libunet)" != "$cached_before" ]]; then
      echo "check.sh: the host still holds libunet after the purge" >&2
      status=1
    fi
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

echo "=== dpkg-buildpackage of HEAD ($(git rev-parse --short HEAD))"
tools/release/archive.sh "$work/archive" >/dev/null
cp "$work/archive/libunet-$version.tar.gz" "$work/libunet_$version.orig.tar.gz"
tar -xzf "$work/libunet_$version.orig.tar.gz" -C "$work"
build_started=$SECONDS
if ! (cd "$work/libunet-$version" && dpkg-buildpackage -us -uc -J"$(nproc)") >"$work/build.log" 2>&1; then
  tail -n 60 "$work/build.log"
  echo "check.sh: dpkg-buildpackage failed (the log's tail above)" >&2
  exit 1
fi
grep -E '^[0-9]+% tests passed' "$work/build.log" || echo "(no tests: nocheck)"
echo "built in $((SECONDS - build_started)) s (load average $(cut -d" " -f1-3 /proc/loadavg)):" \
  "$(cd "$work" && echo ./*.deb)"

echo "=== lintian"
for overrides in debian/*lintian-overrides debian/source/lintian-overrides; do
  [[ -f "$overrides" ]] || continue
  # Every override follows a comment that says why it cannot be fixed.
  awk -v file="$overrides" '/^#/ {why = 1; next} /^[[:space:]]*$/ {why = 0; next}
    !why {print "check.sh: " file ":" NR ": an override without a comment saying why"; bad = 1}
    END {exit bad}' "$overrides" >&2
done
changes=$(echo "$work"/libunet_"$debian_version"_*.changes)
# Overrides are shown with their reasons (O: and N: lines). Bookworm's
# lintian (2.116) counts a shown override as a warning for --fail-on, so the
# verdict is read from the output instead: no E: or W: line.
lintian --display-info --show-overrides --fail-on none "$changes" 2>&1 | tee "$work/lintian.txt"
if grep -qE '^[EW]: ' "$work/lintian.txt"; then
  echo "check.sh: lintian reports errors or warnings (above): fix them, or override" \
    "one that cannot be fixed in debian/*lintian-overrides with a comment saying why" >&2
  exit 1
fi
echo "lintian: no error, no warning"

echo "=== installing the packages"
installed=1
(cd "$work" && dpkg -i ./libunet0_"$debian_version"_*.deb ./libunet-dev_"$debian_version"_*.deb) \
  >"$work/install.log" || { cat "$work/install.log"; exit 1; }
for package in "${packages[@]}"; do
  echo "$package: $(dpkg-query -L "$package" | grep -c '') paths"
done
# The libc-bin trigger ran ldconfig; nobody had to.
ldconfig -p | grep 'libunet\.so\.0 ' ||
  { echo "check.sh: libunet.so.0 is not in the loader's cache after the install" >&2; exit 1; }

echo "=== consumers against the installed packages, no LD_LIBRARY_PATH"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
env -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH -u CMAKE_PREFIX_PATH \
  testing/cmake/build_consumers.sh "$work/consumers" "/usr/lib/$multiarch"

echo "debian: packages built, lintian-clean, installed and used; took $((SECONDS - started)) s"
