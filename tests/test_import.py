"""`build.py add FILE.json` and `build.py add --from-hf DAY`: a day of Hugging Face daily papers
becomes a YAML digest that reads back as the same papers, and every failure is one clear message."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import io
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_src.add import daily_papers, fetch
from site_src.add.daily_papers import entries
from site_src.add.yaml_digest import digest_yaml
from site_src.catalog.model import Entry, Metadata, identity
from site_src.cli import main
from site_src.errors import Problems, Source
from site_src.inputs.digest import parse_yaml_digest
from site_src.inputs.reader import TextFile, read_text
from site_src.markup import clean_paragraphs, clean_text

from .helpers import build_into, page, run_add, text_of, write_content

DATA = Path(__file__).parent / "data" / "daily_papers"
DAY = "2025-06-26"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site without digests, in the working folder, so that messages name content/..."""
    monkeypatch.chdir(tmp_path)
    write_content(tmp_path, {})
    (tmp_path / "content" / "digests").mkdir()
    return tmp_path


def _digests(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "content" / "digests").iterdir())}


def _read_back(path: Path) -> list[tuple[str, str, Metadata]]:
    """A digest as every build reads it, with not a single problem."""
    problems = Problems()
    file = read_text(path, problems)
    assert file is not None
    digest = parse_yaml_digest(file, (), problems)
    assert problems.items == [] and digest is not None
    return [(e.title, e.abstract, e.meta) for e in digest.entries]


def _expected(answer: list[dict[str, Any]]) -> list[tuple[str, str, Metadata]]:
    """What the JSON says, worked out here from the API's field list (not by the importer)."""
    papers = []
    for item in answer:
        paper = item["paper"]
        arxiv, _, version = paper["id"].partition("v")
        papers.append(
            (
                " ".join(paper["title"].split()),
                "\n\n".join(" ".join(part.split()) for part in paper["summary"].split("\n\n")),
                Metadata(
                    arxiv=arxiv,
                    arxiv_version=f"v{version}" if version else "",
                    authors=tuple(author["name"] for author in paper["authors"]),
                    published=paper["publishedAt"][:10],
                    code=(paper["githubRepo"],) if paper.get("githubRepo") else (),
                    project=paper.get("projectPage") or "",
                ),
            )
        )
    return papers


def test_saved_answer_becomes_a_digest_that_reads_back_as_the_json_says(site: Path) -> None:
    shutil.copy(DATA / f"{DAY}.json", site / f"{DAY}.json")
    assert run_add(f"{DAY}.json") == (0, f"Added content/digests/{DAY}.yaml: 4 papers, dated {DAY}\n", "")
    answer = json.loads((DATA / f"{DAY}.json").read_text(encoding="utf-8"))
    papers = _read_back(site / "content" / "digests" / f"{DAY}.yaml")
    assert papers == _expected(answer)
    first, many, versioned, _ = (meta for _, _, meta in papers)
    assert first.authors == ("Zoë Ç. Ñúñez", "A. {B} \\ C", "Jürgen Schmidhuber", "李飞飞")  # hidden one kept
    assert len(many.authors) == 300 and many.project == ""
    assert (versioned.arxiv, versioned.arxiv_version, versioned.code) == ("2306.12340", "v2", ())
    assert "\n\n" in papers[0][1] and "\n" not in papers[0][1].replace("\n\n", "")  # paragraphs, no hard wraps
    assert build_into(site / "content", site / "public").papers == 4


def test_the_digest_reads_well_title_then_abstract_block_then_metadata(site: Path) -> None:
    assert run_add(str(DATA / f"{DAY}.json"))[0] == 0
    text = (site / "content" / "digests" / f"{DAY}.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# Hugging Face daily papers, imported with build.py add; edit freely.\ndate: {DAY}\n")
    assert text.split("\n  - ")[1].splitlines() == [
        'title: "Recurrent World Models Dream in Latent Space: A Study of Imagination"',
        "    abstract: |-",
        "      World models let an agent learn by imagining the consequences of its actions. We train a recurrent "
        "world model on pixels and show that policies learned entirely inside its dreams transfer to the real "
        "environment.",
        "",
        "      A second experiment shows that the learned latent space supports planning with 40% fewer environment "
        "steps than model-free baselines.",
        "    arxiv: 2506.21234",
        "    authors:",
        "      - Zoë Ç. Ñúñez",
        "      - A. {B} \\ C",
        "      - Jürgen Schmidhuber",
        "      - 李飞飞",
        "    published: 2025-06-24",
        "    code: https://github.com/example-lab/latent-dreams",
        "    project: https://example-lab.github.io/latent-dreams/",
    ]
    assert "    arxiv: 2306.12340v2\n" in text


