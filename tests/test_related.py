"""Related papers: TF-IDF cosine over title and abstract, up to five, with the shared key terms shown."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse

from site_src.catalog import related
from site_src.catalog.model import Appearance, Paper, Related, RelatedState
from site_src.catalog.related import related_papers

from .conftest import BuiltSite
from .helpers import load_cases, page, resolve, text_of

PAIRS = load_cases("related.yaml")


def _paper(slug: str, title: str, abstract: str) -> Paper:
    return Paper(
        key=slug,
        slug=slug,
        title=title,
        abstract=abstract,
        appearances=(Appearance(datetime.date(2025, 6, 26), 1),),
        topics=(),
    )


PAPERS = {
    p.slug: p
    for p in [
        _paper(
            "rehearsal-a", "Rehearsal for Continual Learning", "Rehearsal of old samples limits forgetting of tasks."
        ),
        _paper(
            "rehearsal-b", "Prompts Instead of Rehearsal", "Learned prompts replace rehearsal buffers for new tasks."
        ),
        _paper("rehearsal-c", "Rehearsal Buffers Revisited", "We size rehearsal buffers and measure forgetting."),
        _paper("music-a", "Piano Melody Generation", "A transformer writes piano melody lines from chords."),
        _paper("music-b", "Melody Harmonisation", "Chords for a given piano melody, learned from scores."),
        _paper("lonely", "Quantum Gravity Lattices", "Spin foams on discrete lattices in quantum gravity."),
        _paper(
            "source", "Sources Are Here", "This abstract shares a link sentence. Code: https://github.com/x/rehearsal"
        ),
    ]
}


def test_papers_sharing_key_terms_are_related_and_say_through_which() -> None:
    found = related_papers(PAPERS)
    assert {r.slug for r in found["rehearsal-a"]} == {"rehearsal-b", "rehearsal-c"}
    assert "rehearsal" in found["rehearsal-a"][0].terms
    assert [r.slug for r in found["music-a"]] == ["music-b"]
    assert set(found["music-a"][0].terms) <= {"piano", "melody", "chord"}  # terms, singular


def test_shared_terms_are_strongest_first_and_equal_ones_in_alphabetical_order() -> None:
    words = "zebra kiwi apple mango"
    twins = {
        "twin-a": _paper("twin-a", "Orchard", f"{words} orchard."),
        "twin-b": _paper("twin-b", "Orchard", f"{words} orchard."),
        "other": _paper("other", "Quantum Lattices", "Spin foams on discrete lattices."),
    }
    found = related_papers(twins)
    assert [r.slug for r in found["twin-a"]] == ["twin-b"]
    assert found["twin-a"][0].terms == ("orchard", "apple", "kiwi")  # the title's word weighs most


def test_of_terms_that_weigh_the_same_a_paper_keeps_those_first_in_alphabetical_order() -> None:
    """Beyond `TERMS_KEPT` terms a paper keeps its strongest; among equals, the first in A-Z (written
    here in reverse, so the order of the text cannot decide)."""
    words = [f"qz{a}{b}" for a in "abcdefg" for b in "abcdefg"][: related.TERMS_KEPT + 5]
    abstract = " ".join(reversed(words)) + "."
    twins = {slug: _paper(slug, "Orchard", abstract) for slug in ("twin-a", "twin-b")}
    kept = related.relate(twins).vectors.vocabulary
    assert kept == tuple(sorted(["orchard", *words[: related.TERMS_KEPT - 1]]))  # the title's word weighs most


def test_a_similarity_that_rounds_up_to_the_threshold_counts_and_one_that_rounds_down_does_not() -> None:
    """Similarities are compared rounded to nine decimals (so that a pair's is the same bits however
    it was computed): one a hair below `MIN_SIMILARITY` that rounds up to it lists the pair. A block
    of three papers' rows (4, 5 and 6), the second without any similarity; each paper with itself
    is left out."""
    up, down = related.MIN_SIMILARITY - 4e-10, related.MIN_SIMILARITY - 6e-10
    block = sparse.csr_matrix(
        np.array([[0, up, down, 0, 1.0, 0, 0, 0], [0] * 8, [0, 0, 0, 0.5, 0, 0, 1.0, up]], dtype=np.float64)
    )
    rows, cols, values = related._similar(block, np.array([4, 5, 6]))
    threshold = related.MIN_SIMILARITY
    assert (rows.tolist(), cols.tolist(), values.tolist()) == ([4, 6, 6], [1, 3, 7], [threshold, 0.5, threshold])


def test_no_paper_is_related_to_itself_or_to_unrelated_ones() -> None:
    found = related_papers(PAPERS)
    assert found["lonely"] == ()
    assert found["source"] == (), "words in link sentences do not make papers related"
    for slug, items in found.items():
        assert slug not in [r.slug for r in items]
        assert len(items) <= related.RELATED_SHOWN
        assert [r.similarity for r in items] == sorted((r.similarity for r in items), reverse=True)


def test_blocks_give_the_same_answer_as_one_product(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = related_papers(PAPERS)
    monkeypatch.setattr(related, "BLOCK_CELLS", 1)
    assert related_papers(PAPERS) == whole


def test_same_input_same_related_papers() -> None:
    assert related_papers(PAPERS) == related_papers(dict(reversed(list(PAPERS.items()))))


WORDS = [
    "rehearsal",
    "prompt",
    "buffer",
    "forgetting",
    "melody",
    "piano",
    "chord",
    "lattice",
    "gravity",
    "graph",
    "token",
    "decoder",
    "retrieval",
    "diffusion",
    "sampler",
    "reward",
    "policy",
    "agent",
    "vision",
    "depth",
    "segmentation",
    "speech",
    "accent",
    "protein",
    "folding",
]


def _random_papers(rng: random.Random, count: int, day: datetime.date, tag: str) -> dict[str, Paper]:
    """Papers of a few words each from a small vocabulary, so that many pairs share terms."""
    made = {}
    for number in range(count):
        slug = f"{tag}-{number:03d}"
        paper = _paper(slug, " ".join(rng.sample(WORDS, 3)), " ".join(rng.choices(WORDS, k=12)) + ".")
        made[slug] = replace(paper, appearances=(Appearance(day, number + 1),))
    return made


def _relate_counting_lists(
    papers: dict[str, Paper], epoch: frozenset[str], last: RelatedState
) -> tuple[RelatedState, list[int]]:
    """`relate` from the `last` result, with how many papers each call of `_listed` computed whole."""
    listed: list[int] = []
    real_listed = related._listed

    def counted(vectors: object, rows: Sequence[int]) -> dict[str, tuple[Related, ...]]:
        listed.append(len(rows))
        return real_listed(vectors, rows)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(related, "_listed", counted)
        return related.relate(papers, epoch=epoch, last=last), listed


def test_a_new_digest_changes_only_the_lists_it_enters_and_the_result_is_the_clean_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the statistics fixed by the epoch (the papers of the months before), a new digest's papers
    are weighed as they would be in a clean computation; only their lists, the lists of papers that
    listed a changed or removed paper, and the lists they enter change; the result is the clean one."""
    monkeypatch.setattr(related, "POSTINGS_KEPT", 15)  # common terms link only their strongest papers
    rng = random.Random(7)
    older = _random_papers(rng, 160, datetime.date(2025, 5, 2), "may")
    june = _random_papers(rng, 30, datetime.date(2025, 6, 2), "june")
    epoch = frozenset(older)
    last = related.relate({**older, **june}, epoch=epoch)
    more = _random_papers(rng, 20, datetime.date(2025, 6, 3), "next")
    papers = {**older, **june, **more}
    removed = min(r.slug for slug in older for r in last.related[slug] if r.slug.startswith("june"))
    del papers[removed]
    papers["june-007"] = replace(papers["june-007"], abstract="A new abstract about piano melody lines.")
    warm, listed = _relate_counting_lists(papers, epoch, last)
    assert listed and listed[0] < len(papers) // 4, "only a few lists are computed again"
    assert warm == related.relate(papers, epoch=epoch)
    gone_or_changed = {removed, "june-007"}
    kept = [slug for slug in older if not gone_or_changed & {r.slug for r in last.related[slug]}]
    entered = [slug for slug in kept if warm.related[slug] != last.related[slug]]
    assert entered and all(any(r.slug.startswith("next") for r in warm.related[s]) for s in entered)
    assert len(entered) < len(kept)


