#!/usr/bin/env python3
"""The Bazel Central Registry entry that .bcr/ makes, checked offline.

    testing/bcr/check.py [--release] [--self-test] [--root DIR]

Reads .bcr/metadata.template.json, .bcr/source.template.json,
.bcr/presubmit.yml, MODULE.bazel, the test module's MODULE.bazel and the
release archive tools/release/archive.sh makes, and checks each rule below.
Every rule is one function whose comment names what it mirrors, read in
these snapshots (paths below are theirs):

  bazelbuild/bazel-central-registry 51181a81 (2026-08-22):
      metadata.schema.json, BUILD (ajv validates every metadata.json
      against it), tools/bcr_validation.py, tools/registry.py,
      docs/README.md, docs/bcr-policies.md
  bazelbuild/continuous-integration 47d5ff02 (2026-08-21):
      buildkite/bazelci.py, buildkite/bazel-central-registry/bcr_presubmit.py
  bazel-contrib/publish-to-bcr ad6879fd (2026-07-06):
      src/domain/{substitution,source-template,metadata-file,create-entry,
      ruleset-repository}.ts, templates/README.md,
      .github/workflows/publish.yaml

and Bazel's own rules (ModuleFileGlobals). Python's standard library only;
nothing is downloaded.

The maintainer and the GitHub repository are not known to the repository:
the metadata template holds the marker UNSET- (and github_user_id 0) until
someone fills them in. Without --release that is reported as pending; with
--release (tools/release/archive.sh --release) it fails.

--self-test first plants each fault the rules catch, one at a time, in
temporary copies of the files, and fails unless the intended rule reports
it (and unless every rule is exercised by some fault, and an entry with the
identity filled in passes --release); then it checks the repository.
"""
import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

METADATA = ".bcr/metadata.template.json"
SOURCE = ".bcr/source.template.json"
PRESUBMIT = ".bcr/presubmit.yml"
MODULE = "MODULE.bazel"
HEADER = "unet/include/unet/unet.h"
ARCHIVE_SH = "tools/release/archive.sh"

# The module's name: MODULE.bazel's, the archive's (libunet-VERSION), the
# presubmit's @libunet.
MODULE_NAME = "libunet"

# What marks an identity field nobody has filled in yet (see the docstring).
UNSET = re.compile(r"UNSET-[A-Z-]*")

# The placeholders publish-to-bcr substitutes (src/domain/substitution.ts,
# ALL_SUBSTITUTABLE_VARS), and only in source.template.json's url,
# strip_prefix and docs_url (src/domain/source-template.ts, substitute()).
PUBLISH_PLACEHOLDERS = ("OWNER", "REPO", "TAG", "VERSION")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# publish-to-bcr's reusable workflow: VERSION is the tag without its
# tag_prefix, "v" by default (.github/workflows/publish.yaml).
TAG_PREFIX = "v"

# Bazel CI's platforms (bazelci.py, PLATFORMS), without its internal ones
# (metrics_test_platform, kythe_*): a task's platform must be one of these.
BAZEL_CI_PLATFORMS = frozenset("""
    rockylinux8 rockylinux8_arm64 rockylinux8_java11
    rockylinux8_java11_devtoolset10 debian10 debian11 debian12 debian12_arm64
    debian13 debian13_arm64 ubuntu1604 ubuntu1804 ubuntu2004_java11
    ubuntu2004 ubuntu2004_arm64 ubuntu2204_arm64 ubuntu2404_arm64
    ubuntu2204_java17 ubuntu2204 ubuntu2404 fedora39 fedora40 fedora43 macos
    macos_arm64 windows windows_arm64
""".split())
# bazelci.py, MAX_TASK_NUMBER: tasks one presubmit file may expand to.
MAX_TASKS = 128
# bazelci.py reads these keys of a task (task_config.get, calculate_flags).
TASK_KEYS = frozenset("""
    name platform bazel build_targets test_targets coverage_targets
    run_targets build_flags test_flags coverage_flags shell_commands
    batch_commands post_shell_commands post_batch_commands environment
    working_directory soft_fail setup include_json_profile
""".split())

# Modules a non-dev bazel_dep may name: each version here was read in the
# registry's snapshot (modules/NAME/metadata.json, not yanked). A new
# dependency or version is added here after checking the registry.
IN_REGISTRY = {"rules_cc": {"0.0.11"}}

# Bazel's forms (ModuleFileGlobals): a module name (RepositoryName.
# VALID_MODULE_NAME), a bazel_compatibility entry
# (VALID_BAZEL_COMPATIBILITY_VERSION); the registry's version form
# (tools/registry.py, Version).
MODULE_NAME_FORM = re.compile(r"[a-z]([a-z0-9._-]*[a-z0-9])?")
COMPATIBILITY_FORM = re.compile(r"(>|<|-|<=|>=)(\d+\.){2}\d+")
VERSION_FORM = re.compile(r"[a-zA-Z0-9.]+(-[a-zA-Z0-9.-]+)?(\+[a-zA-Z0-9.-]+)?")
# What Bazelisk takes as a version: N.x, N.N.N (an rc too), or a track.
BAZEL_VERSION_FORM = re.compile(r"(\d+)\.(x|\d+\.\d+(rc\d+)?)")
BAZEL_TRACKS = ("rolling", "last_green", "last_rc", "latest")
# Bazel's directives that only the root module's MODULE.bazel applies.
OVERRIDES = ("archive_override", "git_override", "local_path_override",
             "multiple_version_override", "single_version_override")


class Unsupported(Exception):
    """presubmit.yml uses YAML outside the subset read here."""


