#!/usr/bin/env python3
"""Writes debian/libunet0.symbols from the ABI baseline abi/libunet.so.0.abi.

  tools/release/debian_symbols.py          write the file
  tools/release/debian_symbols.py --check  fail, with a diff, if the
                                           committed file differs

Every exported symbol of the baseline, with its version node, and each
node's own symbol (what dpkg-gensymbols lists), gets the version it first
appeared in: a node LIBUNET_M.m is release M.m.0 (unet/libunet.map puts a
minor version's new functions in a node of their own), and the soname's
first node is its first release (CHANGELOG.md). The package build fails when
the library exports anything else (dh_makeshlibs -- -c4 in debian/rules).
"""

import difflib
import pathlib
import re
import sys
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASELINE = ROOT / "abi" / "libunet.so.0.abi"
SYMBOLS = ROOT / "debian" / "libunet0.symbols"
DEV_PACKAGE = "libunet-dev"

# A soname's first node, with the release that introduced it: libunet.so.0
# came with 0.1.0 (CHANGELOG.md).
FIRST_NODES = {"LIBUNET_0": "0.1.0"}


def release_of(node):
    """The upstream version in which the version node `node` appeared."""
    if node in FIRST_NODES:
        return FIRST_NODES[node]
    match = re.fullmatch(r"LIBUNET_(\d+)\.(\d+)", node)
    if not match:
        sys.exit(f"debian_symbols.py: version node {node!r} is neither "
                 f"LIBUNET_<major>.<minor> nor in FIRST_NODES")
    return f"{match[1]}.{match[2]}.0"


def generate():
    corpus = ElementTree.parse(BASELINE).getroot()
    soname = corpus.get("soname")
    match = re.fullmatch(r"(lib[a-z]+)\.so\.(\d+)", soname or "")
    if not match:
        sys.exit(f"debian_symbols.py: no usable soname in {BASELINE}: {soname!r}")
    package = match[1] + match[2]
    symbols = {}
    for kind in ("elf-function-symbols", "elf-variable-symbols"):
        for symbol in corpus.iterfind(f"{kind}/elf-symbol"):
            name, node = symbol.get("name"), symbol.get("version")
            if not node:
                sys.exit(f"debian_symbols.py: {name} has no version node "
                         f"(unet/libunet.map must name every export)")
            symbols[f"{name}@{node}"] = release_of(node)
            symbols[f"{node}@{node}"] = release_of(node)
    if not symbols:
        sys.exit(f"debian_symbols.py: no exported symbols in {BASELINE}")
    lines = [
        "# Generated from abi/libunet.so.0.abi by tools/release/debian_symbols.py;",
        "# edit the baseline (testing/cmake/check.sh --rebaseline), not this file.",
        f"{soname} {package} #MINVER#",
        f"* Build-Depends-Package: {DEV_PACKAGE}",
    ]
    lines += [f" {symbol} {symbols[symbol]}" for symbol in sorted(symbols)]
    return "\n".join(lines) + "\n"


def main(argv):
    if argv not in ([], ["--check"]):
        sys.exit(__doc__)
    text = generate()
    if not argv:
        SYMBOLS.write_text(text)
        print(f"{SYMBOLS.relative_to(ROOT)} written")
        return 0
    committed = SYMBOLS.read_text() if SYMBOLS.exists() else ""
    if committed == text:
        print(f"{SYMBOLS.relative_to(ROOT)} is the baseline's")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        committed.splitlines(keepends=True), text.splitlines(keepends=True),
        str(SYMBOLS.relative_to(ROOT)), "generated from the baseline"))
    print("debian_symbols.py: debian/libunet0.symbols is not the baseline's; "
          "run tools/release/debian_symbols.py and commit the result",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
