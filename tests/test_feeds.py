"""Feeds: valid Atom (RFC 4287's schema) and JSON Feed 1.1 for the site, each topic and each digest, an OPML
list of them all, autodiscovery links, escaped text and entry ids that stay the same between builds."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree

from site_src.build.builder import Timings
from site_src.build.cache import BuildCache
from site_src.build.pipeline import BuildRun
from site_src.catalog.model import Catalog
from site_src.inputs.settings import TEMPLATES_DIR, BuildOptions, SiteSettings
from site_src.markup import clean_text
from site_src.pages.feeds import feed_files
from site_src.pages.urls import SiteUrls

from .conftest import BuiltSite
from .helpers import SHIPPED_CONTENT, build_into, load_cases, page, resolve, text_digest, write_content

DATA = Path(__file__).parent / "data"
ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


def _atom_feeds(out: Path) -> list[Path]:
    return sorted(out.rglob("feed.xml"))


def test_every_page_kind_with_a_feed_has_atom_and_json(sample_site: BuiltSite) -> None:
    out = sample_site.out
    folders = {f.parent.relative_to(out).as_posix() for f in _atom_feeds(out)}
    topics = {f"topics/{t['slug']}" for t in json.loads((out / "api/topics.json").read_text(encoding="utf-8"))}
    digests = {f"digests/{d['date']}" for d in json.loads((out / "api/digests.json").read_text(encoding="utf-8"))}
    assert folders == {".", *topics, *digests}
    for folder in folders:
        assert (out / folder / "feed.json").is_file()


def test_atom_feeds_match_the_rfc_schema_and_parse_cleanly(sample_site: BuiltSite) -> None:
    for file in _atom_feeds(sample_site.out):
        assert SCHEMA.validate(etree.parse(str(file))), (file, SCHEMA.error_log.last_error)
        parsed = feedparser.parse(file.read_bytes())
        assert not parsed.bozo, (file, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"


def test_required_atom_elements_including_the_schematron_rules(sample_site: BuiltSite) -> None:
    """What RFC 4287 requires beyond its grammar: an author, and an alternate link on every entry."""
    for file in _atom_feeds(sample_site.out):
        feed = etree.parse(str(file)).getroot()
        for name in ("id", "title", "updated"):
            assert feed.find(ATOM + name) is not None and feed.findtext(ATOM + name).strip(), (file, name)
        assert feed.find(f"{ATOM}author/{ATOM}name").text.strip()
        assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith(file.relative_to(sample_site.out).as_posix())
        for entry in feed.iter(ATOM + "entry"):
            for name in ("id", "title", "updated", "summary"):
                assert entry.findtext(ATOM + name), (file, name)
            assert entry.find(f"{ATOM}link[@rel='alternate']") is not None


def test_entries_carry_title_link_abstract_topics_and_digest_date(sample_site: BuiltSite) -> None:
    out = sample_site.out
    papers = {p["slug"]: p for p in json.loads((out / "api/papers.json").read_text(encoding="utf-8"))}
    topics = {t["slug"]: t["name"] for t in json.loads((out / "api/topics.json").read_text(encoding="utf-8"))}
    parsed = feedparser.parse((out / "digests/2025-05-30/feed.xml").read_bytes())
    digest = json.loads((out / "api/digests.json").read_text(encoding="utf-8"))
    listed = next(d["papers"] for d in digest if d["date"] == "2025-05-30")
    assert [e.link for e in parsed.entries] == [papers[slug]["url"] for slug in listed]
    for entry, slug in zip(parsed.entries, listed, strict=True):
        paper = papers[slug]
        assert entry.title == paper["title"]
        assert entry.summary == paper["abstract"]
        assert [t.term for t in entry.tags] == paper["topics"]
        assert [t.label for t in entry.tags] == [topics[s] for s in paper["topics"]]
        assert entry.updated == "2025-05-30T00:00:00Z"
        assert entry.id == paper["url"]


def _digest_links(out: Path) -> list[list[str]]:
    """Each digest's paper links, newest digest first, as the JSON API lists them."""
    urls = {p["slug"]: p["url"] for p in json.loads((out / "api/papers.json").read_text(encoding="utf-8"))}
    digests = json.loads((out / "api/digests.json").read_text(encoding="utf-8"))
    return [[urls[slug] for slug in digest["papers"]] for digest in digests]


