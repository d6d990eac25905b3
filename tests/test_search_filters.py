"""Authors and the filters of the query language, run by the browser's own search code in node
(search-data.js's Searcher over the built sample site's files): names found as words, `author:`,
`year:`, `month:` and `has:code`, their negations, and what a filter that names nothing does."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_src.catalog.model import Catalog, Paper
from site_src.search.analysis import term_of, words

from .conftest import BuiltSite
from .helpers import ABSTRACT, build_into, write_content
from .search_helpers import node, sample_catalog

LOTTERY = "the-lottery-ticket-hypothesis-finding-sparse-trainable-neural-networks"
POINTER = "pointer-networks"
ORDER_MATTERS = "order-matters-sequence-to-sequence-for-sets"
GRADIENT_NOISE = "adding-gradient-noise-improves-learning-for-very-deep-networks"


@pytest.fixture(scope="module")
def papers(sample_site: BuiltSite) -> list[dict[str, Any]]:
    return json.loads((sample_site.out / "api" / "papers.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def find(site: BuiltSite, *queries: str) -> list[dict[str, Any]]:
    """Each query searched as the search box searches it: slugs in order, bylines, status, unknown."""
    return node({"op": "find", "site": str(site.out), "queries": list(queries)})  # type: ignore[no-any-return]


def slugs_of(site: BuiltSite, query: str) -> list[str]:
    return find(site, query)[0]["slugs"]  # type: ignore[no-any-return]


def parse(*queries: str) -> list[dict[str, Any]]:
    return node({"op": "parse", "queries": list(queries)})  # type: ignore[no-any-return]


# ---- authors as words ------------------------------------------------------------------------


def test_every_sample_author_is_found_by_surname_alone(sample_site: BuiltSite, papers: list[dict[str, Any]]) -> None:
    """A reader who remembers only a surname finds the paper: for every surname of four letters or
    more that at most three sample papers share, one of them is in the top 3 (348 surnames)."""
    by_surname: dict[str, set[str]] = defaultdict(set)
    for paper in papers:
        for name in paper["authors"]:
            surname = words(name)[-1]
            if len(surname) >= 4 and term_of(surname):
                by_surname[surname].add(paper["slug"])
    surnames = sorted(s for s, slugs in by_surname.items() if len(slugs) <= 3)
    assert len(surnames) > 300
    found = find(sample_site, *surnames)
    misses = [s for s, answer in zip(surnames, found, strict=True) if not set(answer["slugs"][:3]) & by_surname[s]]
    assert misses == []


@pytest.mark.parametrize(
    ("query", "title_paper", "author_paper"),
    [
        ("gans", "diffusion-models-beat-gans-on-image-classification", "araus-a-large-scale-dataset-and-baseline"),
        ("yue", "yue-scaling-open-foundation-models-for-long-form-music-generation", "towards-exact-computation"),
        ("jen", "jen-1-dreamstyler-customized-musical-concept-learning", "dataset-decomposition-faster-llm"),
        ("codas", "coda-prompt-continual-decomposed-attention-based-prompting", "orca-2-teaching-small-language"),
    ],
)
def test_a_name_does_not_outrank_the_same_word_in_a_title(
    sample_site: BuiltSite, query: str, title_paper: str, author_paper: str
) -> None:
    """Woon-Seng Gan, Yue, Yi-Jen Shih, Codas: their papers are found, below the paper whose
    title has the word."""
    slugs = slugs_of(sample_site, query)
    title_at = next(i for i, s in enumerate(slugs) if s.startswith(title_paper))
    author_at = next(i for i, s in enumerate(slugs) if s.startswith(author_paper))
    assert title_at < author_at


def test_names_match_with_accents_folded_and_results_carry_a_byline(sample_site: BuiltSite) -> None:
    muller, schroder, re_ = find(sample_site, "Müller theme", "schroder", "ré skills")
    assert muller["slugs"][0].startswith("theme-transformer-symbolic-music-generation")  # Meinard Müller
    assert schroder["slugs"][0].startswith("self-training-for-sample-efficient-active-learning")
    assert re_["slugs"][0].startswith("skill-it-a-data-driven-skills-framework")  # Christopher Ré
    lottery, music = find(sample_site, "frankle lottery", "vaswani music transformer")
    assert lottery["slugs"][0] == LOTTERY and lottery["bylines"][0] == "Jonathan Frankle, Michael Carbin"
    assert music["slugs"][0] == "music-transformer"
    assert music["bylines"][0] == "Cheng-Zhi Anna Huang, Ashish Vaswani, Jakob Uszkoreit et al."
    (martens,) = find(sample_site, "martens gradient noise")  # the last of seven, found as a word
    assert martens["bylines"][0] == "Arvind Neelakantan, Luke Vilnis, Quoc V. Le, …, James Martens"


# ---- author: ---------------------------------------------------------------------------------


def test_author_filter_keeps_only_that_authors_papers(sample_site: BuiltSite) -> None:
    alone, with_word, phrase, reversed_phrase, prefix, plural = find(
        sample_site,
        "author:vinyals",
        "author:vinyals sets",
        'author:"oriol vinyals"',
        'author:"vinyals oriol"',
        "author:sutsk",
        "authors:Vinyals",
    )
    assert sorted(alone["slugs"]) == [ORDER_MATTERS, POINTER]
    assert with_word["slugs"][0] == ORDER_MATTERS
    assert set(with_word["slugs"]) <= {ORDER_MATTERS, POINTER}
    assert sorted(phrase["slugs"]) == [ORDER_MATTERS, POINTER]
    assert reversed_phrase["slugs"] == []
    assert prefix["slugs"] == [GRADIENT_NOISE]  # Ilya Sutskever, the 4th of 7 authors
    # the byline shows the author who was found (it showed the first three only, and "et al.")
    assert prefix["bylines"] == ["Arvind Neelakantan, Luke Vilnis, Quoc V. Le, Ilya Sutskever et al."]
    assert sorted(plural["slugs"]) == [ORDER_MATTERS, POINTER]


def test_author_filter_forgives_no_typo(sample_site: BuiltSite) -> None:
    """Names one letter apart are other people: author:song is Kaitao Song and Song Mei, never
    Wang, Zong or Tong, however few papers match; a misspelt name is no author's."""
    song, misspelt = find(sample_site, "author:song", "author:vinyls")
    assert sorted(song["slugs"]) == [
        "songmass-automatic-song-writing-with-pre-training-and-alignment-constraint",
        "what-can-a-single-attention-layer-learn-a-study-through-the-random-features-lens",
    ]
    assert song["status"] == "2 papers match “author:song”."
    assert misspelt["slugs"] == [] and misspelt["unknown"]["authors"] == ["vinyls"]
    assert slugs_of(sample_site, "vinyls")[:2] == slugs_of(sample_site, "vinyals")[:2]  # as a word it is forgiven


