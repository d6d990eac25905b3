"""The browser scores a word on a piece of the index exactly as lunr.Index.query would (it only skips
the match metadata lunr builds for every posting), on an index cut into many pieces."""

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