def _site_feed_links(out: Path) -> tuple[list[str], list[str]]:
    """The site feed's entry links as a feed reader reads the Atom feed, and as the JSON Feed lists them
    (feedparser 6 reads no JSON Feed)."""
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    return [e.link for e in parsed.entries], [i["url"] for i in items]


def test_site_feed_holds_the_newest_digest_first(sample_site: BuiltSite) -> None:
    parsed = feedparser.parse((sample_site.out / "feed.xml").read_bytes())
    newest = page(sample_site.out, "digests/2025-06-26/")
    first_titles = [e.title for e in parsed.entries[:3]]
    assert first_titles == [a.text_content() for a in newest.xpath("//ol[@class='paper-list']//h2/a")][:3]
    assert parsed.feed.updated == "2025-06-26T00:00:00Z"
    assert len(parsed.entries) == len({e.id for e in parsed.entries})


def test_site_feed_holds_every_paper_of_the_newest_digest(sample_site: BuiltSite) -> None:
    newest = _digest_links(sample_site.out)[0]
    assert len(newest) > 50  # the shipped newest digest is larger than the other feeds' 50
    for links in _site_feed_links(sample_site.out):
        assert links[: len(newest)] == newest


def test_site_feed_holds_whole_digests_until_it_has_fifty_papers(tmp_path: Path) -> None:
    """A small newest digest: the feed goes on with the next digest, whole, not cut at 50 papers."""
    shipped = {f"digests/{d.name}": d.read_bytes() for d in (SHIPPED_CONTENT / "digests").iterdir()}
    small = text_digest("Jul 1", [(f"A Small Digest Paper {n}", "We study small digests. " * 5) for n in "ABC"])
    out = tmp_path / "public"
    build_into(write_content(tmp_path, {**shipped, "digests/2025-07-01.txt": small}), out)
    digests = _digest_links(out)
    expected = list(dict.fromkeys(digests[0] + digests[1]))  # each paper once, where it was listed last
    assert len(digests[0]) == 3 and len(expected) > 50
    for links in _site_feed_links(out):
        assert links == expected


def test_topic_feed_lists_the_topic_papers(sample_site: BuiltSite) -> None:
    out = sample_site.out
    parsed = feedparser.parse((out / "topics/music/feed.xml").read_bytes())
    on_page = [a.text_content() for a in page(out, "topics/music/").xpath("//ul[@class='paper-list']//h2/a")]
    assert [e.title for e in parsed.entries] == on_page[:50]
    assert all("music" in [t.term for t in e.tags] for e in parsed.entries)


def test_json_feed_twins_hold_the_same_entries(sample_site: BuiltSite) -> None:
    for atom_file in _atom_feeds(sample_site.out):
        parsed = feedparser.parse(atom_file.read_bytes())
        feed = json.loads((atom_file.parent / "feed.json").read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] == parsed.feed.title
        assert feed["feed_url"].endswith("/feed.json") and feed["home_page_url"] == parsed.feed.link
        assert [i["id"] for i in feed["items"]] == [e.id for e in parsed.entries]
        for item, entry in zip(feed["items"], parsed.entries, strict=True):
            assert item["content_text"] == entry.summary and item["title"] == entry.title
            assert item["date_modified"] == entry.updated
            assert item["tags"] == [t.label for t in entry.tags]


def test_opml_lists_the_site_feed_then_the_digest_and_topic_feeds_in_folders(sample_site: BuiltSite) -> None:
    """Readers import a top-level outline as a feed and an outline holding outlines as a folder."""
    out = sample_site.out
    opml = etree.parse(str(out / "feeds.opml")).getroot()
    assert opml.get("version") == "2.0" and opml.findtext("head/title")
    home = page(out, "").xpath("//link[@rel='canonical']/@href")[0]
    digests = json.loads((out / "api/digests.json").read_text(encoding="utf-8"))
    topics = json.loads((out / "api/topics.json").read_text(encoding="utf-8"))
    body = opml.find("body")
    assert [(o.get("text"), o.get("xmlUrl")) for o in body] == [
        (feedparser.parse((out / "feed.xml").read_bytes()).feed.title, home + "feed.xml"),
        ("Digests", None),
        ("Topics", None),
    ]
    assert [o.get("xmlUrl") for o in body[1]] == [d["url"] + "feed.xml" for d in digests]
    assert [o.get("xmlUrl") for o in body[2]] == [t["url"] + "feed.xml" for t in topics]
    for outline in opml.iter("outline"):
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss" and outline.get("text") and outline.get("htmlUrl")
            feed = feedparser.parse((out / outline.get("xmlUrl").removeprefix(home)).read_bytes())
            assert feed.feed.title == outline.get("title") and feed.feed.link == outline.get("htmlUrl")


