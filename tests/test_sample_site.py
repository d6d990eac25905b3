"""The three shipped digests, built end to end and read as a reader's tools read them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.etree
import pytest
import yaml

from site_src.build.builder import build
from site_src.build.gather import load_catalog
from site_src.errors import Problems
from site_src.inputs.digest import parse_digest
from site_src.inputs.reader import read_text
from site_src.inputs.settings import ROOT, BuildOptions
from site_src.pages import api
from site_src.pages.urls import SiteUrls

from .conftest import BuiltSite
from .helpers import SHIPPED_CONTENT, html, internal_links, page, resolve, text_of


def _front_matter(markdown: Path) -> dict[str, object]:
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(meta, dict)
    return meta


def test_summary_counts(sample_site: BuiltSite) -> None:
    report = sample_site.report
    assert (report.digests, report.papers, report.topics) == (3, 144, 15)
    assert report.summary().startswith("Built 3 digests, 144 papers, 15 topics, ")


def test_digest_pages_list_164_entries_in_curator_order(sample_site: BuiltSite) -> None:
    counts = {}
    for day in ("2025-03-18", "2025-05-30", "2025-06-26"):
        tree = page(sample_site.out, f"digests/{day}/")
        titles = [text_of(a) for a in tree.xpath("//ol[@class='paper-list']/li//a[ancestor::h2]")]
        counts[day] = len(titles)
    assert sum(counts.values()) == 164
    first = page(sample_site.out, "digests/2025-06-26/").xpath("//ol[@class='paper-list']/li[1]//h2")[0]
    assert text_of(first) == "Towards General Purpose Medical AI: Continual Learning Medical Foundation Model"


@pytest.mark.parametrize("day", ["2025-03-18", "2025-05-30", "2025-06-26"])
def test_a_digest_page_lists_every_paper_in_the_order_of_its_file(sample_site: BuiltSite, day: str) -> None:
    titles = [text_of(h2) for h2 in page(sample_site.out, f"digests/{day}/").xpath("//ol[@class='paper-list']/li//h2")]
    file = SHIPPED_CONTENT / f"digests/{day}.txt"
    lines = [line.strip() for line in file.read_text(encoding="utf-8").splitlines()]
    # Each title is a line of the file, and the page follows the file from top to bottom...
    where = [lines.index(title) for title in titles]
    assert where == sorted(where) and len(set(where)) == len(where)
    # ...leaving none of the file's papers out.
    digest = parse_digest(read_text(file, Problems()), None, (), Problems())
    assert digest is not None
    assert titles == [entry.title for entry in digest.entries]


def test_one_page_per_paper_and_16_in_several_digests(sample_site: BuiltSite) -> None:
    papers = sorted((sample_site.out / "papers").glob("*/index.html"))
    assert len(papers) == 144
    in_several = []
    for file in papers:
        digests = html(file).xpath("//ul[@class='appearances']/li")
        assert digests, file
        if len(digests) > 1:
            in_several.append(file.parent.name)
    assert len(in_several) == 16
    assert "adversarial-midibert-symbolic-music-understanding-model-based-on-unbias-pre" in in_several


def test_paper_page_shows_what_a_reader_needs(sample_site: BuiltSite) -> None:
    tree = page(sample_site.out, "papers/adversarial-midibert-symbolic-music-understanding-model-based-on-unbias-pre/")
    assert text_of(tree.find(".//h1")).startswith("Adversarial-MidiBERT")
    assert [text_of(a) for a in tree.xpath("//ul[@class='appearances']/li/a")] == [
        "26 June 2025",
        "30 May 2025",
        "18 March 2025",
    ]
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert "https://github.com/RS2002/Adversarial-MidiBERT" in hrefs  # code found in the abstract
    lookups = [text_of(a) for a in tree.xpath("//section[h2='Find this paper']//a")]
    assert lookups == ["arXiv", "Hugging Face", "Semantic Scholar", "Google Scholar"]
    assert tree.xpath("//a[@rel='prev']") and tree.xpath("//a[@rel='next']")
    assert "Music" in [text_of(a) for a in tree.xpath("//header//a[@class='chip']")]


def test_every_page_has_its_markdown_twin(sample_site: BuiltSite) -> None:
    for file in sample_site.out.rglob("index.html"):
        twin = file.with_name("index.md")
        assert twin.is_file(), file
        meta = _front_matter(twin)
        folder = file.parent.relative_to(sample_site.out).as_posix()
        assert meta["url"] == ("/" if folder == "." else f"/{folder}/")
        if meta["kind"] in ("paper", "topic", "digest", "page"):
            assert text_of(html(file).find(".//h1")) == meta["title"]


def test_every_internal_link_and_asset_resolves(sample_site: BuiltSite) -> None:
    broken = [(str(f.relative_to(sample_site.out)), link) for f, link in internal_links(sample_site.out)]
    broken = [(f, link) for f, link in broken if resolve(sample_site.out, link) is None]
    assert broken == []


def test_fragment_links_point_at_ids_on_the_page(sample_site: BuiltSite) -> None:
    for file in sample_site.out.rglob("*.html"):
        tree = html(file)
        ids = set(tree.xpath("//@id"))
        for href in tree.xpath("//a/@href"):
            if href.startswith("#"):
                assert href[1:] in ids, (file, href)


def test_pages_have_landmarks_and_one_h1(sample_site: BuiltSite) -> None:
    for file in sample_site.out.rglob("*.html"):
        tree = html(file)
        assert tree.get("lang") == "en"
        assert len(tree.xpath("//h1")) == 1, file
        assert len(tree.xpath("//main[@id='main']")) == 1
        assert tree.xpath("//header") and tree.xpath("//nav") and tree.xpath("//footer")
        if file.name != "404.html":  # served at every missing address: no canonical one of its own
            assert tree.xpath("//link[@rel='canonical']/@href")[0].startswith("https://paper-digest.netlify.app/")


def test_home_page_shows_latest_digest_all_digests_and_topic_counts(sample_site: BuiltSite) -> None:
    tree = page(sample_site.out, "")
    assert "26 June 2025" in text_of(tree.xpath("//h2[@id='latest-heading']")[0])
    assert len(tree.xpath("//section[@class='home-latest']//li[@class='paper-item']")) == 53
    digests = [text_of(a) for a in tree.xpath("//section[h2='Digests']//a")]
    assert digests == ["26 June 2025", "30 May 2025", "18 March 2025"]
    topics = tree.xpath("//section[h2='Topics']//li")
    assert len(topics) == 15
    assert all(text_of(li).split()[-1].isdigit() for li in topics)


def test_topic_pages_list_papers_latest_filed_first(sample_site: BuiltSite) -> None:
    """By the digest that first listed each paper (the last date its card shows): a paper listed again
    keeps its place."""
    tree = page(sample_site.out, "topics/music/")
    cards = [li.xpath(".//time/@datetime") for li in tree.xpath("//li[@class='paper-item']")]
    filed = [dates[-1] for dates in cards]
    assert filed and filed == sorted(filed, reverse=True) and any(len(dates) > 1 for dates in cards)


def test_json_api(sample_site: BuiltSite) -> None:
    papers = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    assert len(papers) == 144
    assert [p["slug"] for p in papers] == sorted(p["slug"] for p in papers)
    assert set(papers[0]) == {
        *("slug", "title", "url", "abstract", "topics", "digests", "links"),
        *("arxiv", "authors", "published", "doi", "code", "project", "bibtex"),
    }
    assert sum(1 for p in papers if p["arxiv"]) == 143, "the sourced metadata of the samples is shipped"
    assert sum(1 for p in papers if p["authors"]) == 136
    assert sum(len(p["digests"]) for p in papers) == 164
    topics = json.loads((sample_site.out / "api/topics.json").read_text(encoding="utf-8"))
    assert len(topics) == 15 and all(t["count"] > 0 for t in topics)
    digests = json.loads((sample_site.out / "api/digests.json").read_text(encoding="utf-8"))
    assert [d["date"] for d in digests] == ["2025-06-26", "2025-05-30", "2025-03-18"]


def test_sitemap_robots_and_404(sample_site: BuiltSite) -> None:
    sitemap = lxml.etree.parse(str(sample_site.out / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = sitemap.xpath("//s:loc/text()", namespaces=ns)
    # all but /search/ and /reading-list/, which show what the browser finds or keeps
    assert len(locations) == len(list(sample_site.out.rglob("index.html"))) - 2
    assert "https://paper-digest.netlify.app/search/" not in locations
    assert "https://paper-digest.netlify.app/reading-list/" not in locations
    assert "https://paper-digest.netlify.app/papers/pointer-networks/" in locations
    robots = (sample_site.out / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://paper-digest.netlify.app/sitemap.xml" in robots
    assert "Page not found" in text_of(html(sample_site.out / "404.html").find(".//h1"))


def test_two_builds_are_byte_identical(sample_site: BuiltSite, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(BuildOptions(content_dir=SHIPPED_CONTENT, out_dir=again))

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = tree(sample_site.out), tree(again)
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_builds_in_processes_with_different_hash_seeds_are_byte_identical(tmp_path: Path) -> None:
    # Each process hashes strings its own way: a set's order, for one, may differ between them.
    def built(seed: str) -> dict[str, bytes]:
        out = tmp_path / f"seed-{seed}"
        subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "build", "--out", str(out)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
            timeout=300,
        )
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    first, second = built("1"), built("2")
    assert len(first) > 300
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.fixture(scope="module")
def site_below_a_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped digests built for https://example.org/digest/ (as `build --base-url` does)."""
    out = tmp_path_factory.mktemp("below-a-folder") / "public"
    build(BuildOptions(content_dir=SHIPPED_CONTENT, out_dir=out, base_url="https://example.org/digest/"))
    return out


