"""Each paper's entry in /api/papers.json and its BibTeX entry, kept from the last build when the
paper's `page_deps` record is the one they were made from.

A paper's record covers everything its page is made from, which includes everything these two
entries show of it (its identity, its listings with the digest files giving them, its note, its
metadata, its topics, its citation key); the site's address and title, which they show too, are
their `context`. At 10k papers, making all 10,000 of each again took the main process about half a
CPU second of a day's build that adds 60 papers, while the page workers waited on it.

The BibTeX entries are remembered (a few hundred bytes each). The JSON entries are not (1.8 KB each,
90 MB at 50k papers, which the memos would hold in memory through the build): the memo names the
papers.json it describes by its hash and gives each entry's length, and the entries are read back
from that file while the output still holds it as the last build wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from site_src.build.page_deps import PageDeps

PAPER_TEXTS_MEMO = "papertexts"
"""The memo namespace of the last build's `PaperTexts` (key "last")."""


@dataclass(frozen=True)
class PaperTexts:
    """The papers' entries in papers.json and their BibTeX, as one build made them."""

    context: str
    """The site's address and title, which the entries show."""
    records: dict[str, str]
    """The `PageDeps` record each paper's entries were made from, by slug, in papers.json's order."""
    bibtex: dict[str, str]
    """Each paper's BibTeX entry, by slug."""
    json_sha: str
    """papers.json's sha256 (as the cache's file records give it)."""
    json_lengths: tuple[int, ...]
    """The length in bytes of each paper's entry in papers.json, in its order."""


_BEFORE, _AFTER = frozenset(b"[,"), frozenset(b",]")
"""What may stand before and after an entry of the array."""


@dataclass(frozen=True)
class KeptTexts:
    """The entries of this build's papers that the last build made from the same records."""

    bibtex: dict[str, str]
    json: dict[str, memoryview]
    """Views into the last papers.json (90 MB at 50k papers): given up by `take_json`."""

    def take_json(self) -> dict[str, memoryview]:
        """The kept JSON entries, given up here, so that the last papers.json is freed once the new one
        is made rather than held on through the page workers."""
        taken = dict(self.json)
        self.json.clear()
        return taken


def kept_texts(last: PaperTexts | None, now: PageDeps, context: str, papers_json: bytes | None) -> KeptTexts:
    """The entries `last` holds for papers whose record is the same now; JSON entries only when
    `papers_json` is the file `last` describes (read from the output, whose file records say it
    is as the last build wrote it: its length is checked here, its bytes are not hashed again)."""
    if last is None or last.context != context:
        return KeptTexts({}, {})
    same = [slug for slug, record in last.records.items() if now.papers.get(slug) == record]
    bibtex = {slug: last.bibtex[slug] for slug in same}
    lengths = last.json_lengths
    if papers_json is None or len(papers_json) != array_length(lengths):
        return KeptTexts(bibtex, {})
    places, start = {}, 1
    for slug, length in zip(last.records, lengths, strict=True):
        if papers_json[start - 1] not in _BEFORE or papers_json[start + length] not in _AFTER:
            return KeptTexts(bibtex, {})  # not the entries of the array the memo describes
        places[slug] = (start, start + length)
        start += length + 1
    view = memoryview(papers_json)
    return KeptTexts(bibtex, {slug: view[slice(*places[slug])] for slug in same})


def noting_lengths(entries: Iterable[bytes | memoryview], lengths: list[int]) -> Iterator[bytes | memoryview]:
    """The entries, each one's length added to `lengths` as it passes (for the next build's `PaperTexts`)."""
    for entry in entries:
        lengths.append(len(entry))
        yield entry


def array_length(lengths: tuple[int, ...]) -> int:
    """The length of a JSON array of entries of these lengths, written compactly."""
    return sum(lengths) + max(len(lengths) - 1, 0) + 2
