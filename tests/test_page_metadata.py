"""What machines read: canonical and Open Graph URLs, Twitter cards, Highwire citation tags and
JSON-LD on paper pages, a sitemap whose lastmod comes from the digests' own dates, and no other date."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import lxml.etree
import lxml.html

from .conftest import BuiltSite
from .golden import GOLDEN
from .helpers import ABSTRACT, build_into, html, page, text_digest, text_of, write_content

MIDIBERT = "papers/adversarial-midibert-symbolic-music-understanding-model-based-on-unbias-pre/"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _meta(tree: lxml.html.HtmlElement, key: str) -> list[str]:
    """The content of <meta name=key> or <meta property=key>, in page order."""
    return list(tree.xpath(f"//meta[@name='{key}' or @property='{key}']/@content"))


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, object]]:
    return [json.loads(text) for text in tree.xpath("//script[@type='application/ld+json']/text()")]


def _lastmod(out: Path) -> dict[str, str | None]:
    """Sitemap entries: site path -> lastmod (None when the entry has none)."""
    tree = lxml.etree.parse(str(out / "sitemap.xml"))
    entries = {}
    for url in tree.xpath("//s:url", namespaces=SITEMAP):
        location = url.findtext("s:loc", namespaces=SITEMAP).removeprefix("https://paper-digest.netlify.app/")
        entries[location] = url.findtext("s:lastmod", namespaces=SITEMAP)
    return entries


def test_every_page_has_link_preview_tags_that_agree_with_the_page(sample_site: BuiltSite) -> None:
    for file in sorted(sample_site.out.rglob("*.html")):
        tree = html(file)
        if file.name == "404.html":  # served at every missing address: it named itself their canonical address
            assert tree.xpath("//link[@rel='canonical']") == [] and _meta(tree, "og:url") == []
            continue
        canonical = tree.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1 and canonical[0].startswith("https://paper-digest.netlify.app/"), file
        assert _meta(tree, "og:url") == canonical, file
        description = _meta(tree, "description")
        assert len(description) == 1 and description[0].strip(), file
        assert _meta(tree, "og:description") == _meta(tree, "twitter:description") == description, file
        title = _meta(tree, "og:title")
        assert len(title) == 1 and title == _meta(tree, "twitter:title"), file
        assert tree.findtext(".//title").startswith(title[0]), file
        assert _meta(tree, "og:site_name") == ["Paper Digest"], file
        assert _meta(tree, "twitter:card") == ["summary"], file
        assert _meta(tree, "og:type") == ["article" if "/papers/" in file.as_posix() else "website"], file


def test_paper_page_has_citation_tags_and_scholarly_article(sample_site: BuiltSite) -> None:
    """A paper listed in 2025 and published in 2024 is dated 2024: the date its metadata gives,
    never a digest's (the shipped notes carry the sourced metadata)."""
    tree = page(sample_site.out, MIDIBERT)
    title = text_of(tree.find(".//h1"))
    canonical = "https://paper-digest.netlify.app/" + MIDIBERT
    assert _meta(tree, "citation_title") == [title]
    assert _meta(tree, "citation_author") == ["Zijian Zhao"]
    assert _meta(tree, "citation_publication_date") == ["2024/07/11"]
    assert _meta(tree, "article:published_time") == ["2024-07-11"]
    assert _meta(tree, "article:modified_time") == []
    assert _meta(tree, "citation_arxiv_id") == ["2407.08306"]
    chips = [text_of(a) for a in tree.xpath("//header//a[@class='chip']")]
    assert _meta(tree, "article:tag") == chips
    [article] = _json_ld(tree)
    assert article == {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": title,
        "name": title,
        "abstract": _meta(tree, "citation_abstract")[0],
        "description": _meta(tree, "description")[0],
        "author": [{"@type": "Person", "name": "Zijian Zhao"}],
        "url": canonical,
        "mainEntityOfPage": canonical,
        "datePublished": "2024-07-11",
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "arXiv", "value": "2407.08306"},
            {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.48550/arXiv.2407.08306"},
        ],
        "sameAs": ["https://arxiv.org/abs/2407.08306", "https://doi.org/10.48550/arXiv.2407.08306"],
        "keywords": chips,
        "isPartOf": {"@type": "WebSite", "name": "Paper Digest", "url": "https://paper-digest.netlify.app/"},
    }


def test_scholarly_article_names_the_papers_own_pages() -> None:
    tree = html(GOLDEN / "basic/expected/papers/music-transformer/index.html")
    [article] = _json_ld(tree)
    assert article["sameAs"] == ["https://arxiv.org/abs/1809.04281", "https://doi.org/10.48550/arXiv.1809.04281"]


def test_only_paper_pages_carry_citation_tags_and_json_ld(sample_site: BuiltSite) -> None:
    for file in sorted(sample_site.out.rglob("*.html")):
        tree = html(file)
        is_paper = "/papers/" in file.as_posix()
        assert len(_meta(tree, "citation_title")) == len(_json_ld(tree)) == int(is_paper), file


def test_sitemap_lastmod_is_the_newest_digest_each_page_shows(sample_site: BuiltSite) -> None:
    papers = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    digests = json.loads((sample_site.out / "api/digests.json").read_text(encoding="utf-8"))
    last_seen = {p["slug"]: max(p["digests"]) for p in papers}
    newest = max(d["date"] for d in digests)
    expected: dict[str, str | None] = {"": newest, "digests/": newest, "topics/": newest, "about/": None}
    expected |= {f"papers/{slug}/": day for slug, day in last_seen.items()}
    # a digest page changes when a later digest lists one of its papers again
    expected |= {f"digests/{d['date']}/": max(last_seen[s] for s in d["papers"]) for d in digests}
    topics = json.loads((sample_site.out / "api/topics.json").read_text(encoding="utf-8"))
    for topic in topics:
        expected[f"topics/{topic['slug']}/"] = max(last_seen[p["slug"]] for p in papers if topic["slug"] in p["topics"])
    assert _lastmod(sample_site.out) == expected
    assert expected["digests/2025-03-18/"] == "2025-06-26"


def test_hand_written_page_gets_lastmod_from_its_front_matter(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-26.txt": text_digest("Jun 26", [("A Paper", ABSTRACT)]),
            "pages/about.md": "---\ntitle: About\nupdated: 2025-01-02\n---\nHello.\n",
            "pages/faq.md": "---\ntitle: FAQ\n---\nNo date.\n",
        },
    )
    build_into(content, tmp_path / "public")
    sitemap = (tmp_path / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "about/</loc><lastmod>2025-01-02</lastmod>" in sitemap
    assert "faq/</loc></url>" in sitemap


def test_every_date_on_the_site_is_a_digests_own_or_a_papers_publication(sample_site: BuiltSite) -> None:
    """No wall-clock time: a date is a digest's, or a paper's first version's from its metadata."""
    papers = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    days = {"2025-03-18", "2025-05-30", "2025-06-26"} | {
        p["published"] for p in papers if len(p["published"] or "") == 10
    }
    found = set()
    for file in sorted(p for p in sample_site.out.rglob("*") if p.is_file()):
        text = file.read_bytes().decode("utf-8", "replace")
        found |= {f"{y}-{m}-{d}" for y, m, d in re.findall(r"\b(\d{4})[-/](\d\d)[-/](\d\d)\b", text)}
    assert found == days
    assert datetime.date.today().isoformat() not in found
