"""libunet's own test-only repositories: GoogleTest, Google Benchmark and the
Go SDK with gVisor's sources, all from Debian packages on this machine.

WORKSPACE calls libunet_dev_dependencies(); under Bzlmod the dev_dependency
extension in tools/extensions.bzl does, so a module that depends on libunet
never defines, fetches or sees them.
"""

load("//tools:deps.bzl", "local_tree")
load("//tools/go:debian_go_repository.bzl", "debian_go_repository")
load("//tools/go:go_sdk.bzl", "debian_go_sdk")

def libunet_dev_dependencies():
    """Defines the test-only repositories.

    com_google_googletest, com_google_benchmark, debian_go, and the Go
    modules the interop tests import, named as Gazelle names them.
    """

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
    for name, importpath, packages in _GO_MODULES:
        debian_go_repository(
            name = name,
            importpath = importpath,
            packages = packages,
            modules = {m[1]: m[0] for m in _GO_MODULES},
            debian_package = "golang-gvisor-gvisor-dev",
        )

# (repository, module import path, packages imported from it): the packages
# the Go code imports, whose own imports these repositories follow.
_GO_MODULES = [
    ("dev_gvisor_gvisor", "gvisor.dev/gvisor", ["pkg/unet", "pkg/urpc"]),
    ("org_golang_x_sys", "golang.org/x/sys", ["unix"]),
    ("org_golang_x_time", "golang.org/x/time", ["rate"]),
]
