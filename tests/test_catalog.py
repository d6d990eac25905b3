"""Merging digests into papers: one paper per identity, the latest text wins, notes override."""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from site_src.catalog import merge
from site_src.catalog.merge import CatalogMemo, ClassifyAll, build_catalog
from site_src.catalog.model import DigestFile, Entry, Metadata, Note, Topic, TopicAssignment
from site_src.catalog.topics import Classifier
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


def test_a_catalog_made_again_reuses_only_the_papers_whose_inputs_are_the_same() -> None:
    """The preview makes the catalog at every save from the papers of the last one: what it gets must be
    the catalog made from nothing, with the same warnings, whatever changed (a listing, a position, a
    note, a digest, the taxonomy)."""
    note = Note(slug="pointer-networks", source=Source("notes/pointer-networks.md"), body="First.")
    first, second = (
        Entry("Pointer Networks", ABSTRACT, Source("a.txt", 3)),
        Entry("Music", ABSTRACT, Source("a.txt", 7)),
    )
    day = datetime.date(2025, 6, 28)
    fewer_topics = tuple(t for t in TOPICS if t.slug != "music")
    twice = [_digest(25, ("Music Transformer", ABSTRACT)), _digest(26, ("Music Transformer", ABSTRACT + " Revised."))]
    steps = [
        ([DigestFile(day, (first, second), Source("a.txt"))], [], TOPICS),
        ([DigestFile(day, (second,), Source("a.txt"))], [], TOPICS),  # the same entry, one place up
        ([_digest(26, ("Music Transformer", ABSTRACT), ("Pointer Networks", ABSTRACT))], [], TOPICS),
        ([_digest(26, ("Music Transformer", ABSTRACT + " Revised."), ("Pointer Networks", ABSTRACT))], [], TOPICS),
        ([_digest(26, ("Pointer Networks", ABSTRACT), ("Music Transformer", ABSTRACT + " Revised."))], [note], TOPICS),
        ([_digest(26, ("Pointer Networks", ABSTRACT)), _digest(27, ("Music Transformer", ABSTRACT))], [note], TOPICS),
        ([_digest(26, ("Pointer Networks", ABSTRACT)), _digest(27, ("Music Transformer", ABSTRACT))], [], TOPICS),
        (twice, [], TOPICS),  # a warning: the abstract changed between the two listings
        (twice, [], fewer_topics),
    ]
    remembered: dict[tuple[object, ...], tuple[TopicAssignment, ...]] = {}

    def classifying(topics: tuple[Topic, ...]) -> ClassifyAll:
        """As the build classifies: remembered per taxonomy and text, so the same objects again."""
        classifier = Classifier.for_topics(topics)

        def classify_all(entries: Sequence[Entry]) -> list[tuple[TopicAssignment, ...]]:
            for entry in entries:
                if (topics, entry.text_hash) not in remembered:
                    remembered[(topics, entry.text_hash)] = classifier.assign(entry.title, entry.abstract)
            return [remembered[(topics, entry.text_hash)] for entry in entries]

        return classify_all

    memo = CatalogMemo()
    for digests, notes, topics in steps:
        classify_all = classifying(topics)
        problems, from_nothing = Problems(), Problems()
        catalog = build_catalog(digests, topics, notes, problems, classify_all, memo)
        assert catalog == build_catalog(digests, topics, notes, from_nothing)
        assert [str(p) for p in problems] == [str(p) for p in from_nothing]
        assert sorted(made.paper.slug for made in memo.papers.values()) == sorted(catalog.papers)
    assert "music" not in {t.slug for p in catalog.papers.values() for t in p.topics}
    assert [str(p) for p in problems] != []
    again = build_catalog(digests, topics, notes, Problems(), classify_all, memo)
    assert all(again.papers[slug] is catalog.papers[slug] for slug in again.papers)


_SMALL_TAXONOMY = (
    Topic("music", "Music", "songs and audio", ("music", "audio"), Source("topics.yaml", 1)),
    Topic("vision", "Vision", "images", ("image", "vision"), Source("topics.yaml", 5)),
)


