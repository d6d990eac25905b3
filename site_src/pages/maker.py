"""The catalog as Markdown pages: YAML front matter (the page's data) plus a Markdown body (its prose).

Each HTML page is rendered from exactly one of these, and the same page is published as
`index.md` beside it, so what a template shows is what the Markdown page says.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus

from site_src.catalog.model import Catalog, Digest, Paper, Topic
from site_src.catalog.topic_stats import CHART_DIGESTS, cooccurring, papers_per_digest
from site_src.catalog.topics import SLUG_PATTERN
from site_src.errors import Problems
from site_src.inputs.reader import TextFile
from site_src.inputs.yamldoc import Field, join_front_matter, read_fields, split_front_matter
from site_src.markup import text_to_markdown
from site_src.pages.urls import (
    OPML_PATH,
    SiteUrls,
    atom_feed_path,
    digest_path,
    json_feed_path,
    paper_path,
    topic_page_path,
    topic_path,
)
from site_src.text import shorten

SUMMARY_CHARS = 220
"""How much of an abstract a list shows."""

TOPIC_PAGE_SIZE = 50
"""Papers per archive page of a topic (/topics/<slug>/page/1/ holds the first 50 ever filed under
it); the topic's own page holds the newest 50 to 99."""

RESERVED_PAGE_SLUGS = frozenset({"api", "assets", "digests", "papers", "search", "topics"})
"""Hand-written pages may not take the address of a generated section."""


@dataclass(frozen=True)
class Page:
    """A Markdown page: where it is published, which template renders it, its data and its prose."""

    path: str
    """Site path, e.g. "papers/x/" (a folder) or "404.html" (a file)."""
    template: str
    meta: dict[str, Any]
    body: str = ""
    publish_markdown: bool = True
    """Publish the Markdown page as index.md next to the HTML."""
    sitemap: bool = True
    """List the page in sitemap.xml (not the 404 page)."""

    def to_markdown(self) -> str:
        """The page as published: front matter, then body."""
        return join_front_matter(self.meta, self.body)


def long_date(date: datetime.date) -> str:
    """How pages name a day: 26 June 2025."""
    return f"{date.day} {date:%B %Y}"


def lookup_links(title: str) -> list[dict[str, str]]:
    """Search pages that find the paper by its title."""
    query, exact = quote_plus(title), quote_plus(f'"{title}"')
    return [
        {"label": "arXiv", "url": f"https://arxiv.org/search/?query={query}&searchtype=title"},
        {"label": "Hugging Face", "url": f"https://huggingface.co/papers?q={query}"},
        {"label": "Semantic Scholar", "url": f"https://www.semanticscholar.org/search?q={query}"},
        {"label": "Google Scholar", "url": f"https://scholar.google.com/scholar?q={exact}"},
    ]


def paper_links(paper: Paper) -> list[dict[str, str]]:
    """Direct links the curator or the abstract gave: the paper's page, arXiv, code."""
    links = []
    if paper.url:
        links.append({"label": "Paper", "url": paper.url})
    if paper.arxiv:
        links.append({"label": f"arXiv {paper.arxiv}", "url": f"https://arxiv.org/abs/{paper.arxiv}"})
        links.append({"label": "PDF", "url": f"https://arxiv.org/pdf/{paper.arxiv}"})
    return links


