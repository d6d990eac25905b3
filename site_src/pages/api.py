"""Machine-readable views of the site: the JSON API, sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from html import escape
from typing import Any

from site_src.build.output import OutputFile
from site_src.catalog.model import Catalog, Paper
from site_src.markup import code_label
from site_src.pages.citations import doi
from site_src.pages.maker import paper_links
from site_src.pages.urls import SiteUrls, bibtex_file, digest_path, paper_path, topic_path


def dump_json(data: Any) -> bytes:
    """Deterministic, compact JSON (sorted keys, UTF-8)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _paper_record(p: Paper, urls: SiteUrls) -> dict[str, Any]:
    """One paper as /api/papers.json lists it. Made from the paper and the site's address alone: a
    build keeps a paper's entry while its `page_deps` record and the address are the same
    (`paper_texts`), so anything else read here would go stale."""
    return {
        "slug": p.slug,
        "title": p.title,
        "url": urls.absolute(paper_path(p.slug)),
        "abstract": p.abstract,
        "topics": list(p.topic_slugs),
        "digests": [a.date.isoformat() for a in p.appearances],
        "links": [
            *({"label": link.label, "url": link.url} for link in paper_links(p)),
            *({"label": code_label(u), "url": u} for u in p.meta.code),
        ],
        "arxiv": p.meta.arxiv or None,
        "authors": list(p.meta.authors),
        "published": p.meta.published or None,
        "doi": doi(p) or None,
        "code": [u for u in p.meta.code if code_label(u) == "Code"],  # as has:code counts them
        "project": p.meta.project or None,
        "bibtex": urls.absolute(bibtex_file(paper_path(p.slug))),
    }


PAPERS_JSON = "api/papers.json"
_PAPERS_PER_PART = 500


def paper_entry(paper: Paper, urls: SiteUrls) -> bytes:
    """One paper's entry in /api/papers.json, as `dump_json` writes it in the array."""
    return dump_json(_paper_record(paper, urls))


def json_array(entries: Iterable[bytes | memoryview]) -> Iterator[bytes]:
    """A JSON array of entries in parts, as `dump_json` would write it whole, to be written as it is
    made: at 50k papers /api/papers.json is 90 MB, which made whole took twice that in the build's
    main process."""
    batch: list[bytes | memoryview] = []
    opening = b"["
    for entry in entries:
        batch.append(entry)
        if len(batch) == _PAPERS_PER_PART:
            yield opening + b",".join(batch)
            batch, opening = [], b","
    if batch or opening == b"[":  # the last entries, or none at all
        yield opening + b",".join(batch) + b"]"
    else:
        yield b"]"


def api_files(catalog: Catalog, urls: SiteUrls) -> list[OutputFile]:
    """/api/topics.json and /api/digests.json (/api/papers.json: `paper_entry`, `json_array`)."""
    topics = [
        {
            "slug": t.slug,
            "name": t.name,
            "description": t.description,
            "url": urls.absolute(topic_path(t.slug)),
            "count": catalog.topic_counts[t.slug],
        }
        for t in catalog.topics
    ]
    digests = [
        {
            "date": d.date.isoformat(),
            "title": d.title,
            "url": urls.absolute(digest_path(d.date)),
            "papers": list(d.slugs),
        }
        for d in catalog.digests
    ]
    return [
        OutputFile("api/topics.json", dump_json(topics)),
        OutputFile("api/digests.json", dump_json(digests)),
    ]


def robots_txt(urls: SiteUrls, noindex: bool) -> str:
    """Crawlers may read everything and are shown the sitemap; a preview (`noindex`) turns them all away."""
    if noindex:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\nSitemap: {urls.absolute('sitemap.xml')}\n"


def sitemap_files(
    pages: Iterable[tuple[str, datetime.date | None]], urls: SiteUrls, noindex: bool = False
) -> list[OutputFile]:
    """sitemap.xml (every listed page by site path, with the date of its newest content) and robots.txt."""
    entries = []
    for path, lastmod in sorted(pages, key=lambda entry: entry[0]):
        modified = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        entries.append(f"<url><loc>{escape(urls.absolute(path), quote=False)}</loc>{modified}</url>")
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(entries) + "\n</urlset>\n"
    )
    robots = robots_txt(urls, noindex)
    return [OutputFile("sitemap.xml", sitemap.encode("utf-8")), OutputFile("robots.txt", robots.encode("utf-8"))]