def test_author_filter_asks_names_only(sample_site: BuiltSite) -> None:
    """`author:` looks in names, not in titles or abstracts: "pointer" is in a title and several
    abstracts, no author's name."""
    pointer, music = find(sample_site, "author:pointer", "music author:transformer")
    assert pointer["slugs"] == [] and pointer["unknown"]["authors"] == ["pointer"]
    assert music["slugs"] == []


def test_excluding_an_author_leaves_out_their_papers(sample_site: BuiltSite) -> None:
    everything = set(slugs_of(sample_site, "sequence"))
    assert {POINTER, ORDER_MATTERS} <= everything
    without = slugs_of(sample_site, "sequence -author:vinyals")
    assert set(without) == everything - {POINTER, ORDER_MATTERS}
    assert set(slugs_of(sample_site, "sequence -author:vinya")) == set(without)  # a beginning is enough


def test_an_unknown_author_filter_behaves_like_an_unknown_topic_filter(sample_site: BuiltSite) -> None:
    author, topic = find(sample_site, "author:nobodyknows learning", "topic:nonsense learning")
    assert author["slugs"] == topic["slugs"] == []
    assert author["status"] == "No papers match “author:nobodyknows learning”. No author is called “nobodyknows”."
    assert topic["status"].startswith("No papers match “topic:nonsense learning”. No topic is called “nonsense”")
    # excluding someone unknown leaves everything, as excluding an unknown topic does
    learning = slugs_of(sample_site, "learning")
    assert slugs_of(sample_site, "learning -author:nobodyknows") == learning
    assert slugs_of(sample_site, "learning -topic:nonsense") == learning