def test_one_paper_under_two_titles_on_two_days_is_one_page(site: Path) -> None:
    assert run_add(str(DATA / "2025-06-26.json"))[0] == 0
    code, _, err = run_add(str(DATA / "2025-06-27.json"))
    assert code == 0
    assert err == (  # said by add as the next build will say it (CI's strict build fails on it)
        'content/digests/2025-06-27.yaml:4: warning: arXiv 2506.21234 is listed as "Recurrent World Models Dream in '
        'Latent Space: A Study of Imagination" in the 2025-06-26 digest (content/digests/2025-06-26.yaml:4) '
        "(the newest title is used; make the titles equal to silence this)\n"
    )
    out = site / "public"
    report = build_into(site / "content", out)
    assert report.papers == 5  # six listings, one paper twice
    pages = [p.name for p in (out / "papers").iterdir() if "latent" in p.name]
    assert pages == ["recurrent-world-models-dream-in-latent-space-a-study-of-imagination"]
    shown = text_of(page(out, f"papers/{pages[0]}/"))
    assert "in 2 digests" in shown and "27 June 2025" in shown and "26 June 2025" in shown


def test_every_problem_of_a_malformed_answer_is_reported_at_its_place_and_nothing_is_written(site: Path) -> None:
    shutil.copy(DATA / "malformed.json", site / "2025-06-28.json")
    code, out, err = run_add("2025-06-28.json")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        '2025-06-28.json: [1].paper: has no "title" (expected the paper\'s title as text)',
        "2025-06-28.json: [2].paper.authors: must be a list, not an object "
        "(expected a list of objects, each with the author's name)",
        '2025-06-28.json: [2].paper.id: "not-an-id" is not an arXiv identifier like 2306.12345 or hep-th/9901001 '
        "(expected the arXiv identifier as text, such as 2306.12340)",
        "2025-06-28.json: [3].paper.authors[1].name: must be text, not a number (expected the author's name as text)",
        "2025-06-28.json: [3].paper.authors[2]: must be an object with a name, not text "
        "(expected a list of objects, each with the author's name)",
        '2025-06-28.json: [3].paper.authors[3]: has no "name" (expected the author\'s name as text)',
        '2025-06-28.json: [3].paper.githubRepo: "git@github.com:x/y.git" is not a web address starting with '
        "https:// or http:// (expected an http(s) link to the paper's code, or null)",
        '2025-06-28.json: [3].paper.publishedAt: "last Tuesday" is not a date and time '
        "(expected an ISO date and time such as 2025-06-24T17:59:58.000Z)",
        "2025-06-28.json: [4]: must be an object, not text (expected the daily-papers API's answer, "
        "a JSON array of papers)",
        '2025-06-28.json: [5]: has no "paper" (expected an object with the paper\'s title and summary)',
        "Not added: 10 errors; nothing was written.",
    ]
    assert _digests(site) == {}


def test_an_import_that_makes_two_notes_about_one_paper_is_refused(site: Path) -> None:
    """Its listing gives "Music Transformer" the arXiv id a note gives the draft: the two papers become
    one, with two notes. The problem is the note's, but only the import causes it."""
    abstract = "We generate music with long-term structure using relative attention over long sequences."
    write_content(
        site,
        {
            "digests/2025-06-25.yaml": f"papers:\n  - title: Music Transformer Draft\n    abstract: {abstract}\n"
            f"  - title: Music Transformer\n    abstract: {abstract}\n",
            "notes/music-transformer-draft.md": '---\narxiv: "1809.04281"\n---\nThe draft.\n',
            "notes/music-transformer.md": "The paper.\n",
        },
    )
    answer = [{"paper": {"id": "1809.04281", "title": "Music Transformer", "summary": abstract}}]
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    code, out, err = run_add(f"{DAY}.json")
    assert (code, out) == (1, "")
    assert err.splitlines() == [  # where the digest would have said it, the answer's place: it was not written
        f"{DAY}.json: warning: moves the paper at /papers/music-transformer/ to /papers/music-transformer-draft/, "
        "joined with the paper there (a published address breaks: /papers/music-transformer/ shows no paper then)",
        f'{DAY}.json: [0].paper: warning: arXiv 1809.04281 is listed as "Music Transformer Draft" in the '
        "2025-06-25 digest (content/digests/2025-06-25.yaml:2) (the newest title is used; make the titles equal to "
        "silence this)",
        'content/digests/2025-06-25.yaml:4: warning: paper "Music Transformer" is "Music Transformer Draft" '
        "(content/digests/2025-06-25.yaml:2) under another title: arXiv 1809.04281 (only the first listing is "
        "used; delete the repeat or correct its arXiv identifier)",
        'content/notes/music-transformer.md: a second note about the paper "music-transformer-draft" (also '
        "content/notes/music-transformer-draft.md), whose arXiv identifier joined two papers (merge the two notes "
        "into one)",
        "Not added: 1 error and 3 warnings; nothing was written.",
    ]
    assert sorted(_digests(site)) == ["2025-06-25.yaml"]


def _listed_then_imported(site: Path, untold: tuple[str, str], identified: tuple[str, str], imported: str) -> None:
    """Two digests, a paper without an arXiv id and one with it (title, day), then a 2025-06-03 answer
    that lists `imported` with that id."""
    abstract = "We study papers and how their titles change from one version to the next."
    (title, day), (other, other_day) = untold, identified
    write_content(
        site,
        {
            f"digests/{day}.yaml": f"papers:\n  - title: {title}\n    abstract: {abstract}\n",
            f"digests/{other_day}.yaml": f"papers:\n  - title: {other}\n    abstract: {abstract}\n"
            '    arxiv: "2506.00001"\n',
        },
    )
    answer = [{"paper": {"id": "2506.00001", "title": imported, "summary": abstract}}]
    (site / "2025-06-03.json").write_text(json.dumps(answer), encoding="utf-8")


