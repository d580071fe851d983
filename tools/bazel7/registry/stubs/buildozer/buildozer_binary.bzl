"""Offline stand-in for buildozer's extension: an empty buildozer_binary."""

def _empty_impl(repository_ctx):
    repository_ctx.file("BUILD.bazel", "# buildozer is not available offline.\n")

_empty = repository_rule(implementation = _empty_impl)

def _buildozer_binary_impl(_module_ctx):
    _empty(name = "buildozer_binary")

buildozer_binary = module_extension(implementation = _buildozer_binary_impl)
