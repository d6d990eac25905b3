"""Search, prebuilt: the catalog as lunr index pieces and display-store chunks, a manifest, and /search/.

The browser (templates/static/search-*.js) reads `search/index.json`, the one file at a fixed
address, which names everything else:

- index pieces, `assets/search/<group><n>.<hash>.json`: each a lunr 2.3.9 index (`lunr.Index.load`)
  holding one group of fields (titles and topic names; abstracts) for one range of terms, with the
  weights of the whole index. A query fetches only the pieces its words fall in. From `EPOCH_MIN`
  papers before the newest digest's month, the month's papers are in pieces of their own (groups
  `<group>-month`), weighed by the statistics of the papers before (`SearchFiles`).
- store chunks, `assets/search/papers<n>.<hash>.json`: what a result shows (title, slug, the
  authors, digest dates, topics, and the abstract the snippet is cut from), `CHUNK_PAPERS`
  papers a file in ref order, so results render without fetching pages and a page of results
  fetches a few chunks. The manifest lists their hashes only (2,500 chunks
  at 50,000 papers).
- paper lists, which the filters read: `assets/search/topic-<slug>.<hash>.json` (a topic's
  papers, for `topic:`), `month-<yyyy-mm>.<hash>.json` (the papers a digest of that month listed,
  for `month:` and `year:`) and `has-code.<hash>.json` (papers with code links, for `has:code`),
  each as `runs` of paper numbers; and `arxiv-<yy>.<hash>.json`, each arXiv identifier of a year
  (2406.17245) with its paper's number, for a query that is an identifier.

Refs are papers' numbers in base 36, in the order papers were first listed (oldest digest
first), so a paper keeps its ref as digests are added and the store chunks of older papers keep
their bytes and addresses. The manifest's `order` lists the numbers as ties (and filters alone)
rank them: by each paper's newest listing, the newest day first, then the curator's order.
The store maps refs to slugs. Word positions are kept for phrase queries.

`author:` needs no list: authors are a field of the index (in the titles group), which the browser
asks alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from site_src.build.output import OutputFile
from site_src.build.parallel import collector_paused
from site_src.catalog.model import Catalog, Paper
from site_src.errors import Problems, Source
from site_src.inputs.reader import Package
from site_src.markup import code_label
from site_src.pages.api import dump_json
from site_src.pages.assets import ASSETS_FOLDER, fingerprinted
from site_src.pages.kinds import SearchPage
from site_src.pages.maker import Page
from site_src.pages.urls import SiteUrls, topic_path
from site_src.search.kept import Analysis, EpochPieces
from site_src.search.lunrindex import LUNR_VERSION, Document, Field, build, split, statistics_of

FIELDS = (Field("title", 10), Field("abstract", 1), Field("topics", 3), Field("authors", 3))
"""What is indexed; a word in a title weighs ten times one in an abstract. An author's name weighs
as a topic's: enough to bring their papers to the top, not enough to outrank a paper that has the
word in its title (tests/data/relevance.yaml, kind `author`)."""
GROUPS = {"titles": ("title", "topics", "authors"), "abstracts": ("abstract",)}
"""How the fields are grouped into pieces: titles, topic names and authors (small, fetched first),
and abstracts."""
HAS: dict[str, Callable[[Paper], bool]] = {"code": lambda paper: "Code" in map(code_label, paper.meta.code)}
"""What `has:` knows, and which papers have it."""
PIECE_POSTINGS = 16_000
"""A piece holds at most about this many postings: about 120 KB gzip with word positions."""
MONTH_PIECE_POSTINGS = 4_000
"""A piece of the month's papers holds at most about this many: a query asks a piece of the month
for each of the epoch's, which small ones keep cheap (at 10k papers, the most fetched before the
first result went from 1.3 to 2.3 MB gzip with pieces of 16,000)."""
CHUNK_PAPERS = 20
"""Papers per store chunk: about 10 KB gzip."""
MANIFEST = "search/index.json"
VERSION = 5
"""The manifest's format, for the browser code that reads it (2: paper lists as runs of numbers,
months and has:; 3: `first`, the number of groups of titles, which the epoch's and the month's
pieces make two; 4: `arxiv`, the identifiers' files; 5: `order`, the numbers as ties rank them)."""
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def ref_of(number: int) -> str:
    """A paper's ref: its number in base 36."""
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if number == 0:
            return digits


