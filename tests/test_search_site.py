"""The search's files in a built site: named by their content, sorted JSON, lunr.js with its licence."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from site_src.build.cache import MEMO_FILE, cache_folder
from site_src.build.output import OutputFile
from site_src.catalog import epoch
from site_src.catalog.model import Paper
from site_src.errors import Problems
from site_src.inputs.reader import Package
from site_src.inputs.settings import NODE_MODULES_DIR
from site_src.pages.urls import SiteUrls
from site_src.search.files import CHUNK_PAPERS, SearchFiles, lunr_asset

from .conftest import BuiltSite
from .golden import files_of
from .helpers import ABSTRACT, SHIPPED_CONTENT, build_into, resolve, text_digest, write_content
from .search_helpers import sample_catalog


def _manifest(out: Path) -> dict[str, object]:
    data = (out / "search" / "index.json").read_text(encoding="utf-8")
    assert data == json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return json.loads(data)  # type: ignore[no-any-return]


def _store_links(manifest: dict[str, object]) -> list[str]:
    store = manifest["store"]
    return [
        store["url"].replace("{n}", str(n)).replace("{hash}", h)  # type: ignore[index]
        for n, h in enumerate(store["hashes"])  # type: ignore[index]
    ]


def _lists(manifest: dict[str, object]) -> dict[str, str]:
    """The paper lists the filters read, by the filter that reads each: topic:music, month:2025-06, has:code."""
    lists = {f"topic:{t['slug']}": t["members"] for t in manifest["topics"]}  # type: ignore[attr-defined]
    lists |= {f"month:{m['month']}": m["members"] for m in manifest["months"]}  # type: ignore[attr-defined]
    return lists | {f"has:{h['name']}": h["members"] for h in manifest["has"]}  # type: ignore[attr-defined]


def _links(manifest: dict[str, object]) -> list[str]:
    pieces = [p["url"] for g in manifest["groups"] for p in g["pieces"]]  # type: ignore[attr-defined]
    arxiv = [a["members"] for a in manifest["arxiv"]]  # type: ignore[attr-defined]
    return pieces + _store_links(manifest) + list(_lists(manifest).values()) + arxiv


def _numbers(runs: list[int | list[int]]) -> list[int]:
    """A paper list's runs read back: a number alone, or [first, last]."""
    return [n for run in runs for n in ([run] if isinstance(run, int) else range(run[0], run[1] + 1))]


def test_every_search_file_is_named_by_its_content(sample_site: BuiltSite) -> None:
    links = _links(_manifest(sample_site.out))
    on_disk = {p.relative_to(sample_site.out).as_posix() for p in (sample_site.out / "assets" / "search").iterdir()}
    assert {link.lstrip("/") for link in links} == on_disk
    for link in links:
        file = resolve(sample_site.out, link)
        assert file is not None, link
        name_hash = re.search(r"\.([0-9a-f]{10})\.json$", link)
        assert name_hash and name_hash.group(1) == hashlib.sha256(file.read_bytes()).hexdigest()[:10], link
        data = file.read_text(encoding="utf-8")
        assert data == json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_store_holds_what_results_show(sample_site: BuiltSite) -> None:
    chunks = [resolve(sample_site.out, link) for link in _store_links(_manifest(sample_site.out))]
    papers = json.loads((sample_site.out / "api" / "papers.json").read_text(encoding="utf-8"))
    by_slug = {p["slug"]: p for p in papers}
    records = [record for chunk in chunks if chunk for record in json.loads(chunk.read_text(encoding="utf-8"))]
    assert sorted(r["slug"] for r in records) == sorted(by_slug)
    for record in records:
        paper = by_slug[record["slug"]]
        assert record["title"] == paper["title"] and record["abstract"] == paper["abstract"]
        assert record["topics"] == paper["topics"] and sorted(record["dates"]) == sorted(paper["digests"])
        assert record.get("authors", []) == paper["authors"]  # all: a result found by any of them shows it
    assert sum("authors" in r for r in records) == 136


