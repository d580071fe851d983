"""debian_go_sdk: the Go toolchain Debian installed.

rules_go cannot be fetched offline, so this repository rule finds Debian's Go
SDK (`go env GOROOT`, package golang-go) and exposes it as targets, so Go
actions declare it as an input (Debian's Go sources are go_library targets
of debian_go_repository.bzl's repositories):

  @debian_go//:go        the go command
  @debian_go//:goroot    the SDK's files
  @debian_go//:build_tags  the Go build tags naming what those sources offer:
                         `gvisor_getpeercred` when gVisor's unet still has
                         Socket.GetPeerCred (bookworm's; sid's dropped it)
"""

_BUILD = """
package(default_visibility = ["//visibility:public"])

exports_files([
    "build_tags",
    "goroot/bin/go",
])

filegroup(
    name = "go",
    srcs = ["goroot/bin/go"],
)

filegroup(
    name = "goroot",
    srcs = glob(
        [
            "goroot/bin/**",
            "goroot/pkg/**",
            "goroot/src/**",
        ],
        exclude = ["goroot/**/testdata/**"],
    ),
)
"""

def _build_tags(ctx, gocode):
    unet = ctx.path(gocode + "/src/" + ctx.attr.required_package)
    for source in unet.readdir():
        if source.basename.endswith(".go") and \
           "func (s *Socket) GetPeerCred(" in ctx.read(source):
            return ["gvisor_getpeercred"]
    return []

def _debian_go_sdk_impl(ctx):
    go = ctx.which("go")
    if not go:
        fail("debian_go_sdk: no `go` on PATH: install Debian's golang-go " +
             "(tools/bazel does it for you)")
    result = ctx.execute([go, "env", "GOROOT"])
    if result.return_code != 0:
        fail("debian_go_sdk: `go env GOROOT` failed: " + result.stderr)
    goroot = result.stdout.strip()
    gocode = ctx.attr.gocode
    if not ctx.path(gocode + "/src/" + ctx.attr.required_package).exists:
        fail("debian_go_sdk: %s/src/%s is missing: install Debian's %s" %
             (gocode, ctx.attr.required_package, ctx.attr.required_debian_package))
    ctx.file("build_tags", " ".join(_build_tags(ctx, gocode)) + "\n")
    ctx.symlink(goroot, "goroot")
    ctx.file("BUILD.bazel", _BUILD)
    ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)

debian_go_sdk = repository_rule(
    implementation = _debian_go_sdk_impl,
    attrs = {
        "gocode": attr.string(default = "/usr/share/gocode"),
        "required_package": attr.string(default = "gvisor.dev/gvisor/pkg/unet"),
        "required_debian_package": attr.string(default = "golang-gvisor-gvisor-dev"),
    },
    environ = ["PATH"],
    local = True,
)
