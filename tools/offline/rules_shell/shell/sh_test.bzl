"""Offline stand-in for rules_shell's sh_test, for WORKSPACE builds only.

Bazel 4.2.3 predates rules_shell (Debian sid's bazel-rules-shell 0.4.0 needs
Bazel 7), so in WORKSPACE mode @rules_shell is this directory and sh_test is
the native rule. Under Bzlmod the real rules_shell serves the same label
(Debian's package on Bazel 7; the registry's on 8 and 9, where the native
rule is gone and this file would fail).
"""

sh_test = native.sh_test