def test_filter_lists_hold_the_papers_each_filter_keeps(sample_site: BuiltSite) -> None:
    """topic:, month: (and year:, its months together) and has:code read these lists: a month's holds
    every paper a digest of that month listed (the listing date, not the publication date), has:code's
    every paper with a code link."""
    manifest = _manifest(sample_site.out)
    papers = json.loads((sample_site.out / "api" / "papers.json").read_text(encoding="utf-8"))
    records = []
    for link in _store_links(manifest):
        records += json.loads(resolve(sample_site.out, link).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    slug_of = [r["slug"] for r in records]
    found = {}
    for name, link in _lists(manifest).items():
        runs = json.loads(resolve(sample_site.out, link).read_text(encoding="utf-8"))  # type: ignore[union-attr]
        numbers = _numbers(runs)
        assert numbers == sorted(set(numbers)), name
        found[name] = {slug_of[n] for n in numbers}
    assert [m["month"] for m in manifest["months"]] == ["2025-03", "2025-05", "2025-06"]  # type: ignore[attr-defined]
    for month in ("2025-03", "2025-05", "2025-06"):
        assert found[f"month:{month}"] == {p["slug"] for p in papers if any(d.startswith(month) for d in p["digests"])}
    assert found["has:code"] == {p["slug"] for p in papers if any(link["label"] == "Code" for link in p["links"])}
    assert len(found["has:code"]) == 25  # MusicScore's one link is its dataset
    for topic in manifest["topics"]:  # type: ignore[attr-defined]
        assert found[f"topic:{topic['slug']}"] == {p["slug"] for p in papers if topic["slug"] in p["topics"]}
    # papers first listed together are numbered together: the first digest's month is one run
    first = json.loads(resolve(sample_site.out, _lists(manifest)["month:2025-03"]).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert first == [[0, len(found["month:2025-03"]) - 1]]


def test_search_files_are_the_same_from_build_to_build() -> None:
    catalog = sample_catalog()
    urls = SiteUrls("https://example.org/")
    assert list(SearchFiles(catalog, urls)) == list(SearchFiles(catalog, urls))


def test_lunr_js_is_copied_with_its_licence(sample_site: BuiltSite) -> None:
    (copied,) = (sample_site.out / "assets").glob("lunr.*.js")
    data = copied.read_bytes()
    assert data.startswith(b"/*!\n") and b"Permission is hereby granted, free of charge" in data
    assert data.endswith((NODE_MODULES_DIR / "lunr" / "lunr.min.js").read_bytes())


def test_another_lunr_release_is_refused() -> None:
    problems = Problems()
    lunr_asset(Package("2.3.8", b"script", b"licence"), problems)
    assert [p.message for p in problems.errors] == ["lunr 2.3.8 is installed, the search index is for lunr 2.3.9"]


def test_a_new_digest_leaves_the_store_chunks_of_older_papers_as_they_were(tmp_path: Path) -> None:
    """Papers are numbered in the order they were first listed, so a day's new papers take new
    numbers: the store chunks of older papers keep their bytes and addresses (a deploy uploads
    the newest chunks, not all of them)."""
    text = "We study {} variant {} and show how it behaves on long documents, with ablations over model size."
    older = [(f"Sparse Attention Study {i}", text.format("sparse attention", i)) for i in range(70)]
    newer = [(f"Diffusion Sampler Study {i}", text.format("a diffusion sampler", i)) for i in range(30)]
    content = write_content(tmp_path, {"digests/2025-06-01.txt": text_digest("Jun 1", older)})
    out = tmp_path / "public"
    build_into(content, out)
    before = _store_links(_manifest(out))

    (content / "digests/2025-06-02.txt").write_text(text_digest("Jun 2", newer))
    build_into(content, out)
    after = _store_links(_manifest(out))

    full = 70 // CHUNK_PAPERS  # the chunks the first digest filled
    assert after[:full] == before[:full]
    assert len(after) == -(-100 // CHUNK_PAPERS) and after[full] != before[full]
    newest = json.loads(resolve(out, after[-1]).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert newest[-1]["title"] == "Diffusion Sampler Study 29"


def _pieces(out: Path) -> dict[str, list[str]]:
    """Each group's piece addresses, by group name."""
    groups = _manifest(out)["groups"]
    return {g["name"]: [p["url"] for p in g["pieces"]] for g in groups}  # type: ignore[attr-defined]


@pytest.fixture
def epoch_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[int]]:
    """A copy of the shipped content, whose papers before its newest digest's month make an epoch
    (`EPOCH_MIN` lowered to the samples' size), its output folder, and the number of papers of each
    epoch index made from then on (`SearchFiles._epoch_files`, spied)."""
    monkeypatch.setattr(epoch, "EPOCH_MIN", 10)
    made: list[int] = []
    epoch_files = SearchFiles._epoch_files

    def spied(self: SearchFiles, papers: Sequence[Paper]) -> Iterator[OutputFile]:
        made.append(len(papers))
        return epoch_files(self, papers)

    monkeypatch.setattr(SearchFiles, "_epoch_files", spied)
    return shutil.copytree(SHIPPED_CONTENT, tmp_path / "content"), tmp_path / "public", made


def test_a_digest_of_the_month_keeps_the_epochs_index_pieces_and_one_of_a_new_month_remakes_them(
    epoch_site: tuple[Path, Path, list[int]],
) -> None:
    """The papers before the newest digest's month (the epoch, `EPOCH_MIN` lowered to the samples'
    size) are indexed apart: another June digest leaves their pieces as they are, without making
    them again (even after a build that kept every search file), and adds to June's; a July digest
    makes June's papers part of the epoch, whose pieces are made again."""
    content, out, made = epoch_site
    build_into(content, out)
    first = _pieces(out)
    assert list(first) == ["titles", "titles-month", "abstracts", "abstracts-month"] and len(made) == 1
    note = next((content / "notes").iterdir())
    note.write_text(note.read_text(encoding="utf-8") + "\nMore to say.\n", encoding="utf-8")
    build_into(content, out)  # nothing the search shows changed: its files kept whole
    assert _pieces(out) == first
    june = text_digest("Jun 27", [("Sparse Mixtures of Music Experts", ABSTRACT + " Music goes through experts.")])
    (content / "digests/2025-06-27.txt").write_text(june, encoding="utf-8")
    build_into(content, out)
    again = _pieces(out)
    assert again["titles"] == first["titles"] and again["abstracts"] == first["abstracts"] and len(made) == 1
    assert again["titles-month"] != first["titles-month"]
    july = text_digest("Jul 1", [("Experts All the Way Down", ABSTRACT + " Experts go through music.")])
    (content / "digests/2025-07-01.txt").write_text(july, encoding="utf-8")
    build_into(content, out)
    assert _pieces(out)["abstracts"] != first["abstracts"] and made[1] > made[0]


def test_a_paper_of_an_earlier_month_listed_again_keeps_the_epochs_pieces_and_a_new_author_remakes_them(
    epoch_site: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    """A trending page lists a paper again for days, into the next month: a June digest that lists
    a May paper again (same title and abstract) leaves the epoch's pieces as they were, since the
    index holds no digest date. A note that gives an epoch paper an author it did not have changes
    what is indexed of it, and the pieces are made again. Each time, the site is a clean build's."""
    content, out, made = epoch_site
    build_into(content, out)
    first = _pieces(out)
    may = (content / "digests/2025-05-30.txt").read_text(encoding="utf-8").split("\n\n")
    title, abstract = may[5], may[6]  # its first paper, after the page's header and the date
    assert title == "Training Language Models on Synthetic Edit Sequences Improves Code Synthesis"
    june = text_digest("Jun 27", [("Sparse Mixtures of Music Experts", ABSTRACT), (title, abstract)])
    (content / "digests/2025-06-27.txt").write_text(june, encoding="utf-8")
    made.clear()
    build_into(content, out)
    again = _pieces(out)
    assert (again["titles"], again["abstracts"]) == (first["titles"], first["abstracts"]) and made == []
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")

    note = content / "notes/training-language-models-on-synthetic-edit-sequences-improves-code-synthesis.md"
    byline = '  - "Rob Fergus"\n'
    note.write_text(note.read_text(encoding="utf-8").replace(byline, byline + '  - "Ada Lovelace"\n'), encoding="utf-8")
    made.clear()
    build_into(content, out)
    assert _pieces(out)["titles"] != first["titles"] and len(made) == 1
    build_into(content, tmp_path / "clean-again")
    assert files_of(out) == files_of(tmp_path / "clean-again")


def test_a_backfilled_digest_that_lists_an_epoch_paper_earlier_renumbers_it_and_remakes_the_epochs_pieces(
    epoch_site: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    """A paper's number comes from its first listing: a digest of an earlier day added late (the
    curator backfills one) that lists a May paper gives it an earlier number, with the same text, so
    the epoch's pieces are made again and the site is a clean build's."""
    content, out, made = epoch_site
    build_into(content, out)
    first = _pieces(out)
    may = (content / "digests/2025-05-30.txt").read_text(encoding="utf-8").split("\n\n")
    march = text_digest("Mar 17", [(may[5], may[6])])  # its first paper, listed the day before March's digest
    (content / "digests/2025-03-17.txt").write_text(march, encoding="utf-8")
    made.clear()
    build_into(content, out)
    assert _pieces(out)["abstracts"] != first["abstracts"] and len(made) == 1
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")


@pytest.mark.parametrize(
    "damage",
    [
        lambda memo: memo["averages"].pop(),
        lambda memo: memo["pieces"].pop(0),
        lambda memo: memo["pieces"].reverse(),
        lambda memo: memo["pieces"][0].__setitem__(2, "search/index.json"),
        lambda memo: memo["pieces"][1].__setitem__(2, memo["pieces"][0][2]),
        lambda memo: memo["pieces"].clear(),
    ],
    ids=["an average missing", "a piece missing", "out of order", "another file", "a file twice", "no pieces"],
)
def test_epoch_pieces_remembered_wrongly_are_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[dict[str, Any]], object]
) -> None:
    """The build cache is data anyone could have edited: epoch pieces remembered with values of the
    right types but wrong (pieces missing, out of order, naming other files) are made again, and
    the site is the one a clean build makes."""
    monkeypatch.setattr(epoch, "EPOCH_MIN", 10)
    content = shutil.copytree(SHIPPED_CONTENT, tmp_path / "content")
    out = tmp_path / "public"
    build_into(content, out)
    memos = cache_folder(out) / MEMO_FILE
    lines = memos.read_bytes().split(b"\n")
    for number, line in enumerate(lines[1:], 1):
        namespace, key, value = json.loads(line)
        if namespace == "searchepoch":
            damage(value)
            lines[number] = json.dumps([namespace, key, value], separators=(",", ":")).encode()
    memos.write_bytes(b"\n".join(lines))
    june = text_digest("Jun 27", [("Sparse Mixtures of Music Experts", ABSTRACT + " Music goes through experts.")])
    (content / "digests/2025-06-27.txt").write_text(june, encoding="utf-8")
    build_into(content, out)
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")
