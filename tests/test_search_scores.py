"""The browser scores a word on a piece of the index exactly as lunr.Index.query would (it only skips
the match metadata lunr builds for every posting), on an index cut into many pieces; and its whole
search forgives a typo only when the words as typed find too little."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.search_page import build_split_site

from .search_helpers import node

WORDS = [
    "learning",
    "music",
    "transcri",
    "lotery",
    "memoriz",
    "networks",
    "surveys",
    "diffusion",
    "tweedie",
    "key",
    "vinyals",  # a name: the authors field scores as the others
    "herrem",
]


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_split_site(tmp_path_factory.mktemp("scores")) / "digest"


def test_scores_equal_lunr_index_query(split_site: Path) -> None:
    answers = node({"op": "scores", "site": str(split_site), "words": WORDS})
    assert {a["word"] for a in answers if a["lunr"]} == set(WORDS)
    for answer in answers:
        where = f"{answer['word']} on piece {answer['piece']}"
        assert answer["ours"].keys() == answer["lunr"].keys(), where
        for ref, score in answer["lunr"].items():
            assert answer["ours"][ref] == pytest.approx(score, rel=1e-9), where


def test_a_typo_is_forgiven_only_when_the_words_as_typed_find_little(split_site: Path) -> None:
    plenty = ["model", "learning", "diffusion", "music", "language models"]
    little = ["pointr networks", "lotery ticket"]
    answers = {a["query"]: a for a in node({"op": "searcher", "site": str(split_site), "queries": plenty + little})}
    for query in plenty:  # many papers have these words: nothing one typo away joins them
        answer = answers[query]
        assert len(answer["exact"]["hits"]) >= 10, query
        assert not answer["forgiven"], query
        assert sorted(answer["hits"]) == sorted(answer["exact"]["hits"]), query
        assert answer["terms"] == answer["exact"]["terms"], query
    assert answers["model"]["terms"] == ["model"]  # not "mode", "modal" or "modul"
    for query, title in zip(little, ["Pointer Networks", "The Lottery Ticket Hypothesis"], strict=True):
        answer = answers[query]
        assert answer["exact"]["hits"] == [] and answer["forgiven"], query
        assert answer["titles"][0].startswith(title), query