# ---- year:, month:, has: ---------------------------------------------------------------------


def test_year_and_month_keep_the_papers_listed_then(sample_site: BuiltSite, papers: list[dict[str, Any]]) -> None:
    """The digest dates a paper was listed in, not when it was published (Pointer Networks, 2015,
    was listed in March 2025)."""

    def listed(prefix: str) -> set[str]:
        return {p["slug"] for p in papers if any(d.startswith(prefix) for d in p["digests"])}

    year, june, may, march, not_june, pointer_2025, pointer_2015 = find(
        sample_site,
        "year:2025",
        "month:2025-06",
        "month:2025-5",
        "month:2025-03 pointer",
        "-month:2025-06 music",
        "pointer networks year:2025",
        "pointer networks year:2015",
    )
    assert set(year["slugs"]) == listed("2025") and len(year["slugs"]) == 144
    assert set(june["slugs"]) == listed("2025-06") and 0 < len(june["slugs"]) < 144
    assert set(may["slugs"]) == listed("2025-05")
    assert march["slugs"][0] == POINTER and set(march["slugs"]) <= listed("2025-03")
    music = set(slugs_of(sample_site, "music"))
    assert set(not_june["slugs"]) == music - listed("2025-06")
    assert pointer_2025["slugs"][0] == POINTER
    assert pointer_2015["slugs"] == []
    assert pointer_2015["status"].endswith("No digest is from 2015 (digests from March 2025 to June 2025).")


def _has_code(paper: dict[str, Any]) -> bool:
    """Whether the API's record of a paper lists a link labelled as code."""
    return any(link["label"] == "Code" for link in paper["links"])


def test_has_code_keeps_papers_with_code_links(sample_site: BuiltSite, papers: list[dict[str, Any]]) -> None:
    with_code = {p["slug"] for p in papers if _has_code(p)}
    alone, prompt, without, beginning = find(sample_site, "has:code", "has:code prompt", "-has:code prompt", "HAS:co")
    assert set(alone["slugs"]) == with_code and len(with_code) == 25  # and MusicScore's dataset, no code
    assert set(beginning["slugs"]) == with_code
    prompted = set(slugs_of(sample_site, "prompt"))
    assert set(prompt["slugs"]) == prompted & with_code
    assert "coda-prompt-continual-decomposed-attention-based-prompting-for-rehearsal-free" in prompt["slugs"]
    assert set(without["slugs"]) == prompted - with_code


def test_has_code_leaves_out_a_paper_whose_only_links_are_no_code(tmp_path: Path) -> None:
    """The paper page labels them Dataset, Demo, Model or Hugging Face: has:code found such a paper
    all the same."""
    papers = [
        {"title": "Scores With Code", "abstract": f"{ABSTRACT} Code: https://github.com/x/scores."},
        {"title": "Scores With Data", "abstract": f"{ABSTRACT} Data: https://huggingface.co/datasets/x/scores."},
        {"title": "Scores With a Demo", "abstract": f"{ABSTRACT} Try https://huggingface.co/spaces/x/scores."},
        {"title": "Scores With a Model", "abstract": f"{ABSTRACT} Weights: https://hf.co/x/scores-7b."},
        {"title": "Scores With a Paper", "abstract": f"{ABSTRACT} See https://huggingface.co/papers/2401.00001."},
    ]
    digest = yaml.safe_dump({"date": "2025-07-01", "papers": papers})
    out = tmp_path / "public"
    site = BuiltSite(out, build_into(write_content(tmp_path, {"digests/2025-07-01.yaml": digest}), out))
    assert slugs_of(site, "has:code") == ["scores-with-code"]


def test_list_filters_combine_with_topics_and_each_other(sample_site: BuiltSite, papers: list[dict[str, Any]]) -> None:
    expected = {
        p["slug"]
        for p in papers
        if "music" in p["topics"] and _has_code(p) and not any(d.startswith("2025-06") for d in p["digests"])
    }
    assert set(slugs_of(sample_site, "topic:music has:code -month:2025-06")) == expected


