#!/usr/bin/env bash
# tools/install_packages.sh PACKAGE...: installs the Debian packages of the
# list that are missing, printing what it does (apt-get, as root or through
# sudo). With LIBUNET_NO_APT=1 it changes nothing on the host and fails,
# naming what is missing, for CIs whose hosts must not be changed.
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
echo "libunet: installing missing Debian packages: ${missing[*]}" >&2
"${sudo[@]}" apt-get update >&2
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends \
  "${missing[@]}" >&2