def test_an_import_whose_id_joins_two_other_listings_says_what_the_build_will_say(site: Path) -> None:
    """Its listing gives "Alpha Paper" the id of "Alpha Paper Revised": the two earlier listings
    become one paper under two titles. The warning is located in the newest listing and names the
    oldest, neither of them the new file's, and the next strict build fails on it."""
    _listed_then_imported(site, ("Alpha Paper", "2025-06-01"), ("Alpha Paper Revised", "2025-06-07"), "Alpha Paper")
    assert run_add("2025-06-03.json", "--strict") == (
        1,
        "",
        "2025-06-03.json: moves the paper at /papers/alpha-paper-revised/ to /papers/alpha-paper/, joined with the "
        "paper there (a published address breaks: /papers/alpha-paper-revised/ shows no paper then)\n"
        'content/digests/2025-06-07.yaml:2: arXiv 2506.00001 is listed as "Alpha Paper" in the 2025-06-01 digest '
        "(content/digests/2025-06-01.yaml:2) (the newest title is used; make the titles equal to silence this)\n"
        "Not added: 2 errors; nothing was written.\n",
    )


def test_an_import_whose_id_joins_two_pages_says_which_address_goes(site: Path) -> None:
    """The newest digest too: its listing gives "Foo Title" the id "Bar Study" is listed with, and the
    two pages become one, at the first listing's address."""
    _listed_then_imported(site, ("Foo Title", "2025-06-01"), ("Bar Study", "2025-06-02"), "Foo Title")
    code, _, err = run_add("2025-06-03.json")
    assert code == 0
    assert (
        "content/digests/2025-06-03.yaml: warning: moves the paper at /papers/bar-study/ to /papers/foo-title/, "
        "joined with the paper there (a published address breaks: /papers/bar-study/ shows no paper then)"
    ) in err.splitlines()


@pytest.mark.parametrize(
    ("listed", "answer", "said"),
    [
        (  # a backfill retitles the paper: its first listing, hence its address, is the new one's
            {"2025-06-01": [("Alpha Networks", "2401.00001")]},
            ("2025-05-01", "Beta Model", "2401.00001"),
            "moves the paper at /papers/alpha-networks/ to /papers/beta-model/ (a published address breaks: "
            "/papers/alpha-networks/ shows no paper then)",
        ),
        (  # the id makes two entries of one day one paper: the second is dropped as a repeat, its page goes
            {
                "2025-06-01": [("Alpha Networks", ""), ("Beta Model", "")],
                "2025-06-05": [("Alpha Networks", "2401.00001")],
            },
            ("2025-06-10", "Beta Model", "2401.00001"),
            "moves the paper at /papers/beta-model/ to /papers/alpha-networks/, joined with the paper there (a "
            "published address breaks: /papers/beta-model/ shows no paper then)",
        ),
    ],
    ids=["retitled by a backfill", "joined through a repeat"],
)
def test_every_address_an_import_changes_is_said_truly(
    site: Path, listed: dict[str, list[tuple[str, str]]], answer: tuple[str, str, str], said: str
) -> None:
    abstract = "We study how a model trained on long sequences learns to attend to distant positions."
    files = {}
    for day, papers in listed.items():
        entries = "".join(
            f"  - title: {title}\n    abstract: {abstract}\n" + (f'    arxiv: "{arxiv}"\n' if arxiv else "")
            for title, arxiv in papers
        )
        files[f"digests/{day}.yaml"] = f"papers:\n{entries}"
    write_content(site, files)
    day, title, arxiv = answer
    (site / f"{day}.json").write_text(
        json.dumps([{"paper": {"id": arxiv, "title": title, "summary": abstract}}]), encoding="utf-8"
    )
    code, _, err = run_add(f"{day}.json")
    assert code == 0
    assert [line.split(": warning: ", 1)[1] for line in err.splitlines() if "/papers/" in line] == [said]


def test_a_title_holding_the_new_files_name_does_not_make_an_old_warning_its_own(site: Path) -> None:
    """A message about the new file names it as a place, "(path)" or "(path:line)": a title may hold
    the name too, and its paper's old warning was said again, and refused an add --strict."""
    abstract = "We study how a model trained on long sequences learns to attend to distant positions."
    write_content(
        site,
        {
            "digests/2025-06-01.yaml": "papers:\n  - title: Errata for content/digests/2025-06-10.yaml\n"
            f'    abstract: {abstract}\n    arxiv: "2401.00001"\n',
            "digests/2025-06-05.yaml": f"papers:\n  - title: Alpha Networks\n    abstract: {abstract}\n"
            '    arxiv: "2401.00001"\n',
        },
    )
    (site / "2025-06-10.json").write_text(
        json.dumps([{"paper": {"id": "2401.00002", "title": "Beta Model", "summary": abstract}}]), encoding="utf-8"
    )
    assert run_add("2025-06-10.json", "--strict") == (
        0,
        "Added content/digests/2025-06-10.yaml: 1 paper, dated 2025-06-10\n",
        "",
    )


