"""A topic with many papers lists them 50 to a page, newest first, with links between the pages."""

from __future__ import annotations

from pathlib import Path

import lxml.etree

from site_src.pages import TOPIC_PAGE_SIZE

from .helpers import build_into, internal_links, page, resolve, text_digest, text_of, write_content

ABSTRACT = (
    "We generate music with a transformer over symbolic MIDI and study how melody and rhythm emerge from training."
)


def test_topic_pages_split_and_link(tmp_path: Path) -> None:
    older = [(f"Music Model Number {i}", ABSTRACT) for i in range(40)]
    newer = [(f"Music Model Number {i}", ABSTRACT) for i in range(40, 70)]
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.txt": text_digest("Jun 1", older),
            "digests/2025-06-02.txt": text_digest("Jun 2", newer),
        },
    )
    out = tmp_path / "public"
    build_into(content, out)

    first = page(out, "topics/music/")
    titles = [text_of(h) for h in first.xpath("//li[@class='paper-item']//h2")]
    assert len(titles) == TOPIC_PAGE_SIZE == 50
    assert titles[:2] == ["Music Model Number 40", "Music Model Number 41"]  # newest digest first, in its order
    assert "70 papers, newest digest first; here 1 to 50" in text_of(first)
    assert first.xpath("//nav[@class='pager']//a[@rel='next']/@href") == ["/topics/music/page/2/"]
    assert first.xpath("//figure[@class='digest-chart']")

    second = page(out, "topics/music/page/2/")
    assert text_of(second.find(".//h1")) == "Music, page 2 of 2"
    assert text_of(second.xpath("//li[@class='paper-item']//h2")[0]) == "Music Model Number 20"
    assert len(second.xpath("//li[@class='paper-item']")) == 20
    assert second.xpath("//a[@rel='prev']/@href") == ["/topics/music/"]
    assert not second.xpath("//a[@rel='next']") and not second.xpath("//figure[@class='digest-chart']")
    assert second.xpath("//link[@rel='canonical']/@href") == ["https://paper-digest.netlify.app/topics/music/page/2/"]

    sitemap = lxml.etree.parse(str(out / "sitemap.xml"))
    locations = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert "https://paper-digest.netlify.app/topics/music/page/2/" in locations
    assert [link for _, link in internal_links(out) if resolve(out, link) is None] == []