def search_order(catalog: Catalog) -> list[Paper]:
    """The papers numbered for search: by the digest that first listed them (oldest first), then
    the curator's order in it, then slug. A new digest's papers take the next numbers."""
    return sorted(catalog.papers.values(), key=lambda p: (p.first_seen.toordinal(), p.appearances[0].position, p.slug))


def authors_text(paper: Paper) -> str:
    """A paper's authors as one text to index: the names joined by "and", a stop word, which is not
    indexed but takes a word's place, so that no phrase spans two names ("hinton yann")."""
    return " and ".join(paper.meta.authors)


def documents(catalog: Catalog, papers: Sequence[Paper], start: int = 0) -> list[Document]:
    """What is indexed of each paper (numbered from `start`), added in the order of their refs as
    strings (lunr's JSON lists postings in that order, so the builder never has to sort them)."""
    docs = []
    for number, paper in enumerate(papers, start):
        topics = " ".join(catalog.topic(s).name for s in paper.topic_slugs)
        docs.append(Document(ref_of(number), (paper.title, paper.abstract, topics, authors_text(paper))))
    return sorted(docs, key=lambda d: d.ref)


def _arxiv_ids(papers: Sequence[Paper]) -> dict[str, dict[str, int]]:
    """Each paper's arXiv identifier (2406.17245, without a version) and number, by the identifier's
    first two digits, its year: a query with an identifier fetches that year's file only. Old-style
    identifiers (hep-th/9901001) are left out: the browser does not read them as identifiers."""
    by_year: dict[str, dict[str, int]] = {}
    for number, paper in enumerate(papers):
        arxiv = paper.meta.arxiv  # canonical: new-style, or old-style with its archive and a slash
        if arxiv and "/" not in arxiv:
            by_year.setdefault(arxiv[:2], {})[arxiv] = number
    return by_year


def tie_order(papers: Sequence[Paper]) -> list[int | list[int]]:
    """The paper numbers (`runs`) in the order filters alone list them, and ties among equal scores:
    by each paper's newest listing, the newest day first, then the curator's order that day, as the
    digest pages list them (by first listing, a paper listed again came after every paper first
    listed on its newest day)."""
    newest = [max(paper.appearances, key=lambda a: a.date) for paper in papers]
    return runs(sorted(range(len(papers)), key=lambda n: (-newest[n].date.toordinal(), newest[n].position, n)))


def runs(numbers: Iterable[int]) -> list[int | list[int]]:
    """Paper numbers, written short: a number alone, or [first, last] for consecutive ascending ones
    (papers first listed together are numbered together, so a month is mostly one run)."""
    written: list[int | list[int]] = []
    start = end = -2
    for number in numbers:
        if number != end + 1:
            if end >= 0:
                written.append(start if start == end else [start, end])
            start = number
        end = number
    if end >= 0:
        written.append(start if start == end else [start, end])
    return written


def _asset(name: str, data: bytes, urls: SiteUrls) -> tuple[OutputFile, str]:
    """A fingerprinted search file and its link."""
    asset = fingerprinted(name, data)
    return OutputFile(asset.path, data), urls.link(asset.path)


def _store_chunk(catalog: Catalog, papers: Sequence[Paper]) -> bytes:
    """What results show of each paper, in ref order."""
    return dump_json([_record(p) for p in papers])