class _RandomInputs:
    """Small random digests, notes and taxonomies where papers merge by arXiv identifier and by title,
    get retitled, change abstracts, are hidden and have topics chosen for them, and two files may
    give one day."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def entry(self, day: int) -> Entry:
        rng = self.rng
        meta = Metadata(arxiv=rng.choice(["", "2301.00001", "2301.00002"]), authors=rng.choice([(), ("Ada Byron",)]))
        return Entry(
            rng.choice(["Music Model", "Image Model", "Music  model", "Vision Thing", "Audio Net"]),
            rng.choice(["We study music.", "We study images.", "Audio and vision."]),
            Source(f"{day}.txt", rng.randint(1, 3)),
            meta,
            note=rng.choice(["", "Worth a look."]),
            topics=rng.choice([(), ("music",)]),
        )

    def inputs(self) -> tuple[list[DigestFile], list[Note], tuple[Topic, ...]]:
        rng = self.rng
        digests = [
            DigestFile(
                datetime.date(2025, 1, day),
                tuple(self.entry(day) for _ in range(rng.randint(1, 4))),
                Source(f"{day}.txt"),
            )
            for day in rng.sample(range(1, 6), rng.randint(1, 4))
        ]
        if rng.random() < 0.2:  # a second file for a day: an error, and one of the two is kept
            digests.append(DigestFile(digests[0].date, (self.entry(8),), Source("8.txt")))
        notes = [
            Note(
                rng.choice(["music-model", "image-model", "vision-thing"]),
                Source("note.md"),
                rng.choice(["x", "y"]),
                topics=rng.choice([None, ("vision",)]),
                hidden=rng.random() < 0.2,
                meta=Metadata(arxiv=rng.choice(["", "2301.00001", "2301.00002", "2301.00003"])),  # may join two papers
            )
            for _ in range(rng.randint(0, 1))
        ]
        return digests, notes, rng.choice([_SMALL_TAXONOMY, _SMALL_TAXONOMY[:1]])

    def edited(self, digests: list[DigestFile]) -> list[DigestFile]:
        """The digests with one entry replaced (the others are the same objects, as a re-parse gives)."""
        digests = list(digests)
        day = self.rng.randrange(len(digests))
        entries = list(digests[day].entries)
        entries[self.rng.randrange(len(entries))] = self.entry(9)
        digests[day] = DigestFile(digests[day].date, tuple(entries), digests[day].source)
        return digests

    def swapped(self, digests: list[DigestFile]) -> list[DigestFile]:
        """The digests with two of them given each other's day (new objects, the same days)."""
        digests = list(digests)
        if len(digests) > 1:
            one, other = self.rng.sample(range(len(digests)), 2)
            first, second = digests[one], digests[other]
            digests[one] = DigestFile(second.date, first.entries, first.source)
            digests[other] = DigestFile(first.date, second.entries, second.source)
        return digests


