#!/usr/bin/env python3
"""Every error the header promises has a test that names it.

    testing/promises/check.py [--list]

For each UNET_API function of unet/include/unet/unet.h, the codes its
contract promises (its Errors entries, and the codes its Returns names) are
read; a promise is kept
by a test when one test body (a TEST, TEST_F or TEST_P of the C++ suites,
from its first line to the next test) names both the function and the code.
Promises no test keeps must be listed in untested.txt with the reason (a
condition no test can make, or one made elsewhere, named there); the check
fails on a promise neither tested nor listed, and on a listed one that a
test now keeps (the list only shrinks). --list prints every promise and the
test that keeps it.

It also checks the tables that cite tests (TABLES): every test name they
give in backticks (`Test`, `Suite.Test`, `Suite.Prefix*`) exists.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tools/man"))
import generate  # noqa: E402 (tools/man/generate.py: the header parser)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The committed C++ sources under these folders (never a bazel-* link's
# output tree, which a recursive glob would walk).
TEST_DIRS = ("unet/tests/", "testing/", "examples/")
CODE = generate.CODE  # -EXXX, UNET_EOF, UNET_ETRUNC
TEST_START = re.compile(r"^TEST(?:_F|_P)?\((\w+),\s*(\w+)\)", re.M)
TABLES = ["testing/BAD_INPUT.md", "testing/HOSTILE_PEER.md"]
# A test's name in a table: CamelCase, with an optional suite and a '*'.
CITED = re.compile(r"`((?:[A-Z]\w*/)?[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)?\*?)`")


def promises():
    """{function: set of codes}: each contract's Errors entries and the codes
    its Returns names, read by the man page generator's parser (one reader
    of the header's contracts)."""
    result = {}
    for name, _, comment in generate.functions():
        c = generate.contract(name, comment)
        codes = {code for code, _ in c["errors"]} | set(CODE.findall(c["returns"]))
        result.setdefault(name, set()).update(codes)
    return result


def test_bodies():
    """[(name, text)] of every test of the suites."""
    bodies = []
    listed = subprocess.run(["git", "ls-files", "--", "*.cc"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.split()
    for relative in sorted(p for p in listed if p.startswith(TEST_DIRS)):
        text = open(os.path.join(REPO, relative)).read()
        starts = list(TEST_START.finditer(text))
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            bodies.append(("%s %s.%s" % (relative, m.group(1), m.group(2)), text[m.start():end]))
    return bodies


def allowed():
    """{(function, code): reason} from untested.txt."""
    result = {}
    for line in open(os.path.join(HERE, "untested.txt")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(unet_\w+)\s+(\S+):\s*(.+)$", line)
        if not m:
            sys.exit("untested.txt: cannot read %r" % line)
        result[(m.group(1), m.group(2))] = m.group(3)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    bodies = test_bodies()
    listed = allowed()
    kept, untested, problems = 0, 0, []
    for function, codes in sorted(promises().items()):
        call = re.compile(r"\b%s\b" % function)
        for code in sorted(codes):
            keeper = next((name for name, body in bodies
                           if call.search(body) and re.search(r"(?<![\w])%s\b" % re.escape(code),
                                                              body)), None)
            if keeper:
                kept += 1
                if (function, code) in listed:
                    problems.append("%s %s is kept by %s: remove it from untested.txt"
                                    % (function, code, keeper))
            elif (function, code) in listed:
                untested += 1
            else:
                problems.append("%s %s: no test names both (add one, or list it in "
                                "testing/promises/untested.txt with the reason)" % (function, code))
            if args.list:
                print("%-48s %-14s %s" % (function, code,
                                          keeper or "untested: " + listed.get((function, code), "?")))
    for function, code in sorted(listed):
        if function not in promises() or code not in promises()[function]:
            problems.append("untested.txt lists %s %s, which the header no longer promises"
                            % (function, code))
    names = {name.split(" ", 1)[1] for name, _ in bodies}  # "Suite.Test"
    for table in TABLES:
        for cited in CITED.findall(open(os.path.join(REPO, table)).read()):
            if not re.search(r"[a-z]", cited):
                continue  # An errno or a constant, not a test.
            cited = cited.split("/")[-1]  # An instantiation prefix ("Kinds/").
            prefix = cited.rstrip("*")
            if cited.endswith("*"):
                found = any(n.startswith(prefix) or n.split(".")[1].startswith(prefix) for n in names)
            elif "." in cited:
                found = cited in names
            else:
                found = any(n.split(".")[1] == cited for n in names)
            if not found:
                problems.append("%s cites `%s`: no such test" % (table, cited))
    for problem in problems:
        print("promises: " + problem, file=sys.stderr)
    print("promises: %d kept by a test, %d listed as untested (with reasons), %d problems"
          % (kept, untested, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