def store_chunk_key(number: int, papers: Sequence[Paper]) -> str:
    """What a store chunk is made from: its number and everything `_record` reads of its papers (the
    title and abstract as their `text_hash`)."""
    records = (
        f"{p.slug}\0{p.text_hash}\0{[a.date.toordinal() for a in p.appearances]}\0{p.topic_slugs}\0{p.meta.authors}"
        for p in papers
    )
    return hashlib.blake2b(
        "\n".join([str(number), *records]).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def _record(paper: Paper) -> dict[str, Any]:
    """What a result shows of one paper (keys left out when empty, to keep the store small). Every
    author: a result shows the first three, and any other the query found (search-results.js
    `byline`)."""
    record: dict[str, Any] = {
        "abstract": paper.abstract,
        "dates": [a.date.isoformat() for a in reversed(paper.appearances)],
        "slug": paper.slug,
        "title": paper.title,
        "topics": list(paper.topic_slugs),
    }
    if paper.meta.authors:
        record["authors"] = list(paper.meta.authors)
    return record


class SearchFiles:
    """The index pieces, the store chunks, the paper lists and the manifest, one file at a time: at
    50,000 papers they hold 350 MB, which are written as they come rather than kept.

    Given an `epoch`, the index is in two parts weighed alike, by the epoch's statistics: the
    epoch's papers (the lowest numbers), and the month's papers in pieces of their own (groups
    named `-month`). A digest of the same month then leaves the epoch's pieces as they were: given
    them (`kept`), their files are neither made nor listed here, only named in the manifest.
    Without an epoch, or with no paper after it, one index. The month's papers' words are read
    from `analysed` where it has them (`lunrindex.build`), and are then `month_words`."""

    def __init__(
        self,
        catalog: Catalog,
        urls: SiteUrls,
        epoch: Collection[str] | None = None,
        kept: EpochPieces | None = None,
        analysed: Mapping[str, Analysis] | None = None,
        chunks: Mapping[str, str] | None = None,
    ) -> None:
        self.catalog, self.urls = catalog, urls
        self.chunks = chunks or {}
        """The store chunks of the last build still as it wrote them: their paths, by `store_chunk_key`."""
        self.kept_chunks: list[str] = []
        """The paths of those this build keeps, once the files are made: they are not among the files."""
        self.chunk_paths: dict[str, str] = {}
        """Every store chunk's path, by key, once the files are made (for the next build's `chunks`)."""
        self.papers = search_order(catalog)
        self.split_at = len(epoch) if epoch is not None and len(epoch) < len(self.papers) else 0
        """How many papers the epoch's pieces hold (0: one index of every paper)."""
        if epoch is not None and any(paper.slug not in epoch for paper in self.papers[: self.split_at]):
            raise ValueError("the epoch's papers must be the first in search order")
        self.epoch_pieces: EpochPieces | None = kept if self.split_at else None
        """The epoch's pieces, once the files are made (None without an epoch)."""
        self.analysed = analysed or {}
        """The month's papers' words, as the last build found them (`lunrindex.build`)."""
        self.month_words: dict[str, Analysis] | None = None
        """The month's papers' words, once the files are made (None for one index of every paper)."""

    def __iter__(self) -> Iterator[OutputFile]:
        papers, split_at = self.papers, self.split_at
        suffixes = ["", "-month"] if split_at else [""]
        groups: dict[str, dict[str, Any]] = {
            name + suffix: {"fields": list(fields), "name": name + suffix, "pieces": []}
            for name, fields in GROUPS.items()
            for suffix in suffixes
        }
        with collector_paused():
            statistics = None
            if split_at:
                if self.epoch_pieces is None:
                    yield from self._epoch_files(papers[:split_at])
                assert self.epoch_pieces is not None
                statistics = self.epoch_pieces.statistics
                for group, first, path in self.epoch_pieces.pieces:
                    groups[group]["pieces"].append({"first": first, "url": self.urls.link(path)})
            epoch_terms = statistics.frequency.keys() if statistics else ()  # compounds the epoch writes joined
            analysed = self.analysed if split_at else None
            index = build(documents(self.catalog, papers[split_at:], split_at), FIELDS, True, epoch_terms, analysed)
            self.month_words = index.analyses if split_at else None
            for piece in split(index, GROUPS, MONTH_PIECE_POSTINGS if split_at else PIECE_POSTINGS, statistics):
                name = f"{piece.group}{suffixes[-1]}"
                file, link = _asset(f"search/{name}{piece.number}.json", piece.data, self.urls)
                yield file
                groups[name]["pieces"].append({"first": piece.first, "url": link})
            del index
        yield from self._store_and_lists(list(groups.values()), first=len(suffixes))

    def _epoch_files(self, papers: Sequence[Paper]) -> Iterator[OutputFile]:
        """The epoch's pieces, weighed by its own statistics (`epoch_pieces` then holds them)."""
        index = build(documents(self.catalog, papers), FIELDS, positions=True)
        made = []
        for piece in split(index, GROUPS, PIECE_POSTINGS):
            file, _ = _asset(f"search/{piece.group}{piece.number}.json", piece.data, self.urls)
            yield file
            made.append((piece.group, piece.first, file.path))
        self.epoch_pieces = EpochPieces(statistics_of(index), tuple(made))

    def _store_and_lists(self, groups: list[dict[str, Any]], first: int) -> Iterator[OutputFile]:
        """The store chunks, the paper lists and the manifest naming every file (the first `first`
        groups hold the titles, which the browser asks first)."""
        catalog, urls, papers = self.catalog, self.urls, self.papers
        hashes = []  # the chunks' addresses differ only in number and hash: the manifest lists hashes
        for number, start in enumerate(range(0, len(papers), CHUNK_PAPERS)):
            listed = papers[start : start + CHUNK_PAPERS]
            key = store_chunk_key(number, listed)
            path = self.chunks.get(key)
            if path is None:  # made; else kept: a new digest leaves all but the last few as they were
                chunk = fingerprinted(f"search/papers{number}.json", _store_chunk(catalog, listed))
                yield OutputFile(chunk.path, chunk.data)
                path = chunk.path
            else:
                self.kept_chunks.append(path)
            self.chunk_paths[key] = path
            hashes.append(path.rsplit(".", 2)[1])
        members: dict[str, list[int]] = {t.slug: [] for t in catalog.topics}
        months: dict[str, list[int]] = {}
        having: dict[str, list[int]] = {name: [] for name in HAS}
        for number, paper in enumerate(papers):
            for slug in paper.topic_slugs:
                members[slug].append(number)
            for month in sorted({a.date.isoformat()[:7] for a in paper.appearances}):
                months.setdefault(month, []).append(number)
            for name, has in HAS.items():
                if has(paper):
                    having[name].append(number)
        topics = []
        for topic in catalog.topics:
            file, link = _asset(f"search/topic-{topic.slug}.json", dump_json(runs(members[topic.slug])), urls)
            yield file
            topics.append(
                {"members": link, "name": topic.name, "slug": topic.slug, "url": urls.link(topic_path(topic.slug))}
            )
        month_lists = []
        for month in sorted(months):
            file, link = _asset(f"search/month-{month}.json", dump_json(runs(months[month])), urls)
            yield file
            month_lists.append({"members": link, "month": month})
        arxiv_lists = []
        for year, ids in sorted(_arxiv_ids(papers).items()):
            file, link = _asset(f"search/arxiv-{year}.json", dump_json(ids), urls)
            yield file
            arxiv_lists.append({"members": link, "year": year})
        has_lists = []
        for name in HAS:
            file, link = _asset(f"search/has-{name}.json", dump_json(runs(having[name])), urls)
            yield file
            has_lists.append({"members": link, "name": name})
        manifest = {
            "version": VERSION,
            "count": len(papers),
            "order": tie_order(papers),
            "chunk": CHUNK_PAPERS,
            "groups": groups,
            "first": first,
            "store": {"url": urls.link(f"{ASSETS_FOLDER}search/papers{{n}}.{{hash}}.json"), "hashes": hashes},
            "papers": urls.link("papers/"),
            "topics": topics,
            "months": month_lists,
            "has": has_lists,
            "arxiv": arxiv_lists,
        }
        yield OutputFile(MANIFEST, dump_json(manifest))


def keepable(pieces: EpochPieces, files: Collection[str]) -> bool:
    """Whether remembered epoch pieces can stand for the epoch's part of the index: one per field,
    each group's pieces in order of their first terms under this code's names, every file among
    `files` (the last build's, unchanged) and none twice. The memo is data anyone could have edited:
    anything else makes the pieces again."""
    paths = [path for _, _, path in pieces.pieces]
    if len(pieces.statistics.averages) != len(FIELDS) or len(set(paths)) != len(paths):
        return False
    for group in GROUPS:
        mine = [(first, path) for name, first, path in pieces.pieces if name == group]
        named = all(
            path.startswith(f"{ASSETS_FOLDER}search/{group}{number}.") and path in files
            for number, (_, path) in enumerate(mine)
        )
        if not mine or not named or [first for first, _ in mine] != sorted(first for first, _ in mine):
            return False
    return all(name in GROUPS for name, _, _ in pieces.pieces)


def lunr_asset(lunr: Package, problems: Problems) -> dict[str, bytes]:
    """lunr.js as a static asset, its licence kept in a comment at its top."""
    if lunr.version != LUNR_VERSION:
        problems.error(
            Source("package.json"),
            f"lunr {lunr.version} is installed, the search index is for lunr {LUNR_VERSION}",
            "reinstall the npm packages: npm ci",
        )
    return {"lunr.js": b"/*!\n" + lunr.licence.replace(b"*/", b"* /") + b"*/\n" + lunr.script}


def search_page(urls: SiteUrls) -> Page:
    """/search/: results for `?q=`, shown by the browser code (it needs JavaScript, and says so).

    Not in the sitemap: a search page has nothing of its own for search engines to index."""
    return Page("search/", SearchPage(title="Search", url=urls.link("search/")), sitemap=False)