def test_a_catalog_made_from_the_last_one_is_the_one_made_from_nothing_over_random_series(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the series of saves, reusing the last catalog gives the catalog and the problems that
    a build from nothing gives (also where only an edited digest's listings are grouped again)."""
    regrouped = []
    spied = merge._regrouped

    def spy(last: Any, digests: Any, by_title: Any, key: Any) -> Any:
        """The fast path's grouping checked against the full one: equal, in the same order, and the
        papers of unchanged digests with the same lists (the catalog relies on it to skip them)."""
        result = spied(last, digests, by_title, key)
        regrouped.append(result)
        if result is not None:
            groups, keys_by_digest, repeats = result
            full_groups, full_keys, full_repeats = merge._group_listings(digests, key)
            assert (list(groups.items()), list(keys_by_digest.items()), repeats) == (
                list(full_groups.items()),
                list(full_keys.items()),
                full_repeats,
            )
            before = {d.date: d for d in last.digests}
            dates = [d.date for d in digests if before[d.date] is not d]
            redone = {p for date in dates for p in (*last.keys_by_digest[date], *keys_by_digest[date])}
            assert all(groups[p] is last.groups[p] for p in groups if p not in redone)
        return result

    monkeypatch.setattr(merge, "_regrouped", spy)
    for seed in range(120):
        random_inputs, memo = _RandomInputs(seed), CatalogMemo()
        digests, notes, topics = random_inputs.inputs()
        for step in range(10):
            change = random_inputs.rng.choice(
                ["everything", "an entry", "two entries", "swapped days", "notes", "taxonomy", "nothing"]
            )
            if change == "everything":
                digests, notes, topics = random_inputs.inputs()
            elif change == "an entry":
                digests = random_inputs.edited(digests)
            elif change == "two entries":
                digests = random_inputs.edited(random_inputs.edited(digests))
            elif change == "swapped days":
                digests = random_inputs.swapped(digests)
            elif change == "notes":
                notes = random_inputs.inputs()[1]
            elif change == "taxonomy":
                topics = _SMALL_TAXONOMY[:1] if topics == _SMALL_TAXONOMY else _SMALL_TAXONOMY
            reused, fresh = Problems(), Problems()
            catalog = build_catalog(digests, topics, notes, reused, None, memo)
            assert catalog == build_catalog(digests, topics, notes, fresh), (seed, step)
            assert [str(p) for p in reused] == [str(p) for p in fresh], (seed, step)
            checked = Problems()  # what `add` says of the listings, without making the papers
            merge.check_listings(digests, notes, checked)
            assert sorted(map(str, checked)) == sorted(map(str, fresh)), (seed, step)
    assert sum(result is not None for result in regrouped) > 50, "edits of one digest's entries were tried"


def test_a_catalog_that_failed_midway_leaves_the_last_good_one_to_reuse() -> None:
    """A save whose catalog could not be made (here its classifier failed) must not count as made:
    the next save with the same note applies it."""
    digests = [_digest(26, ("Music Transformer", ABSTRACT))]
    note = Note(slug="music-transformer", source=Source("notes/music-transformer.md"), body="Worth a read.")
    memo = CatalogMemo()
    build_catalog(digests, TOPICS, [], Problems(), None, memo)

    def failing(pairs: Sequence[tuple[str, str]]) -> list[tuple[TopicAssignment, ...]]:
        raise RuntimeError("a classifier worker died")

    with pytest.raises(RuntimeError):
        build_catalog(digests, TOPICS, [note], Problems(), failing, memo)
    again = build_catalog(digests, TOPICS, [note], Problems(), None, memo)
    assert again == build_catalog(digests, TOPICS, [note], Problems())
    assert again.papers["music-transformer"].note == "Worth a read."


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


def _listed(day: int, *entries: Entry) -> DigestFile:
    return DigestFile(date=datetime.date(2025, 6, day), entries=entries, source=Source(f"2025-06-{day:02}.yaml"))


def _entry(title: str, arxiv: str = "", line: int = 3) -> Entry:
    return Entry(title, ABSTRACT, Source("digest.yaml", line), meta=Metadata(arxiv=arxiv))


def test_one_arxiv_id_is_one_paper_whatever_its_titles() -> None:
    """A typo or a retitled v2 under the same id is the same paper: the newest title shows, the
    address stays the first title's, and a warning names both."""
    problems = Problems()
    catalog = build_catalog(
        [
            _listed(1, _entry("Music Tranformer", "1809.04281")),
            _listed(26, _entry("Music Transformer: Generating Music with Long-Term Structure", "1809.04281")),
        ],
        TOPICS,
        [],
        problems,
    )
    assert list(catalog.papers) == ["music-tranformer"]
    paper = catalog.papers["music-tranformer"]
    assert paper.title == "Music Transformer: Generating Music with Long-Term Structure"
    assert [a.date.day for a in paper.appearances] == [1, 26]
    assert [d.slugs for d in catalog.digests] == [("music-tranformer",), ("music-tranformer",)]
    assert [str(p) for p in problems] == [
        'digest.yaml:3: warning: arXiv 1809.04281 is listed as "Music Tranformer" in the 2025-06-01 digest '
        "(digest.yaml:3) (the newest title is used; make the titles equal to silence this)"
    ]


def test_an_entry_without_an_id_joins_the_paper_with_its_title_and_id() -> None:
    catalog = build_catalog(
        [
            _listed(1, _entry("Pointer Networks")),
            _listed(26, _entry("Pointer networks", "1506.03134"), _entry("Music Transformer", "1809.04281")),
            _listed(27, _entry("Music Transformer")),
        ],
        TOPICS,
        [],
        Problems(),
    )
    assert sorted(catalog.papers) == ["music-transformer", "pointer-networks"]
    assert catalog.papers["pointer-networks"].meta.arxiv == "1506.03134"
    assert [a.date.day for a in catalog.papers["pointer-networks"].appearances] == [1, 26]
    assert [a.date.day for a in catalog.papers["music-transformer"].appearances] == [26, 27]


def _noted(slug: str, arxiv: str, body: str = "Mine.") -> Note:
    return Note(slug=slug, source=Source(f"notes/{slug}.md", 2), body=body, meta=Metadata(arxiv=arxiv))


@pytest.mark.parametrize("noted_first", [True, False], ids=["noted paper listed first", "noted paper listed later"])
def test_a_note_that_gives_a_paper_the_id_of_a_listing_under_another_title_makes_them_one_paper(
    noted_first: bool,
) -> None:
    """Pasted listings carry no identifier: the curator gives one in the paper's note, and a later
    import lists the paper under that identifier and a revised title. One paper, named by its first
    listing, with the note applied whichever title came first."""
    pasted, imported = _entry("Pointer Networks"), _entry("Pointer Networks, Revised", "1506.03134")
    first, later = (pasted, imported) if noted_first else (imported, pasted)
    note = _noted("pointer-networks", "1506.03134")
    problems = Problems()
    catalog = build_catalog([_listed(1, first), _listed(2, later)], TOPICS, [note], problems, None, CatalogMemo())
    slug = "pointer-networks" if noted_first else "pointer-networks-revised"
    assert list(catalog.papers) == [slug]
    paper = catalog.papers[slug]
    assert [a.date.day for a in paper.appearances] == [1, 2]
    assert (paper.title, paper.meta.arxiv, paper.note) == (later.title, "1506.03134", "Mine.")
    assert [d.slugs for d in catalog.digests] == [(slug,), (slug,)]
    assert [str(p) for p in problems if not p.warning] == []


def test_a_site_shows_a_paper_its_note_and_a_later_listing_identify_as_one_page(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.yaml": f"papers:\n  - title: Pointer Networks\n    abstract: {ABSTRACT}\n",
            "digests/2025-06-02.yaml": f"papers:\n  - title: Pointer Networks, Revised\n    abstract: {ABSTRACT}\n"
            '    arxiv: "1506.03134"\n',
            "notes/pointer-networks.md": '---\narxiv: "1506.03134"\n---\nRead the revised version.\n',
        },
    )
    out = tmp_path / "public"
    build_into(content, out)
    assert sorted(p.name for p in (out / "papers").iterdir()) == ["pointer-networks"]
    shown = page(out, "papers/pointer-networks/")
    assert text_of(shown.xpath("//h1")[0]) == "Pointer Networks, Revised"
    assert "Read the revised version." in text_of(shown)
    assert {"/digests/2025-06-01/", "/digests/2025-06-02/"} <= set(shown.xpath("//main//a/@href"))
    assert [p["slug"] for p in json.loads((out / "api/papers.json").read_text(encoding="utf-8"))] == [
        "pointer-networks"
    ]


def test_two_notes_about_the_papers_an_id_joins_are_an_error() -> None:
    problems = Problems()
    build_catalog(
        [_listed(1, _entry("Pointer Networks")), _listed(2, _entry("Pointer Networks, Revised", "1506.03134"))],
        TOPICS,
        [_noted("pointer-networks", "1506.03134"), _noted("pointer-networks-revised", "")],
        problems,
    )
    assert [str(p) for p in problems if not p.warning] == [
        'notes/pointer-networks-revised.md:2: a second note about the paper "pointer-networks" (also '
        "notes/pointer-networks.md), whose arXiv identifier joined two papers (merge the two notes into one)"
    ]


def test_a_note_that_gives_the_id_another_paper_is_listed_with_is_a_warning() -> None:
    problems = Problems()
    catalog = build_catalog(
        [_listed(1, _entry("Pointer Networks", "1506.00001"), _entry("Music Transformer", "1809.04281"))],
        TOPICS,
        [_noted("pointer-networks", "1809.04281")],
        problems,
    )
    assert len(catalog.papers) == 2
    assert [str(p) for p in problems] == [
        'notes/pointer-networks.md:2: warning: the note gives arXiv 1809.04281, which is the paper "music-transformer" '
        "too: two pages would show one paper (correct the identifier, or move this note's text to "
        "notes/music-transformer.md and hide this paper (hidden: true))"
    ]


def test_two_entries_of_one_digest_that_other_days_show_to_be_one_paper_are_listed_once() -> None:
    """The digest's own identifiers told them apart; a later listing gives both titles one arXiv id
    (directly, or through a note): the first entry stands, numbered as listed, and a warning names the
    repeat. The paper was listed twice on its digest's page, twice in its feed and its BibTeX."""
    problems = Problems()
    catalog = build_catalog(
        [
            _listed(1, _entry("Alpha Paper"), _entry("Beta Paper", line=5), _entry("Gamma Paper", line=7)),
            _listed(2, _entry("Alpha Paper", "2506.00009")),
        ],
        TOPICS,
        [_noted("beta-paper", "2506.00009")],
        problems,
    )
    first = next(d for d in catalog.digests if d.date.day == 1)
    assert first.slugs == ("alpha-paper", "gamma-paper")
    assert [(a.date.day, a.position) for a in catalog.papers["alpha-paper"].appearances] == [(1, 1), (2, 1)]
    assert [(a.date.day, a.position) for a in catalog.papers["gamma-paper"].appearances] == [(1, 2)]
    assert (
        'digest.yaml:5: warning: paper "Beta Paper" is "Alpha Paper" (digest.yaml:3) under another title: '
        "arXiv 2506.00009 (only the first listing is used; delete the repeat or correct its arXiv identifier)"
    ) in [str(p) for p in problems]


def test_a_paper_retitled_through_a_note_names_the_notes_id_in_its_warning() -> None:
    """No listing of the two titles carries the id the warning is about: it came from the note."""
    problems = Problems()
    build_catalog(
        [
            _listed(1, _entry("Beta Paper")),
            _listed(2, _entry("Alpha Paper", "1506.03134")),
            _listed(3, _entry("Alpha Paper", line=5)),
        ],
        TOPICS,
        [_noted("beta-paper", "1506.03134")],
        problems,
    )
    assert [str(p) for p in problems] == [
        'digest.yaml:5: warning: arXiv 1506.03134 is listed as "Beta Paper" in the 2025-06-01 digest (digest.yaml:3) '
        "(the newest title is used; make the titles equal to silence this)"
    ]


def test_a_hidden_paper_may_keep_the_id_another_paper_is_listed_with() -> None:
    """The warning's advice (hide this paper) silences it: a hidden paper has no page."""
    problems = Problems()
    note = replace(_noted("pointer-networks", "1809.04281"), hidden=True)
    build_catalog(
        [_listed(1, _entry("Pointer Networks", "1506.00001"), _entry("Music Transformer", "1809.04281"))],
        TOPICS,
        [note],
        problems,
    )
    assert [str(p) for p in problems] == []


def test_a_title_with_a_soft_hyphen_or_a_zero_width_space_is_the_same_paper() -> None:
    """Copied from a web page, a title may hold characters drawn as nothing: they made another paper."""
    catalog = build_catalog(
        [
            _listed(1, _entry("Diffu\u00adsion Models Beat Every\u200bthing")),
            _listed(2, _entry("Diffusion Models Beat Everything", "2105.05233")),
        ],
        TOPICS,
        [],
        Problems(),
    )
    [paper] = catalog.papers.values()
    assert [a.date.day for a in paper.appearances] == [1, 2]


def test_an_old_style_id_written_in_capitals_or_with_its_subject_class_is_the_same_paper(tmp_path: Path) -> None:
    """arXiv names math.GT/0309136 math/0309136: written two ways, one paper made two pages."""
    digest = "".join(
        f"  - title: {title}\n    abstract: {ABSTRACT}\n    arxiv: {arxiv}\n"
        for title, arxiv in [("Knots", "math.GT/0309136"), ("Knots Revised", "MATH/0309136v2")]
    )
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-01.yaml": f"papers:\n{digest}",
            "digests/2025-06-02.yaml": f"papers:\n  - title: Knots\n    abstract: {ABSTRACT}\n"
            "    arxiv: math.gt/0309136\n",
        },
    )
    build_into(content, tmp_path / "public")
    [paper] = json.loads((tmp_path / "public/api/papers.json").read_text(encoding="utf-8"))
    assert (paper["slug"], paper["arxiv"]) == ("knots", "math/0309136")
    assert "https://arxiv.org/abs/math/0309136" in [link["url"] for link in paper["links"]]


