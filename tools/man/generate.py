#!/usr/bin/env python3
"""The manual pages, generated from the header: one page in section 3 for
every UNET_API function of unet/include/unet/unet.h, and libunet(7) from
the header's opening comment and docs/README.md's list of chapters. The
header is the one source of truth; the pages are committed (man/) so that
CMake installs them without Python, and --check fails when they differ from
what the header gives now.

    tools/man/generate.py              write man/man3/*.3 and man/man7/libunet.7
    tools/man/generate.py --check      exit 1 if any page is stale, missing or extra
    tools/man/generate.py --self-test  plant faults in a copy of the header: each refused

Each function's comment is its contract, in a fixed shape:

    /* unet_name - a summary of at most 60 characters
     * What a caller needs beyond the summary (ownership, threads).
     * Returns: what success returns.
     * Errors: -ECODE  its condition, one code per line
     *         -ECODE  the next one
     * Cost: the syscalls it makes. Go: the Go function it mirrors. */

"Errors (s):" adds the socket's errors (-EINVAL, -EBADF, -ECHILD) for the
parameter s, or for r->socket and w->socket when it names r or w, and may
say "none of its own"; "Errors: as unet_other()" takes unet_other()'s
(not in a cycle, and only if they name no parameter the caller lacks). The
page has NAME (the summary; the line fits 80 columns), LIBRARY, SYNOPSIS,
DESCRIPTION, RETURN VALUE, ERRORS (one entry per code with its condition),
NOTES (cost and Go twin) and SEE ALSO. A comment out of shape is an error,
in both modes. testing/promises/check.py reads the same fields.
"""
import argparse
import errno
import os
import re
import sys
import tempfile

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
        if not m and stripped.startswith("UNET_API"):
            raise ContractError("a declaration whose name is not on its first line: %r" % line)
        if m:
            declaration = [line]
            while not lines[i].rstrip().endswith(";"):
                i += 1
                declaration.append(lines[i])
            text = " ".join(d.strip() for d in declaration)
            text = re.sub(r"\bUNET_API\s+|\bUNET_MUST_USE\s+", "", text)
            text = re.sub(r"\(\s+", "(", text)
            if re.match(r"^void\b", text):
                VOID.add(m.group(1))
            inside = text[text.index("(") + 1:text.rindex(")")]
            PARAMS[m.group(1)] = {re.findall(r"\w+", p)[-1]: p.strip() for p in inside.split(",")
                                  if p.strip() not in ("", "void")}
            result.append((m.group(1), text, comment))
        elif stripped:
            comment = ""  # Something else between: not this function's comment.
        i += 1
    return result


# The fields of a contract, after its first line "name - summary" and the
# description: "Returns:", "Errors:" (or "Errors (s):", which adds the
# errors every call on the socket s shares), "Cost:" and "Go:" (the last
# two may share a line). Error entries start at the column after "Errors: ",
# a condition's later lines where its first began.
FIELD = re.compile(r"^(Returns|Errors|Cost|Go)(?: \(([a-z]\w*)\))?:\s*(.*)$")
ENTRY = re.compile(r"^(%s)\s+(\S.*)$" % CODE.pattern)
SAME_AS = re.compile(r"^as (unet_\w+)\(\)$")
# A line that looks like a field label but is none ("Error:", an old
# "Errors (and the socket's, s):"): refused, not read as description.
LABEL_LIKE = re.compile(r"^(?:returns?|errors?|costs?|go)\b[^:]{0,40}:", re.I)
# The parameters whose socket's errors "Errors (s):" may add.
SOCKET_PARAMETER = re.compile(r"^(?:const )?unet_(?:server_)?socket(?:_reader|_writer)? \*\w+$")
ERRNO_NAMES = {n for n in dir(errno) if n.startswith("E")}
NO_ENTRY = "none of its own"
SOCKET_OF = {"r": "r->socket", "w": "w->socket"}  # a reader's, a writer's
SUMMARY_MAX = 60
NAME_MAX = 80  # "name - summary" in NAME


def socket_errors(subject):
    """The errors every call on a socket answers, for its subject s."""
    return [("-EINVAL", "%s is NULL" % subject),
            ("-EBADF", "%s is closed or released" % subject),
            ("-ECHILD", "%s was inherited by this process (see fork in libunet(7))" % subject)]


class ContractError(Exception):
    pass