def archive_pages(papers: int) -> int:
    """How many full archive pages a topic with this many papers has: its own page keeps the
    newest `TOPIC_PAGE_SIZE` to twice that less one."""
    return max(0, papers // TOPIC_PAGE_SIZE - 1)


@dataclass(frozen=True)
class PageSpec:
    """A page to make, named cheaply: the build lists these; render workers make and render the pages,
    so that the whole site's front matter never has to sit in one process's memory."""

    kind: str
    """"listing", "digest", "topic", "paper" or "page" (hand-written)."""
    key: str
    """The listing's place, the digest's date, the topic's or paper's slug, the page's place."""
    number: int = 0
    """Which page of a topic's papers: 0 its own page, 1 and up its archive pages, oldest first."""


@dataclass(frozen=True)
class PageMaker:
    """Builds every page's front matter from the catalog, with links for one base URL."""

    catalog: Catalog
    urls: SiteUrls
    site_title: str = ""
    site_description: str = ""
    hand_written: tuple[Page, ...] = ()

    @cached_property
    def listings(self) -> list[Page]:
        """The home page and the indexes (made once per process, when first needed)."""
        return self.listing_pages(self.site_title, self.site_description)

    @cached_property
    def digest_places(self) -> dict[str, int]:
        """Each digest's place in the newest-first list, by its date."""
        return {d.date.isoformat(): index for index, d in enumerate(self.catalog.digests)}

    def specs(self) -> list[PageSpec]:
        """Every page of the site, in a stable order."""
        return [
            *(PageSpec("listing", str(i)) for i in range(len(self.listings))),
            *(PageSpec("digest", d.date.isoformat()) for d in self.catalog.digests),
            *(
                PageSpec("topic", t.slug, number)
                for t in self.catalog.topics
                for number in range(archive_pages(self.catalog.topic_counts[t.slug]) + 1)
            ),
            *(PageSpec("paper", slug) for slug in self.catalog.papers),
            *(PageSpec("page", str(i)) for i in range(len(self.hand_written))),
        ]

    def make(self, spec: PageSpec) -> Page:
        """The Markdown page a spec names."""
        if spec.kind == "paper":
            return self.paper_page(self.catalog.papers[spec.key])
        if spec.kind == "digest":
            digests, index = self.catalog.digests, self.digest_places[spec.key]
            newer = digests[index - 1] if index > 0 else None
            older = digests[index + 1] if index + 1 < len(digests) else None
            return self.digest_page(digests[index], older, newer)
        if spec.kind == "topic":
            return self.topic_page(self.catalog.topic(spec.key), spec.number)
        if spec.kind == "listing":
            return self.listings[int(spec.key)]
        return self.hand_written[int(spec.key)]

    @cached_property
    def digests_by_date(self) -> dict[datetime.date, Digest]:
        """Every digest by its day."""
        return {d.date: d for d in self.catalog.digests}

    @cached_property
    def newest(self) -> datetime.date | None:
        """The newest digest's day: when any page that lists across digests last changed."""
        return self.catalog.digests[0].date if self.catalog.digests else None

    @cached_property
    def per_digest(self) -> dict[str, dict[datetime.date, int]]:
        """Per topic, its papers in each digest."""
        return papers_per_digest(self.catalog)

    @cached_property
    def cooccurring(self) -> dict[str, list[tuple[str, int]]]:
        """Per topic, the topics its papers also have."""
        return cooccurring(self.catalog)

    def feed_links(self, folder: str, title: str) -> dict[str, str]:
        """A page's feeds, for autodiscovery in its <head> and its visible subscribe links."""
        return {
            "title": title,
            "atom": self.urls.link(atom_feed_path(folder)),
            "json": self.urls.link(json_feed_path(folder)),
        }

    def topic_ref(self, slug: str) -> dict[str, str]:
        """A topic as lists show it."""
        topic = self.catalog.topic(slug)
        return {"name": topic.name, "slug": slug, "url": self.urls.link(topic_path(slug))}

    def digest_ref(self, digest: Digest) -> dict[str, Any]:
        """A digest as lists show it."""
        return {
            "date": digest.date,
            "title": digest.title or long_date(digest.date),
            "url": self.urls.link(digest_path(digest.date)),
            "count": len(digest.slugs),
        }

    def paper_ref(self, paper: Paper) -> dict[str, Any]:
        """A paper as lists show it."""
        return {
            "title": paper.title,
            "url": self.urls.link(paper_path(paper.slug)),
            "topics": [self.topic_ref(s) for s in paper.topic_slugs],
            "summary": shorten(paper.abstract, SUMMARY_CHARS),
            "dates": [a.date for a in paper.appearances],
        }

    def _neighbour(self, slugs: Sequence[str], index: int) -> dict[str, str] | None:
        if 0 <= index < len(slugs):
            paper = self.catalog.papers[slugs[index]]
            return {"title": paper.title, "url": self.urls.link(paper_path(paper.slug))}
        return None

    def paper_page(self, paper: Paper) -> Page:
        """A paper: abstract, topics, every digest it was in, links, the curator's note."""
        appearances = []
        for appearance in reversed(paper.appearances):
            digest = self.digests_by_date[appearance.date]
            index = digest.slugs.index(paper.slug)
            appearances.append(
                {
                    **self.digest_ref(digest),
                    "position": index + 1,
                    "previous": self._neighbour(digest.slugs, index - 1),
                    "next": self._neighbour(digest.slugs, index + 1),
                }
            )
        topics = [
            {**self.topic_ref(t.slug), "score": t.score, "reasons": list(t.reasons), "manual": t.manual}
            for t in paper.topics
        ]
        body = f"## Abstract\n\n{text_to_markdown(paper.abstract)}\n"
        if paper.note:
            body += f"\n## Curator’s note\n\n{paper.note}\n"
        return Page(
            path=paper_path(paper.slug),
            template="paper.html",
            meta={
                "kind": "paper",
                "title": paper.title,
                "slug": paper.slug,
                "url": self.urls.link(paper_path(paper.slug)),
                "summary": shorten(paper.abstract, SUMMARY_CHARS),
                "topics": topics,
                "digests": appearances,
                "first_seen": paper.first_seen,
                "last_seen": paper.last_seen,
                "updated": paper.last_seen,
                "links": paper_links(paper),
                "code": list(paper.code),
                "lookup": lookup_links(paper.title),
                "related": [
                    {
                        "title": self.catalog.papers[r.slug].title,
                        "url": self.urls.link(paper_path(r.slug)),
                        "through": list(r.terms),
                    }
                    for r in self.catalog.related.get(paper.slug, ())
                ],
            },
            body=body,
        )

    def digest_page(self, digest: Digest, older: Digest | None, newer: Digest | None) -> Page:
        """One day's papers in the curator's order."""
        return Page(
            path=digest_path(digest.date),
            template="digest.html",
            meta={
                "kind": "digest",
                **self.digest_ref(digest),
                "papers": [self.paper_ref(self.catalog.papers[s]) for s in digest.slugs],
                "older": self.digest_ref(older) if older else None,
                "newer": self.digest_ref(newer) if newer else None,
                # its papers' lists of digests grow when a later digest lists one of them again
                "updated": max([digest.date, *(self.catalog.papers[s].last_seen for s in digest.slugs)]),
                "feeds": self.feed_links(digest_path(digest.date), f"Digest of {long_date(digest.date)}"),
            },
            body=digest.note,
        )

    def topic_page(self, topic: Topic, number: int = 0) -> Page:
        """A topic's own page (number 0: what it covers and its newest papers) or one of its archive
        pages (1 and up, oldest first), papers newest first on each.

        Archive pages are counted from the oldest paper, so a full one keeps its papers (and its
        bytes) while newer papers arrive: a new digest changes a topic's own page, not its archive."""
        papers = self.catalog.papers_by_topic[topic.slug]
        archived = archive_pages(len(papers))
        own = number == 0
        # numbered from the first paper filed under the topic: the newest is number len(papers)
        last = len(papers) if own else number * TOPIC_PAGE_SIZE
        first = archived * TOPIC_PAGE_SIZE + 1 if own else last - TOPIC_PAGE_SIZE + 1
        shown = papers[len(papers) - last : len(papers) - first + 1]
        older = archived if own else number - 1

        def link(page: int) -> str | None:
            return self.urls.link(topic_page_path(topic.slug, page)) if 0 <= page <= archived else None

        return Page(
            path=topic_page_path(topic.slug, number),
            template="topic.html",
            meta={
                "kind": "topic",
                "title": topic.name if own else f"{topic.name}, papers {first} to {last}",
                "slug": topic.slug,
                "url": link(number),
                "description": topic.description,
                **({"count": len(papers)} if own else {}),
                "papers": [self.paper_ref(p) for p in shown],
                "pagination": {
                    "archive": not own,
                    "first": first,
                    "last": last,
                    "newer": None if own else link(number + 1 if number < archived else 0),
                    "older": link(older) if older else None,
                },
                "updated": max((p.last_seen for p in (papers if own else shown)), default=self.newest),
                "per_digest": [
                    {"date": day, "url": self.urls.link(digest_path(day)), "count": n}
                    for day, n in list(self.per_digest[topic.slug].items())[-CHART_DIGESTS:]
                ]
                if own
                else [],
                "cooccurring": [{**self.topic_ref(slug), "count": n} for slug, n in self.cooccurring[topic.slug]]
                if own
                else [],
                "feeds": self.feed_links(topic_path(topic.slug), topic.name),
            },
            body=text_to_markdown(topic.description) + "\n" if own else "",
        )

    def topic_counts(self) -> list[dict[str, Any]]:
        """Every topic with its description and number of papers, in taxonomy order."""
        return [
            {**self.topic_ref(t.slug), "description": t.description, "count": self.catalog.topic_counts[t.slug]}
            for t in self.catalog.topics
        ]

    def listing_pages(self, site_title: str, site_description: str) -> list[Page]:
        """The home page and the indexes of digests and topics."""
        digests = [self.digest_ref(d) for d in self.catalog.digests]
        topics = self.topic_counts()
        latest = self.catalog.digests[0] if self.catalog.digests else None
        home_meta: dict[str, Any] = {
            "kind": "home",
            "title": site_title,
            "url": self.urls.link(""),
            "description": site_description,
            "digests": digests,
            "topics": topics,
            "latest": None,
            "updated": self.newest,
            "feeds": self.feed_links("", site_title),
            "opml": self.urls.link(OPML_PATH),
        }
        if latest is not None:
            home_meta["latest"] = {
                **self.digest_ref(latest),
                "papers": [self.paper_ref(self.catalog.papers[s]) for s in latest.slugs],
            }
        return [
            Page(path="", template="home.html", meta=home_meta),
            Page(
                path="digests/",
                template="digests.html",
                meta={
                    "kind": "digests",
                    "title": "All digests",
                    "url": self.urls.link("digests/"),
                    "digests": digests,
                    "updated": self.newest,
                },
            ),
            Page(
                path="topics/",
                template="topics.html",
                meta={
                    "kind": "topics",
                    "title": "Topics",
                    "url": self.urls.link("topics/"),
                    "topics": topics,
                    "updated": self.newest,
                    "opml": self.urls.link(OPML_PATH),
                },
            ),
            Page(
                path="404.html",
                template="404.html",
                meta={"kind": "not-found", "title": "Page not found", "url": self.urls.link("404.html")},
                publish_markdown=False,
                sitemap=False,
            ),
        ]


PAGE_SCHEMA: dict[str, Field] = {
    "title": Field("text", "the page's heading", required=True),
    "description": Field("text", "one sentence for search engines and link previews"),
    "menu": Field("text", "a short label that lists the page in the site's navigation, e.g. About"),
    "updated": Field("date", "the day the page last changed, for the sitemap, e.g. 2025-06-26"),
}


def parse_page(file: TextFile, urls: SiteUrls, problems: Problems) -> Page | None:
    """A hand-written page, `content/pages/<slug>.md`, published at /<slug>/."""
    document = split_front_matter(file.text, file.source, problems)
    values = read_fields(document.meta, PAGE_SCHEMA, file.source, "the page", problems)
    slug = file.stem
    if not SLUG_PATTERN.fullmatch(slug) or slug in RESERVED_PAGE_SLUGS:
        problems.error(
            file.source,
            f'"{slug}" cannot be a page address',
            "name the file with lower-case letters, digits and hyphens, not " + ", ".join(sorted(RESERVED_PAGE_SLUGS)),
        )
        return None
    if "title" not in values:
        return None
    return Page(
        path=f"{slug}/",
        template="page.html",
        meta={
            "kind": "page",
            "title": values["title"],
            "slug": slug,
            "url": urls.link(f"{slug}/"),
            "description": values.get("description", ""),
            "menu": values.get("menu", ""),
            **({"updated": values["updated"]} if "updated" in values else {}),
        },
        body=document.body,
    )


def make_pages(catalog: Catalog, urls: SiteUrls, site_title: str, site_description: str) -> Iterator[Page]:
    """Every generated page of the site, in a stable order."""
    maker = PageMaker(catalog, urls, site_title, site_description)
    return (maker.make(spec) for spec in maker.specs())