# A small YAML reader, for the subset presubmit.yml keeps to: block mappings
# and sequences, flow sequences of scalars, plain and quoted scalars,
# comments. Anything else (anchors, tags, block scalars, flow mappings,
# sequences of mappings) is refused rather than guessed. Plain scalars
# resolve as YAML 1.1 does (what bazelci's yaml.safe_load gives): an
# unquoted 8.0 is a float, not the string "8.0".
def yaml_scalar(text, line):
    if text[:1] in ("'", '"'):
        quote = text[0]
        if len(text) < 2 or text[-1] != quote:
            raise Unsupported(f"line {line}: an unterminated or trailing-text quoted scalar")
        body = text[1:-1]
        if quote == "'":
            return body.replace("''", "'")
        if "\\" in body:
            raise Unsupported(f"line {line}: escapes in a double-quoted scalar")
        return body
    if text[:1] in "&*!|>{%@`" or text.startswith("? "):
        raise Unsupported(f"line {line}: {text!r}")
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text.lower() in ("true", "yes", "on"):
        return True
    if text.lower() in ("false", "no", "off"):
        return False
    if re.fullmatch(r"[-+]?(0|[1-9][0-9_]*)", text):
        return int(text.replace("_", ""))
    if (re.fullmatch(r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?", text)
            and text not in (".", "+.", "-.")):
        return float(text.replace("_", ""))
    return text


def yaml_value(text, line):
    if text.startswith("["):
        if not text.endswith("]") or re.search(r"[\[\]{}]", text[1:-1]):
            raise Unsupported(f"line {line}: nested or unterminated flow collection")
        inner = text[1:-1].strip()
        return [yaml_scalar(item.strip(), line) for item in inner.split(",")] if inner else []
    return yaml_scalar(text, line)


def yaml_strip_comment(raw):
    # A quote opens a scalar only where a value starts (after "key: ",
    # "- ", "[" or ", "): the apostrophe in a plain scalar is text.
    quote = None
    for i, c in enumerate(raw):
        if quote:
            quote = None if c == quote else quote
        elif c in ("'", '"') and raw[:i].rstrip()[-1:] in ("", ":", "-", "[", ","):
            quote = c
        elif c == "#" and (i == 0 or raw[i - 1] in " \t"):
            return raw[:i].rstrip()
    return raw.rstrip()


def yaml_split_key(content, line):
    match = re.match(r"""("[^"]*"|'[^']*'|[^'"\s][^:]*?)\s*:(\s+(.*))?$""", content)
    if not match:
        return None
    key = yaml_scalar(match.group(1), line)
    return str(key), (match.group(3) or "").strip()


def yaml_load(text):
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("---") or raw.startswith("..."):
            raise Unsupported(f"line {number}: more than one document")
        content = yaml_strip_comment(raw)
        if not content.strip():
            continue
        indent = len(content) - len(content.lstrip(" "))
        if content[indent] == "\t":
            raise Unsupported(f"line {number}: a tab in the indentation")
        lines.append((indent, content.strip(), number))

    def is_item(content):
        return content == "-" or content.startswith("- ")

    def block(i, indent):
        if is_item(lines[i][1]):
            return sequence(i, indent)
        return mapping(i, indent)

    def nested(i, indent, in_mapping):
        # The value of a key or item with nothing after it: a deeper block,
        # or (for a key) a sequence at the key's own indentation.
        if i < len(lines):
            deeper, content, _ = lines[i]
            if deeper > indent or (in_mapping and deeper == indent and is_item(content)):
                return block(i, deeper)
        return None, i

    def mapping(i, indent):
        result = {}
        while i < len(lines) and lines[i][0] == indent and not is_item(lines[i][1]):
            _, content, number = lines[i]
            split = yaml_split_key(content, number)
            if split is None:
                raise Unsupported(f"line {number}: expected 'key: value', got {content!r}")
            key, rest = split
            if key in result:
                raise Unsupported(f"line {number}: key {key!r} given twice")
            if rest:
                result[key], i = yaml_value(rest, number), i + 1
            else:
                result[key], i = nested(i + 1, indent, True)
        if i < len(lines) and lines[i][0] > indent:
            raise Unsupported(f"line {lines[i][2]}: unexpected indentation")
        return result, i

    def sequence(i, indent):
        result = []
        while i < len(lines) and lines[i][0] == indent and is_item(lines[i][1]):
            _, content, number = lines[i]
            rest = content[1:].strip()
            if yaml_split_key(rest, number) and rest[:1] not in ("'", '"', "["):
                raise Unsupported(f"line {number}: a sequence of mappings")
            if rest:
                result.append(yaml_value(rest, number))
                i += 1
            else:
                value, i = nested(i + 1, indent, False)
                result.append(value)
        if i < len(lines) and lines[i][0] > indent:
            raise Unsupported(f"line {lines[i][2]}: unexpected indentation")
        return result, i

    if not lines:
        return None
    value, i = block(0, lines[0][0])
    if i != len(lines):
        raise Unsupported(f"line {lines[i][2]}: unexpected indentation")
    return value


# MODULE.bazel, read as the registry's tools/bcr_validation.py reads it
# (extract_attribute_from_module: Python's ast): the top-level calls in
# order, each with its keyword arguments' literal values.
class Call:
    def __init__(self, name, node):
        self.name = name
        self.line = node.lineno
        call = node if isinstance(node, ast.Call) else None
        self.args = [literal(arg) for arg in call.args] if call else []
        self.kwargs = {k.arg: literal(k.value) for k in call.keywords if k.arg} if call else {}


NOT_LITERAL = object()


def literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return NOT_LITERAL


def module_calls(text, path):
    calls = []
    for node in ast.parse(text, filename=path).body:
        value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            continue  # the docstring
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            calls.append(Call(value.func.id, value))
        elif isinstance(value, ast.Call):
            calls.append(Call("<tag>", value))  # an extension's tag: dev.foo(...)
        else:
            calls.append(Call("<statement>", node))
    return calls


def first_call(calls, name):
    return next((c for c in calls if c.name == name), None)


class Archive:
    """The release archive tools/release/archive.sh makes of HEAD."""

    def __init__(self, repo):
        self.error, self.name, self.prefix, self.members = None, None, None, set()
        with tempfile.TemporaryDirectory(prefix="libunet-bcr.") as out:
            run = subprocess.run([os.path.join(repo, ARCHIVE_SH), out],
                                 capture_output=True, text=True)
            fields = dict(line.split(":", 1) for line in run.stdout.splitlines() if ":" in line)
            if run.returncode or "archive" not in fields or "prefix" not in fields:
                self.error = f"{ARCHIVE_SH} failed: {run.stderr.strip() or run.stdout.strip()}"
                return
            path = fields["archive"].strip()
            self.name = os.path.basename(path)
            self.prefix = fields["prefix"].strip().rstrip("/")
            with tarfile.open(path) as tar:
                self.members = set(name.rstrip("/") for name in tar.getnames())


class Entry:
    """What the rules read: the files under root, parsed, and the archive."""

    def __init__(self, root, archive):
        self.root, self.archive, self.errors = root, archive, {}
        self.metadata = self.load(METADATA, json.loads)
        self.source = self.load(SOURCE, json.loads)
        self.presubmit = self.load(PRESUBMIT, yaml_load)
        self.module = self.load(MODULE, lambda text: module_calls(text, MODULE))
        header = self.load(HEADER, lambda text: text) or ""
        parts = [re.search(rf"^#define UNET_VERSION_{part} (\d+)$", header, re.M)
                 for part in ("MAJOR", "MINOR", "PATCH")]
        # The release's version: the header's, as archive.sh takes it.
        self.version = ".".join(p.group(1) for p in parts) if all(parts) else None
        self.test_module_path = None
        self.test_module = None
        presubmit = self.presubmit if isinstance(self.presubmit, dict) else {}
        test_module = presubmit.get("bcr_test_module")
        if isinstance(test_module, dict) and isinstance(test_module.get("module_path"), str):
            self.test_module_path = test_module["module_path"]
            path = os.path.join(self.test_module_path, MODULE)
            if os.path.isfile(os.path.join(root, path)):
                self.test_module = self.load(path, lambda text: module_calls(text, path))

    def load(self, path, parse):
        try:
            with open(os.path.join(self.root, path), encoding="utf-8") as f:
                return parse(f.read())
        except (OSError, ValueError, SyntaxError, Unsupported) as e:
            self.errors[path] = f"{type(e).__name__}: {e}"
            return None

    def tasks(self):
        """(section name, section, task id, task) for every task: the
        anonymous module's (tasks) and the test module's."""
        sections = []
        if isinstance(self.presubmit, dict):
            sections.append(("tasks", self.presubmit))
            if isinstance(self.presubmit.get("bcr_test_module"), dict):
                sections.append(("bcr_test_module.tasks", self.presubmit["bcr_test_module"]))
        for name, section in sections:
            tasks = section.get("tasks")
            for task_id, task in (tasks.items() if isinstance(tasks, dict) else ()):
                yield name, section, task_id, task


RULES = []


def rule(release_only=False):
    def register(fn):
        fn.release_only = release_only
        RULES.append(fn)
        return fn
    return register


def strings_in(value, path=""):
    """(path, string) for every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings_in(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}" if path else key, key
            yield from strings_in(item, f"{path}.{key}" if path else key)


# --- Each file parses --------------------------------------------------------

# publish-to-bcr refuses a template it cannot parse (MetadataFile,
# SourceTemplate: JSON.parse; validatePresubmitFile: yaml.parse); the
# registry's bcr_validation.py parses MODULE.bazel with Python's ast.
@rule()
def files_parse(e):
    return [f"{path}: {error}" for path, error in e.errors.items()]


# --- metadata.template.json --------------------------------------------------

# metadata.schema.json: "type": "object", "required": ["homepage",
# "versions", "maintainers", "repository"].
@rule()
def metadata_has_required_fields(e):
    if e.metadata is None:
        return []
    if not isinstance(e.metadata, dict):
        return ["not a JSON object"]
    return [f"no {field!r}" for field in ("homepage", "versions", "maintainers", "repository")
            if field not in e.metadata]


# metadata.schema.json: "additionalProperties": false, and each property's
# type (homepage, deprecated: string; versions: array of strings;
# yanked_versions: object, of strings as publish-to-bcr's MetadataFile
# requires).
@rule()
def metadata_fields_and_types(e):
    if not isinstance(e.metadata, dict):
        return []
    allowed = {"$schema": str, "homepage": str, "maintainers": list, "repository": list,
               "versions": list, "yanked_versions": dict, "deprecated": str}
    problems = [f"{key!r} is not a field of the registry's schema"
                for key in e.metadata if key not in allowed]
    problems += [f"{key!r} is not a {allowed[key].__name__}" for key, value in e.metadata.items()
                 if key in allowed and not isinstance(value, allowed[key])]
    versions = e.metadata.get("versions")
    if isinstance(versions, list) and not all(isinstance(v, str) for v in versions):
        problems.append("'versions' holds a non-string")
    if isinstance(e.metadata.get("yanked_versions"), dict) and not all(
            isinstance(v, str) for v in e.metadata["yanked_versions"].values()):
        problems.append("'yanked_versions' maps a version to a non-string")
    return problems


# publish-to-bcr (src/domain/create-entry.ts, updateMetadataFile) discards
# the template's versions and takes the registry's; its templates/README.md:
# leave `versions` alone. A version here would mislead a reader.
@rule()
def metadata_versions_left_empty(e):
    if isinstance(e.metadata, dict) and e.metadata.get("versions"):
        return [f"'versions' is {e.metadata['versions']!r}: publish-to-bcr fills it; keep []"]
    return []


# metadata.schema.json, maintainers: an array (minItems 1) of objects whose
# github matches ^[-a-zA-Z0-9]*$, github_user_id is an integer, email and
# name are strings, do_not_notify a boolean. bcr_validation.py
# (verify_metadata_json) fails a github login whose github_user_id is not
# GitHub's id for it, so a github always comes with its id. The project's
# entry is a person with all of name, email, github and github_user_id
# (docs/README.md: github is whom the bot pings and who may approve).
@rule()
def maintainers_are_people(e):
    if not isinstance(e.metadata, dict) or not isinstance(e.metadata.get("maintainers"), list):
        return []
    maintainers = e.metadata["maintainers"]
    if not maintainers:
        return ["'maintainers' is empty (the schema's minItems is 1)"]
    types = {"name": str, "email": str, "github": str, "github_user_id": int, "do_not_notify": bool}
    problems = []
    for i, m in enumerate(maintainers):
        where = f"maintainers[{i}]"
        if not isinstance(m, dict):
            problems.append(f"{where} is not an object")
            continue
        problems += [f"{where}.{key}: not a field the registry knows"
                     for key in m if key not in types]
        problems += [f"{where} has no {key!r}"
                     for key in ("name", "email", "github", "github_user_id") if key not in m]
        for key, kind in types.items():
            # bool is an int to Python, not to the schema.
            wrong = not isinstance(m.get(key), kind) or (kind is int and isinstance(m[key], bool))
            if key in m and wrong:
                problems.append(f"{where}.{key} is {m[key]!r}, not of type {kind.__name__}")
        if isinstance(m.get("github"), str) and not re.fullmatch(r"[-a-zA-Z0-9]*", m["github"]):
            problems.append(f"{where}.github {m['github']!r} does not match ^[-a-zA-Z0-9]*$")
        if isinstance(m.get("github_user_id"), int) and m["github_user_id"] < 0:
            problems.append(f"{where}.github_user_id is negative")
        email = m.get("email")
        if isinstance(email, str) and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            problems.append(f"{where}.email {m['email']!r} is not an address")
        if isinstance(m.get("name"), str) and not m["name"].strip():
            problems.append(f"{where}.name is empty")
    return problems


# metadata.schema.json, repository: an array (minItems 1) of strings;
# docs/README.md: "github:<org>/<repo>" or an https URL; bcr_validation.py
# (GITHUB_REPO_RE, verify_source_archive_url_match_github_repo): the source
# URL must match one, and ours is a GitHub release asset, so one entry is
# github:OWNER/REPO.
@rule()
def repository_entries(e):
    if not isinstance(e.metadata, dict) or not isinstance(e.metadata.get("repository"), list):
        return []
    entries = e.metadata["repository"]
    if not entries:
        return ["'repository' is empty (the schema's minItems is 1)"]
    problems = []
    for entry in entries:
        if not isinstance(entry, str):
            problems.append(f"repository entry {entry!r} is not a string")
        elif not (re.fullmatch(r"github:[A-Za-z0-9-]+/[A-Za-z0-9._-]+", entry)
                  or re.fullmatch(r"https://[^\s/]+(/\S*)?", entry)):
            problems.append(f"repository entry {entry!r} is neither github:OWNER/REPO"
                            " nor an https URL")
    if not any(isinstance(x, str) and x.startswith("github:") for x in entries):
        problems.append("no github:OWNER/REPO entry, which the release asset's URL must match")
    return problems


# The project's: the homepage is the GitHub repository the repository
# entry names (one fact, written twice in the registry's format).
@rule()
def homepage_is_the_repository(e):
    if not isinstance(e.metadata, dict) or not isinstance(e.metadata.get("homepage"), str):
        return []
    homepage = e.metadata["homepage"]
    match = re.fullmatch(r"https://github\.com/([^/\s]+/[^/\s]+?)/?", homepage)
    if not match:
        return [f"homepage {homepage!r} is not https://github.com/OWNER/REPO"]
    repositories = [x for x in e.metadata.get("repository") or [] if isinstance(x, str)]
    if f"github:{match.group(1)}" not in repositories:
        return [f"homepage names {match.group(1)}, 'repository' does not"]
    return []


# publish-to-bcr substitutes nothing in metadata.template.json
# (src/domain/ruleset-repository.ts: only the source and attestations
# templates get substitute()): a {OWNER} there reaches the registry as is.
@rule()
def metadata_has_no_placeholders(e):
    if e.metadata is None:
        return []
    return [f"{path}: {value!r} has {{{name}}}, which publish-to-bcr never substitutes in this file"
            for path, value in strings_in(e.metadata) for name in PLACEHOLDER.findall(value)]


# The release path's own rule: the maintainer and the repository are real
# (no UNSET- marker, github_user_id > 0: GitHub's ids start at 1). Pending
# in CI; fatal with --release.
@rule(release_only=True)
def identity_is_set(e):
    if not isinstance(e.metadata, dict):
        return []
    problems = [f"{path} is {value!r}"
                for path, value in strings_in(e.metadata) if UNSET.search(value)]
    for i, m in enumerate(e.metadata.get("maintainers") or []):
        user_id = m.get("github_user_id") if isinstance(m, dict) else None
        if isinstance(user_id, int) and user_id <= 0:
            problems.append(f"maintainers[{i}].github_user_id is {m['github_user_id']}")
    return problems


# --- source.template.json ----------------------------------------------------

# publish-to-bcr's SourceTemplate: a url string, a strip_prefix string if
# any; docs/README.md: the type is "archive" (the default). Fields this
# project does not use (patches, overlay, mirror_urls, ...) are refused
# until the rules here learn them.
@rule()
def source_fields(e):
    if e.source is None:
        return []
    if not isinstance(e.source, dict):
        return ["not a JSON object"]
    problems = [f"{key!r}: not used by this project's entry" for key in e.source
                if key not in ("url", "integrity", "strip_prefix", "type")]
    if not isinstance(e.source.get("url"), str) or not e.source["url"]:
        problems.append("no url string")
    if "strip_prefix" in e.source and not isinstance(e.source["strip_prefix"], str):
        problems.append("strip_prefix is not a string")
    if e.source.get("type", "archive") != "archive":
        problems.append(f"type {e.source['type']!r}: the registry takes only \"archive\"")
    return problems


# publish-to-bcr computes the integrity (create-entry.ts, setIntegrityHash);
# its templates/README.md: leave it "".
@rule()
def source_integrity_left_empty(e):
    if isinstance(e.source, dict) and e.source.get("integrity", "") != "":
        return [f"integrity is {e.source['integrity']!r}: publish-to-bcr fills it; keep \"\""]
    return []


# publish-to-bcr substitutes {OWNER}, {REPO}, {TAG} and {VERSION} in url and
# strip_prefix only, and checks only those four are gone
# (validateFullySubstituted): any other {NAME}, or one in another field,
# would reach the registry as is.
@rule()
def source_placeholders_known(e):
    if not isinstance(e.source, dict):
        return []
    problems = []
    for path, value in strings_in(e.source):
        for name in PLACEHOLDER.findall(value):
            if path not in ("url", "strip_prefix"):
                problems.append(f"{path}: {{{name}}} is not substituted in this field")
            elif name not in PUBLISH_PLACEHOLDERS:
                problems.append(f"{path}: {{{name}}} is not one of publish-to-bcr's"
                                f" {PUBLISH_PLACEHOLDERS}")
    return problems


# bcr_validation.py (check_github_url): a URL under
# https://github.com/OWNER/REPO/releases/download/ matches the repository
# without further lookups, and is stable (verify_source_archive_url_
# stability; GitHub's generated /archive/ tarballs are not).
@rule()
def source_url_is_a_release_asset(e):
    if not isinstance(e.source, dict) or not isinstance(e.source.get("url"), str):
        return []
    start = "https://github.com/{OWNER}/{REPO}/releases/download/{TAG}/"
    url = e.source["url"]
    if not url.startswith(start) or "/" in url[len(start):]:
        return [f"url {url!r} is not {start}FILE"]
    return []


def substitute_release(text, version):
    return text.replace("{VERSION}", version).replace("{TAG}", TAG_PREFIX + version)


# bcr_validation.py (verify_module_dot_bazel) unpacks the url's archive and
# reads MODULE.bazel under strip_prefix: with the release's version, the
# url names the file archive.sh makes and strip_prefix is its prefix.
# (OWNER and REPO are the repository's on the release; they stay out of
# both, as the archive's name does not depend on them.)
@rule()
def source_matches_release_archive(e):
    if not isinstance(e.source, dict) or e.version is None:
        return [] if e.version else ["no version in unet.h"]
    if e.archive.error:
        return [e.archive.error]
    problems = []
    url, prefix = e.source.get("url"), e.source.get("strip_prefix", "")
    if isinstance(url, str):
        name = substitute_release(url.rsplit("/", 1)[-1], e.version)
        if name != e.archive.name:
            problems.append(f"url's file is {name!r} for {e.version},"
                            f" archive.sh makes {e.archive.name!r}")
    if isinstance(prefix, str):
        stripped = substitute_release(prefix, e.version)
        if stripped != e.archive.prefix:
            problems.append(f"strip_prefix is {stripped!r} for {e.version},"
                            f" the archive's prefix is {e.archive.prefix!r}")
        elif f"{stripped}/{MODULE}" not in e.archive.members:
            problems.append(f"the archive has no {stripped}/{MODULE}")
    return problems


# bcr_validation.py (verify_module_dot_bazel): a strip_prefix that resolves
# outside the extraction directory is a critical failure.
@rule()
def strip_prefix_stays_inside(e):
    if not isinstance(e.source, dict) or not isinstance(e.source.get("strip_prefix"), str):
        return []
    prefix = e.source["strip_prefix"]
    if prefix.startswith("/") or ".." in prefix.split("/"):
        return [f"strip_prefix {prefix!r} leaves the archive's directory"]
    return []


# --- presubmit.yml -----------------------------------------------------------

# docs/README.md (Presubmit) and bazelci.py (load_config): the file holds
# matrix and tasks (the anonymous module), bcr_test_module (module_path,
# matrix, tasks) and incompatible_flags.
@rule()
def presubmit_keys(e):
    if e.presubmit is None:
        return []
    if not isinstance(e.presubmit, dict):
        return ["not a mapping"]
    problems = [f"{key!r}: not a key of a presubmit" for key in e.presubmit
                if key not in ("matrix", "tasks", "bcr_test_module", "incompatible_flags")]
    test_module = e.presubmit.get("bcr_test_module")
    if test_module is not None:
        if not isinstance(test_module, dict):
            problems.append("bcr_test_module is not a mapping")
        else:
            problems += [f"bcr_test_module.{key}: not a key of a test module" for key in test_module
                         if key not in ("module_path", "matrix", "tasks")]
    return problems


# bcr_validation.py (validate_presubmit_tasks): at least one task;
# (check_if_bazel_version_is_set) every task sets bazel; bazelci.py reads
# the keys in TASK_KEYS of a task.
@rule()
def presubmit_tasks(e):
    if not isinstance(e.presubmit, dict):
        return []
    problems = []
    tasks = list(e.tasks())
    if not tasks:
        problems.append("no task in tasks or bcr_test_module.tasks")
    for section, _, task_id, task in tasks:
        if not isinstance(task, dict):
            problems.append(f"{section}.{task_id} is not a mapping")
            continue
        if "bazel" not in task:
            problems.append(f"{section}.{task_id} sets no bazel version")
        problems += [f"{section}.{task_id}.{key}: not a task key bazelci.py reads" for key in task
                     if key not in TASK_KEYS]
    return problems


def matrix_refs(value):
    """The matrix attributes ${{ name }} a value uses (bazelci.py's form)."""
    if isinstance(value, str):
        return re.findall(r"\$\{\{\s*(\w+)\s*\}\}", value)
    if isinstance(value, list):
        return [ref for item in value for ref in matrix_refs(item)]
    return []


# bazelci.py (expand_task_config, get_combinations): a matrix maps names to
# lists; every ${{ name }} a task uses is defined in its section's matrix;
# (MAX_TASK_NUMBER) the expansion is at most 128 tasks.
@rule()
def presubmit_matrix(e):
    problems, expanded = [], 0
    for section, holder, task_id, task in e.tasks():
        matrix = holder.get("matrix") or {}
        if not isinstance(matrix, dict):
            problems.append(f"{section}: matrix is not a mapping")
            continue
        count = 1
        for ref in set(matrix_refs(list(task.values()) if isinstance(task, dict) else [])):
            if not isinstance(matrix.get(ref), list) or not matrix[ref]:
                problems.append(f"{section}.{task_id} uses ${{{{ {ref} }}}},"
                                " which its matrix does not list")
            else:
                count *= len(matrix[ref])
        expanded += count
    if expanded > MAX_TASKS:
        problems.append(f"{expanded} tasks after expansion, bazelci.py takes at most {MAX_TASKS}")
    return problems


def task_values(holder, task_id, task, key):
    """What a task's key takes, through its matrix; bazelci.py
    (get_platform_for_task): a task without a platform is named for one."""
    value = task.get(key, task_id if key == "platform" else None)
    refs = matrix_refs(value)
    if refs and isinstance(holder.get("matrix"), dict):
        return [v for ref in refs for v in (holder["matrix"].get(ref) or [])]
    return [] if value is None else [value]


# bazelci.py (PLATFORMS): the platforms Bazel CI has; bcr_presubmit.py
# looks each task's platform up there.
@rule()
def presubmit_platforms_known(e):
    return [f"{section}.{task_id}: platform {p!r} is not one of Bazel CI's"
            for section, holder, task_id, task in e.tasks() if isinstance(task, dict)
            for p in task_values(holder, task_id, task, "platform") if p not in BAZEL_CI_PLATFORMS]


# The project's: libunet is Linux-only (Unix domain sockets with Linux's
# options), so the presubmit runs on Linux platforms only.
@rule()
def presubmit_platforms_linux(e):
    return [f"{section}.{task_id}: platform {p!r} is not Linux"
            for section, holder, task_id, task in e.tasks() if isinstance(task, dict)
            for p in task_values(holder, task_id, task, "platform")
            if isinstance(p, str) and p.startswith(("macos", "windows"))]


def compatibility_bounds(e):
    """The >= floor and <= ceiling of MODULE.bazel's bazel_compatibility."""
    call = first_call(e.module or [], "module")
    floor = ceiling = None
    for entry in (call.kwargs.get("bazel_compatibility") if call else None) or []:
        if isinstance(entry, str) and COMPATIBILITY_FORM.fullmatch(entry):
            op, version = re.match(r"([<>=-]+)(.*)", entry).groups()
            version = tuple(int(x) for x in version.split("."))
            if op in (">=", ">"):
                floor = max(floor or version, version)
            elif op in ("<=", "<"):
                ceiling = min(ceiling or version, version)
    return floor, ceiling


# Bazelisk's version forms, as a string (YAML would read an unquoted 8.0 as
# a number); and the module's bazel_compatibility lets each version run
# (a presubmit on a Bazel the module refuses would fail).
@rule()
def presubmit_bazel_versions(e):
    floor, ceiling = compatibility_bounds(e)
    problems = []
    for section, holder, task_id, task in e.tasks():
        if not isinstance(task, dict):
            continue
        for v in task_values(holder, task_id, task, "bazel"):
            where = f"{section}.{task_id}: bazel {v!r}"
            if not isinstance(v, str):
                problems.append(f"{where} is not a string (quote it)")
            elif v in BAZEL_TRACKS:
                if ceiling:
                    problems.append(f"{where}: the module caps Bazel at {ceiling}")
            elif not BAZEL_VERSION_FORM.fullmatch(v):
                problems.append(f"{where} is not N.x, N.N.N or one of {BAZEL_TRACKS}")
            else:
                major, rest = int(v.split(".")[0]), BAZEL_VERSION_FORM.fullmatch(v).group(2)
                exact = tuple(int(x) for x in re.sub(r"rc\d+$", "", v).split(".")) \
                    if rest != "x" else None
                low, high = exact or (major, 0, 0), exact or (major, 999, 999)
                if floor and high < floor:
                    problems.append(f"{where} is older than bazel_compatibility's"
                                    f" {'.'.join(map(str, floor))}")
                if ceiling and low > ceiling:
                    problems.append(f"{where} is newer than bazel_compatibility's"
                                    f" {'.'.join(map(str, ceiling))}")
    return problems


def is_target(label, repo):
    """A target or pattern in repo ("@libunet", or "" for the main one)."""
    label = label[1:] if label.startswith("-") else label
    if repo:
        if label == repo:
            return True
        if not label.startswith(repo + "//"):
            return False
        label = label[len(repo):]
    if not label.startswith("//"):
        return False
    package, colon, name = label[2:].partition(":")
    if package == "..." or package.endswith("/..."):
        package = package[:-3].rstrip("/")
        if colon and name not in ("all", "*", "all-targets"):
            return False
    elif colon and not re.fullmatch(r"[A-Za-z0-9_.+=,@~/-]+", name):
        return False
    return not package or all(re.fullmatch(r"[A-Za-z0-9_.+=,@~-]+", part)
                              and part not in (".", "..") for part in package.split("/"))


# bcr_presubmit.py (create_anonymous_repo): the anonymous module has only a
# bazel_dep on the module, so its targets are @libunet labels; the test
# module's are its own (//...) or @libunet's.
@rule()
def presubmit_targets_are_labels(e):
    problems = []
    for section, _, task_id, task in e.tasks():
        if not isinstance(task, dict):
            continue
        for key in ("build_targets", "test_targets", "coverage_targets", "run_targets"):
            targets = task.get(key, [])
            if not isinstance(targets, list):
                problems.append(f"{section}.{task_id}.{key} is not a list")
                continue
            for target in targets:
                anonymous = section == "tasks"
                ok = isinstance(target, str) and (is_target(target, "@" + MODULE_NAME) or
                                                  (not anonymous and is_target(target, "")))
                if not ok:
                    want = f"@{MODULE_NAME}//..." if anonymous else f"//... or @{MODULE_NAME}//..."
                    problems.append(f"{section}.{task_id}.{key}: {target!r}"
                                    f" is not a label in {want}")
    return problems


# bcr_presubmit.py (prepare_test_module_repo): module_path is a directory
# of the unpacked archive; docs/README.md (Test module): it holds a
# MODULE.bazel that depends on the module through local_path_override.
@rule()
def test_module_present(e):
    if not isinstance(e.presubmit, dict) or "bcr_test_module" not in e.presubmit:
        return []
    path = e.test_module_path
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
        return [f"bcr_test_module.module_path {path!r} is not a relative path inside the module"]
    problems = []
    if not os.path.isfile(os.path.join(e.root, path, MODULE)):
        problems.append(f"{path}/{MODULE} does not exist")
    if e.archive.prefix and f"{e.archive.prefix}/{path}/{MODULE}" not in e.archive.members:
        problems.append(f"the release archive has no {e.archive.prefix}/{path}/{MODULE}")
    if e.test_module is not None:
        deps = [c for c in e.test_module
                if c.name == "bazel_dep" and c.kwargs.get("name") == MODULE_NAME]
        override = next((c for c in e.test_module if c.name == "local_path_override"
                         and c.kwargs.get("module_name") == MODULE_NAME), None)
        if not deps:
            problems.append(f"{path}/{MODULE} has no bazel_dep on {MODULE_NAME}")
        if override is None or not isinstance(override.kwargs.get("path"), str) or \
                os.path.normpath(os.path.join(path, override.kwargs["path"])) != ".":
            problems.append(f"{path}/{MODULE} does not local_path_override {MODULE_NAME}"
                            " to the module's root")
    return problems


# --- MODULE.bazel ------------------------------------------------------------

# Bazel (ModuleFileGlobals): module() comes first and once, its name of
# the form [a-z]([a-z0-9._-]*[a-z0-9])?; here it is libunet, the name the
# archive and the presubmit's @libunet use.
@rule()
def module_name(e):
    if e.module is None:
        return []
    calls = [c for c in e.module if c.name == "module"]
    if len(calls) != 1 or e.module[0].name != "module":
        return ["module() must be the first call, and the only one"]
    name = calls[0].kwargs.get("name")
    if not isinstance(name, str) or not MODULE_NAME_FORM.fullmatch(name):
        return [f"name {name!r} is not a module name"]
    return [] if name == MODULE_NAME else [f"name {name!r} is not {MODULE_NAME!r}"]


# bcr_validation.py (verify_module_dot_bazel): the version in MODULE.bazel
# is the entry's version (otherwise publish-to-bcr adds a patch); the
# release's version is unet.h's, which archive.sh names the archive by.
@rule()
def module_version_is_release_version(e):
    call = first_call(e.module or [], "module")
    if call is None:
        return []
    version = call.kwargs.get("version")
    if not isinstance(version, str) or not VERSION_FORM.fullmatch(version):
        return [f"version {version!r} is not a registry version"]
    if e.version is None:
        return [f"no UNET_VERSION_MAJOR/MINOR/PATCH in {HEADER}"]
    if version != e.version:
        return [f"version {version!r} is not the release's {e.version!r} ({HEADER})"]
    return []


# Bazel (ModuleFileGlobals, VALID_BAZEL_COMPATIBILITY_VERSION) and
# bcr_validation.py (is_valid_bazel_compatibility_for_overlay): a list of
# strings (>|<|-|<=|>=)X.Y.Z; the project's: present, with a >= floor.
@rule()
def bazel_compatibility_well_formed(e):
    call = first_call(e.module or [], "module")
    if call is None:
        return []
    value = call.kwargs.get("bazel_compatibility")
    if value is None:
        return ["module() sets no bazel_compatibility"]
    if not isinstance(value, list) or not value:
        return [f"bazel_compatibility {value!r} is not a non-empty list"]
    problems = [f"bazel_compatibility entry {v!r} is not (>|<|-|<=|>=)X.Y.Z" for v in value
                if not isinstance(v, str) or not COMPATIBILITY_FORM.fullmatch(v)]
    if not problems and not any(v.startswith(">") for v in value):
        problems.append("bazel_compatibility has no >= floor")
    return problems


# docs/bcr-policies.md: "BCR modules can only depend on modules already in
# the BCR"; the project's promise (MODULE.bazel's docstring): a user gets
# rules_cc and nothing else, so no non-dev extension either. The test
# module's dependencies are fetched from the registry too.
@rule()
def non_dev_deps_in_registry(e):
    problems = []
    for path, calls in ((MODULE, e.module), (f"{e.test_module_path}/{MODULE}", e.test_module)):
        for c in calls or []:
            if c.kwargs.get("dev_dependency") is True:
                continue
            if c.name == "use_extension" and path == MODULE:
                problems.append(f"{path}:{c.line}: a non-dev use_extension reaches every user")
            if c.name != "bazel_dep" or (path != MODULE and c.kwargs.get("name") == MODULE_NAME):
                continue
            name, version = c.kwargs.get("name"), c.kwargs.get("version")
            if name not in IN_REGISTRY:
                problems.append(f"{path}:{c.line}: bazel_dep {name!r} is not a module"
                                " known to be in the registry")
            elif version not in IN_REGISTRY[name]:
                problems.append(f"{path}:{c.line}: {name} {version!r} is not a version known to"
                                " be in the registry (check it there, then add it to IN_REGISTRY)")
    return problems


# Bazel applies overrides only in the root module: in MODULE.bazel they
# would make libunet's own build differ from what the registry's users get.
@rule()
def no_overrides_in_module(e):
    return [f"{MODULE}:{c.line}: {c.name} is ignored when libunet is a dependency"
            for c in e.module or [] if c.name in OVERRIDES]


def check(root, archive, release):
    """[(rule name, problem, fatal)] for the entry under root."""
    entry = Entry(root, archive)
    return [(fn.__name__, problem, release or not fn.release_only)
            for fn in RULES for problem in fn(entry)]


def report(results, release):
    failures = [(name, problem) for name, problem, fatal in results if fatal]
    pending = [(name, problem) for name, problem, fatal in results if not fatal]
    for name, problem in failures:
        print(f"bcr/check.py: {name}: {problem}", file=sys.stderr)
    if failures:
        print(f"bcr/check.py: {len(failures)} problem(s) in the registry entry .bcr/ makes",
              file=sys.stderr)
        return 1
    held = len(RULES) - len({name for name, _ in pending})
    line = f"bcr: {held} of {len(RULES)} rules hold for .bcr/, {MODULE} and the release archive"
    if pending:
        fields = ", ".join(problem.split(" is ")[0] for _, problem in pending)
        line += (f"; pending until {METADATA} names the maintainer and the repository"
                 f" (unset: {fields}), and --release refuses")
    print(line)
    return 0


# --- --self-test -------------------------------------------------------------

COPIED = [METADATA, SOURCE, PRESUBMIT, MODULE, HEADER, "examples/bzlmod/MODULE.bazel"]

# The identity filled in, for the self-test's positive control only: the
# values are fixtures (example.invalid; an id beyond GitHub's), no person's.
FILLED = [("UNSET-OWNER/UNSET-REPO", "example-owner/example-repo"),
          ('"UNSET-NAME"', '"Self-test Fixture"'),
          ('"UNSET-EMAIL@example.invalid"', '"fixture@example.invalid"'),
          ('"UNSET-GITHUB-LOGIN"', '"self-test-fixture"'),
          ('"github_user_id": 0', '"github_user_id": 999999999999')]

STRIP = '"strip_prefix": "libunet-{VERSION}"'
RULES_CC = 'bazel_dep(name = "rules_cc", version = "0.0.11")\n'

# (what is planted, the rule that must report it, file, text, its
# replacement (the first occurrence), --release)
FAULTS = [
    ("MODULE.bazel does not parse", "files_parse", MODULE, "module(", "module((", False),
    ("metadata without homepage", "metadata_has_required_fields", METADATA,
     '"homepage": "https://github.com/UNSET-OWNER/UNSET-REPO",', "", False),
    ("a field the schema does not have", "metadata_fields_and_types", METADATA,
     '"versions": []', '"website": "x", "versions": []', False),
    ("a version in the template", "metadata_versions_left_empty", METADATA,
     '"versions": []', '"versions": ["0.1.0"]', False),
    ("publish-to-bcr's placeholder in the maintainers", "metadata_has_no_placeholders", METADATA,
     '"UNSET-GITHUB-LOGIN"', '"{OWNER}"', False),
    ("a maintainer without github_user_id", "maintainers_are_people", METADATA,
     ',\n      "github_user_id": 0', "", False),
    ("github_user_id a string", "maintainers_are_people", METADATA,
     '"github_user_id": 0', '"github_user_id": "0"', False),
    ("a repository entry of no known form", "repository_entries", METADATA,
     '"github:UNSET-OWNER/UNSET-REPO"', '"UNSET-OWNER/UNSET-REPO"', False),
    ("a homepage that is not the repository", "homepage_is_the_repository", METADATA,
     "https://github.com/UNSET-OWNER/UNSET-REPO", "https://github.com/UNSET-OWNER/other", False),
    ("the release path with the identity unset", "identity_is_set", METADATA, "", "", True),
    ("a source field the project does not use", "source_fields", SOURCE,
     '"integrity": ""', '"integrity": "", "patch_strip": 1', False),
    ("an integrity in the template", "source_integrity_left_empty", SOURCE,
     '"integrity": ""', '"integrity": "sha256-AAAA"', False),
    ("a placeholder publish-to-bcr does not know", "source_placeholders_known", SOURCE,
     "libunet-{VERSION}.tar.gz", "libunet-{RELEASE}.tar.gz", False),
    ("GitHub's generated tarball", "source_url_is_a_release_asset", SOURCE,
     "releases/download/{TAG}/libunet-{VERSION}.tar.gz", "archive/refs/tags/{TAG}.tar.gz", False),
    ("strip_prefix not the archive's", "source_matches_release_archive", SOURCE,
     STRIP, '"strip_prefix": "{REPO}-{VERSION}"', False),
    ("a strip_prefix outside the archive", "strip_prefix_stays_inside", SOURCE,
     STRIP, '"strip_prefix": "../libunet-{VERSION}"', False),
    ("a presubmit key of no kind", "presubmit_keys", PRESUBMIT, "tasks:\n", "task:\n", False),
    ("a task without bazel", "presubmit_tasks", PRESUBMIT, "    bazel: ${{ bazel }}\n", "", False),
    ("a matrix attribute nobody defined", "presubmit_matrix", PRESUBMIT,
     "    platform: ${{ platform }}\n", "    platform: ${{ os }}\n", False),
    ("a platform Bazel CI does not have", "presubmit_platforms_known", PRESUBMIT,
     "    - debian11\n", "    - debian9\n", False),
    ("a platform that is not Linux", "presubmit_platforms_linux", PRESUBMIT,
     "    - ubuntu2204\n", "    - macos\n", False),
    ("a Bazel older than bazel_compatibility", "presubmit_bazel_versions", PRESUBMIT,
     "    - 7.x\n", "    - 6.x\n", False),
    ("an unquoted Bazel version YAML reads as a number", "presubmit_bazel_versions", PRESUBMIT,
     "    - 8.x\n", "    - 8.0\n", False),
    ("a target that is not a label", "presubmit_targets_are_labels", PRESUBMIT,
     '- "@libunet//unet"', '- "unet"', False),
    ("a test module that is not there", "test_module_present", PRESUBMIT,
     "module_path: examples/bzlmod", "module_path: examples/gone", False),
    ("a module named otherwise", "module_name", MODULE, 'name = "libunet"', 'name = "unet"', False),
    ("MODULE.bazel's version not the release's", "module_version_is_release_version", MODULE,
     'version = "0.2.0"', 'version = "0.2.1"', False),
    ("no bazel_compatibility", "bazel_compatibility_well_formed", MODULE,
     '    bazel_compatibility = [">=7.0.0"],\n', "", False),
    ("a malformed bazel_compatibility", "bazel_compatibility_well_formed", MODULE,
     '">=7.0.0"', '">=7.0"', False),
    ("a non-dev dependency the registry does not have", "non_dev_deps_in_registry", MODULE,
     RULES_CC, RULES_CC + 'bazel_dep(name = "private_rules", version = "1.0")\n', False),
    ("an override in the module's own MODULE.bazel", "no_overrides_in_module", MODULE,
     RULES_CC, RULES_CC + 'single_version_override(module_name = "rules_cc", version = "0.0.11")\n',
     False),
]


def plant(root, path, edits, count=1):
    full = os.path.join(root, path)
    with open(full, encoding="utf-8") as f:
        text = f.read()
    for old, new in edits:
        if old not in text:
            raise SystemExit(f"bcr/check.py --self-test: {path} no longer holds {old!r};"
                             " update the fault")
        text = text.replace(old, new, count)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def self_test():
    archive = Archive(REPO)
    failures = []
    with tempfile.TemporaryDirectory(prefix="libunet-bcr-self-test.") as work:
        def failed_rules(path, edits, release, count=1):
            root = tempfile.mkdtemp(dir=work)
            for copied in COPIED:
                os.makedirs(os.path.dirname(os.path.join(root, copied)), exist_ok=True)
                shutil.copy(os.path.join(REPO, copied), os.path.join(root, copied))
            plant(root, path, edits, count)
            return sorted({name for name, _, fatal in check(root, archive, release) if fatal})

        baseline = failed_rules(METADATA, [], False)
        if baseline:
            failures.append(f"the unchanged copies fail {baseline}")
        filled = failed_rules(METADATA, FILLED, True, count=-1)
        if filled:
            failures.append(f"with the identity filled in, --release fails {filled}")
        for what, expected, path, old, new, release in FAULTS:
            failed = failed_rules(path, [(old, new)] if old else [], release)
            if expected not in failed:
                failures.append(f"{what}: {expected} did not report it"
                                f" (failed: {failed or 'nothing'})")
    unexercised = sorted({fn.__name__ for fn in RULES} - {fault[1] for fault in FAULTS})
    if unexercised:
        failures.append(f"rules no fault exercises: {unexercised}")
    for failure in failures:
        print(f"bcr/check.py --self-test: {failure}", file=sys.stderr)
    if not failures:
        print(f"bcr --self-test: each of {len(FAULTS)} planted faults caught by its rule, every one"
              f" of {len(RULES)} rules exercised, a filled-in identity passes --release")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", action="store_true",
                        help="the release path: an unset maintainer or repository fails")
    parser.add_argument("--self-test", action="store_true",
                        help="first prove each rule catches its planted fault")
    parser.add_argument("--root", default=REPO, help="the checkout to check (default: this one)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # in order with stderr, in CI's log
    status = self_test() if args.self_test else 0
    root = os.path.abspath(args.root)
    return report(check(root, Archive(root), args.release), args.release) or status


if __name__ == "__main__":
    sys.exit(main())
