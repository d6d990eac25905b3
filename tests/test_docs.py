"""The README and docs/ kept honest, as datasette tests its documentation.

- Every relative link leads to a file that exists, and every `#anchor` to a heading of that file
  (GitHub's slugs); every repository path named in inline code (`site_src/...`, `tests/...`, ...)
  exists, so a moved module cannot leave the docs behind.
- Every `python build.py COMMAND --flag` and `make TARGET` in code (fenced blocks and inline code)
  names a real subcommand and flag of `site_src.cli.make_parser()` and a real Makefile target;
  the README shows `make serve` and `make test` in a code block (`.ci/run` and a hook rely on it).
- Every ```yaml or ```markdown block is marked by an HTML comment on the line before it:
  `<!-- example: content/... -->` says which file the example is, and the real parser for that file
  must accept it without a single problem; `<!-- fragment -->` marks a piece of a file, which is
  not checked. An unmarked block fails, so no example goes unchecked by accident.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_src.cli import make_parser
from site_src.errors import Problems, Source
from site_src.inputs.digest import parse_digest
from site_src.inputs.hand_pages import parse_page
from site_src.inputs.notes import parse_note
from site_src.inputs.reader import TextFile, read_text
from site_src.inputs.settings import ROOT
from site_src.inputs.taxonomy import parse_taxonomy

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PAGE_IDS = [page.relative_to(ROOT).as_posix() for page in PAGES]

_FENCE = re.compile(r"^(?P<fence>```+|~~~+)(?P<lang>[\w+-]*)")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(?P<code>(?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
"""A code span: it may run over a line break within a paragraph, never over a blank line."""
_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_MARKER = re.compile(r"^<!--\s*(?:example:\s*(?P<path>\S+)|(?P<fragment>fragment))\s*-->$")
_BUILD_PY = re.compile(r"\bpython3?\s+build\.py\b(?P<args>[^\n#;|&`]*)")
"""`python build.py …`, with any python (`.venv/bin/python`); inline code may also start `build.py …`."""
_MAKE = re.compile(r"(?:(?<=\s)|^)make\s+(?P<args>[^\n#;|&`]*)")
_REPO_PATH = re.compile(r"(?:site_src|tests|templates|bench|docs)/[^\s<>…]*")
GENERATED = ("bench/out/",)
"""Paths the docs name that only exist once a command has run (`make bench` writes bench/out/)."""


@dataclass(frozen=True)
class Block:
    """A fenced code block: where it starts, its language, its text, and the comment before it."""

    line: int
    lang: str
    text: str
    marker: str


@dataclass(frozen=True)
class Page:
    """A Markdown page split into fenced blocks and prose (the blocks blanked, lines kept)."""

    path: Path
    blocks: tuple[Block, ...]
    prose: str

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    def line_of(self, offset: int) -> int:
        return self.prose.count("\n", 0, offset) + 1

    def inline_code(self) -> Iterator[tuple[int, str]]:
        """(line, text) of every inline code span outside fenced blocks."""
        for match in _INLINE_CODE.finditer(self.prose):
            yield self.line_of(match.start()), " ".join(match["code"].split())

    def prose_without_code(self) -> str:
        """The prose with its code spans blanked (line breaks kept)."""
        return _INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), self.prose)

    def code(self) -> Iterator[tuple[int, str]]:
        """(line, text) of every piece of code: fenced blocks line by line, then inline spans.

        An inline span that starts with `build.py` gets its `python` back; a line of a block
        does not (in the layout of the repository, `build.py` names the file)."""
        for block in self.blocks:
            for offset, line in enumerate(block.text.split("\n"), start=1):
                yield block.line + offset, line.strip()
        for number, code in self.inline_code():
            yield number, f"python {code}" if code.startswith("build.py") else code


def read_page(path: Path) -> Page:
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    prose: list[str] = []
    fence, start, lang, body = "", 0, "", list[str]()
    for number, line in enumerate(lines, start=1):
        opening = _FENCE.match(line.strip())
        if not fence and opening:
            fence, start, lang, body = opening["fence"], number, opening["lang"], []
            prose.append("")
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            before = next((p.strip() for p in reversed(lines[: start - 1]) if p.strip()), "")
            blocks.append(Block(start, lang, "\n".join(body), before))
            fence = ""
            prose.append("")
        elif fence:
            body.append(line)
            prose.append("")
        else:
            prose.append(line)
    assert not fence, f"{path}:{start}: code block never closed"
    return Page(path, tuple(blocks), "\n".join(prose))


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = text.replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(page: Page) -> set[str]:
    """Every heading's anchor; repeated headings get -1, -2, … as on GitHub."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for line in page.prose.split("\n"):
        match = _HEADING.match(line)
        if match:
            slug = github_slug(match["text"])
            count = counts.get(slug, 0)
            counts[slug] = count + 1
            found.add(f"{slug}-{count}" if count else slug)
    return found


