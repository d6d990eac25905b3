"""The catalog as Markdown pages: YAML front matter (the page's data) plus a Markdown body (its prose).

Each HTML page is rendered from exactly one of these, and the same page is published as
`index.md` beside it, so what a template shows is what the Markdown page says.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Literal

from site_src.catalog.model import Catalog, Digest, Paper, Topic
from site_src.catalog.topic_stats import CHART_DIGESTS, cooccurring, papers_per_digest
from site_src.inputs.hand_pages import HandWritten
from site_src.markup import link_place, shorten, text_to_markdown
from site_src.pages.citations import Citations, citation_keys, coins, doi
from site_src.pages.kinds import (
    ChartBar,
    DigestPage,
    DigestRef,
    DigestsPage,
    FeedLinks,
    HandWrittenPage,
    HomePage,
    LatestDigest,
    Link,
    Listed,
    Neighbour,
    NotFoundPage,
    PageData,
    Pagination,
    PaperPage,
    PaperRef,
    PaperTopic,
    ReadingListPage,
    RelatedRef,
    TopicCount,
    TopicPage,
    TopicRef,
    TopicsPage,
    TopicSummary,
    yaml_fields,
)
from site_src.pages.paginator import Window, archive_pages, window
from site_src.pages.urls import (
    OPML_PATH,
    SiteUrls,
    atom_feed_path,
    bibtex_file,
    digest_path,
    json_feed_path,
    paper_path,
    query_quoted,
    topic_page_path,
    topic_path,
)
from site_src.pages.yaml_writer import join_front_matter

SUMMARY_CHARS = 220
"""How much of an abstract a list shows."""
LISTING_PATHS = ("", "digests/", "topics/", "reading-list/", "404.html")
"""The home page and the indexes, in the order `listing_pages` makes them: known without making them."""


@dataclass(frozen=True)
class Page:
    """A Markdown page: where it is published, its data (which names its template) and its prose."""

    path: str
    """Site path, e.g. "papers/x/" (a folder) or "404.html" (a file)."""
    data: PageData
    body: str = ""
    publish_markdown: bool = True
    """Publish the Markdown page as index.md next to the HTML."""
    sitemap: bool = True
    """List the page in sitemap.xml (not the 404 page)."""
    bibtex: str = ""
    """Published as index.bib beside the page when given: a paper page's citation, made with the page
    (and kept with it) rather than by the build's main process for every paper."""

    @property
    def template(self) -> str:
        """The Jinja template that renders the page."""
        return self.data.template

    @property
    def updated(self) -> datetime.date | None:
        """The newest digest the page shows, for the sitemap."""
        return self.data.updated

    def to_markdown(self) -> str:
        """The page as published: front matter, then body."""
        return join_front_matter(self.data, self.body, yaml_fields)


@lru_cache(maxsize=4096)
def long_date(date: datetime.date) -> str:
    """How pages name a day: 26 June 2025 (remembered, as `render.short_date`)."""
    return f"{date.day} {date:%B %Y}"


def lookup_links(title: str) -> tuple[Link, ...]:
    """Search pages that find the paper by its title."""
    query, exact = query_quoted(title), query_quoted(f'"{title}"')
    return (
        Link("arXiv", f"https://arxiv.org/search/?query={query}&searchtype=title"),
        Link("Hugging Face", f"https://huggingface.co/papers?q={query}"),
        Link("Semantic Scholar", f"https://www.semanticscholar.org/search?q={query}"),
        Link("Google Scholar", f"https://scholar.google.com/scholar?q={exact}"),
    )


