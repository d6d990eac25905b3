"""Feeds to subscribe to: Atom and JSON Feed 1.1 for the whole site, each topic and each digest, and an OPML
file listing them all.

Atom is rendered from `templates/feed.xml` by the same Jinja environment as the pages (autoescape on, so
titles and abstracts are escaped as XML text); JSON Feed is plain data. Every timestamp is a digest's date
at midnight UTC, and every entry id is the paper's permalink, so two builds of the same inputs are
byte-identical and an entry keeps its id in every feed and every build.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_src.build.keys import fingerprint
from site_src.build.output import OutputFile
from site_src.catalog.model import Catalog, Paper
from site_src.inputs.settings import SiteSettings
from site_src.pages.api import dump_json
from site_src.pages.render import make_environment
from site_src.pages.urls import OPML_PATH, SiteUrls, atom_feed_path, digest_path, json_feed_path, paper_path, topic_path

FEED_ENTRIES = 50
"""A topic feed carries this many papers, the latest filed; the site feed at least this many, in whole digests; a digest
feed carries all of its papers."""
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 forbids even when escaped."""
    return _NOT_XML.sub("", text)


def timestamp(day: datetime.date) -> str:
    """A digest's date as an RFC 3339 time: midnight UTC, the same in every build."""
    return f"{day.isoformat()}T00:00:00Z"


@dataclass(frozen=True)
class Feed:
    """One feed: the page it belongs to (a folder path), its title, and its papers with their dates."""

    folder: str
    """The site path of the page, e.g. "topics/music/"; "" for the whole site."""
    title: str
    description: str
    entries: tuple[tuple[Paper, datetime.date], ...]
    """Each paper with the digest date that is its `updated`."""

    @property
    def atom_path(self) -> str:
        """Where the Atom feed is published."""
        return atom_feed_path(self.folder)

    @property
    def json_path(self) -> str:
        """Where the JSON Feed twin is published."""
        return json_feed_path(self.folder)


def site_feed(catalog: Catalog, settings: SiteSettings) -> Feed:
    """The newest digests, whole, newest first and in the curator's order, until the feed holds at least
    FEED_ENTRIES papers; each paper once, dated by the newest digest that lists it.

    Digests are never cut, so a subscriber gets every paper of the newest digest however large it is,
    and of every other digest the feed shows."""
    entries: dict[str, tuple[Paper, datetime.date]] = {}
    for digest in catalog.digests:
        if len(entries) >= FEED_ENTRIES:
            break
        for slug in digest.slugs:
            entries.setdefault(slug, (catalog.papers[slug], digest.date))
    return Feed("", settings.title, settings.description, tuple(entries.values()))


def topic_feeds(catalog: Catalog, settings: SiteSettings) -> Iterator[Feed]:
    """Per topic, its latest filed papers (as the topic page lists them), dated by their newest digest."""
    for topic in catalog.topics:
        papers = catalog.papers_by_topic[topic.slug]
        yield Feed(
            topic_path(topic.slug),
            f"{topic.name} · {settings.title}",
            topic.description,
            tuple((p, p.last_seen) for p in papers[:FEED_ENTRIES]),
        )


def digest_feeds(catalog: Catalog, settings: SiteSettings) -> Iterator[Feed]:
    """Per digest, all its papers in the curator's order, dated by the digest."""
    for digest in catalog.digests:
        yield Feed(
            digest_path(digest.date),
            f"{digest.title or digest.date.isoformat()} · {settings.title}",
            f"The papers of the digest of {digest.date.isoformat()}.",
            tuple((catalog.papers[slug], digest.date) for slug in digest.slugs),
        )


