#!/usr/bin/env bash
# Compiles one Go main or test package offline, as a Bazel action.
#
#   go_compile.sh build|test OUTPUT GO GOROOT IMPORTPATH REPO TAGS_FILE \
#                 [IMPORTPATH=FILE...]
#
# REPO is the runfiles directory of the target's repository, written into
# tools/go/runfiles; TAGS_FILE holds the build tags that say what the
# installed Go sources offer (see go_sdk.bzl).
#
# Lays the given sources (the package's and every dependency's, each a
# label) out as a private GOPATH, one directory per import path, and nothing
# else: an import no dep provides fails. Then runs `go build` or `go test -c`
# in GOPATH mode, with GOCACHE and HOME in the action's own temporary
# directory and every network route off.
set -euo pipefail

mode=$1 output=$2 go=$3 goroot=$4 package=$5 repo=$6 tags_file=$7
shift 7
tags=$(<"$tags_file")

execroot=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/go_compile.XXXXXX")
trap 'rm -rf "$work"' EXIT

for mapping in "$@"; do
  importpath=${mapping%%=*}
  file=${mapping#*=}
  mkdir -p "$work/gopath/src/$importpath"
  ln -s "$execroot/$file" "$work/gopath/src/$importpath/"
done

export GOROOT="$execroot/$goroot"
export GOPATH="$work/gopath"
export GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0
export GOCACHE="$work/cache" HOME="$work"

cd "$work/gopath/src/$package"
flags=(-trimpath -tags="$tags"
       -ldflags="-X github.com/bazelbuild/rules_go/go/runfiles.repo=$repo"
       -o "$execroot/$output")
case "$mode" in
  build) "$execroot/$go" build "${flags[@]}" . ;;
  test) "$execroot/$go" test -c "${flags[@]}" . ;;
  *) echo "go_compile.sh: unknown mode $mode" >&2; exit 2 ;;
esac
