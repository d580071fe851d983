"""Go rules for an offline Bazel 4: go_library, go_binary and go_test.

Each compiles with Debian's Go SDK and /usr/share/gocode (see go_sdk.bzl) in
GOPATH mode, as an action whose inputs are declared: the package's sources,
its go_library deps, the SDK and Debian's Go sources. No rules_go, no network.
"""

GoSourcesInfo = provider(
    doc = "Go sources by import path, for the GOPATH an action lays out.",
    fields = {
        "files": "depset of the source files",
        "mappings": "depset of 'importpath=execpath' strings",
    },
)

def _sources(ctx):
    own = [
        "%s=%s" % (ctx.attr.importpath, f.path)
        for f in ctx.files.srcs
    ]
    return GoSourcesInfo(
        files = depset(
            ctx.files.srcs,
            transitive = [d[GoSourcesInfo].files for d in ctx.attr.deps],
        ),
        mappings = depset(
            own,
            transitive = [d[GoSourcesInfo].mappings for d in ctx.attr.deps],
        ),
    )

def _compile(ctx, mode, sources):
    out = ctx.actions.declare_file(ctx.label.name)
    sdk = ctx.attr._goroot.files
    gocode = ctx.attr._gocode.files
    go = ctx.file._go
    args = ctx.actions.args()
    args.add(mode)
    args.add(out.path)
    args.add(go.path)
    args.add(go.path[:-len("/bin/go")])
    args.add(go.path[:-len("/goroot/bin/go")] + "/gocode")
    args.add(ctx.attr.importpath)

    # The runfiles directory of this target's repository (tools/go/runfiles):
    # "" for the main repository, whose directory is the workspace's name.
    args.add(ctx.label.workspace_name or ctx.workspace_name)
    args.add(ctx.file._tags.path)
    args.add_all(sources.mappings)
    ctx.actions.run(
        executable = ctx.executable._compile,
        arguments = [args],
        inputs = depset([go, ctx.file._tags], transitive = [sources.files, sdk, gocode]),
        outputs = [out],
        mnemonic = "GoCompile",
        progress_message = "Compiling Go %s %s" % (mode, ctx.label),
        use_default_shell_env = False,
    )
    return out

def _executable(ctx, mode):
    sources = _sources(ctx)
    out = _compile(ctx, mode, sources)
    runfiles = ctx.runfiles(files = ctx.files.data)
    for d in ctx.attr.data:
        runfiles = runfiles.merge(d[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = out, runfiles = runfiles)]

def _go_library_impl(ctx):
    sources = _sources(ctx)
    return [sources, DefaultInfo(files = sources.files)]

def _go_binary_impl(ctx):
    return _executable(ctx, "build")

def _go_test_impl(ctx):
    return _executable(ctx, "test")

_COMMON = {
    "srcs": attr.label_list(allow_files = [".go"]),
    "deps": attr.label_list(providers = [GoSourcesInfo]),
    "importpath": attr.string(mandatory = True),
}

_TOOLS = {
    "data": attr.label_list(allow_files = True),
    "_compile": attr.label(
        default = "//tools/go:go_compile.sh",
        executable = True,
        cfg = "exec",
        allow_single_file = True,
    ),
    "_go": attr.label(
        default = "@debian_go//:goroot/bin/go",
        allow_single_file = True,
    ),
    "_goroot": attr.label(default = "@debian_go//:goroot"),
    "_gocode": attr.label(default = "@debian_go//:gocode"),
    "_tags": attr.label(
        default = "@debian_go//:build_tags",
        allow_single_file = True,
    ),
}

go_library = rule(
    implementation = _go_library_impl,
    attrs = _COMMON,
    doc = "Go sources importable as `importpath` by go_binary/go_test deps.",
)

go_binary = rule(
    implementation = _go_binary_impl,
    attrs = dict(_COMMON, **_TOOLS),
    executable = True,
    doc = "A Go main package built with `go build`.",
)

go_test = rule(
    implementation = _go_test_impl,
    attrs = dict(_COMMON, **_TOOLS),
    test = True,
    doc = "A Go test package built with `go test -c` and run as a Bazel test.",
)