def links(page: Page) -> Iterator[tuple[int, str]]:
    """(line, target) of every Markdown link in the prose, inline code left out."""
    for match in _LINK.finditer(page.prose_without_code()):
        yield page.line_of(match.start()), match["target"]


def link_problems(page: Page) -> list[str]:
    problems = []
    for number, target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …: not ours to check
            continue
        where = f"{page.name}:{number}: {target}"
        file_part, _, anchor = target.partition("#")
        linked = (page.path.parent / file_part).resolve() if file_part else page.path
        if not linked.exists():
            problems.append(f"{where}: no such file")
        elif anchor:
            if linked.suffix != ".md":
                problems.append(f"{where}: an anchor into a file that is not Markdown")
            elif anchor not in anchors(read_page(linked)):
                problems.append(f"{where}: no heading with the anchor #{anchor}")
    return problems


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_relative_links_lead_to_files_and_headings_that_exist(path: Path) -> None:
    assert link_problems(read_page(path)) == []


def path_problems(page: Page) -> list[str]:
    problems = []
    for number, code in page.inline_code():
        match = _REPO_PATH.fullmatch(code)
        if not match or code.startswith(GENERATED):
            continue
        found = list(ROOT.glob(code.rstrip("/"))) if "*" in code else [ROOT / code]
        if not any(p.exists() for p in found):
            problems.append(f"{page.name}:{number}: {code} does not exist")
    return problems


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_repository_paths_in_inline_code_exist(path: Path) -> None:
    assert path_problems(read_page(path)) == []


def _subcommands() -> dict[str, set[str]]:
    """Each subcommand of build.py with its option strings, from the real parser."""
    parser = make_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: set(sub._option_string_actions) for name, sub in commands.choices.items()}