def test_a_digest_of_new_papers_only_computes_only_their_lists_and_the_result_is_the_clean_one() -> None:
    """No earlier paper changed or went: only the new papers' lists are computed whole, the others
    at most gain a new paper, and the result is the clean one."""
    rng = random.Random(11)
    older = _random_papers(rng, 120, datetime.date(2025, 5, 2), "may")
    last = related.relate(older, epoch=frozenset(older))
    papers = {**older, **_random_papers(rng, 12, datetime.date(2025, 6, 3), "next")}
    warm, listed = _relate_counting_lists(papers, frozenset(older), last)
    assert listed == [12]
    assert warm == related.relate(papers, epoch=frozenset(older))


def test_a_change_to_the_epoch_computes_everything_again() -> None:
    rng = random.Random(3)
    older = _random_papers(rng, 40, datetime.date(2025, 5, 2), "may")
    last = related.relate(older, epoch=frozenset(older))
    changed = {**older, "may-000": replace(older["may-000"], title="Protein folding with diffusion")}
    assert related.relate(changed, epoch=frozenset(older), last=last) == related.relate(changed, epoch=frozenset(older))
    assert related.relate(changed, epoch=frozenset(older), last=last).stats != last.stats


def test_vectors_remembered_on_another_processor_are_weighed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy's logarithm may differ in the last bit between processors: vectors from a cache made
    elsewhere (one CI restores) are not mixed with vectors weighed here."""
    rng = random.Random(5)
    older = _random_papers(rng, 40, datetime.date(2025, 5, 2), "may")
    june = _random_papers(rng, 5, datetime.date(2025, 6, 2), "june")
    last = related.relate(older, epoch=frozenset(older))
    monkeypatch.setattr(related, "_cpu_features", lambda: "a processor of another kind")
    monkeypatch.setattr(related, "_updated", lambda *_: pytest.fail("remembered vectors reused"))
    assert related.relate({**older, **june}, epoch=frozenset(older), last=last).stats != last.stats


def test_paper_page_lists_related_papers_with_shared_terms(sample_site: BuiltSite) -> None:
    tree = page(sample_site.out, "papers/a-closer-look-at-rehearsal-free-continual-learning/")
    items = tree.xpath("//section[h2='Related papers']//li")
    assert 1 <= len(items) <= 5
    for item in items:
        link = item.find("a")
        assert resolve(sample_site.out, link.get("href")) is not None
        assert text_of(item.find("span")).startswith("related through: ")
    assert any("continual" in text_of(item) for item in items)


def _related_on_page(site: BuiltSite, slug: str) -> list[str]:
    links = page(site.out, f"papers/{slug}/").xpath("//ul[@class='related-list']/li/a/@href")
    return [link.removeprefix("/papers/").rstrip("/") for link in links]


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p['a'][:24]}~{p['b'][:24]}" for p in PAIRS])
def test_hand_checked_pairs_of_sample_papers(sample_site: BuiltSite, pair: dict[str, object]) -> None:
    a, b = str(pair["a"]), str(pair["b"])
    listed = (b in _related_on_page(sample_site, a), a in _related_on_page(sample_site, b))
    assert listed == ((True, True) if pair["related"] else (False, False)), pair["why"]
