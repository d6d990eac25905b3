"""Every slug, URL and output-path decision, and the guarantee that paths stay inside the output.

Site paths are relative to the site root ("papers/x/", "" for the home page); `SiteUrls` turns
them into links that carry the base URL's path, so a site published below a folder still works.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from slugify import slugify

SLUG_MAX = 80
_HASH_LENGTH = 8
_APOSTROPHES = [["'", ""], ["\u2019", ""]]
"""Tweedie's becomes tweedies, not tweedie-s."""


def short_hash(text: str, length: int = _HASH_LENGTH) -> str:
    """A stable short fingerprint of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@functools.lru_cache(maxsize=1 << 17)
def slug_for(text: str, max_length: int = SLUG_MAX) -> str:
    """ASCII, lower case, hyphenated, cut at a word boundary unless that leaves less than half of
    `max_length` (an over-long word is cut instead: "A Supercalifragilistic…" was `a`); never empty
    (remembered: slugify is slow, and the preview makes the same slugs at every save)."""
    slug: str = slugify(text, replacements=_APOSTROPHES)
    return _cut(slug, max_length) or f"paper-{short_hash(text)}"


def _cut(slug: str, max_length: int) -> str:
    """A slug of at most `max_length` characters (see `slug_for`). Cutting a slug `slug_for` made
    gives what `slug_for` makes with a shorter length: each cut keeps a word boundary that every
    shorter cut keeps too."""
    if len(slug) > max_length:
        cut = slug[: max_length + 1].rfind("-")
        slug = slug[:cut] if cut >= max_length // 2 else slug[:max_length].rstrip("-")
    return slug


@dataclass(frozen=True)
class SlugClaim:
    """A paper asking for a slug: its identity and when it was first seen (older papers win)."""

    key: str
    title: str
    first_seen: datetime.date


def assign_slugs(claims: Iterable[SlugClaim], plain: Callable[[str], str] = slug_for) -> dict[str, str]:
    """A distinct slug per paper key, stable from build to build (`plain` is `slug_for`, or what
    it gave in an earlier build).

    Titles that make the same slug are ordered by first appearance, then identity; the first
    keeps the plain slug and the others get a fingerprint of their identity, which does not
    depend on what else is in the catalog.
    """
    wanted: dict[str, list[SlugClaim]] = defaultdict(list)
    for claim in claims:
        wanted[plain(claim.title)].append(claim)
    slugs: dict[str, str] = {}
    for slug, group in wanted.items():
        group.sort(key=lambda c: (c.first_seen, c.key))
        slugs[group[0].key] = slug
        stem = _cut(slug, SLUG_MAX - _HASH_LENGTH - 1)  # slug_for(title, that length), without slugifying again
        for claim in group[1:]:
            slugs[claim.key] = f"{stem}-{short_hash(claim.key)}"
    return slugs


class _QueryEscapes(dict[int, str]):
    """Each character as `query_quoted` writes it, by code point, found when first met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char == " ":
            written = "+"
        elif char.isascii() and (char.isalnum() or char in "_.~-"):
            written = char
        else:
            written = "".join(f"%{byte:02X}" for byte in char.encode())
        self[code] = written
        return written


_QUERY_ESCAPES = _QueryEscapes()


def query_quoted(text: str) -> str:
    """`urllib.parse.quote_plus(text)`: UTF-8, percent-escaped but for letters, digits and `_.~-`,
    spaces as "+". urllib escapes a byte at a time in Python: the COinS and search links of every
    paper took 0.5 of a cold build's 22 CPU seconds at 10k papers; a table does it in C."""
    return text.translate(_QUERY_ESCAPES)


def query_string(pairs: Iterable[tuple[str, str]]) -> str:
    """`urllib.parse.urlencode(pairs)`, for text (`query_quoted`)."""
    return "&".join(f"{query_quoted(name)}={query_quoted(value)}" for name, value in pairs)


def paper_path(slug: str) -> str:
    """Where a paper's page lives."""
    return f"papers/{slug}/"


def topic_path(slug: str) -> str:
    """Where a topic's page lives."""
    return f"topics/{slug}/"


def topic_page_path(slug: str, number: int) -> str:
    """Where a page of a topic's papers lives: its own page (0) at the topic's address, archive
    pages (1 and up, oldest first) below it."""
    return f"{topic_path(slug)}page/{number}/" if number else topic_path(slug)


def digest_path(date: datetime.date) -> str:
    """Where a digest's page lives."""
    return f"digests/{date.isoformat()}/"


OPML_PATH = "feeds.opml"
"""The OPML list of every feed: the site feed, then folders of digest feeds and topic feeds."""


def atom_feed_path(folder: str) -> str:
    """Where the Atom feed of a page is published ("" is the home page: the site feed)."""
    return f"{folder}feed.xml"


def json_feed_path(folder: str) -> str:
    """Where the JSON Feed twin of a page's Atom feed is published."""
    return f"{folder}feed.json"


def output_file(site_path: str) -> str:
    """The file that serves a site path: folders get an index.html."""
    return f"{site_path}index.html" if site_path.endswith("/") or not site_path else site_path


def markdown_file(site_path: str) -> str:
    """The Markdown twin published next to a folder page's index.html."""
    return f"{site_path}index.md"


def bibtex_file(site_path: str) -> str:
    """The citations of a folder page's papers, published next to its index.html."""
    return f"{site_path}index.bib"


class UnsafePathError(ValueError):
    """A path that would land outside the output folder."""


_PLAIN_PATH = re.compile(r"(?:[\w-][\w.-]*/)*[\w-][\w.-]*/?", re.ASCII)
"""A path of names that begin with a letter, digit, "_" or "-" (so none is "." or ".."), one "/"
between them: already normal (but for a last "/"), and inside the folder. Nearly every path a site
has, and a cache names 32,000 of them at 10k papers: they skip `normpath`."""


def checked_output_path(path: str) -> str:
    """`path` normalised, refusing anything that could escape the output folder."""
    if _PLAIN_PATH.fullmatch(path):
        return path.rstrip("/")
    normal = posixpath.normpath(path)
    if (
        not path
        or "\\" in path
        or "\x00" in path
        or normal.startswith(("/", "../"))
        or normal in (".", "..")
        or normal != path.rstrip("/")
    ):
        raise UnsafePathError(f"refusing to write outside the output folder: {path!r}")
    return normal


@dataclass(frozen=True)
class SiteUrls:
    """Links for a site published at `base_url` (which ends with a slash)."""

    base_url: str

    @cached_property
    def prefix(self) -> str:
        """The base URL's path: "/" for a site at a domain's root."""
        return urlsplit(self.base_url).path or "/"

    def link(self, site_path: str) -> str:
        """A root-relative link that works on any host serving the site (previews included)."""
        return self.prefix + site_path

    def site_link(self, href: str) -> str:
        """A link as a curator wrote it in Markdown: "/x" means the site's own x, so it moves below
        the base URL's path; other sites' addresses ("https:", "//host"), anchors and page-relative
        links stay as written."""
        if href.startswith("/") and not href.startswith("//"):
            return self.link(href[1:])
        return href

    def absolute(self, site_path: str) -> str:
        """A full address, for feeds, sitemaps and canonical links."""
        return self.base_url + site_path
