"""What a WORKSPACE that depends on libunet needs, in one macro.

    local_repository(name = "libunet", path = "/path/to/libunet")
    load("@libunet//tools:deps.bzl", "libunet_dependencies")
    libunet_dependencies()

libunet_dependencies defines the repositories Bazel would otherwise download
to build a cc_library (rules_cc, rules_shell, rules_java, remote_coverage_tools, and on
Bazel 7 bazel_skylib and rules_python), from libunet's offline stand-ins and
Debian's packages, unless the
workspace already defines a repository of that name: a workspace that has its
own rules_cc keeps it. Bazel 4.2.3 up to 7 (with --noenable_bzlmod); under
Bzlmod, MODULE.bazel's bazel_dep on libunet is all it takes.
"""

def _local_tree_impl(ctx):
    if ctx.attr.path.startswith("/"):
        root = ctx.path(ctx.attr.path)
    else:
        # A directory of libunet itself, wherever libunet was checked out.
        root = ctx.path(Label("//tools:deps.bzl")).dirname.dirname
        for part in ctx.attr.path.split("/"):
            root = root.get_child(part)
    if not root.exists:
        fail("%s: %s is missing%s" % (ctx.name, root, ctx.attr.missing_hint))
    replaced = ["BUILD", "BUILD.bazel", "WORKSPACE", "WORKSPACE.bazel", "MODULE.bazel"]
    for child in root.readdir():
        if ctx.attr.build_file and child.basename in replaced:
            continue
        ctx.symlink(child, child.basename)
    if ctx.attr.build_file:
        ctx.symlink(ctx.attr.build_file, "BUILD.bazel")
        ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)

local_tree = repository_rule(
    implementation = _local_tree_impl,
    attrs = {
        "path": attr.string(
            mandatory = True,
            doc = "An absolute path on this machine, or a directory of " +
                  "libunet's own tree (relative to its root).",
        ),
        "build_file": attr.label(
            allow_single_file = True,
            doc = "The BUILD file to use instead of the directory's own.",
        ),
        "missing_hint": attr.string(
            doc = "Appended to the error when the directory is missing.",
        ),
    },
    local = True,
    doc = "A repository made of a local directory's entries, like " +
          "new_local_repository, that also finds directories of libunet's " +
          "own tree from any workspace and works inside module extensions.",
)

def libunet_dependencies():
    """Defines what building @libunet//unet needs that is not yet defined."""

    # name: (directory, the Debian package that ships it; "" for libunet's own)
    wanted = {
        "rules_cc": ("tools/offline/rules_cc", ""),
        "rules_shell": ("tools/offline/rules_shell", ""),
        "rules_java": ("/usr/share/bazel/rules/java", "bazel-rules-java"),
        "remote_coverage_tools": ("tools/offline/remote_coverage_tools", ""),
        # Bazel 7's WORKSPACE mode registers toolchains from these two;
        # 4.2.3 never asks.
        "bazel_skylib": ("/usr/share/bazel/tools/skylib", "bazel-skylib"),
        "rules_python": ("/usr/share/bazel/rules/python", "bazel-rules-python"),
    }
    for name, (path, package) in wanted.items():
        if not native.existing_rule(name):
            local_tree(
                name = name,
                path = path,
                missing_hint = ": install Debian's " + package if package else "",
            )
