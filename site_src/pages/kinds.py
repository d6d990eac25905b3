"""What each kind of page shows: a frozen dataclass per page kind (and per thing a page lists).

A page's data is both its Markdown page's front matter (`yaml_fields`) and what its template sees
as `page`; each kind names the template that renders it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

from site_src.pages.yaml_writer import Field, record


def _omitted_when_none() -> Any:
    """A field left out of the front matter when it has no value (rather than written as null)."""
    return dataclasses.field(default=None, metadata={"omit_none": True})


@dataclass(frozen=True)
class Link:
    """A labelled link."""

    label: str
    url: str


@dataclass(frozen=True)
class FeedLinks:
    """A page's feeds, for autodiscovery in its <head> and its visible subscribe links."""

    title: str
    atom: str
    json: str


@dataclass(frozen=True)
class TopicRef:
    """A topic as lists show it."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class PaperTopic(TopicRef):
    """A topic of a paper, with why it was given."""

    score: float
    reasons: tuple[str, ...]
    manual: bool


@dataclass(frozen=True)
class TopicCount(TopicRef):
    """A topic with how many papers it has (alone or together with another topic)."""

    count: int


@dataclass(frozen=True)
class TopicSummary(TopicCount):
    """A topic in the index of topics."""

    description: str


@dataclass(frozen=True)
class DigestRef:
    """A digest as lists show it."""

    date: datetime.date
    title: str
    url: str
    count: int


@dataclass(frozen=True)
class Neighbour:
    """The paper before or after another in a digest."""

    title: str
    url: str


@dataclass(frozen=True)
class Listed(DigestRef):
    """A digest that listed a paper, where, and its neighbours there."""

    position: int
    previous: Neighbour | None
    next: Neighbour | None


@dataclass(frozen=True)
class PaperRef:
    """A paper as lists show it."""

    slug: str
    title: str
    url: str
    topics: tuple[TopicRef, ...]
    summary: str
    dates: tuple[datetime.date, ...]
    byline: str
    """The first authors ("A, B, C et al."), or "" when unknown."""
    coins: str
    """The paper for citation managers (COinS)."""


@dataclass(frozen=True)
class RelatedRef:
    """A related paper and the terms they share."""

    title: str
    url: str
    through: tuple[str, ...]


@dataclass(frozen=True)
class ChartBar:
    """One digest's bar in a topic's chart."""

    date: datetime.date
    url: str
    count: int


@dataclass(frozen=True)
class Pagination:
    """Where a page of a topic's papers stands among the others."""

    archive: bool
    first: int
    last: int
    newer: str | None
    older: str | None


@dataclass(frozen=True)
class LatestDigest(DigestRef):
    """The newest digest, with its papers, on the home page."""

    papers: tuple[PaperRef, ...]


@dataclass(frozen=True, kw_only=True)
class PageData:
    """What every page has."""

    kind: ClassVar[str]
    template: ClassVar[str]
    title: str
    url: str
    updated: datetime.date | None = _omitted_when_none()
    """The day the page last changed, for the sitemap (unknown for some pages)."""


@dataclass(frozen=True, kw_only=True)
class PaperPage(PageData):
    """A paper: abstract, topics, every digest it was in, links, related papers."""

    kind = "paper"
    template = "paper.html"
    slug: str
    summary: str
    abstract: str
    """In full, for citation managers."""
    authors: tuple[str, ...]
    published: str
    """When the first version appeared: an ISO date, a year, or "" when unknown (never a digest's date)."""
    cited_date: str
    """The date citations give: `published`, else the year the arXiv identifier gives, else ""."""
    arxiv: str
    doi: str
    bibtex: str
    """The paper's citation, as published in index.bib beside the page."""
    bib_url: str
    topics: tuple[PaperTopic, ...]
    digests: tuple[Listed, ...]
    first_seen: datetime.date
    last_seen: datetime.date
    updated: datetime.date
    links: tuple[Link, ...]
    code: tuple[str, ...]
    lookup: tuple[Link, ...]
    related: tuple[RelatedRef, ...]


@dataclass(frozen=True, kw_only=True)
class DigestPage(PageData):
    """One day's papers in the curator's order."""

    kind = "digest"
    template = "digest.html"
    bib_url: str
    date: datetime.date
    count: int
    papers: tuple[PaperRef, ...]
    older: DigestRef | None
    newer: DigestRef | None
    updated: datetime.date
    feeds: FeedLinks


@dataclass(frozen=True, kw_only=True)
class TopicPage(PageData):
    """A topic's own page or one of its archive pages."""

    kind = "topic"
    template = "topic.html"
    bib_url: str
    """The citations of every paper of the topic."""
    slug: str
    description: str
    count: int | None = _omitted_when_none()
    """How many papers the topic has (on its own page only)."""
    papers: tuple[PaperRef, ...]
    pagination: Pagination
    updated: datetime.date | None
    per_digest: tuple[ChartBar, ...]
    cooccurring: tuple[TopicCount, ...]
    feeds: FeedLinks


@dataclass(frozen=True, kw_only=True)
class HomePage(PageData):
    """The home page: the latest digest, every digest and topic."""

    kind = "home"
    template = "home.html"
    description: str
    digests: tuple[DigestRef, ...]
    topics: tuple[TopicSummary, ...]
    latest: LatestDigest | None
    updated: datetime.date | None
    feeds: FeedLinks
    opml: str


@dataclass(frozen=True, kw_only=True)
class DigestsPage(PageData):
    """The index of digests."""

    kind = "digests"
    template = "digests.html"
    digests: tuple[DigestRef, ...]
    updated: datetime.date | None


@dataclass(frozen=True, kw_only=True)
class TopicsPage(PageData):
    """The index of topics."""

    kind = "topics"
    template = "topics.html"
    topics: tuple[TopicSummary, ...]
    updated: datetime.date | None
    opml: str


@dataclass(frozen=True, kw_only=True)
class NotFoundPage(PageData):
    """The 404 page."""

    kind = "not-found"
    template = "404.html"


@dataclass(frozen=True, kw_only=True)
class ReadingListPage(PageData):
    """/reading-list/: the papers the reader saved, kept in their browser and shown by the browser."""

    kind = "reading-list"
    template = "reading-list.html"


@dataclass(frozen=True, kw_only=True)
class SearchPage(PageData):
    """/search/: its results are shown by the browser."""

    kind = "search"
    template = "search.html"


@dataclass(frozen=True, kw_only=True)
class HandWrittenPage(PageData):
    """A page the curator wrote, `content/pages/<slug>.md`."""

    kind = "page"
    template = "page.html"
    slug: str
    description: str
    menu: str
    updated: datetime.date | None = _omitted_when_none()


@functools.cache
def yaml_fields(cls: type) -> tuple[Field, ...] | None:
    """How the front matter writes page data and what it holds: every dataclass as a record of its
    fields (page data with its `kind` too), a field marked `omit_none` left out when it is None."""
    if not dataclasses.is_dataclass(cls):
        return None
    fields: list[Field] = [(f.name, f.name, None, bool(f.metadata.get("omit_none"))) for f in dataclasses.fields(cls)]
    if issubclass(cls, PageData):
        fields.append(("kind", None, cls.kind, False))
    return record(fields)