def contract(name, comment):
    """{summary, description, returns, errors [(code, condition)], cost, go}
    of name's comment; ContractError when the shape is not kept."""
    lines = comment.splitlines()
    m = re.match(r"^(unet_\w+) - (.+)$", lines[0] if lines else "")
    if not m or m.group(1) != name:
        raise ContractError("%s: the comment must open with '%s - summary'" % (name, name))
    result = {"summary": m.group(2), "description": [], "returns": [], "errors": [],
              "cost": [], "go": []}
    seen = set()
    field, subject, indent, column = "description", None, 0, 0
    for line in lines[1:]:
        f = FIELD.match(line)
        if not f and LABEL_LIKE.match(line):
            raise ContractError("%s: not a field label: %r" % (name, line))
        if f:
            field = f.group(1).lower()
            rest = f.group(3)
            if field in seen:
                raise ContractError("%s: a second '%s:'" % (name, f.group(1)))
            seen.add(field)
            if field == "errors":
                subject, indent = f.group(2), f.start(3)
                if subject and not SOCKET_PARAMETER.match(PARAMS.get(name, {}).get(subject, "")):
                    raise ContractError("%s: 'Errors (%s):' names no socket parameter"
                                        % (name, subject))
                same = SAME_AS.match(rest)
                if same and not subject:
                    result["errors"] = [list(e) for e in errors_of(same.group(1), name)]
                    field = "errors as"  # Nothing may follow.
                elif rest == NO_ENTRY and subject:
                    field = "errors as"
                elif ENTRY.match(rest):
                    e = ENTRY.match(rest)
                    result["errors"].append(list(e.groups()))
                    column = indent + e.start(2)
                else:
                    raise ContractError("%s: 'Errors:' must hold a code and its condition, "
                                        "'as unet_other()' or, with a socket, '%s'"
                                        % (name, NO_ENTRY))
                continue
            if field == "cost" and " Go: " in rest:
                rest, go = rest.split(" Go: ", 1)
                result["go"].append(go)
            result[field].append(rest)
            continue
        if field == "errors as":
            raise ContractError("%s: nothing may follow 'as unet_other()' or '%s'"
                                % (name, NO_ENTRY))
        if field == "errors":
            margin = len(line) - len(line.lstrip(" "))
            e = ENTRY.match(line.lstrip(" "))
            if e and margin == indent:
                result["errors"].append([e.group(1), e.group(2)])
                column = indent + e.start(2)
            elif margin == column:
                result["errors"][-1][1] += " " + line.strip()
            else:
                raise ContractError("%s: an error entry starts at column %d, its condition's "
                                    "lines at %d: %r" % (name, indent, column, line))
        elif field == "cost" and " Go: " in line:
            cost, go = line.split(" Go: ", 1)
            result["cost"].append(cost.strip())
            result["go"].append(go)
        else:
            result[field].append(line.strip())
    codes = [code for code, _ in result["errors"]]
    if len(codes) != len(set(codes)):
        raise ContractError("%s: a code listed twice in 'Errors:'" % name)
    if subject:
        own = {code for code, _ in result["errors"]}
        result["errors"] += [list(e) for e in socket_errors(SOCKET_OF.get(subject, subject))
                             if e[0] not in own]
    for key in ("returns", "cost", "go"):
        if name not in VOID and key == "returns" and not "".join(result[key]).strip():
            raise ContractError("%s: no 'Returns:'" % name)
        if key != "returns" and not "".join(result[key]).strip():
            raise ContractError("%s: no '%s:'" % (name, key.capitalize()))
    for code, _ in result["errors"]:
        if code.startswith("-") and code[1:] not in ERRNO_NAMES:
            raise ContractError("%s: %s is no errno" % (name, code))
    if len(name) + 3 + len(result["summary"]) > NAME_MAX:
        raise ContractError("%s: the NAME line is longer than %d columns" % (name, NAME_MAX))
    if len(result["summary"]) > SUMMARY_MAX:
        raise ContractError("%s: the summary has %d characters, more than %d"
                            % (name, len(result["summary"]), SUMMARY_MAX))
    for code, condition in result["errors"]:
        if re.match(r"(?i)as (described|under)", condition):
            raise ContractError("%s: %s defers to another section" % (name, code))
    for key in ("description", "returns", "cost", "go"):
        result[key] = " ".join(x for x in result[key] if x).strip()
    return result


VOID = set()  # Filled from the declarations: functions returning void.
PARAMS = {}  # Filled from the declarations: {function: {parameter: its declaration}}.


EXPANDING = []  # The functions whose "Errors: as" is being followed.


def errors_of(name, user):
    """The error entries of name's contract, for user's "Errors: as name()":
    refused in a cycle, when name has no errors, or when its conditions name
    a parameter user does not have."""
    if name == user or name in EXPANDING:
        raise ContractError("%s: 'Errors: as %s()' comes back to itself" % (user, name))
    for other, _, comment in functions():
        if other != name:
            continue
        EXPANDING.append(user)
        try:
            errors = contract(other, comment)["errors"]
        finally:
            EXPANDING.pop()
        if not errors:
            raise ContractError("%s: 'Errors: as %s()', which has none" % (user, name))
        for code, condition in errors:
            for p in set(PARAMS[name]) - set(PARAMS[user]):
                if re.search(r"\b%s\b" % re.escape(p), condition):
                    raise ContractError("%s: %s's %s names %s, no parameter here"
                                        % (user, name, code, p))
        return errors
    raise ContractError("%s: 'Errors: as %s()': no such function" % (user, name))


