#!/usr/bin/env python3
"""The manual pages, generated from the header: one page in section 3 for
every UNET_API function of unet/include/unet/unet.h, and libunet(7) from
the header's opening comment. The header is the one source of truth; the
pages are committed (man/) so that CMake installs them without Python, and
--check fails when they differ from what the header gives now.

    tools/man/generate.py            write man/man3/*.3 and man/man7/libunet.7
    tools/man/generate.py --check    exit 1 if any page is stale, missing or extra

Each function page has NAME (its first sentence), LIBRARY, SYNOPSIS (the
declaration as written), DESCRIPTION (the comment, less what the next
sections take), RETURN VALUE (the sentences that say what it returns),
ERRORS (every code the comment names, with the sentence naming it), COST
(the syscalls and allocations it makes), GO (the Go function it mirrors, or
"Beyond Go") and SEE ALSO (libunet(7) for ownership, threads, fork, signals,
cancellation and footprints).
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HEADER = os.path.join(REPO, "unet/include/unet/unet.h")
MAN = os.path.join(REPO, "man")
CODE = re.compile(r"-E[A-Z0-9]{2,}\b|\bUNET_E(?:OF|TRUNC)\b")


def version():
    text = open(HEADER).read()
    parts = [re.search(r"#define UNET_VERSION_%s (\d+)" % p, text).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def comment_text(lines):
    """A /* ... */ block's text, its stars and edges removed."""
    out = []
    for line in lines:
        line = line.strip()
        line = re.sub(r"^/\*+\s?", "", line)
        line = re.sub(r"\s*\*+/$", "", line)
        line = re.sub(r"^\*\s?", "", line)
        out.append(line)
    return "\n".join(out).strip()


def functions():
    """[(name, declaration, comment)] in header order."""
    result, comment, pending, block = [], "", None, []
    lines = open(HEADER).read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("/*"):
            block = [line]
            while not lines[i].rstrip().endswith("*/"):
                i += 1
                block.append(lines[i])
            comment = comment_text(block)
            i += 1
            continue
        m = re.match(r"^UNET_API\b[^(]*?\b(unet_\w+)\s*\(", line)
        if m:
            declaration = [line]
            while not lines[i].rstrip().endswith(";"):
                i += 1
                declaration.append(lines[i])
            text = " ".join(d.strip() for d in declaration)
            text = re.sub(r"\bUNET_API\s+|\bUNET_MUST_USE\s+", "", text)
            text = re.sub(r"\(\s+", "(", text)
            result.append((m.group(1), text, comment))
        elif stripped and not stripped.startswith("#"):
            comment = ""  # Something else between: not this function's comment.
        i += 1
    return result


def sentences(text):
    """The comment's sentences (a period, then a space and a capital, a
    parenthesis, a code or a '*'), with line breaks folded."""
    text = re.sub(r"\s+", " ", text).strip()
    parts = re.split(r"(?<=\.)\s+(?=[A-Z(*-])", text)
    return [p for p in parts if p]