def test_a_filter_that_names_nothing_says_so_and_keeps_nothing(sample_site: BuiltSite) -> None:
    month, has = find(sample_site, "month:2025-04 music", "has:pdf music")
    assert month["slugs"] == has["slugs"] == []
    assert month["status"] == (
        "No papers match “month:2025-04 music”. No digest is from April 2025 (digests from March 2025 to June 2025)."
    )
    assert has["status"] == "No papers match “has:pdf music”. Search knows has:code, not “has:pdf”."


def test_a_filter_that_is_no_date_is_read_as_plain_words(sample_site: BuiltSite) -> None:
    """year:abc and month:june are words, as title: and other colons are: never an error."""
    words_read = parse("year:abc", "month:2025-13 x", "month:june", "has:3d")
    assert [w for it in words_read[0]["required"] for w in it["words"]] == ["year", "abc"]
    assert [w for it in words_read[1]["required"] for w in it["words"]] == ["month", "2025", "13", "x"]
    assert [w for it in words_read[2]["required"] for w in it["words"]] == ["month", "june"]
    assert [w for it in words_read[3]["required"] for w in it["words"]] == ["has", "3d"]
    assert all(not r["years"] and not r["months"] and not r["has"] for r in words_read)
    (june,) = find(sample_site, "month:june")
    assert june["unknown"] == {"topics": [], "authors": [], "dates": [], "has": [], "ids": []}


def test_a_filter_being_typed_waits_until_it_is_whole() -> None:
    """While a reader types year:2025 the results are those of the rest of the query, not of the
    words "year 20"; once a space follows, an unfinished value is read as words."""
    typing = parse("lottery year:20", "lottery month:2025-", "lottery month:2025-1", "lottery year:20 ")
    for read in typing[:3]:
        assert [it["words"] for it in read["required"]] == [["lottery"]]
        assert not read["years"] and not read["months"]
    assert [w for it in typing[3]["required"] for w in it["words"]] == ["lottery", "year", "20"]
    (whole,) = parse("lottery month:2025-1 ")
    assert whole["months"] == ["2025-01"]


def test_the_query_language_reads_each_filter() -> None:
    (read,) = parse('author:"geoffrey hinton" -author:vin year:2025 -month:2025-6 has:code -has:c topics:music')
    assert read["required"] == [
        {"text": "geoffrey hinton", "phrase": True, "fields": ["authors"], "words": ["geoffrey", "hinton"]}
    ]
    assert read["excluded"] == [{"text": "vin", "phrase": False, "fields": ["authors"], "words": ["vin"]}]
    assert read["excludedPrefix"] == ["vin"]  # an excluded name also leaves out the names it begins
    assert (read["years"], read["notMonths"], read["has"], read["notHas"], read["topics"]) == (
        ["2025"],
        ["2025-06"],
        ["code"],
        ["c"],
        ["music"],
    )
    (plain,) = parse("-vin music")
    assert plain["excludedPrefix"] == []  # an excluded word leaves out that word only


# ---- filters alone ---------------------------------------------------------------------------


def _newest_day_first(catalog: Catalog, keep: Callable[[Paper], bool]) -> list[str]:
    """The papers `keep` keeps, as the digest pages list them: the newest listing first, then the
    curator's order that day."""
    papers = [p for p in catalog.papers.values() if keep(p)]
    newest = {p.slug: max(p.appearances, key=lambda a: a.date) for p in papers}
    return [p.slug for p in sorted(papers, key=lambda p: (-newest[p.slug].date.toordinal(), newest[p.slug].position))]


def test_a_paper_listed_again_is_where_its_newest_digest_lists_it(sample_site: BuiltSite) -> None:
    """OVOR, listed in March and again on 26 June, came 48th of month:2025-06 (after every paper
    first listed in June); the 26 June digest lists it 4th. year:2025 reads as the digest pages,
    newest first, each paper once, where its newest digest lists it."""
    digests = json.loads((sample_site.out / "api" / "digests.json").read_text(encoding="utf-8"))
    pages = [d["papers"] for d in sorted(digests, key=lambda d: d["date"], reverse=True)]
    june, year = find(sample_site, "month:2025-06", "year:2025")
    assert june["slugs"] == pages[0]
    shown: list[str] = []
    for listed in pages:
        shown += [slug for slug in listed if slug not in shown]
    assert year["slugs"] == shown


