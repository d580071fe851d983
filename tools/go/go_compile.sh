#!/usr/bin/env bash
# Compiles one Go main or test package offline, as a Bazel action.
#
#   go_compile.sh library|build|test OUTPUT GO GOROOT IMPORTPATH REPO TAGS_FILE \
#                 DIRECT [IMPORTPATH=FILE...]
#
# REPO is the runfiles directory of the target's repository, written into
# tools/go/runfiles; TAGS_FILE holds the build tags that say what the
# installed Go sources offer (see go_sdk.bzl); DIRECT the import paths of the
# package's direct deps, space-separated. A library is compiled and its
# OUTPUT is an empty stamp; a binary or a test is linked into OUTPUT.
#
# Lays the given sources (the package's and every dependency's, each a
# label) out as a private GOPATH, one directory per import path, and nothing
# else: an import no dep provides fails, and so does one that only an
# indirect dep provides (rules_go's rule: import what you depend on). Then
# runs `go build` or `go test -c` in GOPATH mode, with GOCACHE and HOME in
# the action's own temporary directory and every network route off.
set -euo pipefail

mode=$1 output=$2 go=$3 goroot=$4 package=$5 repo=$6 tags_file=$7 direct=$8
shift 8
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
export GO111MODULE=off GOFLAGS='' GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0
export GOCACHE="$work/cache" HOME="$work"

cd "$work/gopath/src/$package"
go=$execroot/$go
# Every import outside the standard library is the package itself (an
# external test's) or a direct dep's.
imports=$("$go" list -tags="$tags" -f \
  '{{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' .)
if [[ -n "${imports// /}" ]]; then
  # shellcheck disable=SC2086 # one word per import path
  while read -r path standard; do
    [[ "$standard" == true || "$path" == "$package" || " $direct " == *" $path "* ]] && continue
    echo "go_compile.sh: $package imports $path, which no direct dep provides: add it to deps" >&2
    exit 1
  done < <("$go" list -tags="$tags" -e -f '{{.ImportPath}} {{.Standard}}' $imports)
fi

flags=(-trimpath -tags="$tags"
       -ldflags="-X github.com/bazelbuild/rules_go/go/runfiles.repo=$repo"
       -o "$execroot/$output")
case "$mode" in
  library) "$go" build -trimpath -tags="$tags" . && : >"$execroot/$output" ;;
  build) "$go" build "${flags[@]}" . ;;
  test) "$go" test -c "${flags[@]}" . ;;
  *) echo "go_compile.sh: unknown mode $mode" >&2; exit 2 ;;
esac
