#!/usr/bin/env python3
"""The project's mutation check: applies each mutant of mutants.txt, one at a
time, to a scratch clone of this repository's HEAD, runs the README's test
command there, and reports which mutants the tests killed.

    testing/mutation/run.py [--only ID ...] [--scratch DIR] [--results FILE]

A mutant is killed when `tools/bazel test //...` fails with it. The scratch
clone (default /tmp/libunet-mutation) keeps its Bazel cache between runs, so
each mutant rebuilds only what it touches; a full run takes about an hour
on 2 cores (about 2.5 minutes a mutant, more for one that makes tests time
out). The score and the commit go to --results (default
testing/mutation/RESULTS.md of this checkout).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def parse(path):
    mutants = []
    text = open(path).read()
    for block in re.split(r"\n\s*\n", text):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"^(id|file|find|replace|expect):\s?(.*)$", line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif key in ("find", "replace"):
                fields[key] += "\n" + line  # a continuation line
        if fields:
            missing = {"id", "file", "find", "replace", "expect"} - fields.keys()
            if missing:
                sys.exit("mutant %s lacks %s" % (fields.get("id"), sorted(missing)))
            mutants.append(fields)
    return mutants


def run(cmd, cwd, **kwargs):
    return subprocess.run(cmd, cwd=cwd, text=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="mutant ids to run (default: all)")
    parser.add_argument("--scratch", default="/tmp/libunet-mutation")
    parser.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    args = parser.parse_args()

    mutants = parse(os.path.join(HERE, "mutants.txt"))
    if args.only:
        mutants = [m for m in mutants if m["id"] in args.only]
    head = run(["git", "rev-parse", "HEAD"], REPO, capture_output=True, check=True).stdout.strip()
    if not os.path.isdir(os.path.join(args.scratch, ".git")):
        run(["git", "clone", "-q", REPO, args.scratch], REPO, check=True)
    run(["git", "fetch", "-q", REPO, head], args.scratch, check=True)
    run(["git", "checkout", "-q", "--force", head], args.scratch, check=True)

    # The unmutated tree must pass, or no mutant means anything.
    base = run(["tools/bazel", "test", "//..."], args.scratch, capture_output=True)
    if base.returncode != 0:
        sys.exit("the unmutated tree fails its tests:\n" + base.stdout[-3000:])

    rows = []
    for m in mutants:
        path = os.path.join(args.scratch, m["file"])
        source = open(path).read()
        if source.count(m["find"]) != 1:
            rows.append((m["id"], "STALE", "its find text is not in %s exactly once" % m["file"]))
            continue
        open(path, "w").write(source.replace(m["find"], m["replace"]))
        try:
            result = run(["tools/bazel", "test", "--keep_going", "//..."], args.scratch,
                         capture_output=True)
        finally:
            open(path, "w").write(source)
        output = result.stdout + result.stderr
        failed = sorted(set(re.findall(r"^(//\S+)\s+(?:FAILED in|TIMEOUT in|NO STATUS)", output, re.M)))
        if result.returncode != 0 and "FAILED TO BUILD" in output:
            # A mutant the compiler rejects tests nothing: fix its text.
            verdict, detail = "STILLBORN", "does not build"
        elif result.returncode != 0:
            verdict, detail = "killed", " ".join(failed) or "bazel failed"
        elif m["expect"].startswith("equivalent"):
            verdict, detail = "equivalent", m["expect"]
        else:
            verdict, detail = "ALIVE", "expected: " + m["expect"]
        rows.append((m["id"], verdict, detail))
        print("%-36s %-10s %s" % rows[-1], flush=True)

    if args.only and os.path.exists(args.results):
        # A partial run updates its mutants' rows of the last full run.
        previous = re.findall(r"^\| `([^`]+)` \| (\S+) \| (.*) \|$", open(args.results).read(), re.M)
        fresh = {r[0]: r for r in rows}
        order = [m["id"] for m in parse(os.path.join(HERE, "mutants.txt"))]
        merged = {r[0]: tuple(r) for r in previous}
        merged.update(fresh)
        rows = [merged[i] for i in order if i in merged]
    killed = sum(1 for r in rows if r[1] == "killed")
    equivalent = sum(1 for r in rows if r[1] == "equivalent")
    scored = len(rows) - equivalent  # STALE and STILLBORN count against it.
    score = "%d of %d killed (%d equivalent)" % (killed, scored, equivalent)
    print("mutation score: " + score)
    with open(args.results, "w") as out:
        out.write("# Mutation check: latest run\n\n")
        out.write("The hand-written mutants below; the mechanical check (every line by"
                  " operator, a seeded sample) is [SAMPLE.md](SAMPLE.md).\n\n")
        out.write("`testing/mutation/run.py` on commit `%s`, %s%s: **%s**.\n\n"
                  % (head[:12], datetime.date.today().isoformat(),
                     " (rows of " + ", ".join(args.only) + " from this run, the rest from"
                     " the last full run)" if args.only else "", score))
        out.write("| mutant | verdict | failing targets |\n| --- | --- | --- |\n")
        for row in rows:
            out.write("| `%s` | %s | %s |\n" % row)
    return 0 if killed == scored else 1


if __name__ == "__main__":
    sys.exit(main())
