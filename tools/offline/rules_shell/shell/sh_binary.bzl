"""Offline stand-in for rules_shell's sh_binary (see sh_test.bzl)."""

sh_binary = native.sh_binary