def test_filters_alone_list_the_newest_day_first_in_the_curators_order(sample_site: BuiltSite) -> None:
    """A day's papers came bottom-up (the tie-break ranked the higher paper number first)."""
    catalog = sample_catalog()
    music, march, year = find(sample_site, "topic:music", "month:2025-03", "year:2025")
    assert music["slugs"] == _newest_day_first(catalog, lambda p: "music" in p.topic_slugs)
    assert march["slugs"] == _newest_day_first(catalog, lambda p: any(a.date.month == 3 for a in p.appearances))
    assert year["slugs"] == _newest_day_first(catalog, lambda p: True)


def test_an_excluded_phrase_with_stop_words_in_it_is_left_out(sample_site: BuiltSite) -> None:
    """-state-of-the-art and -"state of the art" left out nothing: the words kept (state, art) were
    looked for next to each other, as if "of the" were not there."""
    found, hyphens, quoted, minus = find(
        sample_site, '"state of the art"', "-state-of-the-art", '-"state of the art"', 'language -"state of the art"'
    )
    assert len(found["slugs"]) > 20
    assert not set(found["slugs"]) & set(hyphens["slugs"]) and not set(found["slugs"]) & set(quoted["slugs"])
    assert set(minus["slugs"]) == set(slugs_of(sample_site, "language")) - set(found["slugs"])


def test_exclusions_alone_list_everything_else(sample_site: BuiltSite) -> None:
    """`-topic:music` found nothing; it lists every other paper, as filters alone list them."""
    catalog = sample_catalog()
    not_music, not_word, not_june = find(sample_site, "-topic:music", "-transformer", "-month:2025-06 -has:code")
    assert not_music["slugs"] == _newest_day_first(catalog, lambda p: "music" not in p.topic_slugs)
    assert not_music["status"].startswith(f"{len(not_music['slugs'])} papers match “-topic:music”")
    transformers = set(slugs_of(sample_site, "transformer"))
    assert not_word["slugs"] == _newest_day_first(catalog, lambda p: p.slug not in transformers)
    with_code = set(slugs_of(sample_site, "has:code"))
    june = set(slugs_of(sample_site, "month:2025-06"))
    assert not_june["slugs"] == _newest_day_first(catalog, lambda p: p.slug not in june | with_code)


def test_the_status_line_quotes_what_was_applied_and_names_what_was_left_out(sample_site: BuiltSite) -> None:
    """`year:2025-06` was quoted as “year:2025-” (its last digits cut off as a word being typed)
    and `year:20`, skipped while typed, was quoted as if it had been applied."""
    month_as_year, lottery_typing, typing_alone, lottery_t = find(
        sample_site, "year:2025-06", "lottery year:20", "year:20", "lottery t"
    )
    assert month_as_year["status"] == (
        "No papers match “year:2025-06”. “year:2025-06” is read as words: year: takes a year (year:2025),"
        " month: a month (month:2025-06)."
    )
    assert lottery_typing["slugs"][0] == LOTTERY
    assert lottery_typing["status"].startswith("1 paper matches “lottery”. ")
    assert lottery_typing["status"].endswith(" “year:20” is left out until it is finished.")
    assert typing_alone["status"] == "“year:20” is left out until it is finished."
    assert lottery_t["status"] == "1 paper matches “lottery”. “t” is left out until it is finished."


# ---- arXiv identifiers -----------------------------------------------------------------------


def test_an_arxiv_identifier_finds_its_paper(sample_site: BuiltSite, papers: list[dict[str, Any]]) -> None:
    """2203.17269 was read as the words "2203" and "17269", which no paper has."""
    paper = next(p for p in papers if p["arxiv"] == "2203.17269")
    written = [
        "2203.17269",
        "arXiv:2203.17269",
        "2203.17269v2",
        "https://arxiv.org/abs/2203.17269",
        "arxiv.org/pdf/2203.17269v1",
    ]
    for found in find(sample_site, *written):
        assert found["slugs"] == [paper["slug"]]
    unknown, left_out = find(sample_site, "2999.00001", "-2203.17269")
    assert unknown["slugs"] == [] and unknown["status"] == "No papers match “2999.00001”. No paper is arXiv:2999.00001."
    assert paper["slug"] not in left_out["slugs"] and len(left_out["slugs"]) == len(papers) - 1
    typing, typed = find(sample_site, "2203.1726", "2203.1726 ")  # identifiers from 1501 on have five digits
    assert "No paper is" not in typing["status"] and "“2203.1726” is left out until it is finished" in typing["status"]
    for begun in find(sample_site, "2203.", "arXiv:2203.1", "2203.172"):  # nor while its first digits are typed
        assert not begun["status"].startswith("No papers"), begun["status"]
    assert typed["status"].endswith("No paper is arXiv:2203.1726.")


