"""The site's data, as frozen dataclasses and named tuples (the records made by the thousand): no
I/O, no HTML, nothing that depends on a template."""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from site_src.errors import Source
from site_src.markup import IGNORABLE, code_links

_NOT_WORD = re.compile(r"[\W_]+")


MAX_TOPICS = 3
"""A paper has one to this many topics."""


def text_hash(title: str, abstract: str) -> str:
    """A hash of a paper's title and abstract: the key of what is made from them alone (its topics,
    its related papers' vector; part of the search files' and feeds' keys). Hashed once, when its
    digest is parsed, rather than by each of those at every build: at 10k papers, 12 MB of text
    each time, 0.05 s."""
    return hashlib.sha256(f"{title}\0{abstract}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def known(item: Entry | Paper, **values: object) -> None:
    """Give an entry or paper the values of its cached properties known already (remembered with its
    digest, or its newest listing's), so that they are not computed again."""
    item.__dict__.update(values)


@functools.lru_cache(maxsize=1 << 17)
def identity(title: str) -> str:
    """What makes two titles the same paper: NFKC, case-folded, punctuation and spaces collapsed,
    characters drawn as nothing left out (remembered: the preview merges the same titles at every save)."""
    folded = IGNORABLE.sub("", unicodedata.normalize("NFKC", title)).casefold()
    return _NOT_WORD.sub(" ", folded).strip() or folded.strip()


def add_arxiv_titles(by_title: dict[str, str], entries: Iterable[Entry]) -> None:
    """Each normalised title of `entries` listed with an arXiv identifier, with the first identifier
    it was listed with, added to `by_title` (where not there already)."""
    for entry in entries:
        if entry.meta.arxiv:
            by_title.setdefault(entry.identity, entry.meta.arxiv)


def paper_keys(by_title: Mapping[str, str]) -> Callable[[Entry], str]:
    """Each entry's paper: by arXiv identifier where any listing gives one (so a retitled or
    mistyped listing of the same paper is still the same paper, and a listing without an
    identifier joins one with it under the same title: `by_title`, from `add_arxiv_titles`), else
    by normalised title."""

    def key(entry: Entry) -> str:
        arxiv = entry.meta.arxiv or by_title.get(entry.identity)
        return f"arxiv:{arxiv}" if arxiv else f"title:{entry.identity}"

    return key


def with_repeats(entries: Sequence[Entry]) -> Iterator[tuple[Entry, Entry | None]]:
    """Each of one day's entries with the earlier entry of the same paper, if it repeats one: papers
    told apart by the catalog's rule (`paper_keys`), from these entries' own arXiv identifiers, so
    that two papers that share a title but not an identifier both stay. (The catalog also knows
    other days' identifiers: a title given one only on another day is not matched here.)"""
    by_title: dict[str, str] = {}
    add_arxiv_titles(by_title, entries)
    paper_key, first = paper_keys(by_title), dict[str, Entry]()
    for entry in entries:
        key = paper_key(entry)
        yield entry, first.get(key)
        first.setdefault(key, entry)


OLD_ARXIV_FIRST_YY = 91
"""Old-style arXiv identifiers (hep-th/9901001) began in 1991 and ended in March 2007: a YY from 91
is 19YY, a smaller one 20YY; new-style ones (0704.0001 on) are all 20YY."""


@dataclass(frozen=True)
class Metadata:
    """What identifies and describes a paper beyond its title and abstract; "" or () when unknown."""

    arxiv: str = ""
    """The arXiv identifier without version, e.g. 2306.12345 or hep-th/9901001: the paper's identity."""
    arxiv_version: str = ""
    """The version the curator named, e.g. v2 (not part of the identity)."""
    authors: tuple[str, ...] = ()
    """Names in order."""
    published: str = ""
    """When the first version appeared: an ISO date, or a bare year."""
    url: str = ""
    """A page for the paper."""
    code: tuple[str, ...] = ()
    """Links to the paper's code."""
    project: str = ""
    """The paper's project page."""

    @property
    def year(self) -> str:
        """The year to cite: the one `published` gives, else the one the arXiv identifier's YYMM gives
        (2206.01234 and hep-th/9901001 say when the first version appeared), else "" (a citation
        without a year was keyed `smithcoda` and sorted last by reference managers)."""
        if self.published or not self.arxiv:
            return self.published[:4]
        yy = int(self.arxiv.rpartition("/")[2][:2])
        return f"{19 if yy >= OLD_ARXIV_FIRST_YY else 20}{yy:02d}"

    @property
    def cited_date(self) -> str:
        """The date citations give: `published`, else the year the arXiv identifier gives, else ""."""
        return self.published or self.year

    def over(self, older: Metadata) -> Metadata:
        """These values where known, else the older ones."""
        return Metadata(
            arxiv=self.arxiv or older.arxiv,
            arxiv_version=self.arxiv_version if self.arxiv else older.arxiv_version,
            authors=self.authors or older.authors,
            published=self.published or older.published,
            url=self.url or older.url,
            code=self.code or older.code,
            project=self.project or older.project,
        )


NO_METADATA = Metadata()
"""A paper's metadata when nothing is known: one record, shared (it is frozen)."""


@dataclass(frozen=True)
class Entry:
    """One paper as one digest lists it."""

    title: str
    abstract: str
    source: Source
    """Where the entry's title is."""
    meta: Metadata = Metadata()
    """Identifiers, authors and links, from a YAML digest."""
    note: str = ""
    """The curator's remark (Markdown), from a YAML digest."""
    topics: tuple[str, ...] = ()
    """Topic slugs chosen by the curator; empty means assign automatically."""

    @cached_property
    def text_hash(self) -> str:
        """`text_hash` of the title and abstract: remembered with the parsed digest (`build.memos`),
        so that a build hashes only the texts of the digests it parses."""
        return text_hash(self.title, self.abstract)

    @cached_property
    def identity(self) -> str:
        """The title's `identity`: remembered with the parsed digest, as `text_hash` is (normalising
        every title took a day's build at 10k papers 0.03 s)."""
        return identity(self.title)

    @cached_property
    def abstract_code(self) -> tuple[str, ...]:
        """The code links the abstract gives (`markup.code_links`): remembered with the parsed digest,
        as `text_hash` is (looking for them in every abstract took a day's build at 10k papers 0.07 s)."""
        return code_links(self.abstract)


@dataclass(frozen=True)
class DigestFile:
    """One parsed digest file: a date and the papers of that day, in the curator's order."""

    date: datetime.date
    entries: tuple[Entry, ...]
    source: Source
    title: str = ""
    note: str = ""
    date_line: int = 0
    """The line that gives the date (0 when only the file's name does): where a second digest for
    the day is reported."""


@dataclass(frozen=True)
class Topic:
    """One entry of the taxonomy in `content/topics.yaml`."""

    slug: str
    name: str
    description: str
    keywords: tuple[str, ...]
    """Words and phrases that signal the topic in a title or abstract."""
    source: Source


@dataclass(frozen=True)
class Note:
    """The curator's per-paper file `content/notes/<paper-slug>.md`."""

    slug: str
    source: Source
    body: str
    """Markdown shown on the paper page as the curator's note."""
    topics: tuple[str, ...] | None = None
    """Replaces the automatic topics when given."""
    hidden: bool = False
    """Leaves the paper out of every page, list, feed and index."""
    meta: Metadata = Metadata()
    """Identifiers, authors and links; they win over the digests'."""


class Appearance(NamedTuple):
    """A paper's place in one digest (a tuple, as are a paper's topics and its related papers: a
    build makes them for every paper, and the page workers key each paper page by its text)."""

    date: datetime.date
    position: int
    """1-based place in the digest, in the curator's order."""


class TopicAssignment(NamedTuple):
    """A topic given to a paper, how strongly, and why."""

    slug: str
    score: float
    reasons: tuple[str, ...] = ()
    """The words or phrases that decided it; empty when the curator chose the topic."""
    manual: bool = False


class Related(NamedTuple):
    """Another paper like this one, how alike (cosine of their TF-IDF vectors), and through which
    terms (a tuple: a build reads five per paper from its cache)."""

    slug: str
    similarity: float
    terms: tuple[str, ...]
    """The shared key terms that make them alike, strongest first."""


@dataclass(frozen=True)
class EpochTerms:
    """The epoch's statistics that weigh a paper's terms for related papers."""

    papers: int
    frequency: dict[str, int]
    """Each term the epoch's papers have -> how many of them have it."""
    floor: dict[str, float]
    """A term that many epoch papers have -> the weight from which it links a paper (its strongest
    papers'); a term not listed links every paper that keeps it."""


@dataclass(frozen=True)
class TermVectors:
    """Every paper's kept terms and their weights, as the rows (in slug order) of a sparse matrix, with
    the epoch's statistics they were weighed with: the next build weighs only new and changed papers,
    with those, and reuses the other rows. The arrays are kept as little-endian bytes (int64 row
    starts, int32 columns into `vocabulary`, float64 weights): the cache keeps them so, and only the
    related stage, which reads them with numpy, needs numpy (a build with nothing new loads none)."""

    vocabulary: tuple[str, ...]
    """The terms some row keeps, in alphabetical order."""
    indptr: bytes
    indices: bytes
    data: bytes
    epoch: EpochTerms


@dataclass(frozen=True)
class RelatedState:
    """Related papers with what they were computed from, so that the next build can redo only part."""

    stats: str
    """A hash of the epoch's papers: the statistics every vector was weighed with."""
    made_from: dict[str, str]
    """Each paper's slug -> a hash of its title and abstract."""
    related: dict[str, tuple[Related, ...]]
    vectors: TermVectors
    """Every paper's vector, for the next build to weigh only new and changed papers."""


@dataclass(frozen=True)
class Paper:
    """One paper, however many digests listed it."""

    key: str
    """Identity: "arxiv:" and the arXiv identifier, or "title:" and the normalised title."""
    slug: str
    title: str
    abstract: str
    appearances: tuple[Appearance, ...]
    """Oldest first."""
    topics: tuple[TopicAssignment, ...]
    """Strongest first; 1 to 3 of them."""
    meta: Metadata = Metadata()
    """Identifiers, authors and links; code links: the curator's, then those found in the abstract."""
    note: str = ""
    hidden: bool = False

    @property
    def first_seen(self) -> datetime.date:
        """The date of the oldest digest that listed the paper."""
        return self.appearances[0].date

    @property
    def last_seen(self) -> datetime.date:
        """The date of the newest digest that listed the paper."""
        return self.appearances[-1].date

    @cached_property
    def topic_slugs(self) -> tuple[str, ...]:
        """The paper's topics, strongest first."""
        return tuple(t.slug for t in self.topics)

    @cached_property
    def text_hash(self) -> str:
        """`text_hash` of the title and abstract: its newest listing's, which `merge` gives it."""
        return text_hash(self.title, self.abstract)


@dataclass(frozen=True)
class Digest:
    """One day's list of papers as the site shows it."""

    date: datetime.date
    slugs: tuple[str, ...]
    """The visible papers, in the curator's order."""
    source: Source
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class Catalog:
    """Everything the pages are made from."""

    papers: Mapping[str, Paper]
    """Visible papers by slug, in slug order."""
    digests: tuple[Digest, ...]
    """Newest first."""
    topics: tuple[Topic, ...]
    """In taxonomy order."""
    related: Mapping[str, tuple[Related, ...]] = field(default_factory=dict)
    """Up to five related papers per paper slug, most similar first."""

    @cached_property
    def topics_by_slug(self) -> dict[str, Topic]:
        """Every topic by its slug."""
        return {t.slug: t for t in self.topics}

    def topic(self, slug: str) -> Topic:
        """The topic with this slug."""
        return self.topics_by_slug[slug]

    @cached_property
    def papers_by_topic(self) -> dict[str, list[Paper]]:
        """Each topic's papers, latest filed first: by the digest that first listed them, newest first,
        then in that digest's order. A paper listed again keeps its place (trending pages list a paper
        for days), so a topic's archive pages keep their papers (`pages.paginator`)."""
        lists: dict[str, list[Paper]] = {t.slug: [] for t in self.topics}
        for paper in self.papers.values():
            for slug in paper.topic_slugs:
                lists[slug].append(paper)
        for papers in lists.values():
            papers.sort(key=lambda p: (-p.first_seen.toordinal(), p.appearances[0].position, p.slug))
        return lists

    @cached_property
    def topic_counts(self) -> dict[str, int]:
        """How many visible papers each topic has, in taxonomy order (counted, not sorted: the home page
        and the list of pages need the counts alone)."""
        counts = dict.fromkeys((t.slug for t in self.topics), 0)
        for paper in self.papers.values():
            for slug in paper.topic_slugs:
                counts[slug] += 1
        return counts