def paper_links(paper: Paper) -> tuple[Link, ...]:
    """Where the paper is: its arXiv abstract page and PDF, its Hugging Face page, its DOI, its
    project page and a page the curator gave, unless a code link is the same place (code links are
    listed apart: a project page that is the repository was listed twice)."""
    meta, links = paper.meta, []
    code = {link_place(url) for url in meta.code}
    if meta.arxiv:
        links += [
            Link(f"arXiv {meta.arxiv}", f"https://arxiv.org/abs/{meta.arxiv}"),
            Link("PDF", f"https://arxiv.org/pdf/{meta.arxiv}"),
            Link("Hugging Face", f"https://huggingface.co/papers/{meta.arxiv}"),
            Link(f"DOI {doi(paper)}", f"https://doi.org/{doi(paper)}"),
        ]
    if meta.project and link_place(meta.project) not in code:
        links.append(Link("Project page", meta.project))
    if meta.url and link_place(meta.url) not in code:
        links.append(Link("Paper", meta.url))
    return tuple(links)


BYLINE_AUTHORS = 3
"""Lists name this many authors of a paper, then "et al."."""


def byline(authors: Sequence[str]) -> str:
    """The first authors, as lists show them."""
    shown = ", ".join(authors[:BYLINE_AUTHORS])
    return f"{shown} et al." if len(authors) > BYLINE_AUTHORS else shown


PageKind = Literal["listing", "digest", "topic", "paper", "page"]


@dataclass(frozen=True)
class PageSpec:
    """A page to make, named cheaply: the build lists these; render workers make and render the pages,
    so that the whole site's front matter never has to sit in one process's memory."""

    kind: PageKind
    key: str
    """The listing's place, the digest's date, the topic's or paper's slug, the page's place."""
    number: int = 0
    """Which page of a topic's papers: 0 its own page, 1 and up its archive pages, oldest first."""


@dataclass(frozen=True)
class Outline:
    """What a build needs of a page to keep its files without making it: where it goes, what renders
    it, its sitemap date, and a text of everything it is made from (its key is a hash of that text)."""

    path: str
    template: str
    updated: datetime.date | None
    inputs: str
    publish_markdown: bool = True
    sitemap: bool = True
    bibtex: bool = False
    """The page publishes index.bib (see `Page.bibtex`)."""


