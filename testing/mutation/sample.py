#!/usr/bin/env python3
"""The mechanical mutation check: a seeded random sample of generate.py's
mutants, each applied alone to a scratch clone of HEAD and tested.

    testing/mutation/sample.py [--seed N] [--size N] [--scratch DIR] [--results FILE]

Mutants are drawn in a shuffled order fixed by the seed; one that does not
compile tests nothing and is set aside (listed, not scored) and the next is
drawn, until --size mutants have built. Each is tested first with the fast
suites (FAST below, --test_timeout=30, stopping at the first failure);
those still alive are tested again with the README's whole command
(`tools/bazel test //...`), so the score is what CI would catch. Seed,
commit, score and every row go to --results (default SAMPLE.md here);
survivors are argued there by hand afterwards (equivalent, or the test
that now kills them), under "Survivors".
"""
import argparse
import datetime
import os
import random
import re
import subprocess
import sys
import time

import generate

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAST = ["//unet/...", "//testing/seccomp/...", "//testing/fuzz/..."]


def bazel_test(scratch, targets, extra=()):
    """(returncode, output) of one bazel test run in scratch."""
    result = subprocess.run(["tools/bazel", "test", *extra, *targets], cwd=scratch, text=True,
                            capture_output=True)
    return result.returncode, result.stdout + result.stderr


def failing_targets(output):
    return sorted(set(re.findall(r"^(//\S+)\s+(?:FAILED in|TIMEOUT in)", output, re.M)))


def did_not_build(output):
    """A compile or link error: the tests never ran (bazel lists them as
    NO STATUS or FAILED TO BUILD)."""
    return "FAILED TO BUILD" in output or re.search(r"^ERROR: .*(Compiling|Linking) ", output,
                                                    re.M) is not None


def prepare_scratch(scratch):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    if not os.path.isdir(os.path.join(scratch, ".git")):
        subprocess.run(["git", "clone", "-q", REPO, scratch], check=True)
    subprocess.run(["git", "fetch", "-q", REPO, head], cwd=scratch, check=True)
    subprocess.run(["git", "checkout", "-q", "--force", head], cwd=scratch, check=True)
    return head


def test_mutant(scratch, m):
    """(verdict, detail) of one mutant: killed, ALIVE or STILLBORN."""
    path = os.path.join(scratch, m["file"])
    source = open(path).read().splitlines(keepends=True)
    mutated = list(source)
    mutated[m["line"] - 1] = m["new"]
    open(path, "w").write("".join(mutated))
    try:
        code, output = bazel_test(scratch, FAST, ["--test_timeout=30"])
        if code != 0 and did_not_build(output):
            return "STILLBORN", "does not build"
        if code != 0:
            return "killed", " ".join(failing_targets(output)) or "bazel failed"
        code, output = bazel_test(scratch, ["//..."], ["--keep_going"])
        if code != 0:
            return "killed", "(whole suite) " + " ".join(failing_targets(output))
        return "ALIVE", ""
    finally:
        open(path, "w").write("".join(source))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--scratch", default="/tmp/libunet-mutation-sample")
    parser.add_argument("--results", default=os.path.join(HERE, "SAMPLE.md"))
    args = parser.parse_args()

    head = prepare_scratch(args.scratch)
    code, output = bazel_test(args.scratch, ["//..."])
    if code != 0:
        sys.exit("the unmutated tree fails its tests:\n" + output[-3000:])

    mutants = generate.generate(args.scratch)
    order = list(range(len(mutants)))
    random.Random(args.seed).shuffle(order)
    rows, stillborn, started = [], [], time.time()
    for index in order:
        if len(rows) == args.size:
            break
        m = mutants[index]
        verdict, detail = test_mutant(args.scratch, m)
        if verdict == "STILLBORN":
            stillborn.append(m)
        else:
            rows.append((m, verdict, detail))
        print("%-44s %-9s %s" % (m["id"], verdict, detail), flush=True)

    killed = sum(1 for _, verdict, _ in rows if verdict == "killed")
    minutes = (time.time() - started) / 60
    with open(args.results, "w") as out:
        out.write("# Mechanical mutation check: latest sample\n\n")
        out.write("`testing/mutation/sample.py --seed %d --size %d` on commit `%s`, %s "
                  "(%d mutants generated from unet/src/, %d drawn did not build, %.0f min): "
                  "**%d of %d killed (%.0f%%)**.\n\n"
                  % (args.seed, args.size, head[:12], datetime.date.today().isoformat(),
                     len(mutants), len(stillborn), minutes, killed, len(rows),
                     100.0 * killed / max(len(rows), 1)))
        out.write("| mutant | was | became | verdict | failing targets |\n"
                  "| --- | --- | --- | --- | --- |\n")
        for m, verdict, detail in rows:
            out.write("| `%s` | `%s` | `%s` | %s | %s |\n"
                      % (m["id"], m["old"].strip().replace("|", "\\|"),
                         m["new"].strip().replace("|", "\\|"), verdict, detail))
        out.write("\nDrawn but not built (not scored): %s\n\n## Survivors\n\n"
                  % (", ".join("`%s`" % m["id"] for m in stillborn) or "none"))
    print("mutation sample: %d of %d killed" % (killed, len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
