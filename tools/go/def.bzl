"""Go rules for an offline Bazel 4: go_library, go_binary and go_test.

The names, attributes (srcs, deps, embed, data, importpath) and meanings are
rules_go's, so a BUILD file written for these builds with rules_go once its
load line names @rules_go//go:def.bzl (docs/bazel.md). Each target compiles
with Debian's Go SDK (see go_sdk.bzl) in GOPATH mode, as an action whose
inputs are declared: the package's sources and those of its deps, every one
a label (Debian's Go sources through debian_go_repository.bzl), and the SDK.
No rules_go, no network.
"""

GoSourcesInfo = provider(
    doc = "Go sources by import path, for the GOPATH an action lays out.",
    fields = {
        "importpath": "the package's import path",
        "srcs": "the package's own source files (what an embed adds)",
        "deps": "the package's go_library deps (what an embed adds)",
        "files": "depset of the source files, the package's and its deps'",
        "mappings": "depset of 'importpath=execpath' strings",
        "direct": "the import paths of the package's direct deps",
    },
)

def _importpath(ctx):
    """The package's import path.

    Its own, else its first embed's (as rules_go), else one private to the
    target (a main or external-test package, which nothing imports).
    """
    if ctx.attr.importpath:
        return ctx.attr.importpath
    if ctx.attr.embed:
        return ctx.attr.embed[0][GoSourcesInfo].importpath
    return "bazel.invalid/%s/%s" % (ctx.label.package, ctx.label.name)

def _sources(ctx):
    """This package's sources and those of every package it depends on.

    Its own are its srcs and its embeds', under its import path.
    """
    importpath = _importpath(ctx)
    own = list(ctx.files.srcs)
    deps = list(ctx.attr.deps)
    for e in ctx.attr.embed:
        own += e[GoSourcesInfo].srcs
        deps += e[GoSourcesInfo].deps
    return GoSourcesInfo(
        importpath = importpath,
        srcs = own,
        deps = deps,
        files = depset(own, transitive = [d[GoSourcesInfo].files for d in deps]),
        mappings = depset(
            ["%s=%s" % (importpath, f.path) for f in own],
            transitive = [d[GoSourcesInfo].mappings for d in deps],
        ),
        direct = [d[GoSourcesInfo].importpath for d in deps],
    )

def _compile(ctx, mode, sources):
    out = ctx.actions.declare_file(ctx.label.name + (".compiled" if mode == "library" else ""))
    sdk = ctx.attr._goroot.files
    go = ctx.file._go
    args = ctx.actions.args()
    args.add(mode)
    args.add(out.path)
    args.add(go.path)
    args.add(go.path[:-len("/bin/go")])
    args.add(sources.importpath)

    # The runfiles directory of this target's repository (tools/go/runfiles):
    # "" for the main repository, whose directory is the workspace's name.
    args.add(ctx.label.workspace_name or ctx.workspace_name)
    args.add(ctx.file._tags.path)
    args.add(" ".join(sources.direct))
    args.add_all(sources.mappings)
    ctx.actions.run(
        executable = ctx.executable._compile,
        arguments = [args],
        inputs = depset([go, ctx.file._tags], transitive = [sources.files, sdk]),
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
    # Compiled when built (as rules_go does), so a library that no binary or
    # test links still has to compile (with the SDK's build tags).
    sources = _sources(ctx)
    return [sources, DefaultInfo(files = depset([_compile(ctx, "library", sources)]))]

def _go_binary_impl(ctx):
    return _executable(ctx, "build")

def _go_test_impl(ctx):
    return _executable(ctx, "test")

# rules_go's attributes, with its meanings (only these).
_COMMON = {
    "srcs": attr.label_list(allow_files = [".go", ".s", ".h"]),
    "deps": attr.label_list(providers = [GoSourcesInfo]),
    "embed": attr.label_list(providers = [GoSourcesInfo]),
    "importpath": attr.string(),
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
    "_tags": attr.label(
        default = "@debian_go//:build_tags",
        allow_single_file = True,
    ),
}

go_library = rule(
    implementation = _go_library_impl,
    attrs = dict(_COMMON, **_TOOLS),
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