def test_base_url_with_a_path_prefix_keeps_links_working(site_below_a_folder: Path) -> None:
    out = site_below_a_folder
    links = list(internal_links(out))
    assert links
    assert [f"{f.relative_to(out)}: {link}" for f, link in links if resolve(out, link, prefix="/digest/") is None] == []
    assert page(out, "").xpath("//link[@rel='canonical']/@href") == ["https://example.org/digest/"]


def test_hand_written_page_links_carry_the_base_path(site_below_a_folder: Path) -> None:
    """about.md links to /api/papers.json: below /digest/ that must become /digest/api/papers.json."""
    about = page(site_below_a_folder, "about/")
    links = [link for link in about.xpath("//@href | //@src") if link.startswith("/") and not link.startswith("//")]
    written = about.xpath("//main//a/@href")
    assert {"/digest/api/papers.json", "/digest/api/topics.json", "/digest/api/digests.json"} <= set(written)
    for link in links:
        assert link.startswith("/digest/"), link
        assert resolve(site_below_a_folder, link, prefix="/digest/") is not None, link


def test_published_build_has_no_preview_script(sample_site: BuiltSite) -> None:
    for file in sample_site.out.rglob("*"):
        if file.is_file():
            assert b"_preview" not in file.read_bytes(), file


@pytest.mark.parametrize("per_part", [1, 2, 143, 144, 145])
def test_papers_json_made_in_parts_is_the_array_made_whole(monkeypatch: pytest.MonkeyPatch, per_part: int) -> None:
    """papers.json is written part by part (90 MB at 50k papers): the parts join into exactly the
    bytes of the whole array, whatever the part's size against the number of papers."""
    catalog = load_catalog(BuildOptions(content_dir=SHIPPED_CONTENT))
    urls = SiteUrls("https://example.org/")
    monkeypatch.setattr(api, "_PAPERS_PER_PART", per_part)
    whole = api.dump_json([api._paper_record(p, urls) for p in catalog.papers.values()])
    assert b"".join(api.json_array(api.paper_entry(p, urls) for p in catalog.papers.values())) == whole
    assert b"".join(api.json_array([])) == api.dump_json([])
