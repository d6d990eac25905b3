"""The search index: the fast builder writes exactly what lunr.py writes, and its pieces add up to it."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from site_src.search.files import FIELDS, GROUPS, documents, ref_of, search_order
from site_src.search.lunrindex import Document, _weight_texts, build, serialize, split, statistics_of

from .search_helpers import reference_index, sample_catalog


@pytest.fixture(scope="module")
def sample_documents() -> list[Any]:
    catalog = sample_catalog()
    return documents(catalog, search_order(catalog))


@pytest.mark.parametrize("positions", [True, False], ids=["with positions", "without positions"])
def test_builder_writes_what_lunr_py_writes(sample_documents: list[Any], positions: bool) -> None:
    ours = serialize(build(sample_documents, FIELDS, positions=positions))
    assert ours == reference_index(sample_documents, FIELDS, positions)


def test_builder_matches_lunr_py_when_refs_are_not_in_order(sample_documents: list[Any]) -> None:
    shuffled = sample_documents[::-1][:40]
    assert serialize(build(shuffled, FIELDS)) == reference_index(shuffled, FIELDS, positions=False)


def _entries(data: bytes) -> tuple[dict[str, dict[str, Any]], dict[str, dict[int, float]]]:
    index = json.loads(data)
    postings = dict(index["invertedIndex"])
    vectors = {key: dict(zip(values[::2], values[1::2], strict=True)) for key, values in index["fieldVectors"]}
    return postings, vectors


def test_pieces_add_up_to_the_whole_index(sample_documents: list[Any]) -> None:
    index = build(sample_documents, FIELDS, positions=True)
    whole_postings, whole_vectors = _entries(serialize(index))
    pieces = list(split(index, GROUPS, max_postings=400))
    assert len({p.group for p in pieces}) == 2 and len(pieces) > 10
    for group, fields in GROUPS.items():
        mine = [p for p in pieces if p.group == group]
        assert [p.first for p in mine] == sorted(p.first for p in mine)
        postings: dict[str, dict[str, Any]] = {}
        vectors: dict[str, dict[int, float]] = {}
        for piece in mine:
            assert piece.fields == fields
            piece_postings, piece_vectors = _entries(piece.data)
            assert not postings.keys() & piece_postings.keys(), "a term in two pieces"
            postings.update(piece_postings)
            for key, vector in piece_vectors.items():
                assert not vectors.get(key, {}).keys() & vector.keys()
                vectors.setdefault(key, {}).update(vector)
        expected_postings = {
            term: {"_index": p["_index"], **{f: p[f] for f in fields}}
            for term, p in whole_postings.items()
            if any(p[f] for f in fields)
        }
        assert postings == expected_postings
        assert vectors == {k: v for k, v in whole_vectors.items() if k.split("/")[0] in fields and v}


def test_weights_are_written_with_pythons_rounding_even_next_to_a_half() -> None:
    """lunr.py writes repr(round(weight, 3)); the builder rounds whole arrays at once and must
    write the same digits, also for weights a float's error away from a half-thousandth."""
    rng = np.random.default_rng(7)
    halves = (np.arange(1, 20_000) + 0.5) / 1000  # 0.0015, 0.0025, ...: most are not exact in binary
    weights = np.concatenate([rng.uniform(0, 40, 50_000), halves, np.nextafter(halves, 0), [0.0625, 2.675, 0.0]])
    assert _weight_texts(weights) == ["," + repr(round(w, 3)) for w in weights.tolist()]


