#!/usr/bin/env bash
# tools/bazel7/run.sh: libunet on Bazel 7.7.1 (Debian sid's bazel-bootstrap),
# in a Debian sid chroot made and cached here, since sid's Bazel needs a
# newer libc than this bookworm host has. Runs, each in its own step:
#   - `bazel test //...` with Bzlmod (MODULE.bazel; the sid pair of Go and
#     gVisor in the interop tests) and with --noenable_bzlmod (WORKSPACE);
#   - `bazel test //...` and examples/bzlmod with Bazel 9's defaults and the
#     BCR presubmit's incompatible flags (bazel9_flags below);
#   - examples/bzlmod and examples/workspace: test and run, as consumers;
#   - the release archive: examples/bzlmod (the BCR test module) built
#     from the unpacked archive.
#
#   tools/bazel7/run.sh            make the chroot if needed, run everything
#   tools/bazel7/run.sh --shell    a shell in the chroot (repo at /src/libunet)
#
# Environment:
#   LIBUNET_SID_CHROOT  where the chroot is cached
#                       (default /var/cache/libunet/bazel7-sid)
#   LIBUNET_SID_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#
# Needs root (debootstrap, chroot, mounts in a private mount namespace). The
# first run downloads about 0.8 GB of sid's packages (2.7 GB on disk) and
# takes minutes; later runs reuse the chroot and its Bazel output bases. No
# package is installed on the host: debootstrap is unpacked into a temporary
# directory unless the host has it (on a host without package lists, apt's
# lists are fetched first, unless LIBUNET_NO_APT=1).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${LIBUNET_SID_CHROOT:-/var/cache/libunet/bazel7-sid}
mirror=${LIBUNET_SID_MIRROR:-http://deb.debian.org/debian}
inside=/src/libunet

# What the chroot needs; changing the list rebuilds the chroot.
packages=(
  bazel-bootstrap
  bazel-rules-cc
  bazel-rules-shell
  ca-certificates
  clang
  g++
  gcc
  golang-go
  golang-gvisor-gvisor-dev
  googletest
  libbenchmark-dev
  libseccomp-dev
)

die() {
  echo "tools/bazel7/run.sh: $*" >&2
  exit 1
}

((EUID == 0)) || die "needs root (debootstrap, chroot and mounts); run it with sudo"

# The chroot's system bazelrc, read after Debian's /etc/bazel/bazelrc (its
# --override_module flags cover rules_cc, rules_java, platforms, ...).
bazelrc() {
  cat <<RC
# Written by tools/bazel7/run.sh.
# @bazel_tools' modules that Debian does not override: empty stand-ins.
common --registry=file://$inside/tools/bazel7/registry
# MODULE.bazel.lock is not kept (docs/bazel.md, "Bazel 7 and Bzlmod").
common --lockfile_mode=off
# The repository is the host's checkout: leave its bazel-* links alone.
common --symlink_prefix=/
RC
}

stamp="bazel7-sid: ${packages[*]}"

make_chroot() {
  curl -fsS --max-time 30 -o /dev/null "$mirror/dists/sid/InRelease" ||
    die "cannot reach Debian sid at $mirror (set LIBUNET_SID_MIRROR to a mirror that has it); the Bazel 7 checks need sid's bazel-bootstrap"
  local debootstrap
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  if command -v debootstrap >/dev/null; then
    debootstrap=(debootstrap)
  else
    # With no package lists yet (a fresh host), fetch them first, unless the
    # host must not be changed at all (LIBUNET_NO_APT=1).
    (cd "$work" && apt-get download debootstrap >/dev/null 2>&1) ||
      { [[ "${LIBUNET_NO_APT:-}" != "1" ]] && apt-get -q update >/dev/null 2>&1 &&
        (cd "$work" && apt-get download debootstrap >/dev/null 2>&1); } ||
      die "could not download bookworm's debootstrap package (apt-get download debootstrap); run apt-get update or install debootstrap"
    dpkg-deb -x "$work"/debootstrap_*.deb "$work/debootstrap"
    debootstrap=(env DEBOOTSTRAP_DIR="$work/debootstrap/usr/share/debootstrap"
                 "$work/debootstrap/usr/sbin/debootstrap")
  fi
  local new="$root.new"
  rm -rf "$new"
  mkdir -p "$(dirname "$root")"
  echo "tools/bazel7/run.sh: making the sid chroot in $root (minutes; cached afterwards)" >&2
  "${debootstrap[@]}" --variant=minbase sid "$new" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; die "debootstrap of sid failed"; }
  cp /etc/resolv.conf "$new/etc/resolv.conf"
  in_chroot "$new" sh -c "apt-get -q -o Acquire::Check-Valid-Until=false update &&
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends ${packages[*]} &&
    apt-get clean" \
    >"$work/apt.log" 2>&1 ||
    { tail -20 "$work/apt.log" >&2; die "installing sid's packages in the chroot failed"; }
  bazelrc >"$new/etc/bazel.bazelrc"
  echo "$stamp" >"$new/.libunet-stamp"
  rm -rf "$root"
  mv "$new" "$root"
}

