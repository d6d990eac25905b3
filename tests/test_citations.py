"""Every paper can be cited: BibTeX files read by a real BibTeX parser, JSON-LD read by a real metadata
extractor, COinS read as citation managers read them, and authors in feeds and the JSON API.
Zotero's own translator reads the pages in tests/browser/test_citation_managers.py."""

from __future__ import annotations

import datetime
import json
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import bibtexparser
import extruct
import feedparser
import pytest
import yaml
from bibtexparser.middlewares import SeparateCoAuthors
from pylatexenc.latex2text import LatexNodes2Text

from site_src.catalog.model import Appearance, Metadata, Paper
from site_src.pages import citations
from site_src.pages.citations import Citations, citation_keys, tex
from site_src.pages.urls import SiteUrls

from .conftest import BuiltSite
from .golden import GOLDEN
from .helpers import ABSTRACT, build_into, page, resolve, write_content

STRESS = "papers/escaping-braces-100-tex-in-citations-a-stress-test/"
STRESS_AUTHORS = [
    "Zoë Ç. Ñúñez",
    "A. {B} \\ C",
    "李飞飞",
    "Jürgen Schmidhuber",
    "Tom and Jerry",
    "Łukasz Øyvind Smørgrav",
    *(f"Author {n}" for n in ("Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve")),
]


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    out = tmp_path_factory.mktemp("golden") / "public"
    return BuiltSite(out, build_into(GOLDEN / "basic/content", out))


def _decode(value: str) -> str:
    return " ".join(LatexNodes2Text().latex_to_text(value).split())


def _bib_entries(path: Path) -> list[dict[str, object]]:
    """A .bib file as a BibTeX parser reads it: each entry's key, type and decoded fields."""
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"), append_middleware=[SeparateCoAuthors()])
    assert library.failed_blocks == [], path
    entries = []
    for entry in library.entries:
        fields: dict[str, object] = {"key": entry.key, "type": entry.entry_type}
        for field in entry.fields:
            value = field.value
            fields[field.key] = [_decode(v) for v in value] if isinstance(value, list) else _decode(value)
        entries.append(fields)
    return entries


def _api_papers(site: BuiltSite) -> dict[str, dict[str, object]]:
    papers = json.loads((site.out / "api/papers.json").read_text(encoding="utf-8"))
    return {p["slug"]: p for p in papers}