@dataclass(frozen=True)
class FeedWriter:
    """Turns feeds into Atom and JSON Feed files with absolute links for one site."""

    catalog: Catalog
    settings: SiteSettings
    urls: SiteUrls

    def updated(self, feed: Feed) -> str:
        """The newest entry's date; an empty feed takes the newest digest's (or 1970 on a site without any)."""
        days = [day for _, day in feed.entries] or [d.date for d in self.catalog.digests[:1]]
        return timestamp(max(days, default=datetime.date(1970, 1, 1)))

    def entry(self, paper: Paper, updated: datetime.date) -> dict[str, Any]:
        """One paper as a feed entry: the same id in every feed and every build."""
        link = self.urls.absolute(paper_path(paper.slug))
        return {
            "id": link,
            "url": link,
            "title": xml_safe(paper.title),
            "summary": xml_safe(paper.abstract),
            "authors": [xml_safe(name) for name in paper.meta.authors],
            "related": f"https://arxiv.org/abs/{paper.meta.arxiv}" if paper.meta.arxiv else "",
            "published": timestamp(paper.first_seen),
            "updated": timestamp(updated),
            "categories": [
                {
                    "term": slug,
                    "label": xml_safe(self.catalog.topic(slug).name),
                    "scheme": self.urls.absolute("topics/"),
                }
                for slug in paper.topic_slugs
            ],
        }

    def key(self, feed: Feed, template_key: str) -> str:
        """What a feed's files are made from: every field `context` and `entry` read, as plain text (the
        title and abstract as their `text_hash`; at 10k papers a third of the time of making every
        feed's context to compare it)."""
        entries = (
            f"{p.slug}\0{p.text_hash}\0{p.meta.authors}\0{p.meta.arxiv}\0{p.first_seen}\0{p.topic_slugs}\0{day}"
            for p, day in feed.entries
        )
        site = (self.urls.absolute(""), self.settings.language, self.settings.author)
        names = "\0".join(f"{t.slug}\0{t.name}" for t in self.catalog.topics)
        return fingerprint(
            template_key, *site, names, feed.folder, feed.title, feed.description, self.updated(feed), *entries
        )

    def context(self, feed: Feed) -> dict[str, Any]:
        """Everything the Atom template and the JSON Feed need, with absolute links."""
        return {
            "title": xml_safe(feed.title),
            "subtitle": xml_safe(feed.description),
            "id": self.urls.absolute(feed.atom_path),
            "self_url": self.urls.absolute(feed.atom_path),
            "json_url": self.urls.absolute(feed.json_path),
            "page_url": self.urls.absolute(feed.folder),
            "updated": self.updated(feed),
            "language": self.settings.language,
            "author": xml_safe(self.settings.author),
            "entries": [self.entry(paper, day) for paper, day in feed.entries],
        }

    def json_feed(self, context: dict[str, Any]) -> dict[str, Any]:
        """The JSON Feed 1.1 twin of a feed."""
        return {
            "version": JSON_FEED_VERSION,
            "title": context["title"],
            "description": context["subtitle"],
            "home_page_url": context["page_url"],
            "feed_url": context["json_url"],
            "language": context["language"],
            "authors": [{"name": context["author"]}],
            "items": [
                {
                    "id": item["id"],
                    "url": item["url"],
                    "title": item["title"],
                    "content_text": item["summary"],
                    "date_published": item["published"],
                    "date_modified": item["updated"],
                    "tags": [c["label"] for c in item["categories"]],
                    **({"authors": [{"name": name} for name in item["authors"]]} if item["authors"] else {}),
                    **({"external_url": item["related"]} if item["related"] else {}),
                }
                for item in context["entries"]
            ],
        }


@dataclass(frozen=True)
class FeedFiles:
    """One feed's two files, named by what they are made from: a build keeps them when that is unchanged
    (an old digest's feed almost always is), and calls `make` only for the others."""

    name: str
    """The feed's name among the groups of files a build remembers."""
    key: str
    make: Callable[[], list[OutputFile]]


def feed_files(
    catalog: Catalog, settings: SiteSettings, urls: SiteUrls, templates_dir: Path, template_key: str
) -> tuple[list[FeedFiles], OutputFile]:
    """Every feed as Atom and JSON Feed (`template_key`: feed.xml's), and feeds.opml listing them all."""
    env = make_environment(templates_dir)
    atom = env.get_template("feed.xml")
    writer = FeedWriter(catalog, settings, urls)
    site = site_feed(catalog, settings)
    digests, topics = list(digest_feeds(catalog, settings)), list(topic_feeds(catalog, settings))

    def files(feed: Feed) -> FeedFiles:
        def make() -> list[OutputFile]:
            context = writer.context(feed)
            return [
                OutputFile(feed.atom_path, atom.render(feed=context).encode("utf-8")),
                OutputFile(feed.json_path, dump_json(writer.json_feed(context))),
            ]

        return FeedFiles(f"feed:{feed.folder}", writer.key(feed, template_key), make)

    feeds = [files(feed) for feed in [site, *topics, *digests]]
    opml = env.get_template("feeds.opml").render(
        title=xml_safe(f"{settings.title}: feeds"),
        site=_outline(site, urls),
        folders=[("Digests", [_outline(f, urls) for f in digests]), ("Topics", [_outline(f, urls) for f in topics])],
    )
    return feeds, OutputFile(OPML_PATH, opml.encode("utf-8"))


def _outline(feed: Feed, urls: SiteUrls) -> dict[str, str]:
    """A feed as an OPML outline: its title, its Atom feed and its page."""
    return {
        "title": xml_safe(feed.title),
        "xml_url": urls.absolute(feed.atom_path),
        "html_url": urls.absolute(feed.folder),
    }