def test_two_papers_with_different_ids_stay_two_papers_even_with_one_title() -> None:
    catalog = build_catalog(
        [
            _listed(1, _entry("Attention Is All You Need", "1706.03762")),
            _listed(2, _entry("Attention is all you need", "2501.00001")),
        ],
        TOPICS,
        [],
        Problems(),
    )
    assert len(catalog.papers) == 2
    assert sorted(p.meta.arxiv for p in catalog.papers.values()) == ["1706.03762", "2501.00001"]


def test_adding_an_id_later_never_moves_a_paper(tmp_path: Path) -> None:
    paper = "  - title: Pointer Networks\n    abstract: " + ABSTRACT + "\n"
    before = write_content(tmp_path / "a", {"digests/2025-06-01.yaml": "papers:\n" + paper})
    after = write_content(
        tmp_path / "b",
        {
            "digests/2025-06-01.yaml": "papers:\n" + paper + '    arxiv: "1506.03134"\n',
            "digests/2025-06-02.yaml": "papers:\n  - title: Pointer Networks (v2)\n    abstract: "
            + ABSTRACT
            + '\n    arxiv: "1506.03134v2"\n',
        },
    )
    build_into(before, tmp_path / "a/public")
    build_into(after, tmp_path / "b/public")
    assert sorted(p.name for p in (tmp_path / "a/public/papers").iterdir()) == ["pointer-networks"]
    assert sorted(p.name for p in (tmp_path / "b/public/papers").iterdir()) == ["pointer-networks"]
    assert text_of(page(tmp_path / "b/public", "papers/pointer-networks/").xpath("//h1")[0]) == "Pointer Networks (v2)"


