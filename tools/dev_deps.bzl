"""libunet's own test-only repositories: GoogleTest, Google Benchmark and the
Go SDK with gVisor's sources, all from Debian packages on this machine.

WORKSPACE calls libunet_dev_dependencies(); under Bzlmod the dev_dependency
extension in tools/extensions.bzl does, so a module that depends on libunet
never defines, fetches or sees them.
"""

load("//tools:deps.bzl", "local_tree")
load("//tools/go:go_sdk.bzl", "debian_go_sdk")

def libunet_dev_dependencies():
    """Defines com_google_googletest, com_google_benchmark and debian_go."""

    # Built from Debian's sources, so that the sanitizer configs instrument
    # GoogleTest like the code under test.
    local_tree(
        name = "com_google_googletest",
        path = "/usr/src/googletest",
        build_file = Label("//tools/offline:googletest.BUILD"),
        missing_hint = ": install Debian's googletest",
    )
    local_tree(
        name = "com_google_benchmark",
        path = "/usr",
        build_file = Label("//tools/offline:benchmark.BUILD"),
    )
    debian_go_sdk(name = "debian_go")