def _make_targets() -> set[str]:
    """The targets the Makefile defines (rules, not variables or special targets such as .PHONY)."""
    targets = set()
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([^\s#:=$][^:=]*):(?!=)", line)
        if match:
            targets.update(t for t in match[1].split() if not t.startswith(".") and "$" not in t)
    return targets


def command_problems(page: Page, subcommands: dict[str, set[str]], targets: set[str]) -> list[str]:
    problems = []
    for number, code in page.code():
        for match in _BUILD_PY.finditer(code):
            words = [w.strip("[]") for w in match["args"].split()]
            words = [w for w in words if w]
            command = "build" if not words or words[0].startswith("-") else words.pop(0)
            where = f"{page.name}:{number}: {match.group(0).strip()}"
            if command not in subcommands:
                problems.append(f"{where}: build.py has no command {command!r}")
                continue
            for word in words:
                flag = word.split("=")[0]
                if flag.startswith("-") and flag not in subcommands[command]:
                    problems.append(f"{where}: build.py {command} has no option {flag}")
        for match in _MAKE.finditer(code):
            for word in match["args"].split():
                if word.startswith("-") or "=" in word:
                    continue
                if not re.fullmatch(r"[\w.-]+", word):
                    break
                if word not in targets:
                    problems.append(f"{page.name}:{number}: make {word}: the Makefile has no such target")
    return problems


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_commands_shown_exist(path: Path) -> None:
    assert command_problems(read_page(path), _subcommands(), _make_targets()) == []


def test_the_command_checks_know_the_real_commands() -> None:
    """The sources the command checks compare against are what the README relies on."""
    subcommands = _subcommands()
    assert {"build", "check", "serve", "add", "topics"} <= set(subcommands)
    assert {"--content", "--strict"} <= subcommands["build"]
    assert {"serve", "test"} <= _make_targets()


def test_the_readme_gives_the_two_commands_in_a_code_block() -> None:
    """`.ci/run` runs `make test` and a hook greps the README for both commands."""
    blocks = "\n".join(b.text for b in read_page(ROOT / "README.md").blocks)
    assert re.search(r"^make serve\b", blocks, re.MULTILINE)
    assert re.search(r"^make test\b", blocks, re.MULTILINE)


def _shipped_topic_slugs() -> set[str]:
    problems = Problems()
    file = read_text(ROOT / "content" / "topics.yaml", problems)
    assert file is not None
    topics = parse_taxonomy(file, problems)
    assert not problems.items and topics
    return {topic.slug for topic in topics}


def check_example(path: str, text: str) -> list[str]:
    """The problems the real parser finds in an example that claims to be the file `path`."""
    problems = Problems()
    file = TextFile(Source(path), text if text.endswith("\n") else text + "\n")
    parsed: object
    if re.fullmatch(r"content/digests/[^/]+\.(txt|ya?ml)", path):
        # No fallback year: an example must carry its own date (file name or date:).
        parsed = parse_digest(file, None, _shipped_topic_slugs(), problems)
    elif re.fullmatch(r"content/notes/[^/]+\.md", path):
        parsed = parse_note(file, _shipped_topic_slugs(), problems)
    elif re.fullmatch(r"content/pages/[^/]+\.md", path):
        parsed = parse_page(file, problems)
    elif path == "content/topics.yaml":
        parsed = parse_taxonomy(file, problems) or None
    else:
        return [f"no parser is known for {path}"]
    found = [str(p) for p in problems]
    if parsed is None and not found:
        found.append(f"{path}: parsed to nothing")
    return found


def examples() -> Iterator[tuple[Page, Block]]:
    for path in PAGES:
        page = read_page(path)
        for block in page.blocks:
            if block.lang in ("yaml", "yml", "markdown", "md"):
                yield page, block


def test_every_yaml_and_markdown_block_is_marked_as_an_example_or_a_fragment() -> None:
    unmarked = [f"{page.name}:{block.line}" for page, block in examples() if not _MARKER.match(block.marker)]
    assert unmarked == [], "put <!-- example: content/... --> or <!-- fragment --> on the line before"


def test_content_md_shows_a_digest_a_note_and_a_topics_file() -> None:
    """So that the example check below can never pass by checking nothing."""
    page = read_page(ROOT / "docs" / "content.md")
    paths = [m["path"] for b in page.blocks if (m := _MARKER.match(b.marker)) and m["path"]]
    assert any(p.startswith("content/digests/") for p in paths)
    assert any(p.startswith("content/notes/") for p in paths)
    assert "content/topics.yaml" in paths


@pytest.mark.parametrize(
    "block",  # not "page": pytest-playwright owns that fixture name
    [
        pytest.param(block, id=f"{page.name}:{block.line}")
        for page, block in examples()
        if (m := _MARKER.match(block.marker)) and m["path"]
    ],
)
def test_examples_are_accepted_by_the_real_parsers(block: Block) -> None:
    marker = _MARKER.match(block.marker)
    assert marker is not None
    assert check_example(marker["path"], block.text) == []