@pytest.mark.parametrize("which", ["sample_site", "golden_site"])
def test_every_bib_file_parses_and_says_what_the_paper_is(which: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue(which)
    papers = _api_papers(site)
    keys: dict[str, str] = {}
    for slug, paper in papers.items():
        [entry] = _bib_entries(site.out / "papers" / slug / "index.bib")
        assert entry["type"] == "misc"
        # "--" stays "--": arXiv titles write an en dash so, and TeX typesets it so
        assert entry["title"] == paper["title"].replace("---", "—").replace("--", "–")
        assert entry.get("author", []) == paper["authors"]
        assert entry.get("year") == (_cited_year(paper) or None)
        if paper["arxiv"]:
            assert (entry["eprint"], entry["archivePrefix"], entry["doi"]) == (
                paper["arxiv"],
                "arXiv",
                f"10.48550/arXiv.{paper['arxiv']}",
            )
            assert entry["url"] == f"https://arxiv.org/abs/{paper['arxiv']}"
        else:
            assert "eprint" not in entry and entry["url"] == paper["url"]
        assert keys.setdefault(str(entry["key"]), slug) == slug, "citation keys are unique across the site"
    lists = [*site.out.glob("digests/*/index.bib"), *site.out.glob("topics/*/index.bib")]
    assert len(lists) == site.report.digests + site.report.topics
    for path in lists:
        assert {str(e["key"]) for e in _bib_entries(path)} <= keys.keys(), path


def test_a_digest_bib_holds_its_papers_in_order_and_a_topic_bib_all_its_papers(golden_site: BuiltSite) -> None:
    digests = {d["date"]: d for d in json.loads((golden_site.out / "api/digests.json").read_text(encoding="utf-8"))}
    for date, digest in digests.items():
        entries = _bib_entries(golden_site.out / "digests" / date / "index.bib")
        assert [e["title"] for e in entries] == [_api_papers(golden_site)[s]["title"] for s in digest["papers"]]
    topics = json.loads((golden_site.out / "api/topics.json").read_text(encoding="utf-8"))
    for topic in topics:
        entries = _bib_entries(golden_site.out / "topics" / topic["slug"] / "index.bib")
        assert len(entries) == topic["count"]


def test_digest_topic_and_paper_pages_offer_their_bibtex_under_a_name_of_their_own(golden_site: BuiltSite) -> None:
    """Each page whose papers have a .bib file links to it, and the download is named after the page
    (every one was index.bib, so saving a few gave index (1).bib, index (2).bib...)."""
    digest = json.loads((golden_site.out / "api/digests.json").read_text(encoding="utf-8"))[0]
    topic = json.loads((golden_site.out / "api/topics.json").read_text(encoding="utf-8"))[0]
    slug = digest["papers"][0]
    for site_path, name, count in [
        (f"digests/{digest['date']}/", f"digest-{digest['date']}.bib", len(digest["papers"])),
        (f"topics/{topic['slug']}/", f"topic-{topic['slug']}.bib", topic["count"]),
        (f"papers/{slug}/", f"{slug}.bib", 1),
    ]:
        [link] = page(golden_site.out, site_path).xpath("//main//a[contains(@href, 'index.bib')]")
        assert link.get("download") == name, site_path
        target = resolve(golden_site.out, link.get("href"))
        assert target == golden_site.out / site_path / "index.bib"
        assert len(_bib_entries(target)) == count
        expected = "Download BibTeX" if site_path.startswith("papers/") else f"BibTeX of all {count} papers"
        assert link.text_content().strip() == expected


def test_hostile_names_and_titles_survive_the_round_trip(golden_site: BuiltSite) -> None:
    [entry] = _bib_entries(golden_site.out / STRESS / "index.bib")
    assert entry["title"] == "Escaping {Braces} & 100% $TeX_ in Citations: A Stress Test"
    assert entry["author"] == STRESS_AUTHORS
    text = (golden_site.out / STRESS / "index.bib").read_text(encoding="utf-8")
    assert "{Tom and Jerry}" in text, "a name holding the word 'and' stays one author"
    assert 'Zo{\\"e}' in text, "accented Latin letters are TeX accents (8-bit BibTeX reads them)"


@pytest.mark.parametrize("text", ["a { b", "x } y {", "}{", "\\", "50% of #1 & $x^2_i$ ~ <b>"])
def test_any_text_makes_a_field_a_bibtex_parser_reads(text: str) -> None:
    library = bibtexparser.parse_string(f"@misc{{k,\n  title = {{{tex(text)}}}\n}}\n@misc{{next, title = {{ok}}}}")
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == ["k", "next"], "an unbalanced brace must not swallow what follows"


def test_citation_keys_stay_put_when_a_newer_paper_shares_one(tmp_path: Path) -> None:
    content = GOLDEN / "basic/content"
    before = build_into(content, tmp_path / "before")
    assert before.pages
    keys_before = {p.parent.name: _bib_entries(p)[0]["key"] for p in (tmp_path / "before/papers").glob("*/index.bib")}
    newer = (
        "papers:\n"
        "  - title: Music Transformers Revisited\n"
        "    abstract: We revisit relative attention for music, with longer pieces and more data than before.\n"
        "    authors: [Chen Huang]\n"
        "    published: 2018-10-01\n"
    )
    files = {str(p.relative_to(content)): p.read_text(encoding="utf-8") for p in content.rglob("*") if p.is_file()}
    root = write_content(tmp_path, {**files, "digests/2025-07-08.yaml": newer}, defaults=False)
    build_into(root, tmp_path / "after")
    keys_after = {p.parent.name: _bib_entries(p)[0]["key"] for p in (tmp_path / "after/papers").glob("*/index.bib")}
    assert {slug: keys_after[slug] for slug in keys_before} == keys_before
    assert keys_before["music-transformer"] == "huang2018music"
    assert keys_after["music-transformers-revisited"] == "huang2018music2"


def test_citation_keys_follow_a_retitled_paper_when_asked_again() -> None:
    """The preview asks for the keys at every save; a paper retitled since the last time gets a key
    from its new title (the last keys are reused only for the same papers)."""
    day = datetime.date(2025, 6, 26)

    def paper(slug: str, title: str) -> Paper:
        meta = Metadata(authors=("Chen Huang",), published="2018-10-01")
        return Paper(slug, slug, title, "An abstract.", (Appearance(day, 1),), (), meta)

    first = [paper("a", "Music Transformer"), paper("b", "Pointer Networks")]
    assert dict(citation_keys(first)) == {"a": "huang2018music", "b": "huang2018pointer"}
    retitled = [first[0], paper("b", "Music Generation")]
    assert dict(citation_keys(retitled)) == {"a": "huang2018music", "b": "huang2018music2"}
    assert dict(citation_keys(first)) == {"a": "huang2018music", "b": "huang2018pointer"}


@pytest.mark.parametrize(
    ("author", "title", "key"),
    [
        ("Ashish Vaswani", "Attention Is All You Need", "vaswani2017attention"),
        ("Hugo TOUVRON", "LLaMA: Open and Efficient Foundation Language Models", "touvron2017llama"),
        ("Jürgen Schmidhuber", "Über Lernen", "schmidhuber2017uber"),
        ("Ольга Иванова", "Ἀρχή of Learning", "ivanova2017arkhe"),
        ("Maria O'Neil-Smith", "The ﬁnest Déjà-vu", "oneilsmith2017finest"),
    ],
)
def test_citation_keys_are_ascii_whatever_the_names_and_titles(author: str, title: str, key: str) -> None:
    """Words already in ASCII letters are only lower-cased (slugify is skipped for them); any other word
    is transliterated as before: "Jürgen" and "Иванова" give ASCII keys."""
    meta = Metadata(authors=(author,), published="2017-06-12")
    paper = Paper("p", "p", title, "An abstract.", (Appearance(datetime.date(2025, 6, 26), 1),), (), meta)
    assert dict(citation_keys([paper])) == {"p": key}


def _cited_year(paper: dict[str, Any]) -> str:
    """The year a citation should give: the paper's published one, else its arXiv identifier's."""
    if paper["published"] or not paper["arxiv"]:
        return str(paper["published"] or "")[:4]
    yy = paper["arxiv"].split("/")[-1][:2]
    return ("19" if yy >= "91" else "20") + yy


@pytest.mark.parametrize(
    ("arxiv", "published", "key"),
    [
        ("2206.01234", "", "smith2022coda"),
        ("0704.0001", "", "smith2007coda"),
        ("hep-th/9901001", "", "smith1999coda"),
        ("math/0309136", "", "smith2003coda"),
        ("2206.01234", "2021-12-30", "smith2021coda"),  # the date given wins
        ("", "", "smithcoda"),
    ],
)
def test_a_paper_without_a_publication_date_is_cited_with_its_arxiv_identifier_s_year(
    arxiv: str, published: str, key: str
) -> None:
    """Papers from Hugging Face or a pasted page rarely say when they appeared, but their arXiv
    identifier does (YYMM): the entry had no year, and its key read `smithcoda`."""
    meta = Metadata(authors=("Jo Smith",), arxiv=arxiv, published=published)
    paper = Paper(
        "p", "p", "CODA: Closer Looks", "An abstract.", (Appearance(datetime.date(2025, 6, 26), 1),), (), meta
    )
    assert dict(citation_keys([paper])) == {"p": key}
    year = key.removeprefix("smith").removesuffix("coda")
    entry = Citations({"p": key}, SiteUrls("https://digest.example.org/"), "Digest").new_entry(paper)
    assert re.findall(r"^  year = \{(.*)\},$", entry, re.MULTILINE) == ([year] if year else [])


def _json_ld(site: BuiltSite, path: str) -> dict[str, object]:
    html = (site.out / path / "index.html").read_text(encoding="utf-8")
    found = extruct.extract(html, base_url="https://digest.example.org/", syntaxes=["json-ld"], uniform=True)
    [article] = [item for item in found["json-ld"] if item.get("@type") == "ScholarlyArticle"]
    return article


def test_json_ld_names_the_authors_ids_and_only_a_known_publication_date(golden_site: BuiltSite) -> None:
    article = _json_ld(golden_site, STRESS)
    assert [a["name"] for a in article["author"]] == STRESS_AUTHORS
    assert all(a["@type"] == "Person" for a in article["author"])
    assert article["datePublished"] == "1999"
    assert {i["propertyID"]: i["value"] for i in article["identifier"]} == {
        "arXiv": "hep-th/9901001",
        "DOI": "10.48550/arXiv.hep-th/9901001",
    }
    assert "A second paragraph, kept as a paragraph." in article["abstract"], "the whole abstract"
    unknown = _json_ld(golden_site, "papers/pretraining-language-models-with-human-preferences/")
    assert "datePublished" not in unknown and "author" not in unknown and "dateModified" not in unknown


def test_a_digest_date_is_never_stated_as_a_publication_date(golden_site: BuiltSite) -> None:
    """The digests' dates say when a paper was listed here; a paper published in 2018 listed in 2025
    must not be dated 2025 by Google Scholar or Zotero, and one without a known date gets none."""
    for slug, paper in _api_papers(golden_site).items():
        head = page(golden_site.out, f"papers/{slug}/")
        dates = head.xpath(
            "//meta[@name='citation_publication_date' or @name='citation_date' or @property='article:published_time']"
            "/@content"
        )
        expected = [paper["published"].replace("-", "/"), paper["published"]] if paper["published"] else []
        if not paper["published"] and paper["arxiv"]:  # the identifier's year, for citation managers only
            expected = [_cited_year(paper)]
        assert sorted(dates) == sorted(expected), slug


def test_citation_tags_carry_every_author_the_id_pdf_doi_and_the_whole_abstract(golden_site: BuiltSite) -> None:
    head = page(golden_site.out, STRESS)
    assert head.xpath("//meta[@name='citation_author']/@content") == STRESS_AUTHORS
    assert head.xpath("//meta[@name='citation_arxiv_id']/@content") == ["hep-th/9901001"]
    assert head.xpath("//meta[@name='citation_pdf_url']/@content") == ["https://arxiv.org/pdf/hep-th/9901001"]
    assert head.xpath("//meta[@name='citation_doi']/@content") == ["10.48550/arXiv.hep-th/9901001"]
    abstract = head.xpath("//meta[@name='citation_abstract']/@content")[0]
    assert abstract.endswith("A second paragraph, kept as a paragraph.")


def test_lists_carry_coins_for_every_paper_in_order(golden_site: BuiltSite) -> None:
    papers = _api_papers(golden_site)
    for date in ("2025-07-01", "2025-06-26"):
        spans = page(golden_site.out, f"digests/{date}/").xpath("//span[@class='Z3988']/@title")
        digest = next(
            d
            for d in json.loads((golden_site.out / "api/digests.json").read_text(encoding="utf-8"))
            if d["date"] == date
        )
        assert len(spans) == len(digest["papers"])
        for span, slug in zip(spans, digest["papers"], strict=True):
            fields = parse_qs(span, strict_parsing=True)
            assert fields["ctx_ver"] == ["Z39.88-2004"]
            assert fields["rft.atitle"] == [papers[slug]["title"]]
            assert fields.get("rft.au", []) == papers[slug]["authors"]
            ids = fields["rft_id"]
            assert papers[slug]["url"] in ids
            assert (f"info:arxiv/{papers[slug]['arxiv']}" in ids) == bool(papers[slug]["arxiv"])


def test_feeds_name_each_papers_authors_and_link_its_arxiv_page(golden_site: BuiltSite) -> None:
    atom = feedparser.parse((golden_site.out / "digests/2025-07-01/feed.xml").read_bytes())
    assert not atom.bozo
    by_title = {e.title: e for e in atom.entries}
    stress = by_title["Escaping {Braces} & 100% $TeX_ in Citations: A Stress Test"]
    assert [a["name"] for a in stress.authors] == STRESS_AUTHORS
    assert {link.rel: link.href for link in stress.links}["related"] == "https://arxiv.org/abs/hep-th/9901001"
    json_feed = json.loads((golden_site.out / "digests/2025-07-01/feed.json").read_text(encoding="utf-8"))
    item = next(i for i in json_feed["items"] if i["title"] == stress.title)
    assert [a["name"] for a in item["authors"]] == STRESS_AUTHORS
    assert item["external_url"] == "https://arxiv.org/abs/hep-th/9901001"
    unknown = next(i for i in json_feed["items"] if i["title"].startswith("Pretraining"))
    assert "authors" not in unknown and "external_url" not in unknown


def test_the_paper_page_shows_authors_links_doi_and_two_different_dates(golden_site: BuiltSite) -> None:
    tree = page(golden_site.out, "papers/music-transformer/")
    assert tree.xpath("normalize-space(//div[@class='authors'])") == (
        "Cheng-Zhi Anna Huang, Ashish Vaswani, Jakob Uszkoreit, Noam Shazeer"
    )
    eyebrow = tree.xpath("normalize-space(//p[@class='eyebrow'])")
    assert "published 12 September 2018" in eyebrow and "first listed in the digest of 26 June 2025" in eyebrow
    links = dict(
        zip(
            tree.xpath("//ul[@class='link-list']/li/a/text()"),
            tree.xpath("//ul[@class='link-list']/li/a/@href"),
            strict=True,
        )
    )
    assert links["arXiv 1809.04281"] == "https://arxiv.org/abs/1809.04281"
    assert links["PDF"] == "https://arxiv.org/pdf/1809.04281"
    assert links["Hugging Face"] == "https://huggingface.co/papers/1809.04281"
    assert links["DOI 10.48550/arXiv.1809.04281"] == "https://doi.org/10.48550/arXiv.1809.04281"
    assert links["Project page"] == "https://magenta.tensorflow.org/music-transformer"
    assert links["Code: https://github.com/example/music-transformer"] == "https://github.com/example/music-transformer"
    long_list = page(golden_site.out, STRESS)
    assert long_list.xpath("normalize-space(//details[@class='more-authors']/summary)") == "and 4 more"


def test_the_json_api_carries_the_new_fields(golden_site: BuiltSite) -> None:
    paper = _api_papers(golden_site)["music-transformer"]
    assert paper["arxiv"] == "1809.04281"
    assert paper["authors"][:2] == ["Cheng-Zhi Anna Huang", "Ashish Vaswani"]
    assert paper["published"] == "2018-09-12"
    assert paper["doi"] == "10.48550/arXiv.1809.04281"
    assert paper["project"] == "https://magenta.tensorflow.org/music-transformer"
    assert paper["bibtex"].endswith("/papers/music-transformer/index.bib")


def test_citation_keys_remade_after_a_few_changes_are_those_made_from_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview remakes the keys of the papers a save changed (and of those sharing their keys);
    over random series of changes (retitled, other first authors or years, other papers in a place),
    the keys are always those made from nothing."""
    remade = []
    spied = citations._remade_keys
    monkeypatch.setattr(citations, "_remade_keys", lambda *args: remade.append(made := spied(*args)) or made)
    rng = random.Random(7)
    titles = ["Music Transformer", "Music Generation", "Pointer Networks", "Attention Is All", "Pointer Sentinel"]
    authors = [("Chen Huang",), ("Ashish Vaswani",), (), ("Oriol Vinyals",)]
    days = [datetime.date(2025, 6, day) for day in range(20, 27)]

    def paper(slug: str) -> Paper:
        meta = Metadata(authors=rng.choice(authors), published=rng.choice(["2017", "2018-10-01", ""]))
        return Paper(slug, slug, rng.choice(titles), "An abstract.", (Appearance(rng.choice(days), 1),), (), meta)

    for _ in range(40):
        papers = [paper(f"p{i}") for i in range(rng.randint(1, 30))]
        citation_keys(papers)
        for _ in range(10):
            changed = list(papers)
            if rng.random() < 0.2:  # a paper hidden and another shown: those between move a place
                changed = changed[1:] + changed[:1]
            for place in rng.sample(range(len(changed)), rng.randint(1, min(3, len(changed)))):
                changed[place] = paper(changed[place].slug if rng.random() < 0.8 else f"q{rng.randint(0, 99)}")
            if len({p.slug for p in changed}) < len(changed):
                continue  # slugs are unique in a catalog
            papers = changed
            expected = citations._made_keys(list(papers)).keys
            assert dict(citation_keys(papers)) == expected
    assert sum(made is not None for made in remade) > 300, "the keys were remade in part, not made again"


def test_names_with_commas_are_names_bibtex_splits_and_keys_stay_short(tmp_path: Path) -> None:
    """ "Last, First" is one name; more commas (an organisation) are kept whole, which BibTeX would
    otherwise refuse ("Too many commas in name"); a very long title word does not make a long key."""
    from bibtexparser.middlewares import SplitNameParts

    long_word = "Supercalifragilistic" * 10
    papers = [
        {
            "title": "Pointer Networks",
            "abstract": "A paper about pointers, written as a sentence.",
            "authors": ["Google DeepMind, London, UK, Team", "Doe, Jane", "King, Jr, Martin Luther", "Ada Lovelace"],
            "published": "2015-06-09",
        },
        {
            "title": f"The {long_word} Model",
            "abstract": "A paper with a long word in its title, as prose.",
            "authors": ["Vinyals, Oriol"],
            "published": "2016-01-01",
        },
    ]
    content = write_content(
        tmp_path, {"digests/2025-07-01.yaml": yaml.safe_dump({"date": "2025-07-01", "papers": papers})}
    )
    build_into(content, tmp_path / "out")
    text = (tmp_path / "out/digests/2025-07-01/index.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert library.failed_blocks == []
    [first, second] = library.entries
    assert [(n.last, n.first) for n in first["author"]] == [
        (["{Google DeepMind, London, UK, Team}"], []),
        (["Doe"], ["Jane"]),
        (["King"], ["Martin", "Luther"]),
        (["Lovelace"], ["Ada"]),
    ]
    assert first.key == "deepmind2015pointer"
    assert second.key == "vinyals2016" + "supercalifragilistic"[:20] and len(second.key) <= 44


def test_a_title_of_no_letters_gets_a_key_that_says_paper_once(tmp_path: Path) -> None:
    """A title such as an emoji gives no word to a key, nor to a slug: both fall back to "paper"
    and a fingerprint, and the key said it twice (paperpaper7cfabb1c)."""
    out, _ = _one_paper(tmp_path, title="🎵🎶", abstract="A paper whose title is two notes of music, written as prose.")
    [folder] = [p.parent for p in out.glob("papers/*/index.bib")]
    [entry] = _bib_entries(folder / "index.bib")
    assert folder.name.startswith("paper-") and entry["key"] == folder.name.replace("-", "")


def _one_paper(tmp_path: Path, **keys: str) -> tuple[Path, dict[str, Any]]:
    """The built site of one digest listing "Scores of Music" with these YAML keys, and the paper's
    record in /api/papers.json."""
    paper = {"title": "Scores of Music", **keys}
    digest = yaml.safe_dump({"date": "2025-07-01", "papers": [paper]})
    out = tmp_path / "public"
    build_into(write_content(tmp_path, {"digests/2025-07-01.yaml": digest}), out)
    [record] = json.loads((out / "api/papers.json").read_text(encoding="utf-8"))
    return out, record


def test_a_dataset_a_demo_or_a_model_on_a_code_host_is_not_labelled_code(tmp_path: Path) -> None:
    """Links in an abstract to Hugging Face are listed with the paper's code; a dataset, a space, a
    model or another page of the hub was labelled "Code", and a short hf.co link was not listed."""
    abstract = (
        "A paper about scores, written as prose. Code: https://github.com/x/scores, the data "
        "https://huggingface.co/datasets/x/scores and a demo https://huggingface.co/spaces/x/scores, "
        "weights at https://huggingface.co/x/scores-7b and https://hf.co/x/scores-2b, docs at "
        "https://huggingface.co/docs/scores and https://huggingface.co/transformers/scores.html, "
        "and a legacy id https://huggingface.co/gpt2."
    )
    out, record = _one_paper(tmp_path, abstract=abstract)
    shown = page(out, "papers/scores-of-music/").xpath("//section[@class='paper-links']//a/text()")
    assert shown == [
        "Code: https://github.com/x/scores",
        "Dataset: https://huggingface.co/datasets/x/scores",
        "Demo: https://huggingface.co/spaces/x/scores",
        "Model: https://huggingface.co/x/scores-7b",
        "Model: https://hf.co/x/scores-2b",
        "Hugging Face: https://huggingface.co/docs/scores",
        "Hugging Face: https://huggingface.co/transformers/scores.html",
        "Hugging Face: https://huggingface.co/gpt2",
    ]
    labels = ["Code", "Dataset", "Demo", "Model", "Model", "Hugging Face", "Hugging Face", "Hugging Face"]
    assert [link["label"] for link in record["links"]] == labels
    # the API's `code` holds what has:code counts as code (it listed the hub's pages too)
    assert record["code"] == ["https://github.com/x/scores"]


def test_a_link_written_two_ways_or_already_listed_is_listed_once(tmp_path: Path) -> None:
    """A model written as huggingface.co/x/m and as hf.co/x/m was listed twice, and so were a
    repository written with .git or in capitals, the paper's own Hugging Face page (from its arXiv
    id and as found in the abstract) and its project page found again in the abstract."""
    abstract = (
        "A paper about scores, written as prose. Weights at https://huggingface.co/x/scores-7b and "
        "https://hf.co/x/scores-7b/, also https://huggingface.co/x/scores-7b/tree/main; discussed at "
        "https://huggingface.co/papers/2401.00001 and https://hf.co/papers/arxiv:2401.00001v2; code at "
        "https://github.com/x/scores and https://github.com/X/Scores.git, its README at "
        "https://github.com/x/scores/blob/main/README.md and https://github.com/x/scores/blob/main/readme.md; "
        "try https://hf.co/spaces/x/demo."
    )
    out, record = _one_paper(
        tmp_path, abstract=abstract, arxiv="2401.00001", project="https://huggingface.co/spaces/x/demo"
    )
    urls = [link["url"] for link in record["links"]]
    assert urls.count("https://huggingface.co/papers/2401.00001") == 1
    assert [u for u in urls if "scores-7b" in u] == ["https://huggingface.co/x/scores-7b"]
    assert [u for u in urls if "github" in u] == [
        "https://github.com/x/scores",
        "https://github.com/x/scores/blob/main/README.md",
        "https://github.com/x/scores/blob/main/readme.md",
    ]
    assert [u for u in urls if "papers/" in u] == ["https://huggingface.co/papers/2401.00001"]
    assert [(link["label"], link["url"]) for link in record["links"] if "demo" in link["url"]] == [
        ("Demo", "https://hf.co/spaces/x/demo")
    ]
    shown = page(out, "papers/scores-of-music/").xpath("//section[@class='paper-links']//a/@href")
    assert shown == urls


def test_a_project_page_that_is_the_repository_is_listed_once_as_code(tmp_path: Path) -> None:
    """Listed as both "Project page" and "Code"; a first fix kept the project page and dropped the
    code link, and with it the paper from has:code."""
    _, record = _one_paper(
        tmp_path, abstract=ABSTRACT, project="https://github.com/x/scores", code="https://github.com/X/Scores"
    )
    assert record["code"] == ["https://github.com/X/Scores"]
    assert [link["label"] for link in record["links"]] == ["Code"]
