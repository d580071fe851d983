#!/usr/bin/env bash
# tools/install_packages.sh PACKAGE...: installs the Debian packages of the
# list that are missing (apt-get, as root or through sudo), printing first
# apt's own summary of what it installs, upgrades and costs. With
# LIBUNET_NO_APT=1 it changes nothing on the host and fails, naming what is
# missing, for CIs whose hosts must not be changed.
set -euo pipefail

missing=()
for package in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
((${#missing[@]})) || exit 0

if [[ "${LIBUNET_NO_APT:-}" == "1" ]]; then
  echo "libunet: missing Debian packages (LIBUNET_NO_APT=1, so not installing): ${missing[*]}" >&2
  exit 1
fi
sudo=()
if ((EUID != 0)); then
  sudo=(sudo)
fi
echo "libunet: missing Debian packages: ${missing[*]}" >&2
"${sudo[@]}" apt-get -q update >&2
# What apt will do, before it does it, from a simulation (-s changes
# nothing): the packages it installs with them, those it upgrades (a
# dependency may need a newer version of an installed package), and their
# sizes.
plan=$("${sudo[@]}" apt-get install -s --no-install-recommends "${missing[@]}" 2>&1) ||
  { echo "$plan" >&2; echo "libunet: apt-get cannot install: ${missing[*]}" >&2; exit 1; }
echo "libunet: apt-get will do this (its own summary):" >&2
sed -n '/^The following/,/ newly installed, /p' <<<"$plan" | sed 's/^/libunet:   /' >&2
mapfile -t changed < <(awk '/^Inst /{print $2}' <<<"$plan")
if ((${#changed[@]})); then
  { apt-cache show --no-all-versions "${changed[@]}" 2>/dev/null || true; } |
    awk '/^Size:/{d+=$2} /^Installed-Size:/{i+=$2}
         END{printf "libunet:   about %.1f MB to download, %.1f MB unpacked\n", d/1e6, i/1e3}' >&2
fi
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends \
  "${missing[@]}" >&2