def escape(text):
    """Text for a man(7) line: backslashes, leading dots and apostrophes,
    and minus signs of codes and flags."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"(?<![\w])-(?=[A-Za-z0-9])", r"\\-", text)
    return re.sub(r"^([.'])", r"\\&\1", text)


def sentence(text, capital=False):
    """text ending in a period; with capital, a plain first word (not an
    identifier or a call) capitalised."""
    text = text.strip()
    if capital and re.match(r"^[a-z]+\b(?![(_/.]|->)", text):
        text = text[:1].upper() + text[1:]
    return text if not text or text.endswith(".") else text + "."


def page(name, declaration, comment, date):
    c = contract(name, comment)
    name_line = "%s \\- %s" % (name, escape(c["summary"]))
    out = [
        '.TH %s 3 "%s" "libunet %s" "libunet manual"' % (name.upper(), date, version()),
        ".SH NAME",
        name_line,
        ".SH LIBRARY",
        "libunet (\\-lunet)",
        ".SH SYNOPSIS",
        ".nf",
        ".B #include <unet/unet.h>",
        ".PP",
        ".B %s" % escape(declaration).replace('"', '\\(dq'),
        ".fi",
        ".SH DESCRIPTION",
        escape(sentence(c["description"] or c["summary"], capital=True)),
        ".SH RETURN VALUE",
        escape(sentence(c["returns"], capital=True)) if c["returns"] else "None.",
    ]
    if c["errors"]:
        out.append(".SH ERRORS")
        for code, condition in c["errors"]:
            out += [".TP", ".B %s" % escape(code), escape(sentence(condition))]
    out += [".SH NOTES", "Cost: " + escape(sentence(c["cost"])),
            ".PP", "Go: " + escape(sentence(c["go"]))]
    out += [".SH SEE ALSO", ".BR libunet (7)"]
    return "\n".join(out) + "\n"


def overview(date):
    """libunet(7): the header's opening comment, its headings as sections,
    then the docs/ chapters as docs/README.md lists them."""
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
    out += [".SH DOCUMENTATION",
            "The source tree's docs/ holds the narrative, one subject a file:"]
    for path, summary in chapters():
        out += [".TP", ".I docs/%s" % path, escape(sentence(summary, capital=True))]
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


def chapters():
    """[(file, summary)] of docs/README.md's list, markdown removed."""
    index = open(os.path.join(REPO, "docs/README.md")).read()
    found = re.findall(r"^- \[([\w.-]+\.md)\]\([\w.-]+\.md\): (.+)$", index, re.M)
    if not found:
        raise ContractError("docs/README.md: no '- [file.md](file.md): summary' list")
    return [(path, summary.replace("`", "")) for path, summary in found]


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


# Faults the parser must refuse, each planted alone in a copy of the header:
# (what, the header's text, its replacement, words of the refusal).
ENABLE_CREDENTIALS = " * Errors: -EINVAL  c is NULL, or no room is left\n"
LISTEN = " * Errors (s): none of its own\n * Cost: listen."
SOCKET_FD = (" * Errors: -EBADF   s is closed or released (Go returns -1)\n"
             " *         -EINVAL  s is NULL\n")
NEW_ENOMEM = " *         -ENOMEM  no memory for the socket object\n"
VERSION_STRING = ("/* unet_version_string - the run-time version as \"MAJOR.MINOR.PATCH\"\n"
                  " * Returns: a static string.\n * Cost: none. Go: beyond Go. */")
