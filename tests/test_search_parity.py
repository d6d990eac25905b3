"""Build side and browser side analyse text alike: the same words, terms and stems in lunr.py and lunr.js,
and the same results for the same queries on the same index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.stemmer import porter_stemmer
from lunr.token import Token

from site_src.catalog.model import Catalog
from site_src.search import analysis
from site_src.search.files import FIELDS, documents, search_order
from site_src.search.lunrindex import build, serialize

from .helpers import load_cases
from .search_helpers import node, sample_catalog

WORD_CASES = load_cases("search_words.yaml")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return sample_catalog()


def _texts(catalog: Catalog) -> list[str]:
    papers = [text for p in catalog.papers.values() for text in (p.title, p.abstract)]
    authors = [name for p in catalog.papers.values() for name in p.meta.authors]
    return papers + authors + [t.name for t in catalog.topics]


@pytest.mark.parametrize("case", WORD_CASES, ids=[str(c["text"]) for c in WORD_CASES])
def test_words_are_cut_as_the_browser_cuts_them(case: dict[str, object]) -> None:
    assert analysis.words(str(case["text"])) == case["words"]
    assert node({"op": "analyse", "texts": [case["text"]], "words": []})["words"] == [case["words"]]


def test_whole_corpus_gives_the_same_words_terms_and_stems_on_both_sides(catalog: Catalog) -> None:
    texts = _texts(catalog)
    vocabulary = sorted({w for text in texts for w in analysis.words(text)})
    assert len(vocabulary) > 4000
    js = node({"op": "analyse", "texts": texts, "words": vocabulary})
    assert js["words"] == [analysis.words(t) for t in texts]
    # a hyphenated compound is asked for joined (pre-training → pretraining) as the index joins it
    for t, joined in zip(texts, js["joined"], strict=True):
        found, compounds = analysis.words_and_compounds(t)
        assert set(compounds) <= set(joined) <= set(found) | set(compounds), t
    assert sum(len(joined) < len(found) for joined, found in zip(js["joined"], js["words"], strict=True)) > 100
    stems = [str(analysis.stemmer(Token(w))) for w in vocabulary]
    differences = [
        (w, ours, theirs) for w, ours, theirs in zip(vocabulary, stems, js["stems"], strict=True) if ours != theirs
    ]
    assert differences == []
    assert js["terms"] == [analysis.term_of(w) for w in vocabulary]


def test_lunr_py_alone_would_stem_differently(catalog: Catalog) -> None:
    """The divergence the corrected stemmer exists for (step 1c of Porter's algorithm)."""
    vocabulary = sorted({w for text in _texts(catalog) for w in analysis.words(text)})
    js = node({"op": "analyse", "texts": [], "words": vocabulary})["stems"]
    differing = {w: (porter_stemmer.stem(w), theirs) for w, theirs in zip(vocabulary, js, strict=True)}
    differing = {w: pair for w, pair in differing.items() if pair[0] != pair[1]}
    assert {"key", "deploy", "survey", "play"} <= differing.keys()
    assert all(ours[:-1] == theirs[:-1] and {ours[-1], theirs[-1]} == {"i", "y"} for ours, theirs in differing.values())


QUERIES = [
    "music",
    "music transformer",
    "transcri*",
    "lotery~1",
    "title:diffusion",
    "+continual +learning",
    "+music -transformer",
    "key",
    "tweedie",
    "speech audio enhancement",
    "retrieval^5 music",
    "language model alignment preferences",
]


def test_lunr_js_finds_what_lunr_py_finds_in_the_same_index(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = serialize(build(documents(catalog, search_order(catalog)), FIELDS, positions=True))
    (tmp_path / "index.json").write_bytes(data)
    monkeypatch.setitem(Pipeline.registered_functions, "stemmer", analysis.stemmer)
    index = Index.load(json.loads(data))
    js = node({"op": "search", "index": str(tmp_path / "index.json"), "queries": QUERIES})
    for query, theirs in zip(QUERIES, js, strict=True):
        ours = index.search(query)
        assert ours, query
        # equal scores may come in either order: compare best first, then by ref
        ours.sort(key=lambda r: (-round(r["score"], 9), r["ref"]))
        theirs.sort(key=lambda r: (-round(r["score"], 9), r["ref"]))
        assert [r["ref"] for r in ours] == [r["ref"] for r in theirs], query
        assert [r["score"] for r in ours] == pytest.approx([r["score"] for r in theirs], rel=1e-9), query
