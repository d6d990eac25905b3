"""A pasted trending page as blocks of text, told apart by shape: titles, abstracts and the page's own text.

A browser's copy of a trending-papers page holds more than the papers: a header, the site's
navigation, and around each paper a submitter line, an author count, upvotes and link labels. A
paper is a title line followed by its abstract paragraph, nothing else. Every other block is
reported (a warning; an error under --strict) and never becomes a paper, and because a block's
kind comes from its shape, never its position, no stray block shifts the pairing of the papers
after it. Lines known to be page text are split off the blocks they are pasted against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from site_src.catalog.model import Entry
from site_src.errors import Problems, Source
from site_src.markup import clean_text, quoted

BOILERPLATE = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "byak and the research community",
    }
)
"""The page's header, above the date line: skipped without a word (compared case-folded)."""

_COUNT = r"[\d.,]+\s*[km]?"
PAGE_TEXT = re.compile(
    rf"""(?:[·•]\s*)?(?:
        {_COUNT}                                    # upvotes and stars: 42, 1.2k
        | (?:{_COUNT}\s+)?upvotes?
        | (?:submitted|posted)\s+by\s+\S+
        | {_COUNT}\s+(?:authors?|comments?)
        | (?:view\s+)?pdf | arxiv(?:\s+page)? | project\s+page
        | (?:github|gitlab|hugging\s*face)(?:\s+{_COUNT})?
        | [·•|–—-]+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
"""Whole lines that a trending page shows around each paper: never part of a title or an abstract."""

TITLE_MAX_CHARS = 400
SENTENCE_MIN_WORDS = 12
"""A single line ending in a full stop with at least this many words reads as a sentence, not a title."""
ABSTRACT_MIN_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines, joined into one line of text."""

    line: int
    text: str
    line_count: int
    page_text: bool = False
    """Every line is one the page shows around its papers (see PAGE_TEXT)."""

    @property
    def is_title(self) -> bool:
        """A single line of at most 400 characters, with a letter, that does not read as a sentence."""
        if self.page_text or self.line_count != 1 or len(self.text) > TITLE_MAX_CHARS:
            return False
        if not any(character.isalpha() for character in self.text):
            return False
        return not (self.text.endswith(".") and len(self.text.split()) >= SENTENCE_MIN_WORDS)

    @property
    def is_abstract(self) -> bool:
        """Prose: longer than any title, or a few words that end as a sentence does."""
        if self.page_text or self.is_title:
            return False
        if len(self.text) > TITLE_MAX_CHARS:
            return True
        return len(self.text.split()) >= ABSTRACT_MIN_WORDS and _SENTENCE_END.search(self.text) is not None


def blocks(text: str) -> Iterator[Block]:
    """Split text into blocks separated by blank lines (lines of only spaces count as blank), and
    wherever lines of page text meet other lines."""
    start, lines, page_text = 0, list[str](), False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = clean_text(raw)
        is_page_text = bool(line) and PAGE_TEXT.fullmatch(line) is not None
        if lines and (not line or is_page_text != page_text):
            yield Block(start, " ".join(lines), len(lines), page_text)
            lines = []
        if line:
            if not lines:
                start, page_text = number, is_page_text
            lines.append(line)
    if lines:
        yield Block(start, " ".join(lines), len(lines), page_text)


def pair(body: list[Block], source: Source, problems: Problems) -> Iterator[Entry]:
    """Each title with the abstract after it (page text between them left out); a warning for every
    other block."""
    content = []
    for block in body:
        if block.page_text:
            _skipped(block, source, problems)
        else:
            content.append(block)
    index = 0
    while index < len(content):
        block = content[index]
        following = content[index + 1] if index + 1 < len(content) else None
        if block.is_title and following is not None and following.is_abstract:
            yield Entry(title=block.text, abstract=following.text, source=source.at(block.line))
            index += 2
            continue
        _skipped(block, source, problems)
        index += 1


def _skipped(block: Block, source: Source, problems: Problems) -> None:
    """Warn about a block that is not part of a paper, saying what it looks like."""
    at = source.at(block.line)
    if block.is_title:
        problems.warn(
            at,
            f"title {quoted(block.text)} has no abstract",
            "expected a paragraph after the title; add the abstract or delete the title",
        )
    elif block.is_abstract:
        problems.warn(
            at,
            f"paragraph {quoted(block.text)} has no title",
            "expected the paper's title on its own line before its abstract",
        )
    else:
        problems.warn(at, f"skipped page text {quoted(block.text)}", "not part of a paper; delete it")
