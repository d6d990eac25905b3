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
from that file while the output still holds it as the last build wrote it (its hash checked).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
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


@dataclass
class KeptTexts:
    """The entries of this build's papers that the last build made from the same records."""

    bibtex: dict[str, str]
    json: dict[str, memoryview]
    """Views into the last papers.json (90 MB at 50k papers): given up by `take_json`."""

    def take_json(self) -> dict[str, memoryview]:
        """The kept JSON entries, given up here, so that the last papers.json is freed once the new one
        is made rather than held on through the page workers."""
        taken, self.json = self.json, {}
        return taken


def kept_texts(
    last: PaperTexts | None, now: PageDeps, context: str, read_json: Callable[[], bytes | None]
) -> KeptTexts:
    """The entries `last` holds for papers whose record is the same now. JSON entries only when the
    last papers.json (`read_json`, read only if an entry can be kept) is the file `last`
    describes, by its hash, and each entry is where `last` puts it: the memo is data anyone could
    have edited, and a length moved would have cut the new file's entries in the wrong places."""
    if last is None or last.context != context:
        return KeptTexts({}, {})
    same = [slug for slug, record in last.records.items() if now.papers.get(slug) == record]
    bibtex = {slug: last.bibtex[slug] for slug in same}
    papers_json = read_json() if same else None
    if papers_json is None or hashlib.sha256(papers_json).hexdigest() != last.json_sha:
        return KeptTexts(bibtex, {})
    places = _entry_places(papers_json, last)
    if places is None:
        return KeptTexts(bibtex, {})
    view = memoryview(papers_json)
    return KeptTexts(bibtex, {slug: view[slice(*places[slug])] for slug in same})


def _entry_places(papers_json: bytes, last: PaperTexts) -> dict[str, tuple[int, int]] | None:
    """Where each paper's entry is in papers.json by the lengths `last` gives, or None if one is not
    a whole entry of that paper: between `[` or `,` and `,` or `]`, an object naming its slug."""
    if len(papers_json) != _array_length(last.json_lengths):
        return None
    places, start = {}, 1
    for slug, length in zip(last.records, last.json_lengths, strict=True):
        end = start + length
        whole = papers_json[start - 1] in _BEFORE and papers_json[end] in _AFTER
        if not whole or papers_json[start] != ord("{") or papers_json[end - 1] != ord("}"):
            return None
        if papers_json.find(b'"slug":"%s"' % slug.encode(), start, end) == -1:
            return None
        places[slug] = (start, end)
        start = end + 1
    return places


def noting_lengths(entries: Iterable[bytes | memoryview], lengths: list[int]) -> Iterator[bytes | memoryview]:
    """The entries, each one's length added to `lengths` as it passes (for the next build's `PaperTexts`)."""
    for entry in entries:
        lengths.append(len(entry))
        yield entry


def _array_length(lengths: tuple[int, ...]) -> int:
    """The length of a JSON array of entries of these lengths, written compactly."""
    return sum(lengths) + max(len(lengths) - 1, 0) + 2
