"""A topic with many papers shows its newest on its own page and the older ones on archive pages of
50, counted from the first paper filed under it, so an archive page keeps its papers as new ones come."""

from __future__ import annotations

from pathlib import Path

import lxml.etree

from site_src.pages.paginator import PAGE_SIZE as TOPIC_PAGE_SIZE

from .helpers import build_into, internal_links, page, resolve, text_digest, text_of, write_content

ABSTRACT = (
    "We generate music with a transformer over symbolic MIDI and study how melody and rhythm emerge from training."
)


def _papers(numbers: range) -> list[tuple[str, str]]:
    return [(f"Music Model Number {i}", ABSTRACT) for i in numbers]


def _titles(tree: lxml.etree._Element) -> list[str]:
    return [text_of(h) for h in tree.xpath("//li[@class='paper-item']//h2")]


def test_topic_pages_split_and_link(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.txt": text_digest("Jun 1", _papers(range(60))),
            "digests/2025-06-02.txt": text_digest("Jun 2", _papers(range(60, 120))),
        },
    )
    out = tmp_path / "public"
    build_into(content, out)

    own = page(out, "topics/music/")  # 120 papers: the newest 70 here, the first 50 filed on page 1
    titles = _titles(own)
    assert len(titles) == 120 - TOPIC_PAGE_SIZE == 70
    assert titles[:2] == ["Music Model Number 60", "Music Model Number 61"]  # latest filed first, in its digest's order
    assert titles[-1] == "Music Model Number 9"
    assert "120 papers, newest first by the digest that first listed each; here the newest 70" in text_of(own)
    assert own.xpath("//nav[@class='pager']//a[@rel='next']/@href") == ["/topics/music/page/1/"]
    assert not own.xpath("//nav[@class='pager']//a[@rel='prev']")
    assert own.xpath("//figure[@class='digest-chart']")

    archive = page(out, "topics/music/page/1/")
    assert text_of(archive.find(".//h1")) == "Music, papers 1 to 50"
    assert _titles(archive) == [f"Music Model Number {i}" for i in range(10, 60)]
    assert archive.xpath("//a[@rel='prev']/@href") == ["/topics/music/"]
    assert not archive.xpath("//a[@rel='next']") and not archive.xpath("//figure[@class='digest-chart']")
    assert archive.xpath("//link[@rel='canonical']/@href") == ["https://paper-digest.netlify.app/topics/music/page/1/"]
    for tree, text in [(own, "BibTeX of all 120 papers"), (archive, "BibTeX of all the topic’s papers")]:
        assert tree.xpath("//main//a[@download='topic-music.bib']/@href") == ["/topics/music/index.bib"]
        assert text_of(tree.xpath("//main//a[@download='topic-music.bib']")[0]) == text

    sitemap = lxml.etree.parse(str(out / "sitemap.xml"))
    locations = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert "https://paper-digest.netlify.app/topics/music/page/1/" in locations
    assert [link for _, link in internal_links(out) if resolve(out, link) is None] == []


def test_a_new_digest_leaves_full_archive_pages_as_they_were(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.txt": text_digest("Jun 1", _papers(range(60))),
            "digests/2025-06-02.txt": text_digest("Jun 2", _papers(range(60, 120))),
            "digests/2025-06-03.txt": text_digest("Jun 3", _papers(range(120, 150))),
        },
    )
    out = tmp_path / "public"
    build_into(content, out)  # 150 papers: the newest 50 on the topic's page, two archive pages
    archive = [f"topics/music/page/{n}/{name}" for n in (1, 2) for name in ("index.html", "index.md")]
    before = {path: (out / path).read_bytes() for path in archive}
    assert text_of(page(out, "topics/music/page/2/").find(".//h1")) == "Music, papers 51 to 100"
    assert page(out, "topics/music/page/2/").xpath("//a[@rel='next']/@href") == ["/topics/music/page/1/"]

    (content / "digests/2025-06-04.txt").write_text(text_digest("Jun 4", _papers(range(150, 170))))
    build_into(content, out)

    own = _titles(page(out, "topics/music/"))
    assert len(own) == 70 and own[0] == "Music Model Number 150"
    assert {path: (out / path).read_bytes() for path in archive} == before


def test_a_paper_listed_again_keeps_its_place_and_the_other_archive_pages_their_bytes(tmp_path: Path) -> None:
    """A trending page lists a paper for days: listed again, a paper stays where it was first filed
    (its card gains the new date), so no other archive page changes, and the topic's own page shows
    the new papers, not the old one again."""
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.txt": text_digest("Jun 1", _papers(range(60))),
            "digests/2025-06-02.txt": text_digest("Jun 2", _papers(range(60, 120))),
            "digests/2025-06-03.txt": text_digest("Jun 3", _papers(range(120, 150))),
        },
    )
    out, clean = tmp_path / "public", tmp_path / "clean"
    build_into(content, out)  # page 1: Music Model Number 10 to 59; page 2: 80 to 119, then 0 to 9
    second = {name: (out / "topics/music/page/2" / name).read_bytes() for name in ("index.html", "index.md")}
    first = _titles(page(out, "topics/music/page/1/"))
    assert "Music Model Number 30" in first

    again = [*_papers(range(150, 170)), ("Music Model Number 30", ABSTRACT)]
    (content / "digests/2025-06-04.txt").write_text(text_digest("Jun 4", again))
    build_into(content, out)

    assert {name: (out / "topics/music/page/2" / name).read_bytes() for name in second} == second
    archive = page(out, "topics/music/page/1/")
    assert _titles(archive) == first
    card = archive.xpath("//li[@data-paper='music-model-number-30']")[0]
    assert text_of(card.find(".//p[@class='paper-dates']")) == "In digests of 4 Jun 2025, 1 Jun 2025"
    own = _titles(page(out, "topics/music/"))
    assert own[0] == "Music Model Number 150" and "Music Model Number 30" not in own
    build_into(content, clean)
    for name in ("page/1/index.html", "page/2/index.html", "index.html"):
        assert (out / "topics/music" / name).read_bytes() == (clean / "topics/music" / name).read_bytes(), name


def test_a_new_archive_page_is_linked_from_the_one_before_it_by_a_warm_build(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.txt": text_digest("Jun 1", _papers(range(60))),
            "digests/2025-06-02.txt": text_digest("Jun 2", _papers(range(60, 150))),
        },
    )
    out, clean = tmp_path / "public", tmp_path / "clean"
    build_into(content, out)  # 150 papers: archive pages 1 and 2, page 2 followed by the topic's own page
    assert page(out, "topics/music/page/2/").xpath("//a[@rel='prev']/@href") == ["/topics/music/"]
    first = (out / "topics/music/page/1/index.html").read_bytes()

    (content / "digests/2025-06-03.txt").write_text(text_digest("Jun 3", _papers(range(150, 210))))
    build_into(content, out)  # 210 papers: a third archive page, between page 2 and the own page

    assert page(out, "topics/music/page/2/").xpath("//a[@rel='prev']/@href") == ["/topics/music/page/3/"]
    assert page(out, "topics/music/page/3/").xpath("//a[@rel='prev']/@href") == ["/topics/music/"]
    assert (out / "topics/music/page/1/index.html").read_bytes() == first
    build_into(content, clean)
    for name in ("page/2/index.html", "page/2/index.md", "page/3/index.html", "index.html"):
        assert (out / "topics/music" / name).read_bytes() == (clean / "topics/music" / name).read_bytes(), name