@pytest.mark.parametrize(
    ("site_path", "feed"), [("", ""), ("topics/vision/", "topics/vision/"), ("digests/2025-03-18/", "")]
)
def test_pages_with_a_feed_announce_it(sample_site: BuiltSite, site_path: str, feed: str) -> None:
    """A digest page offers the site's feed: its own never changes, and a reader who subscribed
    there got no later digest."""
    tree = page(sample_site.out, site_path)
    links = {link.get("type"): link.get("href") for link in tree.xpath("//head/link[@rel='alternate']")}
    assert set(links) == {"application/atom+xml", "application/feed+json"}
    assert links["application/atom+xml"] == f"/{feed}feed.xml"
    for href in links.values():
        assert resolve(sample_site.out, href) is not None
    assert tree.xpath("//p[@class='subscribe']/a/@href")[:2] == [
        links["application/atom+xml"],
        links["application/feed+json"],
    ]
    if site_path.startswith("digests/"):  # it said "Subscribe:", as if to the day's own feed
        assert tree.xpath("normalize-space(//p[@class='subscribe'])").startswith("Subscribe to every digest:")


@pytest.mark.parametrize("site_path", ["papers/pointer-networks/", "topics/", "digests/", "about/", "search/"])
def test_pages_without_a_feed_of_their_own_announce_the_site_s(sample_site: BuiltSite, site_path: str) -> None:
    """A reader's feed button on a paper's page found no feed at all."""
    links = page(sample_site.out, site_path).xpath("//head/link[@rel='alternate']")
    assert {link.get("type"): link.get("href") for link in links} == {
        "application/atom+xml": "/feed.xml",
        "application/feed+json": "/feed.json",
    }
    home = page(sample_site.out, "")
    assert [link.get("title") for link in links] == home.xpath("//head/link[@rel='alternate']/@title")
    feed = feedparser.parse((sample_site.out / "feed.xml").read_bytes())
    assert not feed.bozo and [feed.feed.link] == home.xpath("//head/link[@rel='canonical']/@href")