PLANTS = [
    ("an old-style label", LISTEN, " * Errors (and the socket's, s):\n * Cost: listen.",
     "not a field label"),
    ("a misspelt label", ENABLE_CREDENTIALS, ENABLE_CREDENTIALS.replace("Errors", "Error"),
     "not a field label"),
    ("a label without a code", ENABLE_CREDENTIALS, ENABLE_CREDENTIALS.replace("-EINVAL  ", ""),
     "must hold a code"),
    ("a second list after 'as'", " * Errors: as unet_socket_fd()\n",
     " * Errors: as unet_socket_fd()\n * Errors: -EPERM  anything\n", "a second 'Errors:'"),
    ("an entry after 'none of its own'", LISTEN,
     " * Errors (s): none of its own\n *             -EPERM  anything\n * Cost: listen.",
     "nothing may follow"),
    ("'as' itself", " * Errors: as unet_socket_fd()", " * Errors: as unet_server_socket_fd()",
     "back to itself"),
    ("'as' in a cycle", SOCKET_FD, " * Errors: as unet_server_socket_fd()\n", "back to itself"),
    ("'as' a function without errors", " * Errors: as unet_socket_fd()",
     " * Errors: as unet_socket_free()", "which has none"),
    ("'as' a function with other parameters", " * Errors: as unet_socket_close()",
     " * Errors: as unet_connect()", "no parameter here"),
    ("'as' no function", " * Errors: as unet_socket_close()",
     " * Errors: as unet_socket_closed()", "no such function"),
    ("a subject that is no parameter", " * Errors (s): -ENOTSOCK", " * Errors (zz): -ENOTSOCK",
     "names no socket parameter"),
    ("a subject that is no socket", " * Errors (s): -EINVAL  s or ret_cred is NULL",
     " * Errors (ret_cred): -EINVAL  s or ret_cred is NULL", "names no socket parameter"),
    ("'none of its own' without a socket", LISTEN,
     LISTEN.replace("Errors (s):", "Errors:"), "must hold a code"),
    ("'as' with a socket", " * Errors: as unet_socket_fd()", " * Errors (s): as unet_socket_fd()",
     "must hold a code"),
    ("a code that is no errno", NEW_ENOMEM, NEW_ENOMEM.replace("-ENOMEM", "-ENOMEMORY"),
     "is no errno"),
    ("an empty Returns", VERSION_STRING, VERSION_STRING.replace("Returns: a static string.",
                                                                "Returns:"), "no 'Returns:'"),
    ("no Go", VERSION_STRING, VERSION_STRING.replace(" Go: beyond Go.", ""), "no 'Go:'"),
    ("a NAME line over 80 columns", "take_fds_closing_rest - take up to max_fds, close the rest",
     "take_fds_closing_rest - take up to max_fds, close all the rest", "longer than 80"),
    ("a declaration split before its name", "UNET_API int unet_socket_check_peer(",
     "UNET_API int\nunet_socket_check_peer(", "not on its first line"),
    ("a line between a comment and its function", "UNET_API int unet_socket_check_peer(",
     "#define UNET_X 1\nUNET_API int unet_socket_check_peer(", "must open with"),
    ("a code twice", NEW_ENOMEM, " *         -EINVAL  again\n" + NEW_ENOMEM, "listed twice"),
    ("an entry off its column", NEW_ENOMEM, NEW_ENOMEM.replace("*", "* ", 1),
     "an error entry starts"),
    ("a condition's line off its column", " *                  in [0, UNET_MAX_FDS]",
     " *                   in [0, UNET_MAX_FDS]", "an error entry starts"),
    ("a condition that defers", NEW_ENOMEM,
     " *         -ENOMEM  as described under RETURN VALUE\n", "defers"),
    ("a summary over 60 characters", "/* unet_version - the version of the library linked at",
     "/* unet_version - the version number of the shared library linked in at",
     "characters, more than"),
    ("no Returns", VERSION_STRING, VERSION_STRING.replace(" * Returns: a static string.\n", ""),
     "no 'Returns:'"),
    ("no Cost", VERSION_STRING, VERSION_STRING.replace("Cost: none. Go", "Go"), "no 'Cost:'"),
    ("a summary naming another function", VERSION_STRING,
     VERSION_STRING.replace("unet_version_string -", "unet_version -"), "must open with"),
]


def self_test():
    """Each of PLANTS refused for its own reason, the header as it is not:
    0, or 1 with what went wrong."""
    global HEADER
    original, text = HEADER, open(HEADER).read()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for what, old, new, reason in [("nothing", "", "", None)] + PLANTS:
            if old not in text:
                failures.append("%s: the header no longer holds %r" % (what, old))
                continue
            HEADER = os.path.join(tmp, "unet.h")
            with open(HEADER, "w") as out:
                out.write(text.replace(old, new, 1))
            VOID.clear()
            PARAMS.clear()
            try:
                for name, _, comment in functions():
                    contract(name, comment)
                refusal = None
            except ContractError as e:
                refusal = str(e)
            except Exception as e:  # A crash is no refusal.
                refusal = "crashed: %r" % e
            if reason is None and refusal:
                failures.append("the header itself is refused: %s" % refusal)
            elif reason and (not refusal or reason not in refusal):
                failures.append("%s: %s" % (what, "refused for another reason: " + refusal
                                            if refusal else "accepted"))
    HEADER = original
    VOID.clear()
    PARAMS.clear()
    for failure in failures:
        print("man self-test: " + failure, file=sys.stderr)
    if not failures:
        print("man self-test: %d planted faults, each refused for its own reason" % len(PLANTS))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--self-test", action="store_true",
                        help="plant faults in a copy of the header; each must be refused")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
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
