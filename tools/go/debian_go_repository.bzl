"""debian_go_repository: one Go module's packages from Debian's sources.

A repository named as Gazelle names a Go module's repository (gvisor.dev/gvisor
is @dev_gvisor_gvisor, golang.org/x/sys is @org_golang_x_sys), holding one
go_library per package that the listed packages need, at the package's path
and named after its last element: @dev_gvisor_gvisor//pkg/unet,
@org_golang_x_sys//unix. A BUILD file that depends on these labels is the
same with rules_go and Gazelle's repositories.

`go list -deps` in GOPATH mode over /usr/share/gocode (Debian's golang-*-dev
packages) gives each package's files and imports; the files are linked one
by one, so only what the build needs is an input, and each import becomes a
dependency label through `modules` (import path prefix -> repository name).
"""

_LIST_FORMAT = "{{.ImportPath}}|{{.Standard}}|{{.Dir}}|" + \
               "{{join .GoFiles \" \"}} {{join .SFiles \" \"}} {{join .HFiles \" \"}}|" + \
               "{{join .Imports \" \"}}"

def _label(ctx, importpath):
    """The label of the go_library for importpath, a non-standard package."""
    for prefix, repository in ctx.attr.modules.items():
        if importpath.startswith(prefix + "/"):
            path = importpath[len(prefix) + 1:]
            name = path.rsplit("/", 1)[-1]
            if repository == ctx.name:
                return "//%s:%s" % (path, name)
            return "@%s//%s:%s" % (repository, path, name)
    fail("debian_go_repository %s: %s is in no module of `modules`" % (ctx.name, importpath))

def _debian_go_repository_impl(ctx):
    go = ctx.which("go")
    if not go:
        fail("debian_go_repository: no `go` on PATH: install Debian's golang-go")
    roots = ["%s/%s" % (ctx.attr.importpath, p) for p in ctx.attr.packages]
    result = ctx.execute(
        [go, "list", "-deps", "-f", _LIST_FORMAT] + roots,
        environment = {
            "GO111MODULE": "off",
            "GOFLAGS": "",
            "GOPATH": ctx.attr.gocode,
            "GOPROXY": "off",
            "GOTOOLCHAIN": "local",
            "CGO_ENABLED": "0",
            "GOCACHE": str(ctx.path("gocache")),
            "HOME": str(ctx.path(".")),
        },
    )
    if result.return_code != 0:
        fail("debian_go_repository %s: `go list` failed (install Debian's %s): %s" %
             (ctx.name, ctx.attr.debian_package, result.stderr))
    packages = [line.split("|") for line in result.stdout.splitlines()]
    standard = {p[0]: True for p in packages if p[1] == "true"}
    for importpath, _, directory, files, imports in packages:
        if importpath in standard or not importpath.startswith(ctx.attr.importpath + "/"):
            continue  # The standard library's, or another module's.
        path = importpath[len(ctx.attr.importpath) + 1:]
        srcs = [f for f in files.split(" ") if f]
        for f in srcs:
            ctx.symlink(directory + "/" + f, path + "/" + f)
        deps = [_label(ctx, i) for i in imports.split(" ") if i and i not in standard]
        ctx.file(path + "/BUILD.bazel", """load("{rules}", "go_library")

go_library(
    name = "{name}",
    srcs = {srcs},
    importpath = "{importpath}",
    visibility = ["//visibility:public"],
    deps = {deps},
)
""".format(
            rules = ctx.attr.rules,
            name = path.rsplit("/", 1)[-1],
            srcs = repr(srcs),
            importpath = importpath,
            deps = repr(sorted(deps)),
        ))
    ctx.delete("gocache")
    ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)
    ctx.file("BUILD.bazel", "")

debian_go_repository = repository_rule(
    implementation = _debian_go_repository_impl,
    attrs = {
        "importpath": attr.string(mandatory = True, doc = "the module's import path"),
        "packages": attr.string_list(mandatory = True, doc = "the packages needed, from the module's root"),
        "modules": attr.string_dict(
            mandatory = True,
            doc = "import path prefix -> repository, for every module the packages import",
        ),
        "debian_package": attr.string(mandatory = True, doc = "the Debian package holding the sources"),
        "gocode": attr.string(default = "/usr/share/gocode"),
        # The main repository's rules: these repositories are libunet's own
        # dev dependencies, defined only when libunet is the main repository.
        "rules": attr.string(default = "@//tools/go:def.bzl"),
    },
    environ = ["PATH"],
    local = True,
)
