#!/usr/bin/env python3
"""Mechanical mutants of unet/src/: every line, every operator, none picked
by hand. The hand-written list (mutants.txt) targets faults we thought of;
these are the faults nobody chose.

    testing/mutation/generate.py [--count]      print every mutant, or the count

Operators (on code only: comments, strings and preprocessor lines are
skipped, as are _Static_assert lines, which the compiler checks itself):
  rel      a relational operator swapped: < <=, > >=, == !=
  arith    + and - swapped (not ++, --, +=, -=, ->)
  logic    && and || swapped
  const    an integer literal plus or minus one
  negate   the condition of an if or while negated
  delete   a statement line deleted: a call or an assignment ending in ';'
           (error-path closes and frees included), never a declaration,
           return, break, continue or brace

Each mutant is (file, line, operator, new line); its id is
file:line:operator:n (n counts that operator's mutants on the line), stable
while the line stays where it is. sample.py draws from this list.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SOURCES = "unet/src"

# Tokens whose replacement is one operator's mutant. Longest first, so that
# "<=" is never read as "<" and "<<" never as two "<".
REL = {"<=": "<", ">=": ">", "==": "!=", "!=": "==", "<": "<=", ">": ">="}
ARITH = {"+": "-", "-": "+"}
LOGIC = {"&&": "||", "||": "&&"}
TOKEN = re.compile(r"<<=|>>=|<<|>>|->|\+\+|--|\+=|-=|\*=|/=|&&|\|\||<=|>=|==|!=|[<>+\-]"
                   r"|\b\d+\b")
DECLARATION = re.compile(r"^\s*(const\s+)?(static\s+)?(struct\s+\w+|unsigned|int|long|size_t|"
                         r"ssize_t|bool|char|uint\d+_t|int\d+_t|socklen_t|mode_t|uid_t|gid_t|"
                         r"_Atomic|enum\s+\w+|void)\b")


def code_of(line, in_comment):
    """The line with comments and string/char literals blanked (same
    length, so columns stay), and whether a block comment is still open."""
    out, i = [], 0
    while i < len(line):
        if in_comment:
            end = line.find("*/", i)
            if end < 0:
                out.append(" " * (len(line) - i))
                return "".join(out), True
            out.append(" " * (end + 2 - i))
            i, in_comment = end + 2, False
        elif line.startswith("/*", i):
            in_comment = True
        elif line.startswith("//", i):
            out.append(" " * (len(line) - i))
            break
        elif line[i] in "\"'":
            quote, j = line[i], i + 1
            while j < len(line) and line[j] != quote:
                j += 2 if line[j] == "\\" else 1
            out.append(quote + " " * (min(j, len(line)) - i - 1) + (quote if j < len(line) else ""))
            i = j + 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_comment


def condition_span(code, keyword):
    """Start and end (exclusive) of the parenthesised condition after
    keyword on this line, or None when it does not close on the line."""
    m = re.search(r"\b%s\s*\(" % keyword, code)
    if not m:
        return None
    start, depth = m.end() - 1, 0
    for j in range(start, len(code)):
        depth += {"(": 1, ")": -1}.get(code[j], 0)
        if depth == 0:
            return start + 1, j
    return None


def mutants_of_line(line, code):
    """Yields (operator, new line) for one source line."""
    for m in TOKEN.finditer(code):
        tok, a, b = m.group(0), m.start(), m.end()
        # A '<' or '>' that belongs to an #include or a cast is not here:
        # preprocessor lines are skipped by the caller.
        if tok in REL:
            yield "rel", line[:a] + REL[tok] + line[b:]
        elif tok in ARITH:
            before = code[:a].rstrip()
            # Unary minus or plus (after an operator, '(' ',' '=' or
            # 'return') is a sign, not arithmetic.
            if before and (before[-1].isalnum() or before[-1] in ")]_"):
                if not before.endswith("return"):
                    yield "arith", line[:a] + ARITH[tok] + line[b:]
        elif tok in LOGIC:
            yield "logic", line[:a] + LOGIC[tok] + line[b:]
        elif tok.isdigit():
            n = int(tok)
            # Array sizes and bit-field widths of declarations change
            # layouts, not behaviour: the compiler or the ABI check sees them.
            if "[" in code[:a] and "]" in code[b:] and DECLARATION.match(code):
                continue
            yield "const", line[:a] + str(n + 1) + line[b:]
            if n > 0:
                yield "const", line[:a] + str(n - 1) + line[b:]
    for keyword in ("if", "while"):
        span = condition_span(code, keyword)
        if span:
            a, b = span
            yield "negate", line[:a] + "!(" + line[a:b] + ")" + line[b:]
    stripped = code.strip()
    if (stripped.endswith(";") and not DECLARATION.match(code)
            and not re.match(r"^(return|break|continue|goto|case|default)\b", stripped)
            and not stripped.startswith(("}", "{", "(void)"))
            and ("(" in stripped or "=" in stripped)):
        indent = line[:len(line) - len(line.lstrip())]
        yield "delete", indent + ";" + "\n"


def generate(repo=REPO):
    mutants = []
    directory = os.path.join(repo, SOURCES)
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(SOURCES, name)
        in_comment = False
        lines = open(os.path.join(repo, path)).read().splitlines(keepends=True)
        for number, line in enumerate(lines, 1):
            code, in_comment = code_of(line, in_comment)
            stripped = code.strip()
            if not stripped or stripped.startswith("#") or "_Static_assert" in code:
                continue
            counts = {}
            for operator, new_line in mutants_of_line(line, code):
                counts[operator] = counts.get(operator, 0) + 1
                mutants.append({
                    "id": "%s:%d:%s:%d" % (path, number, operator, counts[operator]),
                    "file": path,
                    "line": number,
                    "operator": operator,
                    "old": line,
                    "new": new_line,
                })
    return mutants


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", action="store_true", help="print only how many, by operator")
    args = parser.parse_args()
    mutants = generate()
    if args.count:
        by_operator = {}
        for m in mutants:
            by_operator[m["operator"]] = by_operator.get(m["operator"], 0) + 1
        print(len(mutants), " ".join("%s=%d" % kv for kv in sorted(by_operator.items())))
        return 0
    for m in mutants:
        print("%s\n  - %s  + %s" % (m["id"], m["old"].strip(), m["new"].strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
