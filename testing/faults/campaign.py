#!/usr/bin/env python3
"""The fault campaign's bookkeeping, for testing/faults/run.sh.

  campaign.py sites TRACE LIBSYMS > SITES.json
      Reads a fault-free `strace -f -k` trace of the driver and finds the
      library's syscalls: a call whose innermost frame is the C library
      (not a sanitizer's own raw syscall) and whose first frame outside
      libc/libasan/libubsan is a function of libunet.a (LIBSYMS: nm's list).
      strace counts --inject's `when` per thread, so each call is kept as
      (thread in order of appearance, its index among that thread's calls of
      the same syscall).
  campaign.py plan [--quick] SITES_DEFAULT SITES_GO WRAPCOUNTS_DEFAULT WRAPCOUNTS_GO
      Prints the runs, one a line: KIND FOOTPRINT TARGET FAULT WHEN.
  campaign.py table RESULTS SITES_DEFAULT SITES_GO RULES META > TABLE.md
"""
import collections
import json
import re
import sys

# Errnos per syscall, the most plausible first. From each man page; EPERM (and ENOSYS where nothing else applies)
# because a seccomp filter with SECCOMP_RET_ERRNO can answer any call so,
# and libunet is made to run under such filters.
ERRNOS = {
    "socket": "EMFILE ENFILE ENOBUFS ENOMEM EACCES EAFNOSUPPORT EPROTONOSUPPORT EINVAL EPERM",
    "socketpair": "EMFILE ENFILE ENOMEM EAFNOSUPPORT EOPNOTSUPP EPROTONOSUPPORT EFAULT EPERM",
    "connect": "EINTR ECONNREFUSED ENOENT EAGAIN EACCES EPERM EADDRINUSE EISCONN ETIMEDOUT "
               "EINPROGRESS ENOTSOCK ENOMEM",
    "bind": "EADDRINUSE EACCES ENOENT ENOMEM EROFS EINVAL ELOOP ENOTDIR ENOSPC EPERM",
    "fchmod": "EPERM EROFS EIO EBADF EINVAL",
    "listen": "EADDRINUSE EINVAL EOPNOTSUPP EBADF EPERM",
    "accept4": "EINTR EAGAIN EMFILE ENFILE ENOBUFS ENOMEM ECONNABORTED EPROTO EPERM EINVAL",
    "fcntl": "EBADF EINVAL EPERM EAGAIN EINTR EACCES",
    "eventfd2": "EMFILE ENFILE ENOMEM ENODEV EINVAL EPERM",
    "mmap": "ENOMEM EAGAIN EPERM EACCES EINVAL ENFILE",
    "madvise": "EINVAL EAGAIN ENOMEM EPERM ENOSYS",
    "munmap": "EINVAL ENOMEM EPERM",
    "recvmsg": "EINTR EAGAIN ECONNRESET ENOMEM ENOBUFS EFAULT EINVAL ENOTCONN EBADF EPERM",
    "sendmsg": "EINTR EAGAIN EPIPE ECONNRESET ENOBUFS ENOMEM EMSGSIZE ETOOMANYREFS EBADF "
               "EINVAL EPERM ESRCH EFAULT",
    "ppoll": "EINTR ENOMEM EINVAL EFAULT EPERM",
    "shutdown": "ENOTCONN ENOTSOCK EBADF EINVAL EPERM",
    "write": "EINTR EAGAIN EINVAL EBADF EIO EPERM",
    "futex": "EINTR EAGAIN ETIMEDOUT EINVAL EFAULT EPERM",
    "close": "EINTR EIO EBADF ENOSPC",
    "getsockopt": "ENOBUFS ENOMEM EINVAL ENOPROTOOPT EMFILE ENFILE EFAULT EBADF EPERM",
    "setsockopt": "ENOMEM ENOBUFS EINVAL ENOPROTOOPT EDOM EFAULT EPERM",
    "getsockname": "ENOBUFS EINVAL EFAULT EBADF EPERM",
    "getpeername": "ENOTCONN ENOBUFS EINVAL EFAULT EBADF EPERM",
    "getpid": "EPERM ENOSYS",
    "getuid": "EPERM ENOSYS",
    "getgid": "EPERM ENOSYS",
}
DEFAULT_ERRNOS = "EINTR EAGAIN ENOMEM EINVAL EPERM"
# The --wrap build's faults (fault_wrap.c) and the counts it reports.
WRAP_MODES = {"sendmsg": ["half", "one"], "recvmsg": ["half", "one"], "write": ["half"],
              "close": ["EINTR", "EIO"], "malloc": ["ENOMEM"]}
