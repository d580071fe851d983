"""The Bzlmod face of tools/dev_deps.bzl, used by MODULE.bazel as a
dev_dependency: only libunet's own builds see these repositories."""

load("//tools:dev_deps.bzl", "libunet_dev_dependencies")

def _dev_impl(_module_ctx):
    libunet_dev_dependencies()

dev = module_extension(
    implementation = _dev_impl,
    doc = "GoogleTest, Google Benchmark and Debian's Go SDK, for tests.",
)