# in_chroot DIR COMMAND...: runs COMMAND in the chroot, with /proc, /dev and
# the repository mounted in a mount namespace of its own (gone at exit).
in_chroot() {
  local dir=$1
  shift
  mkdir -p "$dir$inside"
  unshare --mount --propagation private -- /bin/sh -c '
    dir=$1 repo=$2 inside=$3
    shift 3
    mount -t proc proc "$dir/proc" &&
    mount --rbind /dev "$dir/dev" &&
    mount --bind "$repo" "$dir$inside" &&
    exec chroot "$dir" "$@"' sh "$dir" "$repo" "$inside" env -i HOME=/root \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM="${TERM:-dumb}" "$@"
}

# A chroot made for a shorter list gets the new packages installed in place
# (minutes saved); any other difference makes it anew.
add_packages() {
  local have missing=()
  have=" $(sed 's/^bazel7-sid: //' "$root/.libunet-stamp") "
  for package in "${packages[@]}"; do
    [[ "$have" == *" $package "* ]] || missing+=("$package")
  done
  local count
  count=$(wc -w <<<"$have")
  ((count + ${#missing[@]} == ${#packages[@]})) || return 1
  echo "tools/bazel7/run.sh: adding ${missing[*]} to the sid chroot" >&2
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  in_chroot "$root" sh -c "apt-get -q -o Acquire::Check-Valid-Until=false update &&
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends ${missing[*]} &&
    apt-get clean" >/dev/null 2>&1 || return 1
  echo "$stamp" >"$root/.libunet-stamp"
}

if [[ "$(cat "$root/.libunet-stamp" 2>/dev/null)" != "$stamp" ]]; then
  [[ -f "$root/.libunet-stamp" ]] && add_packages || make_chroot
fi
bazelrc >"$root/etc/bazel.bazelrc"

if [[ "${1:-}" == "--shell" ]]; then
  in_chroot "$root" /bin/bash -c "cd $inside && exec bash -i"
  exit
fi

status=0
step() {
  local dir=$1
  shift
  echo "=== tools/bazel7/run.sh: ($dir) bazel $*"
  in_chroot "$root" /bin/sh -c 'cd "$1" && shift && bazel "$@"' sh "$inside/$dir" "$@" || status=1
}

bazel_version=$(in_chroot "$root" bazel --version)
echo "=== tools/bazel7/run.sh: $bazel_version in $root"
# WORKSPACE mode gets an output base of its own: the two modes name the
# main repository differently, so sharing one would rebuild everything at
# every switch.
workspace_mode=(--output_base=/root/.cache/bazel-workspace-mode)
# rules_shell, which Debian's bazelrc does not override, from its package:
# for libunet itself only (a dev_dependency, so the examples, as consumers,
# have no rules_shell to override, and Bazel refuses such an override).
shell=(--override_module=rules_shell=/usr/share/bazel/rules/shell)
step . test "${shell[@]}" //...
step . "${workspace_mode[@]}" test --noenable_bzlmod //...
# Bazel 9's defaults, and the incompatible flags the Bazel Central
# Registry's presubmit flips, on 7.7.1 (no Bazel 8 or 9 here): no
# autoloaded rules, no native repository rules in extensions, no WORKSPACE.
bazel9_flags=(
  --incompatible_autoload_externally=
  --incompatible_disable_native_repo_rules
  --noenable_workspace
  --incompatible_strict_action_env
  --incompatible_config_setting_private_default_visibility
  --incompatible_disable_starlark_host_transitions
)
bazel9_mode=(--output_base=/root/.cache/bazel-bazel9-flags)
bazel9_example=(--output_base=/root/.cache/bazel-bazel9-flags-example)
step . "${bazel9_mode[@]}" test "${shell[@]}" "${bazel9_flags[@]}" //...
step examples/bzlmod "${bazel9_example[@]}" test "${bazel9_flags[@]}" //...
step examples/bzlmod test //...
step examples/bzlmod run //:pass_fd
step examples/workspace test --noenable_bzlmod //...
step examples/workspace run --noenable_bzlmod //:pass_fd
# The release archive (tools/release/archive.sh, of the commit checked out)
# as the Bazel Central Registry would use it: unpacked under the prefix
# .bcr/source.template.json strips, its bcr_test_module (examples/bzlmod)
# tested against the module the archive holds.
release=.release-check
rm -rf "${repo:?}/$release"
version=$(cd "$repo" && tools/release/archive.sh "$release" | sed -n 's/^prefix: *libunet-\(.*\)\/$/\1/p')
grep -q '"strip_prefix": "libunet-{VERSION}"' "$repo/.bcr/source.template.json" ||
  die ".bcr/source.template.json does not strip the archive's prefix libunet-{VERSION}"
tar -xzf "$repo/$release/libunet-$version.tar.gz" -C "$repo/$release"
step "$release/libunet-$version/examples/bzlmod" test //...
step "$release/libunet-$version/examples/bzlmod" shutdown >/dev/null
rm -rf "${repo:?}/$release"

for server in . ". ${workspace_mode[*]}" ". ${bazel9_mode[*]}" examples/bzlmod \
  "examples/bzlmod ${bazel9_example[*]}" examples/workspace; do
  step $server shutdown >/dev/null
done
exit "$status"
