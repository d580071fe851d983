"""Offline stand-in for rules_cc: re-exports Bazel 4.2.3's native C++ rules.

Debian's bazel-rules-cc targets newer Bazel (it loads use_cpp_toolchain), so
this workspace's BUILD files, and @bazel_tools' own, load cc_* from here; with
the real rules_cc they work unchanged.
"""

cc_binary = native.cc_binary
cc_import = native.cc_import
cc_library = native.cc_library
cc_proto_library = native.cc_proto_library
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
objc_library = native.objc_library