@dataclass(frozen=True)
class PageMaker:
    """Builds every page's data from the catalog, with links for one base URL."""

    catalog: Catalog
    urls: SiteUrls
    site_title: str = ""
    site_description: str = ""
    hand_written: tuple[HandWritten, ...] = ()
    extra: tuple[Page, ...] = ()
    """Pages made elsewhere (the search page), published as they are."""

    @cached_property
    def citations(self) -> Citations:
        """The papers' BibTeX, with keys unique across the site."""
        return Citations(citation_keys(self.catalog.papers.values()), self.urls, self.site_title)

    @cached_property
    def listings(self) -> list[Page]:
        """The home page and the indexes (made once per process, when first needed)."""
        return self.listing_pages()

    @cached_property
    def digest_places(self) -> dict[str, int]:
        """Each digest's place in the newest-first list, by its date."""
        return {d.date.isoformat(): index for index, d in enumerate(self.catalog.digests)}

    def specs(self, papers: bool = True) -> list[PageSpec]:
        """Every page of the site, in a stable order (without the papers' own unless `papers`)."""
        return [
            *(PageSpec("listing", str(i)) for i in range(len(LISTING_PATHS))),
            *(PageSpec("digest", d.date.isoformat()) for d in self.catalog.digests),
            *(
                PageSpec("topic", t.slug, number)
                for t in self.catalog.topics
                for number in range(archive_pages(self.catalog.topic_counts[t.slug]) + 1)
            ),
            *(PageSpec("paper", slug) for slug in (self.catalog.papers if papers else ())),
            *(PageSpec("page", str(i)) for i in range(len(self.hand_written) + len(self.extra))),
        ]

    def make(self, spec: PageSpec) -> Page:
        """The Markdown page a spec names."""
        return _MAKERS[spec.kind](self, spec)

    def outline(self, spec: PageSpec) -> Outline | None:
        """The outline of a paper page, a digest page or a topic's archive page; None for the other
        kinds (a few dozen pages), keyed by their Markdown page. Making every page only to learn that
        it had not changed was most of a daily build."""
        if spec.kind == "paper":
            paper = self.catalog.papers[spec.key]
            return self.paper_outline(paper, self.paper_inputs(paper))
        found = self.paper_list(spec)
        if found is None:
            return None
        shape, head, listed = found
        return replace(shape, inputs="\n".join([head, *map(self._ref_inputs, listed)]))

    def paper_list(self, spec: PageSpec) -> tuple[Outline, str, list[Paper]] | None:
        """A digest page or a topic's archive page, as a list of papers: its outline without inputs
        (where only its place and files are wanted), what it shows besides its papers, and the papers
        it lists in order (each shown as `_ref_inputs` says); None for the other kinds. `page_deps`
        keeps such a page, without outlining it, when those and what its papers are made from are
        unchanged."""
        if spec.kind == "digest":
            index = self.digest_places[spec.key]
            digest = self.catalog.digests[index]
            newer, older = self._around(index)
            around = [(d.date, d.title, len(d.slugs)) if d else None for d in (newer, older)]
            head = repr((digest.date, digest.title, digest.note, around))
            listed = [self.catalog.papers[s] for s in digest.slugs]
            shape = Outline(digest_path(digest.date), DigestPage.template, self._digest_updated(digest), "")
            return shape, head, listed
        if spec.kind == "topic" and spec.number > 0:
            topic = self.catalog.topic(spec.key)
            page, shown = self._topic_window(topic, spec.number)
            # the window as the page shows it: a new archive page elsewhere changes no link on this one
            links = (page.number, page.first, page.last, page.newer, page.older)
            head = repr((topic.name, topic.description, links))
            updated = max((p.last_seen for p in shown), default=self.newest)
            return Outline(topic_page_path(topic.slug, spec.number), TopicPage.template, updated, ""), head, shown
        return None

    def paper_outline(self, paper: Paper, inputs: str = "") -> Outline:
        """A paper page's outline (without `inputs`, where only its place and files are wanted)."""
        return Outline(paper_path(paper.slug), PaperPage.template, paper.last_seen, inputs, bibtex=True)

    @cached_property
    def _ref_inputs_made(self) -> dict[str, str]:
        """`_ref_inputs` made so far, by slug: a paper is listed by a digest and by its topics' pages."""
        return {}

    def _ref_inputs(self, paper: Paper) -> str:
        """Everything `paper_ref` reads of a paper (and of its topics), as one line of text (a repr,
        which holds no newline: a page's listed papers are joined by newlines), made once per build
        and process, as text: a listing's outline joins them rather than repr them again (0.2 CPU s
        of a day's build at 10k papers went to those reprs). Of the abstract, its summary (a quarter
        of its length: outlines of digest and topic pages are repeated listings)."""
        made = self._ref_inputs_made.get(paper.slug)
        if made is None:
            made = self._ref_inputs_made[paper.slug] = self._new_ref_inputs(paper)
        return made

    def _new_ref_inputs(self, paper: Paper) -> str:
        meta = paper.meta
        names = [self.catalog.topic(slug).name for slug in paper.topic_slugs]
        dates = [a.date for a in paper.appearances]
        return repr(
            (
                paper.slug,
                paper.title,
                shorten(paper.abstract, SUMMARY_CHARS),
                paper.topic_slugs,
                names,
                dates,
                meta.authors,
                meta.published,
                meta.arxiv,
            )
        )

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

    def feed_links(self, folder: str, title: str) -> FeedLinks:
        """A page's feeds, for autodiscovery in its <head> and its visible subscribe links."""
        return FeedLinks(title, self.urls.link(atom_feed_path(folder)), self.urls.link(json_feed_path(folder)))

    def topic_ref(self, slug: str) -> TopicRef:
        """A topic as lists show it."""
        return TopicRef(self.catalog.topic(slug).name, slug, self.urls.link(topic_path(slug)))

    def digest_ref(self, digest: Digest) -> DigestRef:
        """A digest as lists show it."""
        return DigestRef(
            digest.date,
            digest.title or long_date(digest.date),
            self.urls.link(digest_path(digest.date)),
            len(digest.slugs),
        )

    @cached_property
    def _paper_refs(self) -> dict[str, PaperRef]:
        """Papers as lists show them, made once per process: a paper is in a digest, its topics' pages,
        the home page, and its COinS alone took half the time of making every page."""
        return {}

    def prepare(self) -> None:
        """Make what many pages share before render workers are forked, so that no worker makes it again."""
        for shared in ("citations", "listings", "digests_by_date", "per_digest", "cooccurring"):
            getattr(self, shared)
        self.catalog.papers_by_topic  # noqa: B018 - sorted once here, not in every worker

    def paper_ref(self, paper: Paper) -> PaperRef:
        """A paper as lists show it."""
        made = self._paper_refs.get(paper.slug)
        if made is None:
            made = self._paper_refs[paper.slug] = self._new_paper_ref(paper)
        return made

    def _new_paper_ref(self, paper: Paper) -> PaperRef:
        return PaperRef(
            slug=paper.slug,
            title=paper.title,
            url=self.urls.link(paper_path(paper.slug)),
            topics=tuple(self.topic_ref(s) for s in paper.topic_slugs),
            summary=shorten(paper.abstract, SUMMARY_CHARS),
            dates=tuple(a.date for a in paper.appearances),
            byline=byline(paper.meta.authors),
            coins=coins(paper, self.urls.absolute(paper_path(paper.slug))),
        )

    def _neighbour(self, slugs: Sequence[str], index: int) -> Neighbour | None:
        if 0 <= index < len(slugs):
            paper = self.catalog.papers[slugs[index]]
            return Neighbour(paper.title, self.urls.link(paper_path(paper.slug)))
        return None

    def _listed(self, paper: Paper) -> tuple[Listed, ...]:
        """Every digest that listed the paper, newest first, with its neighbours there."""
        listed = []
        for appearance in reversed(paper.appearances):
            digest = self.digests_by_date[appearance.date]
            index = digest.slugs.index(paper.slug)
            ref = self.digest_ref(digest)
            listed.append(
                Listed(
                    ref.date,
                    ref.title,
                    ref.url,
                    ref.count,
                    position=index + 1,
                    previous=self._neighbour(digest.slugs, index - 1),
                    next=self._neighbour(digest.slugs, index + 1),
                )
            )
        return tuple(listed)

    def paper_inputs(self, paper: Paper) -> str:
        """Everything `paper_page` reads, as text: the paper itself, each digest that lists it (its title,
        size, and the paper's place and neighbours there), its related papers with their titles and
        shared terms (not how alike they are, which no page shows), its topics' names and its
        citation key. Keep it in step with `paper_page`: a missing input is a page
        left stale, which tests/test_incremental.py's random edits compare against clean builds to catch."""
        papers, listed = self.catalog.papers, []
        for appearance in paper.appearances:
            digest = self.digests_by_date[appearance.date]
            slugs = digest.slugs
            index = slugs.index(paper.slug)
            around = (index - 1, index + 1)
            neighbours = [(slugs[i], papers[slugs[i]].title) if 0 <= i < len(slugs) else None for i in around]
            listed.append((digest.date, digest.title, len(slugs), index, neighbours))
        related = [(r.slug, r.terms, papers[r.slug].title) for r in self.catalog.related.get(paper.slug, ())]
        topics = [self.catalog.topic(t.slug).name for t in paper.topics]
        return repr((paper, listed, related, topics, self.citations.keys[paper.slug]))

    def paper_page(self, paper: Paper) -> Page:
        """A paper: abstract, topics, every digest it was in, links, the curator's note."""
        topics = tuple(
            PaperTopic(ref.name, ref.slug, ref.url, score=t.score, reasons=t.reasons, manual=t.manual)
            for t in paper.topics
            for ref in (self.topic_ref(t.slug),)
        )
        body = f"## Abstract\n\n{text_to_markdown(paper.abstract)}\n"
        if paper.note:
            body += f"\n## Curator’s note\n\n{paper.note}\n"
        data = PaperPage(
            title=paper.title,
            slug=paper.slug,
            url=self.urls.link(paper_path(paper.slug)),
            summary=shorten(paper.abstract, SUMMARY_CHARS),
            abstract=paper.abstract,
            authors=paper.meta.authors,
            published=paper.meta.published,
            cited_date=paper.meta.cited_date,
            arxiv=paper.meta.arxiv,
            doi=doi(paper),
            bibtex=self.citations.entry(paper),
            bib_url=self.urls.link(bibtex_file(paper_path(paper.slug))),
            topics=topics,
            digests=self._listed(paper),
            first_seen=paper.first_seen,
            last_seen=paper.last_seen,
            updated=paper.last_seen,
            links=paper_links(paper),
            code=paper.meta.code,
            lookup=lookup_links(paper.title),
            related=tuple(
                RelatedRef(self.catalog.papers[r.slug].title, self.urls.link(paper_path(r.slug)), r.terms)
                for r in self.catalog.related.get(paper.slug, ())
            ),
        )
        return Page(paper_path(paper.slug), data, body, bibtex=data.bibtex)

    def digest_page(self, index: int) -> Page:
        """One day's papers in the curator's order, linked to the days before and after."""
        digest = self.catalog.digests[index]
        newer, older = self._around(index)
        ref = self.digest_ref(digest)
        data = DigestPage(
            bib_url=self.urls.link(bibtex_file(digest_path(digest.date))),
            date=ref.date,
            title=ref.title,
            url=ref.url,
            count=ref.count,
            papers=tuple(self.paper_ref(self.catalog.papers[s]) for s in digest.slugs),
            older=self.digest_ref(older) if older else None,
            newer=self.digest_ref(newer) if newer else None,
            updated=self._digest_updated(digest),
            # the site's: the day's own feed never changes, and a reader subscribing there got no later digest
            feeds=self.feed_links("", self.site_title),
        )
        return Page(digest_path(digest.date), data, digest.note)

    def _around(self, index: int) -> tuple[Digest | None, Digest | None]:
        """The digests before and after the one at `index` (newest first): newer, older."""
        digests = self.catalog.digests
        return digests[index - 1] if index > 0 else None, digests[index + 1] if index + 1 < len(digests) else None

    def _digest_updated(self, digest: Digest) -> datetime.date:
        """When a digest's page last changed: its papers' lists of digests grow when a later digest
        lists one of them again."""
        return max([digest.date, *(self.catalog.papers[s].last_seen for s in digest.slugs)])

    def _topic_window(self, topic: Topic, number: int) -> tuple[Window, list[Paper]]:
        """Which of a topic's pages `number` is, and the papers it shows."""
        papers = self.catalog.papers_by_topic[topic.slug]
        page = window(len(papers), number)
        return page, papers[len(papers) - page.last : len(papers) - page.first + 1]

    def topic_page(self, topic: Topic, number: int = 0) -> Page:
        """A topic's own page (number 0: what it covers and its newest papers) or one of its archive
        pages (1 and up, oldest first), papers latest filed first on each (see `paginator`)."""
        papers = self.catalog.papers_by_topic[topic.slug]
        page, shown = self._topic_window(topic, number)

        def link(number: int | None) -> str | None:
            return None if number is None else self.urls.link(topic_page_path(topic.slug, number))

        data = TopicPage(
            bib_url=self.urls.link(bibtex_file(topic_path(topic.slug))),
            title=topic.name if page.own else f"{topic.name}, papers {page.first} to {page.last}",
            slug=topic.slug,
            url=self.urls.link(topic_page_path(topic.slug, number)),
            description=topic.description,
            count=len(papers) if page.own else None,
            papers=tuple(self.paper_ref(p) for p in shown),
            pagination=Pagination(not page.own, page.first, page.last, link(page.newer), link(page.older)),
            updated=max((p.last_seen for p in (papers if page.own else shown)), default=self.newest),
            per_digest=tuple(
                ChartBar(day, self.urls.link(digest_path(day)), n)
                for day, n in list(self.per_digest[topic.slug].items())[-CHART_DIGESTS:]
            )
            if page.own
            else (),
            cooccurring=tuple(
                TopicCount(ref.name, ref.slug, ref.url, n)
                for slug, n in self.cooccurring[topic.slug]
                for ref in (self.topic_ref(slug),)
            )
            if page.own
            else (),
            feeds=self.feed_links(topic_path(topic.slug), topic.name),
        )
        return Page(
            topic_page_path(topic.slug, number), data, text_to_markdown(topic.description) + "\n" if page.own else ""
        )

    def topic_summaries(self) -> tuple[TopicSummary, ...]:
        """Every topic with its description and number of papers, in taxonomy order."""
        return tuple(
            TopicSummary(
                t.name, t.slug, self.urls.link(topic_path(t.slug)), self.catalog.topic_counts[t.slug], t.description
            )
            for t in self.catalog.topics
        )

    def listing_pages(self) -> list[Page]:
        """The home page and the indexes of digests and topics."""
        digests = tuple(self.digest_ref(d) for d in self.catalog.digests)
        topics = self.topic_summaries()
        latest = None
        if self.catalog.digests:
            newest = self.catalog.digests[0]
            ref = self.digest_ref(newest)
            papers = tuple(self.paper_ref(self.catalog.papers[s]) for s in newest.slugs)
            latest = LatestDigest(ref.date, ref.title, ref.url, ref.count, papers)
        home = HomePage(
            title=self.site_title,
            url=self.urls.link(""),
            description=self.site_description,
            digests=digests,
            topics=topics,
            latest=latest,
            updated=self.newest,
            feeds=self.feed_links("", self.site_title),
            opml=self.urls.link(OPML_PATH),
        )
        home_path, digests_path, topics_path, reading_list_path, not_found_path = LISTING_PATHS
        return [
            Page(home_path, home),
            Page(
                digests_path,
                DigestsPage(
                    title="All digests", url=self.urls.link(digests_path), digests=digests, updated=self.newest
                ),
            ),
            Page(
                topics_path,
                TopicsPage(
                    title="Topics",
                    url=self.urls.link(topics_path),
                    topics=topics,
                    updated=self.newest,
                    opml=self.urls.link(OPML_PATH),
                ),
            ),
            Page(
                reading_list_path,
                ReadingListPage(title="Reading list", url=self.urls.link(reading_list_path)),
                sitemap=False,
            ),
            Page(
                not_found_path,
                NotFoundPage(title="Page not found", url=self.urls.link(not_found_path)),
                publish_markdown=False,
                sitemap=False,
            ),
        ]

    def other_page(self, index: int) -> Page:
        """A hand-written page, or one of the pages made elsewhere after them."""
        if index >= len(self.hand_written):
            return self.extra[index - len(self.hand_written)]
        page = self.hand_written[index]
        data = HandWrittenPage(
            title=page.title,
            slug=page.slug,
            url=self.urls.link(f"{page.slug}/"),
            description=page.description,
            menu=page.menu,
            updated=page.updated,
        )
        return Page(f"{page.slug}/", data, page.body)


_MAKERS: dict[PageKind, Callable[[PageMaker, PageSpec], Page]] = {
    "listing": lambda maker, spec: maker.listings[int(spec.key)],
    "digest": lambda maker, spec: maker.digest_page(maker.digest_places[spec.key]),
    "topic": lambda maker, spec: maker.topic_page(maker.catalog.topic(spec.key), spec.number),
    "paper": lambda maker, spec: maker.paper_page(maker.catalog.papers[spec.key]),
    "page": lambda maker, spec: maker.other_page(int(spec.key)),
}
"""How each kind of page is made from its spec (functions of the maker: lambdas kept by each maker
would refer to it, a cycle that only the cycle collector frees, which a one-shot build pauses)."""