def test_a_notes_topics_url_and_arxiv_win_over_the_yaml_digests(tmp_path: Path) -> None:
    digest = (
        "date: 2025-06-26\npapers:\n"
        f"  - title: Music Transformer\n    abstract: {ABSTRACT}\n"
        '    arxiv: "1809.04281"\n    url: https://example.org/from-the-digest\n    topics: [music]\n'
    )
    note = '---\ntopics: [code]\nurl: https://example.org/from-the-note\narxiv: "2101.00001"\n---\nMine.\n'
    content = write_content(tmp_path, {"digests/2025-06-26.yaml": digest, "notes/music-transformer.md": note})
    out = tmp_path / "public"
    build_into(content, out)
    [paper] = json.loads((out / "api/papers.json").read_text(encoding="utf-8"))
    assert (paper["slug"], paper["topics"], paper["arxiv"]) == ("music-transformer", ["code"], "2101.00001")
    links = [link["url"] for link in paper["links"]]
    assert "https://example.org/from-the-note" in links and "https://arxiv.org/abs/2101.00001" in links
    shown = page(out, "papers/music-transformer/")
    hrefs = shown.xpath("//main//a/@href")
    assert "https://example.org/from-the-note" in hrefs and "https://arxiv.org/abs/2101.00001" in hrefs
    assert "/topics/code/" in hrefs and "/topics/music/" not in hrefs
    for file in [*out.rglob("*.html"), *out.rglob("*.json"), *out.rglob("*.xml")]:
        text = file.read_text(encoding="utf-8")
        assert "from-the-digest" not in text and "1809.04281" not in text, file
    assert "music-transformer" in (out / "topics/code/index.html").read_text(encoding="utf-8")
    assert "music-transformer" not in (out / "topics/music/index.html").read_text(encoding="utf-8")


def test_a_slug_given_twice_on_one_line_is_told() -> None:
    """Two topics written on one line ([{…}, {…}]) share it: told apart by their place in the list,
    not their line (keyed by line, both were taken, and the build failed at writing their pages)."""
    text = (
        "[{slug: music, name: Music, description: Songs., keywords: [music]},"
        " {slug: music, name: Music again, description: Other., keywords: [melody]}]\n"
    )
    problems = Problems()
    topics = parse_taxonomy(TextFile(Source("topics.yaml"), text), problems)
    assert [t.name for t in topics] == ["Music"]
    assert [(p.source.line, p.message) for p in problems.errors] == [
        (1, 'topic "music" is defined twice (first at line 1)')
    ]