def all_words(paper: Paper) -> list[str]:
    """The words a paper writes, in its title, abstract and authors."""
    return [w for text in (paper.title, paper.abstract, *paper.meta.authors) for w in words(text)]


def test_a_hyphenated_word_and_the_word_joined_find_the_same_papers(sample_site: BuiltSite) -> None:
    """pretraining found 22 papers, pre-training 100 (those with "pre" and "training" anywhere):
    a paper that writes either spelling is found by both."""
    joined, hyphenated, dashed = find(sample_site, "pretraining", "pre-training", "pre\u2013training")
    assert set(joined["slugs"]) == set(hyphenated["slugs"]) == set(dashed["slugs"])  # an en dash as a hyphen
    both = {"pretraining-language-models-with-human-preferences", "predictions-for-pre-training-language-models"}
    assert both <= set(joined["slugs"])
    # each compound joined or not on its own: no paper writes "largescale", many "pretraining"
    mixed, mixed_joined = find(sample_site, "large-scale pre-training", "large-scale pretraining")
    assert set(mixed["slugs"]) == set(mixed_joined["slugs"]) and mixed["slugs"]
    compound, words = find(sample_site, "music-vision ", "music vision ")  # no paper writes the compound
    assert compound["slugs"] == words["slugs"] and compound["slugs"]  # its parts, then
    # joined where papers write it so: state-of-the-art still finds "state of the art" (30 against 35
    # when every compound was joined), and "training" does not match "trainingfree" (Training-free
    # marked whole and ranked first)
    art, spaced, left_out, left_out_joined = find(
        sample_site, "state-of-the-art", "state of the art", "-pre-training", "-pretraining"
    )
    assert set(art["slugs"]) == set(spaced["slugs"]) and len(art["slugs"]) > 30
    assert left_out["slugs"] == left_out_joined["slugs"] and not set(left_out["slugs"]) & both
    written = {term for p in sample_catalog().papers.values() for w in all_words(p) if (term := term_of(w))}
    [training] = node({"op": "searcher", "site": str(sample_site.out), "queries": ["training"]})
    assert set(training["terms"]) <= written
    runs = node({"op": "marks", "texts": ["Pre-training and pretraining; low-rank training"], "query": "pre-training"})
    assert [run["text"] for run in runs[0] if run["mark"]] == ["Pre-training", "pretraining"]
    runs = node({"op": "marks", "texts": ["Pre-training and pretraining; low-rank training"], "query": "training"})
    assert [run["text"] for run in runs[0] if run["mark"]] == ["training", "training"]


def test_c_plus_plus_and_c_sharp_are_marked_whole_in_results_and_initials_are_not() -> None:
    """C++ was found but not marked: the results cut the text into words at "+", and "C" is not cpp."""
    texts = ["Porting C++ and C# code to C++11", "By Jo C. Smith"]
    runs = node({"op": "marks", "texts": texts, "query": "C++ C# C++11"})
    assert [[run["text"] for run in text if run["mark"]] for text in runs] == [["C++", "C#", "C++11"], []]
    assert ["".join(run["text"] for run in text) for text in runs] == texts


def test_c_plus_plus_is_not_an_initial(sample_site: BuiltSite) -> None:
    """C++ was read as the word "c", which every author with the initial C. has; and C#, which no
    paper names, found two "allowing one typo" (csharp as sharp)."""
    sharp, fsharp = find(sample_site, "C#", "F#")
    assert sharp["slugs"] == fsharp["slugs"] == [] and sharp["status"] == "No papers match “C#”."
    cpp, initial = find(sample_site, "C++", "author:c")
    assert initial["slugs"]  # middle initials such as "Quoc V. Le"'s are indexed as words
    assert not set(cpp["slugs"]) & set(initial["slugs"])