CAP = 100  # most `when` values per (footprint, syscall), spread evenly
OUTCOMES = ["ok", "crash", "hang", "leak", "sanitizer"]
RUNTIME = ("libc.so", "libasan.so", "libubsan.so", "ld-linux", "[vdso]")

ENTRY = re.compile(r"^(\d+) +(?:<\.\.\. (\w+) resumed>|(\w+)\()")
FRAME = re.compile(r"^ > (\S+?)(?:\((\S*?)(?:\+0x[0-9a-f]+)?\))? \[")


def sites(trace, libsyms):
    lib = set(open(libsyms).read().split())
    threads, counts, calls = {}, collections.Counter(), []
    current, pending = None, {}
    for line in open(trace, errors="replace"):
        m = ENTRY.match(line)
        if m:
            pid = m.group(1)
            if m.group(2):  # "<... name resumed>": the stack follows it
                current = pending.pop(pid, None)
                continue
            name = m.group(3)
            t = threads.setdefault(pid, len(threads))
            counts[(t, name)] += 1
            call = {"thread": t, "syscall": name, "index": counts[(t, name)], "frames": []}
            calls.append(call)
            if line.rstrip().endswith("<unfinished ...>"):
                pending[pid], current = call, None
            else:
                current = call
        elif line.startswith(" > ") and current is not None:
            f = FRAME.match(line)
            if f:
                current["frames"].append((f.group(1), f.group(2) or ""))
    out = []
    for c in calls:
        frames = c.pop("frames")
        if not frames or "libc.so" not in frames[0][0]:
            continue  # a sanitizer's own syscall, or no stack
        rest = [f for f in frames if not any(r in f[0] for r in RUNTIME)]
        if not rest or rest[0][1] not in lib:
            continue
        # The public function: the outermost library frame before the driver's.
        public = rest[0][1]
        for _, sym in rest:
            if sym not in lib:
                break
            public = sym
        c["inner"], c["public"] = rest[0][1], public
        out.append(c)
    if len(out) < 100:
        sys.exit(f"campaign.py: only {len(out)} library calls in {trace}: a parsing problem?")
    all_calls = {f"{t}:{s}": n for (t, s), n in counts.items()}
    json.dump({"library_calls": out, "all_calls": all_calls}, sys.stdout, indent=0)


def load(path):
    return json.load(open(path))


def whens(site):
    """syscall -> sorted `when` values that reach a library call in some thread."""
    w = collections.defaultdict(set)
    for c in site["library_calls"]:
        w[c["syscall"]].add(c["index"])
    return {s: sorted(v) for s, v in w.items()}


def spread(values, cap):
    if len(values) <= cap:
        return values
    step = (len(values) - 1) / (cap - 1)
    return sorted({values[round(i * step)] for i in range(cap)})


def wrap_counts(path):
    text = open(path).read()
    m = re.search(r"fault_wrap: eligible (.*) applied", text)
    return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def plan(args):
    quick = args[0] == "--quick"
    if quick:
        args = args[1:]
    for fp, site_path, wrap_path in (("default", args[0], args[2]), ("go", args[1], args[3])):
        for syscall, values in sorted(whens(load(site_path)).items()):
            errnos = ERRNOS.get(syscall, DEFAULT_ERRNOS).split()
            values = values[:1] if quick else spread(values, CAP)
            for e in errnos:
                for n in values:
                    print("strace", fp, syscall, e, n)
        counts = wrap_counts(wrap_path)
        for fn, modes in WRAP_MODES.items():
            total = counts.get(fn, 0)
            ns = [1] if quick else spread(list(range(1, total + 1)), CAP)
            for mode in modes:
                for n in ns[: min(len(ns), total)]:
                    print("wrap", fp, fn, mode, n)