def test_a_title_that_shows_nothing_is_refused(site: Path) -> None:
    """A title of a blank braille pattern and a zero-width space made a page with an empty heading,
    listed as an empty link."""
    answer = [{"paper": {"title": "\u2800\u200b", "summary": "We study titles that show nothing."}}]
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    assert run_add(f"{DAY}.json") == (
        1,
        "",
        f"{DAY}.json: [0].paper.title: shows nothing: only spaces and invisible characters "
        "(expected the paper's title as text)\nNot added: 1 error; nothing was written.\n",
    )


def test_an_answer_too_large_for_a_digest_is_refused_as_too_large_not_as_a_bug(site: Path) -> None:
    """A thousand papers of a hundred authors each would make a digest no build reads (a YAML file
    may hold 100,000 values): the import says so, not that it failed to read back what it wrote."""
    authors = [{"name": f"Author {i}"} for i in range(100)]
    answer = [
        {"paper": {"id": f"2506.{i:05}", "title": f"Paper {i}", "summary": "We study things.", "authors": authors}}
        for i in range(1000)
    ]
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    assert run_add(f"{DAY}.json") == (
        1,
        "",
        f"{DAY}.json: too large for a digest: 1000 papers with 100000 authors in all make more than 100,000 "
        "YAML values (a day of daily papers is a few dozen papers: is this an answer of the daily-papers API?)\n"
        "Not added: 1 error; nothing was written.\n",
    )
    assert _digests(site) == {}


def test_a_number_too_long_to_read_is_a_json_problem_not_a_crash(site: Path) -> None:
    """Python reads no whole number of more than 4,300 digits: even in a field the import ignores."""
    answer = json.loads((DATA / f"{DAY}.json").read_text(encoding="utf-8"))
    text = json.dumps(answer).replace('"paper"', '"upvotes": 1' + "9" * 5000 + ', "paper"', 1)
    (site / f"{DAY}.json").write_text(text, encoding="utf-8")
    assert run_add(f"{DAY}.json") == (
        1,
        "",
        f"{DAY}.json: not valid JSON: a number of more than 4,300 digits "
        "(expected the daily-papers API's answer, a JSON array of papers)\nNot added: 1 error; nothing was written.\n",
    )
    assert _digests(site) == {}


def test_paragraphs_keep_apart_whatever_ends_their_lines(site: Path) -> None:
    """An API's text may end lines as Windows does: a blank line is a paragraph break all the same."""
    answer = json.loads((DATA / f"{DAY}.json").read_text(encoding="utf-8"))
    endings = ["\r\n\r\n", "\r\r", "\n\r\n"]
    for item, ending in zip(answer, endings, strict=False):
        item["paper"]["summary"] = f"One paragraph of the abstract.{ending}Another, apart.\r\nWrapped here."
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    assert run_add(f"{DAY}.json")[0] == 0
    abstracts = [abstract for _, abstract, _ in _read_back(site / "content" / "digests" / f"{DAY}.yaml")]
    assert abstracts[: len(endings)] == ["One paragraph of the abstract.\n\nAnother, apart. Wrapped here."] * 3


def test_problems_come_in_the_order_of_the_json(site: Path) -> None:
    """[2] before [11]: places sort by number, not as text."""
    good = json.loads((DATA / f"{DAY}.json").read_text(encoding="utf-8"))[2]
    answer = [json.loads(json.dumps(good)) for _ in range(12)]
    for index, item in enumerate(answer):
        item["paper"]["title"] = f"Paper number {index}"
        item["paper"]["id"] = f"2506.{10000 + index}"
    del answer[11]["paper"]["title"], answer[2]["paper"]["title"]
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    assert [line.split(":")[1] for line in run_add(f"{DAY}.json")[2].splitlines()[:2]] == [" [2].paper", " [11].paper"]


def test_a_paper_listed_twice_is_imported_once_with_a_warning(site: Path) -> None:
    answer = json.loads((DATA / "2025-06-27.json").read_text(encoding="utf-8"))
    (site / "2025-06-27.json").write_text(json.dumps([*answer, answer[0]]), encoding="utf-8")
    assert run_add("2025-06-27.json") == (
        0,
        "Added content/digests/2025-06-27.yaml: 2 papers, dated 2025-06-27\n",
        "2025-06-27.json: [2].paper: warning: the same paper as [0].paper (only the first listing is imported)\n",
    )
    assert run_add("2025-06-27.json", "--force", "--strict") == (  # as --help says: warnings are errors
        1,
        "",
        "2025-06-27.json: [2].paper: the same paper as [0].paper (only the first listing is imported)\n"
        "Not added: 1 error; nothing was written.\n",
    )