def test_feeds_are_byte_identical_between_builds_and_ids_survive_a_new_digest(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build_into(SHIPPED_CONTENT, first)
    build_into(SHIPPED_CONTENT, second)
    for file in [*_atom_feeds(first), *first.rglob("feed.json"), first / "feeds.opml"]:
        assert file.read_bytes() == (second / file.relative_to(first)).read_bytes(), file

    shipped = {f"digests/{d.name}": d.read_bytes() for d in (SHIPPED_CONTENT / "digests").iterdir()}
    new = text_digest("Jul 1", [("A New Music Paper", "We generate piano music with melody and chords. " * 3)])
    content = write_content(tmp_path / "more", {**shipped, "digests/2025-07-01.txt": new})
    third = tmp_path / "c"
    build_into(content, third)
    before = {e.title: e.id for e in feedparser.parse((first / "topics/music/feed.xml").read_bytes()).entries}
    after = {e.title: e.id for e in feedparser.parse((third / "topics/music/feed.xml").read_bytes()).entries}
    assert "A New Music Paper" in after
    assert {title: after[title] for title in before} == before


def test_untrusted_titles_and_abstracts_are_escaped_in_feeds(tmp_path: Path) -> None:
    cases = load_cases("escaping.yaml")
    papers = [(case["title"], case["abstract"]) for case in cases]
    digest = {"date": "2025-07-01", "papers": [{"title": t, "abstract": a} for t, a in papers]}
    content = write_content(tmp_path, {"digests/2025-07-01.yaml": yaml.safe_dump(digest, allow_unicode=True)})
    out = tmp_path / "public"
    build_into(content, out)
    atom = out / "digests/2025-07-01/feed.xml"
    assert SCHEMA.validate(etree.parse(str(atom))), SCHEMA.error_log.last_error
    parsed = feedparser.parse(atom.read_bytes())
    assert not parsed.bozo
    root = etree.parse(str(atom)).getroot()
    titles = [e.findtext(ATOM + "title") for e in root.iter(ATOM + "entry")]
    summaries = [e.findtext(ATOM + "summary") for e in root.iter(ATOM + "entry")]
    assert sorted(titles) == sorted(clean_text(t) for t, _ in papers)
    assert sorted(summaries) == sorted(clean_text(a) for _, a in papers)
    assert not list(root.iter("{http://www.w3.org/1999/xhtml}*")), "no markup came out of the text"
    items = json.loads((out / "digests/2025-07-01/feed.json").read_text(encoding="utf-8"))["items"]
    assert sorted(i["title"] for i in items) == sorted(titles)


def _feed_made(
    catalog: Catalog, settings: SiteSettings, urls: SiteUrls, name: str, template: str = "feed.xml"
) -> tuple[str, list[bytes]]:
    """One feed's key and files, as a build makes them (`template`: the key of feed.xml)."""
    feeds, _ = feed_files(catalog, settings, urls, TEMPLATES_DIR, template)
    (feed,) = [f for f in feeds if f.name == name]
    return feed.key, [file.data for file in feed.make()]


def test_a_feed_is_made_again_whenever_anything_it_shows_changed() -> None:
    """A feed is kept from the last build when its key is unchanged: the key must change with every
    value its entries show (a missed one would publish a stale feed), and with nothing else."""
    run = BuildRun(BuildOptions(content_dir=SHIPPED_CONTENT), False, BuildCache.empty(), Timings(), "")
    run.parse()
    run.make_catalog()
    catalog, settings, urls = run.catalog, run.parsed.settings, SiteUrls(run.parsed.settings.base_url)
    digest = catalog.digests[0]
    name, slug = f"feed:digests/{digest.date.isoformat()}/", digest.slugs[0]
    paper = catalog.papers[slug]
    topic = catalog.topic(paper.topic_slugs[0])

    def with_paper(**changes: object) -> Catalog:
        return replace(catalog, papers={**catalog.papers, slug: replace(paper, **changes)})  # type: ignore[arg-type]

    older = paper.appearances[0]._replace(date=paper.first_seen - datetime.timedelta(days=400))
    shown = {
        "title": with_paper(title="Another title"),
        "abstract": with_paper(abstract="Another abstract."),
        "authors": with_paper(meta=replace(paper.meta, authors=("Ada Lovelace",))),
        "arXiv link": with_paper(meta=replace(paper.meta, arxiv="2101.00001")),
        "first seen": with_paper(appearances=(older, *paper.appearances)),
        "topics": with_paper(topics=paper.topics[::-1] if len(paper.topics) > 1 else ()),
        "topic name": replace(
            catalog, topics=tuple(replace(t, name="Renamed") if t is topic else t for t in catalog.topics)
        ),
    }
    key, files = _feed_made(catalog, settings, urls, name)
    for change, changed in shown.items():
        new_key, new_files = _feed_made(changed, settings, urls, name)
        assert new_files != files, f"the test's change of {change} shows in the feed"
        assert new_key != key, f"a feed's key misses its entries' {change}"
    other_sites = {
        "author": replace(settings, author="Someone"),
        "language": replace(settings, language="fr"),
        "title": replace(settings, title="Another site"),
    }
    for change, other in other_sites.items():
        assert _feed_made(catalog, other, urls, name)[0] != key, f"a feed's key misses the site's {change}"
    assert _feed_made(catalog, settings, SiteUrls("https://elsewhere.example/"), name)[0] != key
    assert _feed_made(catalog, settings, urls, name, "another feed.xml")[0] != key, "a feed's key misses its template"
    # the site feed dates each paper by the newest digest listing it: the same papers, other dates
    later = replace(digest, date=digest.date + datetime.timedelta(days=1))
    redated = replace(catalog, digests=(later, *catalog.digests[1:]))
    site_key, site_files = _feed_made(catalog, settings, urls, "feed:")
    new_key, new_files = _feed_made(redated, settings, urls, "feed:")
    assert new_files != site_files and new_key != site_key, "a feed's key misses its entries' dates"
    not_shown = with_paper(note="A note the feed does not show.", meta=replace(paper.meta, code=("https://x.example",)))
    assert _feed_made(not_shown, settings, urls, name) == (key, files), "a change the feed does not show keeps it"
