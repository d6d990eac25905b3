"""Merging digests into papers: one paper per identity, the latest text wins, notes override."""

from __future__ import annotations

import datetime
from pathlib import Path

from site_src.catalog.merge import build_catalog
from site_src.catalog.model import DigestFile, Entry, Metadata, Note
from site_src.errors import Problems, Source
from site_src.inputs.reader import TextFile
from site_src.inputs.taxonomy import parse_taxonomy

from .helpers import ABSTRACT, SHIPPED_CONTENT, build_into, page, text_of, write_content

TOPICS = parse_taxonomy(
    TextFile(Source("topics.yaml"), (SHIPPED_CONTENT / "topics.yaml").read_text(encoding="utf-8")), Problems()
)


def _digest(day: int, *entries: tuple[str, str]) -> DigestFile:
    source = Source(f"2025-06-{day:02}.txt")
    return DigestFile(
        date=datetime.date(2025, 6, day),
        entries=tuple(Entry(t, a, source.at(3 + 4 * i)) for i, (t, a) in enumerate(entries)),
        source=source,
    )


def test_same_paper_in_several_digests_is_one_paper_and_latest_text_wins() -> None:
    problems = Problems()
    catalog = build_catalog(
        [
            _digest(26, ("Music Transformer", ABSTRACT + " Revised."), ("Pointer Networks", ABSTRACT)),
            _digest(1, ("Music  transformer!", ABSTRACT)),
        ],
        TOPICS,
        [],
        problems,
    )
    assert list(catalog.papers) == ["music-transformer", "pointer-networks"]
    paper = catalog.papers["music-transformer"]
    assert [a.date.day for a in paper.appearances] == [1, 26]
    assert (paper.first_seen.day, paper.last_seen.day) == (1, 26)
    assert paper.title == "Music Transformer"
    assert paper.abstract.endswith("Revised.")
    assert [str(p) for p in problems] == [
        "2025-06-26.txt:3: warning: the abstract differs from the one in the 2025-06-01 digest "
        "(2025-06-01.txt:3) (the latest abstract is used; make them equal to silence this)"
    ]
    assert [d.date.day for d in catalog.digests] == [26, 1]


def test_every_paper_gets_one_to_three_topics() -> None:
    problems = Problems()
    entries = [(f"Paper {i}", text) for i, text in enumerate([ABSTRACT, "Nothing topical here at all in this text."])]
    catalog = build_catalog([_digest(26, *entries)], TOPICS, [], problems)
    for paper in catalog.papers.values():
        assert 1 <= len(paper.topics) <= 3


def test_note_overrides_topics_and_adds_code_and_text() -> None:
    note = Note(
        slug="music-transformer",
        source=Source("notes/music-transformer.md"),
        body="Great *paper*.",
        topics=("code", "music"),
        meta=Metadata(code=("https://github.com/x/y",)),
    )
    catalog = build_catalog([_digest(26, ("Music Transformer", ABSTRACT))], TOPICS, [note], Problems())
    paper = catalog.papers["music-transformer"]
    assert paper.topic_slugs == ("code", "music")
    assert all(t.manual for t in paper.topics)
    assert paper.meta.code == ("https://github.com/x/y",)
    assert paper.note == "Great *paper*."


def test_hidden_paper_is_left_out_everywhere(tmp_path: Path) -> None:
    digest = "Jun 26\n\nMusic Transformer\n\n" + ABSTRACT + "\n\nPointer Networks\n\n" + ABSTRACT + "\n"
    content = write_content(
        tmp_path,
        {"digests/2025-06-26.txt": digest, "notes/pointer-networks.md": "---\nhidden: true\n---\n"},
    )
    out = tmp_path / "public"
    build_into(content, out)
    assert not (out / "papers/pointer-networks").exists()
    for file in [*out.rglob("*.html"), *out.rglob("*.json"), out / "sitemap.xml"]:
        assert "pointer-networks" not in file.read_text(encoding="utf-8"), file
        assert "Pointer Networks" not in file.read_text(encoding="utf-8"), file
    digest = page(out, "digests/2025-06-26/")
    assert len(digest.xpath("//li[@class='paper-item']")) == 1
    assert "1 paper" in text_of(digest)