def test_two_papers_that_share_a_title_but_not_an_arxiv_id_are_both_imported(site: Path) -> None:
    """Papers are told apart as the catalog does: by arXiv id first, so a title two papers share
    drops neither (and one id under a second title is still one paper)."""
    answer = json.loads((DATA / "2025-06-27.json").read_text(encoding="utf-8"))
    namesake = json.loads(json.dumps(answer[0]))
    namesake["paper"]["id"] = "2401.99999"
    retitled = json.loads(json.dumps(answer[1]))
    retitled["paper"]["title"] += ", Revisited"
    (site / "2025-06-27.json").write_text(json.dumps([*answer, namesake, retitled]), encoding="utf-8")
    assert run_add("2025-06-27.json") == (
        0,
        "Added content/digests/2025-06-27.yaml: 3 papers, dated 2025-06-27\n",
        "2025-06-27.json: [3].paper: warning: the same paper as [1].paper (only the first listing is imported)\n",
    )


def test_the_day_comes_from_date_or_the_file_name_else_an_error_asks_for_date(site: Path) -> None:
    shutil.copy(DATA / f"{DAY}.json", site / "papers.json")
    assert run_add("papers.json") == (
        1,
        "",
        "papers.json: cannot tell the digest's day (pass --date YYYY-MM-DD, or name the file by it)\n"
        "Not added: 1 error; nothing was written.\n",
    )
    assert run_add("papers.json", "--date", "2025-07-01")[1] == (
        "Added content/digests/2025-07-01.yaml: 4 papers, dated 2025-07-01\n"
    )
    shutil.copy(DATA / f"{DAY}.json", site / f"{DAY}.json")
    assert run_add(f"{DAY}.json", "--date", "2025-07-02")[2].splitlines()[0] == (
        f"{DAY}.json: the file name says {DAY} but --date says 2025-07-02 (rename the file or change --date)"
    )
    assert sorted(_digests(site)) == ["2025-07-01.yaml"]


def test_an_existing_digest_of_the_day_is_replaced_only_with_force(site: Path) -> None:
    (site / "content" / "digests" / f"{DAY}.yaml").write_text("edited by the curator\n", encoding="utf-8")
    code, _, err = run_add(str(DATA / f"{DAY}.json"))
    assert (code, err.splitlines()[0]) == (
        1,
        f"content/digests/{DAY}.yaml: a digest for this day exists already (pass --force to replace it)",
    )
    assert _digests(site) == {f"{DAY}.yaml": b"edited by the curator\n"}
    assert run_add(str(DATA / f"{DAY}.json"), "--force")[0] == 0
    assert _digests(site)[f"{DAY}.yaml"].startswith(b"# Hugging Face daily papers")


def test_a_pasted_day_in_another_format_is_never_replaced(site: Path) -> None:
    (site / "content" / "digests" / f"{DAY}.txt").write_text("pasted\n", encoding="utf-8")
    assert run_add(str(DATA / f"{DAY}.json"), "--force")[2].splitlines()[0] == (
        f"content/digests/{DAY}.txt: a digest for this day exists already "
        "(remove it first: --force replaces only a .yaml digest)"
    )