def table(args):
    results, site_paths, rules_path, meta_path = args[0], args[1:3], args[3], args[4]
    rows = collections.defaultdict(lambda: collections.Counter())
    bad, total = [], collections.Counter()
    for line in open(results):
        kind, fp, target, fault, when, outcome, injected, detail = line.rstrip("\n").split("\t")
        key = (kind, target, fault)
        rows[key]["runs"] += 1
        rows[key][outcome] += 1
        rows[key]["reached"] += int(injected) > 0
        if detail.startswith("close not made"):
            rows[key]["close_skipped"] += 1
        total[outcome] += 1
        total["runs"] += 1
        if outcome != "ok":
            bad.append((kind, fp, target, fault, when, outcome, detail))
    out = [open(meta_path).read().rstrip(), ""]
    out.append(f"Totals: {total['runs']} runs: " +
               ", ".join(f"{o} {total[o]}" for o in OUTCOMES) + ".\n")
    # The sites, against the library's own table.
    rules = collections.defaultdict(set)
    for line in open(rules_path):
        fp, name = line.split()
        rules[name].add(fp)
    seen = collections.defaultdict(lambda: collections.defaultdict(set))
    for fp, p in zip(("default", "go"), site_paths):
        for c in load(p)["library_calls"]:
            seen[c["syscall"]][fp].add(c["public"])
    out.append("## Sites: the library's syscalls in a fault-free run\n")
    out.append("| syscall | calls (default/go) | made by | in footprint.c |")
    out.append("|---|---|---|---|")
    counts = [collections.Counter(c["syscall"] for c in load(p)["library_calls"]) for p in site_paths]
    for s in sorted(set(seen) | set(rules)):
        publics = sorted(seen[s]["default"] | seen[s]["go"])
        table_fps = "/".join(sorted(rules.get(s, ()))) or "**no**"
        out.append(f"| {s} | {counts[0][s]}/{counts[1][s]} | {' '.join(publics) or '(not made)'} "
                   f"| {table_fps} |")
    out.append("")
    out.append("## Outcomes per site and fault\n")
    out.append("`when` runs over the thread-local occurrences that reach a library call "
               f"(at most {CAP}, spread evenly); *reached*: runs in which the fault was "
               "actually injected (strace's `(INJECTED)`, or fault_wrap's count).\n")
    out.append("| kind | site | fault | runs | reached | " + " | ".join(OUTCOMES) + " |")
    out.append("|---|---|---|---|---|" + "---|" * len(OUTCOMES))
    for (kind, target, fault), c in sorted(rows.items()):
        cells = []
        for o in OUTCOMES:
            v = str(c[o])
            if o == "ok" and c["close_skipped"]:
                v += f" ({c['close_skipped']}†)"
            cells.append(v if v != "0" else "·")
        out.append(f"| {kind} | {target} | {fault} | {c['runs']} | {c['reached']} | "
                   + " | ".join(cells) + " |")
    out.append("")
    out.append("† ok, though fds stayed open: strace's injection skips the syscall, so an "
               "injected close(2) closes nothing (Linux closes the fd even when close fails); "
               "every fd left open was one of the injected closes' and nothing else leaked. "
               "The --wrap build's close faults close first, as Linux does.\n")
    out.append("## Runs not ok\n")
    if not bad:
        out.append("None.")
    for kind, fp, target, fault, when, outcome, detail in bad:
        out.append(f"- **{outcome}** {kind} {fp} {target} {fault} when={when}: {detail}")
    print("\n".join(out))


if __name__ == "__main__":
    cmd, rest = sys.argv[1], sys.argv[2:]
    {"sites": lambda a: sites(*a), "plan": plan, "table": table}[cmd](rest)