def escape(text):
    """Text for a man(7) line: backslashes, leading dots and apostrophes,
    and minus signs of codes and flags."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"(?<![\w])-(?=[A-Za-z0-9])", r"\\-", text)
    return re.sub(r"^([.'])", r"\\&\1", text)


def error_reason(code, flat, parts, returns):
    """When the function answers code: the parenthesis after it ("-EBADF
    (fd negative or not open)"), else the description's sentence naming it,
    else a pointer to RETURN VALUE."""
    m = re.search(r"(?<![\w])%s\s*\(([^()]*)\)" % re.escape(code), flat)
    if m:
        reason = m.group(1).strip()
        return reason + ("" if reason.endswith(".") else ".")
    where = next(s for s in parts if code in s)
    return where if where not in returns else "As described under RETURN VALUE."


def page(name, declaration, comment, date):
    parts = sentences(comment)
    returns = [s for s in parts if s.startswith("Returns") or s.startswith("Returns,")]
    costs = [s for s in parts if s.startswith("Costs") or s.startswith("Cost ")]
    go = [s for s in parts if s.startswith(("Mirrors", "Mirror ", "Beyond Go"))]
    description = [s for s in parts if s not in returns + costs + go]
    summary = description[0] if description else name
    # NAME's line: the first sentence up to its first colon or semicolon.
    summary = re.split(r"[:;] ", summary, maxsplit=1)[0].rstrip(".")
    out = [
        '.TH %s 3 "%s" "libunet %s" "libunet manual"' % (name.upper(), date, version()),
        ".SH NAME",
        "%s \\- %s" % (name, escape(summary[:1].lower() + summary[1:])),
        ".SH LIBRARY",
        "libunet (\\-lunet)",
        ".SH SYNOPSIS",
        ".nf",
        ".B #include <unet/unet.h>",
        ".PP",
        ".B %s" % escape(declaration).replace('"', '\\(dq'),
        ".fi",
        ".SH DESCRIPTION",
    ]
    out += [escape(s) for s in description] or ["See the synopsis."]
    out += [".SH RETURN VALUE"]
    out += [escape(s) for s in returns] or ["None (the function returns no value)."]
    codes = sorted(set(CODE.findall(comment)))
    if codes:
        out.append(".SH ERRORS")
        flat = re.sub(r"\s+", " ", comment)
        for code in codes:
            out += [".TP", ".B %s" % escape(code), escape(error_reason(code, flat, parts, returns))]
    if costs:
        out += [".SH COST"] + [escape(s) for s in costs]
    out += [".SH GO"]
    out += [escape(s) for s in go] or ["No Go counterpart is named."]
    out += [".SH SEE ALSO", ".BR libunet (7)"]
    return "\n".join(out) + "\n"


def overview(date):
    """libunet(7): the header's opening comment, its headings as sections."""
    text = open(HEADER).read()
    opening = comment_text(text[:text.index("*/") + 2].splitlines())
    out = ['.TH LIBUNET 7 "%s" "libunet %s" "libunet manual"' % (date, version()),
           ".SH NAME", "libunet \\- gVisor's pkg/unet in C: Unix domain sockets passing bytes and fds"]
    out.append(".SH DESCRIPTION")
    in_list = False
    for line in opening.splitlines()[1:]:
        if not line.strip():
            out.append(".PP")
            in_list = False
        elif not line.startswith(" ") and len(line) < 40 and not line.endswith("."):
            out.append(".SH " + escape(line.upper()))  # A heading: "Threading".
            in_list = False
        elif line.startswith("  ") and line.lstrip().startswith("- "):
            out += [".IP \\(bu 2", escape(line.strip()[2:])]
            in_list = True
        else:
            if in_list and not line.startswith("    "):
                out.append(".PP")  # The list ended: back at the text's indent.
                in_list = False
            out.append(escape(line.strip()))
    names = [name for name, _, _ in functions()]
    out += [".SH SEE ALSO"] + [".BR %s (3)%s" % (n, "," if k < len(names) - 1 else "")
                               for k, n in enumerate(names)]
    # No paragraph break next to a section heading or another break.
    tidy = []
    for k, line in enumerate(out):
        following = out[k + 1] if k + 1 < len(out) else ""
        if line == ".PP" and (following.startswith(".SH") or tidy[-1].startswith((".SH", ".PP"))):
            continue
        tidy.append(line)
    return "\n".join(tidy) + "\n"


def release_date():
    """The version's date from CHANGELOG.md ("## 0.2.0 (2026-12-01)"), or
    "unreleased": never today's, so that regenerating is reproducible."""
    m = re.search(r"^## %s \((\d{4}-\d{2}-\d{2})\)" % re.escape(version()),
                  open(os.path.join(REPO, "CHANGELOG.md")).read(), re.M)
    return m.group(1) if m else "unreleased"


def pages():
    """{relative path: content}."""
    date = release_date()
    result = {"man7/libunet.7": overview(date)}
    seen = set()
    for name, declaration, comment in functions():
        if name in seen:
            continue
        seen.add(name)
        result["man3/%s.3" % name] = page(name, declaration, comment, date)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wanted = pages()
    existing = set()
    for section in ("man3", "man7"):
        directory = os.path.join(MAN, section)
        if os.path.isdir(directory):
            existing |= {"%s/%s" % (section, f) for f in os.listdir(directory)}
    if args.check:
        stale = [p for p, content in wanted.items()
                 if not os.path.exists(os.path.join(MAN, p)) or open(os.path.join(MAN, p)).read() != content]
        extra = sorted(existing - set(wanted))
        for p in stale:
            print("man: %s is stale or missing" % p, file=sys.stderr)
        for p in extra:
            print("man: %s has no function in the header" % p, file=sys.stderr)
        if stale or extra:
            print("man: regenerate with tools/man/generate.py", file=sys.stderr)
            return 1
        print("man: %d pages, one per UNET_API function and libunet(7), as the header says"
              % len(wanted))
        return 0
    for p in existing - set(wanted):
        os.remove(os.path.join(MAN, p))
    for p, content in wanted.items():
        os.makedirs(os.path.dirname(os.path.join(MAN, p)), exist_ok=True)
        with open(os.path.join(MAN, p), "w") as out:
            out.write(content)
    print("man: wrote %d pages under man/" % len(wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