def test_a_digest_that_would_not_read_back_is_not_saved(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-back check catches a writer bug (simulated: the last paper goes missing)."""
    from site_src.add import hf_import

    monkeypatch.setattr(hf_import, "digest_yaml", lambda day, made, comment: digest_yaml(day, made[:-1], comment))
    shutil.copy(DATA / f"{DAY}.json", site / f"{DAY}.json")
    assert run_add(f"{DAY}.json") == (
        1,
        "",
        f"{DAY}.json: the digest made from {DAY}.json does not read back as it was written "
        "(report this: it is a bug in build.py add)\nNot added: 1 error; nothing was written.\n",
    )
    assert _digests(site) == {}


HOSTILE = [
    "He said \"no\": it's a 'trap'",
    "key: value",
    "a # not a comment",
    "#hashtag first",
    "- leading dash",
    "* star",
    "& anchor",
    "! tag",
    "% directive",
    "@ at",
    "` tick",
    "| pipe",
    "> fold",
    "[brackets]",
    "{braces}",
    "? question",
    ": colon",
    "ends with a colon:",
    "yes",
    "null",
    "~",
    "2025-06-26",
    "0x1F",
    "12",
    "3.14",
    "---",
    "...",
    "Zoë Ç. Ñúñez",
    "A. {B} \\ C",
    "李飞飞",
    "emoji 🧠 and עברית",
    "tab\there and a bell\x07 and an escape\x1b",
    "next line\x85 line separator\u2028 paragraph\u2029 end",
    "byte order mark\ufeff and noncharacter\ufffe inside",
    "  spaced out  ",
    "back\\slash \\n not a newline",
    "x" * 5000,
]


def test_hostile_text_in_the_json_reads_back_unchanged() -> None:
    names = [text for text in HOSTILE if len(text) < 300]
    answer = [
        {
            "paper": {
                "id": f"2506.{10000 + index}",
                "title": text,
                "summary": f"{text}\n\n{text}\nwrapped",
                "authors": [{"name": name, "hidden": index % 2 == 0} for name in names],
            }
        }
        for index, text in enumerate(HOSTILE)
    ]
    many = [{"name": f"{name} {index}"} for index, name in enumerate(names * 9)][:300]
    answer.append({"paper": {"title": "Many authors", "summary": "Three hundred of them.", "authors": many}})
    problems = Problems()
    made = entries(answer, Source("hostile.json"), problems)
    assert problems.items == [] and len(made) == len(HOSTILE) + 1
    assert len({identity(e.title) for e in made}) == len(made)
    assert [e.title for e in made[:-1]] == [clean_text(text) for text in HOSTILE]
    assert len(made[-1].meta.authors) == 300
    text = digest_yaml(datetime.date(2025, 6, 26), made)
    parsed = parse_yaml_digest(TextFile(Source("content/digests/2025-06-26.yaml"), text), (), problems)
    assert problems.items == [] and parsed is not None
    assert [(e.title, e.abstract, e.meta) for e in parsed.entries] == [(e.title, e.abstract, e.meta) for e in made]


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("$\\pi$-Flow: Policy-Based Few-Step Generation", '"$\\\\pi$-Flow: Policy-Based Few-Step Generation"'),
        ("$\\pi$-Flow", "$\\pi$-Flow"),
        ("🚀 Rockets", "🚀 Rockets"),
        ("<eos> Tokens", "<eos> Tokens"),
        ("@Scale", '"@Scale"'),
        ("- Dash", '"- Dash"'),
        ("[Bracketed]", '"[Bracketed]"'),
        ("Yes", '"Yes"'),
    ],
)
def test_a_title_is_quoted_only_where_yaml_needs_it(title: str, written: str) -> None:
    """The curator reads and edits the imported digest: a backslash or a dollar is no reason to quote."""
    entry = Entry(title, "We study it.", Source("x.json"))
    text = digest_yaml(datetime.date(2025, 6, 26), [entry])
    assert f"  - title: {written}\n" in text
    problems = Problems()
    parsed = parse_yaml_digest(TextFile(Source("2025-06-26.yaml"), text), (), problems)
    assert problems.items == [] and parsed is not None and parsed.entries[0].title == title


@given(
    st.text(min_size=1).map(clean_text).filter(bool),
    st.lists(st.text(), min_size=1, max_size=3).map("\n\n".join).map(clean_paragraphs).filter(bool),
    st.lists(st.text(max_size=40).map(clean_text).filter(bool), max_size=5),
)
def test_any_entry_written_reads_back_as_itself(title: str, abstract: str, authors: list[str]) -> None:
    entry = Entry(title, abstract, Source("x"), Metadata(arxiv="2306.12340", authors=tuple(authors)))
    problems = Problems()
    text = digest_yaml(datetime.date(2025, 6, 26), [entry])
    parsed = parse_yaml_digest(TextFile(Source("2025-06-26.yaml"), text), (), problems)
    assert problems.items == [] and parsed is not None
    assert [(e.title, e.abstract, e.meta) for e in parsed.entries] == [(title, abstract, entry.meta)]


# --from-hf, against a local server that plays the API --------------------------------------------


@dataclass
class FakeApi:
    """A local stand-in for the daily-papers API: `/api/` answers from the recorded fixtures,
    `/gzipped/` too but gzipped unasked, `/short/` half of it under the whole one's length, `/ftp/`
    with a redirect to ftp:, `/broken/` with 500, `/garbage/` with HTML, `/slow/` not before
    `release` is set, `/trickle/` its answer a byte every 50 ms, `/drip/` a header that never ends,
    a byte every 50 ms, `/huge/` 2 MB of JSON."""

    url: str
    answers: dict[str, bytes]
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(path and query, Accept header) of each request."""
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:
        api: FakeApi = self.server.api
        api.requests.append((self.path, self.headers.get("Accept", "")))
        where = urlsplit(self.path)
        day = parse_qs(where.query).get("date", [""])[0]
        kind = where.path.split("/")[1]
        if kind == "slow":
            api.release.wait(10)
        if kind == "drip":
            with contextlib.suppress(OSError):  # the client gives up
                self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Drip: ")
                while not api.release.wait(0.05):
                    self.wfile.write(b"x")
                    self.wfile.flush()
            return
        if kind == "ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1:1/answer.json")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if kind == "latin1":
            body = '[{"paper": {"title": "Caf\u00e9"}}]'.encode("latin-1")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if kind in ("short", "gzipped") and day in api.answers:
            body = api.answers[day] if kind == "short" else gzip.compress(api.answers[day])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if kind == "gzipped":
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body) + (1000 if kind == "short" else 0)))
            self.end_headers()
            self.wfile.write(body if kind == "gzipped" else body[: len(body) // 2])
            self.wfile.flush()
            return
        status, body = (404, b'{"error":"Not Found"}')
        if kind == "broken":
            status, body = 500, b'{"error":"Internal Error"}'
        elif kind == "garbage":
            status, body = 200, b"<html><body>Service Unavailable</body></html>"
        elif kind in ("trickle", "huge"):
            status, body = 200, b"[" + b" " * (2 * 2**20 if kind == "huge" else 100) + b"]"
        elif day in api.answers:
            status, body = 200, api.answers[day]
        with contextlib.suppress(OSError):  # the client may have given up (the timeout test)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), 1 if kind == "trickle" else len(body)):
                if kind == "trickle" and api.release.wait(0.05):
                    break
                self.wfile.write(body[start : start + 1] if kind == "trickle" else body)
                self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[FakeApi]:
    answers = {p.stem: p.read_bytes() for p in DATA.glob("2025-*.json")} | {"2025-06-28": b"[]"}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake = FakeApi(f"http://127.0.0.1:{server.server_address[1]}", answers)
    server.api = fake  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()


def test_from_hf_fetches_the_day_and_saves_what_add_file_json_saves(site: Path, api: FakeApi) -> None:
    (site / "content" / "site.yaml").write_text(f"import_api: {api.url}/api\n", encoding="utf-8")
    assert run_add("--from-hf", DAY) == (
        0,
        f"Added content/digests/{DAY}.yaml: 4 papers, dated {DAY}\n",
        f"Fetching {api.url}/api/daily_papers?date={DAY}\n",
    )
    assert api.requests == [(f"/api/daily_papers?date={DAY}", "application/json")]
    fetched = _digests(site)
    (site / "content" / "digests" / f"{DAY}.yaml").unlink()
    assert run_add(str(DATA / f"{DAY}.json"))[0] == 0
    assert _digests(site) == fetched


def test_from_hf_refuses_an_existing_day_before_fetching(site: Path, api: FakeApi) -> None:
    (site / "content" / "digests" / f"{DAY}.yaml").write_text("kept\n", encoding="utf-8")
    code, _, err = run_add("--from-hf", DAY, "--api", f"{api.url}/api/")
    assert (code, api.requests) == (1, [])
    assert (
        err.splitlines()[0]
        == f"content/digests/{DAY}.yaml: a digest for this day exists already (pass --force to replace it)"
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


FAILURES = [
    (
        "api",
        "2025-01-01",
        "the server answered 404 Not Found (is there a list for that day? check the date, and "
        "the API address: --api, or import_api in the content folder's site.yaml)",
    ),
    ("broken", DAY, "the server answered 500 Internal Server Error (the server is in trouble: try again later)"),
    (
        "garbage",
        DAY,
        "1: not valid JSON: Expecting value (column 1) (expected the daily-papers API's answer, "
        "a JSON array of papers)",
    ),
    ("api", "2025-06-28", "lists no papers (the day's list may not be out yet: check the date, or try later)"),
    ("slow", DAY, "no answer within 0.2 s (try again later, or wait longer with --timeout SECONDS)"),
    ("trickle", DAY, "no answer within 0.2 s (try again later, or wait longer with --timeout SECONDS)"),
    ("drip", DAY, "no answer within 0.2 s (try again later, or wait longer with --timeout SECONDS)"),
    (
        "refused",
        DAY,
        "cannot connect: Connection refused (check the network connection, and the API address: "
        "--api, or import_api in the content folder's site.yaml)",
    ),
]


@pytest.mark.parametrize(("kind", "day", "message"), FAILURES, ids=[f[0] + ":" + f[1] for f in FAILURES])
def test_from_hf_failures_are_one_line_and_write_nothing(
    site: Path, api: FakeApi, kind: str, day: str, message: str
) -> None:
    base = f"http://127.0.0.1:{_closed_port()}/api/" if kind == "refused" else f"{api.url}/{kind}/"
    url = f"{base}daily_papers?date={day}"
    before = _digests(site)
    code, out, err = run_add("--from-hf", day, "--api", base, "--timeout", "0.2")
    api.release.set()
    separator = ":" if message[0].isdigit() else ": "
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"Fetching {url}",
        f"{url}{separator}{message}",
        "Not added: 1 error; nothing was written.",
    ]
    assert _digests(site) == before
    if kind != "refused":
        assert api.requests[0][0] == f"/{kind}/daily_papers?date={day}"


def test_from_hf_refuses_an_answer_larger_than_any_day_as_it_comes(
    site: Path, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_ANSWER", 2**20)
    code, out, err = run_add("--from-hf", DAY, "--api", f"{api.url}/huge/")
    assert (code, out) == (1, "")
    assert err.splitlines()[1:] == [
        f"{api.url}/huge/daily_papers?date={DAY}: the answer is larger than 1 MB (is that the daily-papers API?)",
        "Not added: 1 error; nothing was written.",
    ]
    assert _digests(site) == {}


@pytest.mark.parametrize(
    "arguments",
    [
        ["--from-hf", DAY, "--date", DAY],  # the day twice
        ["papers.json", "--timeout", "5"],  # fetch options without a fetch
        ["papers.json", "--from-hf", DAY],  # two sources
        [],  # no source
        ["--from-hf", DAY, "--timeout", "0"],
        ["--from-hf", DAY, "--api", "file:///etc/"],
        ["--from-hf", DAY.replace("-", "")],  # a day as the usage does not write it
        ["papers.json", "--date", "2025-W26-4"],
    ],
)
def test_usage_mistakes_exit_2(site: Path, arguments: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_, contextlib.redirect_stderr(io.StringIO()):
        main(["add", *arguments, "--content", "content"])
    assert exit_.value.code == 2


def test_an_answer_cut_short_or_redirected_off_the_web_is_refused_and_a_gzipped_one_read(
    site: Path, api: FakeApi
) -> None:
    """A body cut short was reported as invalid JSON, a redirect to ftp: was followed, and a
    gzipped answer was "not valid UTF-8 (save the file with UTF-8 encoding)"."""
    code, _, err = run_add("--from-hf", DAY, "--api", f"{api.url}/short/")
    assert code == 1 and " of " in err.splitlines()[1] and "the connection broke off after " in err.splitlines()[1]
    code, _, err = run_add("--from-hf", DAY, "--api", f"{api.url}/ftp/")
    assert code == 1 and "the server redirected to 'ftp://127.0.0.1:1/answer.json'" in err.splitlines()[1]
    assert not (site / "content" / "digests" / f"{DAY}.yaml").exists()
    assert run_add("--from-hf", DAY, "--api", f"{api.url}/gzipped/")[0] == 0
    fetched = _digests(site)
    (site / "content" / "digests" / f"{DAY}.yaml").unlink()
    assert run_add(str(DATA / f"{DAY}.json"))[0] == 0
    assert _digests(site) == fetched


def test_odd_answers_and_targets_are_located_problems_not_bugs(site: Path, api: FakeApi) -> None:
    """A JSON null was reported as a bug in add; an API address with a query or a fragment was
    joined into a broken request; a broken link where the day's file goes was replaced without
    --force; a folder there gave "Unexpected error"; a 10,000-letter name was quoted whole."""
    (site / "2025-07-02.json").write_text("null", encoding="utf-8")
    assert run_add("2025-07-02.json")[2].splitlines()[0] == (
        f"2025-07-02.json: must be a list of papers, not null (expected {daily_papers.ANSWER})"
    )
    for api_address in (f"{api.url}/api/?x=1", f"{api.url}/api/#frag"):  # a usage error, as --base-url's
        said = io.StringIO()
        with pytest.raises(SystemExit) as stopped, contextlib.redirect_stderr(said):
            main(["add", "--from-hf", DAY, "--api", api_address, "--content", "content"])
        assert stopped.value.code == 2
        assert (
            said.getvalue()
            .splitlines()[-1]
            .endswith(f'argument --api: "{api_address}" cannot be a base address: it has a query (?) or a fragment (#)')
        )
    assert api.requests == []
    target = site / "content" / "digests" / f"{DAY}.yaml"
    target.symlink_to("/nonexistent/answer.yaml")
    assert run_add(str(DATA / f"{DAY}.json"))[2].splitlines()[0] == (
        f"content/digests/{DAY}.yaml: a digest for this day exists already (pass --force to replace it)"
    )
    target.unlink()
    target.mkdir()
    code, _, err = run_add(str(DATA / f"{DAY}.json"), "--force")
    assert (code, err.splitlines()[0]) == (1, f"content/digests/{DAY}.yaml: cannot be written: Is a directory")
    target.rmdir()
    answer = json.loads((DATA / f"{DAY}.json").read_text(encoding="utf-8"))
    answer[0]["paper"]["authors"] = [{"name": "N" * 10_000}]
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    code, _, err = run_add(f"{DAY}.json")
    assert code == 1 and max(len(line) for line in err.splitlines()) < 300


def test_a_publication_date_outside_1900_2100_is_refused_at_its_place(site: Path) -> None:
    """0001-01-01 (an empty date in some answers) and 9999-12-31 were saved and built, though a bare
    year 1899 was refused; now any date outside 1900-2100 is refused, where it is."""
    answer = json.loads((DATA / f"{DAY}.json").read_text(encoding="utf-8"))
    answer[0]["paper"]["publishedAt"] = "0001-01-01T00:00:00Z"
    (site / f"{DAY}.json").write_text(json.dumps(answer), encoding="utf-8")
    code, _, err = run_add(f"{DAY}.json")
    assert code == 1
    assert err.splitlines()[0].startswith(
        f'{DAY}.json: [0].paper.publishedAt: "0001-01-01T00:00:00Z" is not a date of 1900-2100'
    )
    assert "bug" not in err


def test_an_answer_that_is_not_utf8_gets_a_hint_about_the_api_not_a_file(site: Path, api: FakeApi) -> None:
    code, _, err = run_add("--from-hf", DAY, "--api", f"{api.url}/latin1/")
    assert code == 1
    assert err.splitlines()[1].endswith("(the API answers in UTF-8: is that the daily-papers API?)")


def test_a_day_imported_again_with_a_paper_retitled_says_it_moves_not_that_it_is_dropped(site: Path) -> None:
    """`--force` with the day's answer fetched again: a paper the new answer retitles (same arXiv id)
    is still listed, at the new title's address; it was said to be dropped."""
    abstract = "We study papers and how their titles change from one version to the next."
    write_content(
        site,
        {
            "digests/2025-06-03.yaml": f"papers:\n  - title: Alpha Paper\n    abstract: {abstract}\n"
            '    arxiv: "2506.00001"\n'
        },
    )
    answer = [{"paper": {"id": "2506.00001", "title": "Alpha Paper Revised", "summary": abstract}}]
    (site / "2025-06-03.json").write_text(json.dumps(answer), encoding="utf-8")
    code, _, err = run_add("2025-06-03.json", "--force")
    assert code == 0
    assert err.splitlines() == [
        "content/digests/2025-06-03.yaml: warning: moves the paper at /papers/alpha-paper/ to "
        "/papers/alpha-paper-revised/ (a published address breaks: /papers/alpha-paper/ shows no paper then)"
    ]