def test_authors_are_indexed_as_words_with_accents_folded_and_no_phrase_across_two_names(
    sample_documents: list[Any],
) -> None:
    catalog = sample_catalog()
    refs = {p.slug: ref_of(n) for n, p in enumerate(search_order(catalog))}
    postings, _ = _entries(serialize(build(sample_documents, FIELDS, positions=True)))
    vinyals = postings["vinyal"]["authors"]  # Oriol Vinyals, stemmed as lunr stems every word
    assert set(vinyals) == {refs["pointer-networks"], refs["order-matters-sequence-to-sequence-for-sets"]}
    assert postings["schroder"]["authors"].keys() == {
        refs["self-training-for-sample-efficient-active-learning-for-text-classification-with"]
    }
    assert "schröder" not in postings and "muller" in postings  # Christopher Schröder, Meinard Müller
    # "Oriol Vinyals and Samy Bengio and ...": the "and" (a stop word) keeps a place between names
    order_matters = refs["order-matters-sequence-to-sequence-for-sets"]
    assert postings["oriol"]["authors"][order_matters]["index"] == [0]
    assert postings["vinyal"]["authors"][order_matters]["index"] == [1]
    assert postings["sami"]["authors"][order_matters]["index"] == [3]
    assert not postings["vinyal"]["title"] and not postings["vinyal"]["abstract"]


def _weights(data: bytes, ref: str) -> dict[tuple[str, str], float]:
    """One document's weights in a piece, by field and term."""
    postings, vectors = _entries(data)
    terms = {posting["_index"]: term for term, posting in postings.items()}
    found = {}
    for key, vector in vectors.items():
        field, doc = key.split("/")
        if doc == ref:
            found.update(((field, terms[number]), weight) for number, weight in vector.items())
    return found


def test_the_months_papers_are_weighed_by_the_epochs_statistics(sample_documents: list[Any]) -> None:
    """The month's papers are indexed apart from the epoch's but weighed by its statistics, so the
    same text weighs the same in both parts (by their own statistics, the month's few papers would
    weigh every term otherwise)."""
    epoch, month = sample_documents[:60], sample_documents[60:70]
    twin = Document(ref_of(10_000), epoch[0].texts)
    epoch_index, month_index = build(epoch, FIELDS), build([*month, twin], FIELDS)
    whole = {"all": tuple(f.name for f in FIELDS)}
    expected = _weights(next(split(epoch_index, whole, 10**9)).data, epoch[0].ref)
    weighed = next(split(month_index, whole, 10**9, statistics_of(epoch_index))).data
    assert expected and _weights(weighed, twin.ref) == expected
    assert _weights(next(split(month_index, whole, 10**9)).data, twin.ref) != expected


TRICKY = [
    (
        "A-n It-is Pre-Training",
        "a-n it-is: the-and pre-training, pretraining; a--b -- c++ c# state-of-the-art",
        "",
        "and",
    ),
    ("Same Text", "Twice, word for word: the two documents share one analysis.", "Topics", "Ann Lee"),
    ("Same Text", "Twice, word for word: the two documents share one analysis.", "Topics", "Ann Lee"),
    ("Naïve β-VAE", "Łukasz's GPT-4o fine-tuning (self-attention) vs. cross-attention", "Vision", "Zoë Ng and Søren Å"),
]
"""Texts whose words the two ways of indexing could read differently: compounds whose term is a
stop word, compounds written joined elsewhere, identical documents, an empty field, accents."""


@pytest.mark.parametrize("also_written", [(), ("crossattent", "finetun", "selfattent", "the", "-", "")])
def test_words_read_back_index_as_words_read_from_the_text(
    sample_documents: list[Any], also_written: tuple[str, ...]
) -> None:
    # The month's papers' words are remembered as terms: indexed from those, every piece must be
    # the one indexing their texts gives, and so it must be from the terms of a build that had
    # other documents (the day before's, without the new digest's).
    tricky = [Document(ref_of(9_000 + n), texts) for n, texts in enumerate(TRICKY)]
    docs = sorted([*sample_documents[:50], *tricky], key=lambda d: d.ref)
    groups = {"titles": ("title", "topics", "authors"), "abstracts": ("abstract",)}
    read = [p.data for p in split(build(docs, FIELDS, True, also_written), groups, 400)]
    found = build(docs, FIELDS, True, also_written, analysed={})
    assert [p.data for p in split(found, groups, 400)] == read
    day_before = build(docs[5:], FIELDS, True, (), analysed={}).analyses
    remembered = build(docs, FIELDS, True, also_written, analysed=day_before)
    assert [p.data for p in split(remembered, groups, 400)] == read
    assert remembered.analyses == found.analyses
