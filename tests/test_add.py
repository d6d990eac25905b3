"""`build.py add`: a pasted trending-papers page becomes a dated digest, checked like `check` checks."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from site_src.add import paste
from site_src.cli import main

from .helpers import ABSTRACT, run_add, text_digest, write_content


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site with one digest, in the working folder, so messages name content/..., on a day when
    the pages pasted were new."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paste, "current_day", lambda: datetime.date(2025, 7, 2))
    write_content(tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", [("Music Transformer", ABSTRACT)])})
    return tmp_path


def test_pasted_page_is_saved_as_the_digest_of_its_day(site: Path) -> None:
    papers = [("Pointer Networks", ABSTRACT), ("Attention Is All You Need", ABSTRACT)]
    pasted = text_digest("Jul 1", papers)
    (site / "pasted.txt").write_bytes(b"\xef\xbb\xbf" + pasted.replace("\n", "\r\n").encode("utf-8"))
    assert run_add("pasted.txt") == (0, "Added content/digests/2025-07-01.txt: 2 papers, dated 2025-07-01\n", "")
    saved = (site / "content/digests/2025-07-01.txt").read_bytes().decode("utf-8")  # UTF-8, LF, no BOM
    assert saved == "Jul 1, 2025\n\n" + "\n\n".join(f"{title}\n\n{abstract}" for title, abstract in papers) + "\n"
    assert main(["check", "--content", "content"]) == 0


def test_date_option_dates_a_page_without_a_date_line(site: Path) -> None:
    (site / "pasted.txt").write_text(f"Pointer Networks\n\n{ABSTRACT}\n", encoding="utf-8")
    assert run_add("pasted.txt")[0] == 1  # no date anywhere
    assert run_add("pasted.txt", "--date", "2025-07-02") == (
        0,
        "Added content/digests/2025-07-02.txt: 1 paper, dated 2025-07-02\n",
        "",
    )


def test_date_option_that_disagrees_with_the_date_line_is_refused(site: Path) -> None:
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Pointer Networks", ABSTRACT)]), encoding="utf-8")
    code, out, err = run_add("pasted.txt", "--date", "2025-07-02")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "pasted.txt:9: the date line says 2025-07-01 but --date says 2025-07-02 "
        "(change --date or correct the date line)",
        "Not added: 1 error; nothing was written.",
    ]
    assert not (site / "content/digests/2025-07-02.txt").exists()


def test_existing_digest_is_replaced_only_when_asked(site: Path) -> None:
    (site / "pasted.txt").write_text(text_digest("Jun 26", [("Pointer Networks", ABSTRACT)]), encoding="utf-8")
    before = (site / "content/digests/2025-06-26.txt").read_text(encoding="utf-8")
    code, _, err = run_add("pasted.txt")
    assert code == 1
    assert err.splitlines()[0] == (
        "content/digests/2025-06-26.txt: a digest for this day exists already (pass --force to replace it)"
    )
    assert (site / "content/digests/2025-06-26.txt").read_text(encoding="utf-8") == before
    assert run_add("pasted.txt", "--force")[0] == 0
    assert "Pointer Networks" in (site / "content/digests/2025-06-26.txt").read_text(encoding="utf-8")


def test_page_with_problems_gets_the_messages_of_check_and_is_not_saved(site: Path) -> None:
    (site / "pasted.txt").write_text(f"Jul 1\n\nPointer Networks\n\n{ABSTRACT}\n\nAn orphan title\n", encoding="utf-8")
    code, _, err = run_add("pasted.txt", "--strict")  # a title without its abstract is a warning, as in check
    assert code == 1
    assert err.splitlines()[0] == (
        'pasted.txt:7: title "An orphan title" has no abstract (expected a paragraph after the title; '
        "add the abstract or delete the title)"
    )
    assert sorted(p.name for p in (site / "content/digests").iterdir()) == ["2025-06-26.txt"]


def test_a_paper_listed_before_with_another_abstract_is_said_by_add_as_the_build_will_say_it(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checked alone the page is fine; among the other digests it repeats a paper with another
    abstract, a warning that CI's strict build refuses: add says it, and refuses under --strict."""
    (site / "pasted.txt").write_text(
        text_digest("Jul 1", [("Music Transformer", ABSTRACT + " Revised.")]), encoding="utf-8"
    )
    warning = (
        "content/digests/2025-07-01.txt:3: warning: the abstract differs from the one in the 2025-06-26 digest "
        "(content/digests/2025-06-26.txt:11) (the latest abstract is used; make them equal to silence this)"
    )
    refused = warning.replace("warning: ", "").replace("content/digests/2025-07-01.txt:3", "pasted.txt:11")
    assert run_add("pasted.txt", "--strict") == (  # not saved: told where the pasted page says it
        1,
        "",
        refused + "\nNot added: 1 error; nothing was written.\n",
    )
    assert not (site / "content/digests/2025-07-01.txt").exists()
    assert run_add("pasted.txt") == (
        0,
        "Added content/digests/2025-07-01.txt: 1 paper, dated 2025-07-01\n",
        warning + "\n",
    )
    capsys.readouterr()
    assert main(["check", "--content", "content"]) == 0
    assert warning in capsys.readouterr().err.splitlines()  # the build's own words


@pytest.mark.parametrize("other", ["2025-06-26-extra.yaml", "picks.yaml"])
def test_a_day_given_already_is_told_at_the_pasted_page_s_date_line(site: Path, other: str) -> None:
    """The saved file's date line was mapped to nothing, and the message named the page alone; and
    when the other file's name sorted after the digest's own, the other file was blamed."""
    extra = f"papers:\n  - title: Pointer Networks\n    abstract: {ABSTRACT}\n"
    (site / f"content/digests/{other}").write_text(f"date: 2025-06-26\n{extra}", encoding="utf-8")
    pasted = text_digest("Jun 26", [("Attention Is All You Need", ABSTRACT)])  # its date line is line 9
    (site / "pasted.txt").write_text(pasted, encoding="utf-8")
    code, _, err = run_add("pasted.txt", "--force")
    assert code == 1
    assert err.splitlines()[0] == (
        f"pasted.txt:9: a second digest for 2025-06-26 (also content/digests/{other}) "
        "(merge the two files or correct the date)"
    )


def test_a_day_given_already_by_a_digest_of_another_name_is_refused(site: Path) -> None:
    picks = f"date: 2025-07-01\npapers:\n  - title: Pointer Networks\n    abstract: {ABSTRACT}\n"
    (site / "content/digests/picks.yaml").write_text(picks, encoding="utf-8")
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Attention Is All You Need", ABSTRACT)]), encoding="utf-8")
    code, out, err = run_add("pasted.txt")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "pasted.txt:9: a second digest for 2025-07-01 (also content/digests/picks.yaml) "
        "(merge the two files or correct the date)",
        "Not added: 1 error; nothing was written.",
    ]
    assert sorted(p.name for p in (site / "content/digests").iterdir()) == ["2025-06-26.txt", "picks.yaml"]


def test_a_problem_the_site_has_already_does_not_stop_an_add(site: Path) -> None:
    """A note about no paper is an error of its own; its hint (the closest slugs) changes with the
    new digest's papers, and that made it count as the new digest's."""
    write_content(site, {"notes/zeta-paper.md": "About a paper not listed yet.\n"})
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Zeta Papers", ABSTRACT)]), encoding="utf-8")
    assert run_add("pasted.txt", "--strict") == (
        0,
        "Added content/digests/2025-07-01.txt: 1 paper, dated 2025-07-01\n",
        "",
    )


def test_a_warning_the_other_digests_give_already_neither_shows_nor_stops_an_add(site: Path) -> None:
    """On 2025-06-28 "Alpha" is "Beta" (another day gives both titles one id): a repeat warning of
    that digest, not of the new one."""
    write_content(
        site,
        {
            "digests/2025-06-27.yaml": f"papers:\n  - title: Alpha\n    abstract: {ABSTRACT}\n"
            '    arxiv: "2306.12340"\n',
            "digests/2025-06-28.yaml": f"papers:\n  - title: Alpha\n    abstract: {ABSTRACT}\n"
            f'  - title: Beta\n    abstract: {ABSTRACT}\n    arxiv: "2306.12340"\n',
        },
    )
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Attention Is All You Need", ABSTRACT)]), encoding="utf-8")
    assert run_add("pasted.txt", "--strict") == (
        0,
        "Added content/digests/2025-07-01.txt: 1 paper, dated 2025-07-01\n",
        "",
    )


def test_an_add_among_digests_with_errors_says_it_was_not_checked_against_them(site: Path) -> None:
    (site / "content/digests/2025-06-27.yaml").write_text(
        f"papers:\n  - title: Pointer Networks\n    abstrct: {ABSTRACT}\n", encoding="utf-8"
    )
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Attention Is All You Need", ABSTRACT)]), encoding="utf-8")
    assert run_add("pasted.txt") == (
        0,
        "Added content/digests/2025-07-01.txt: 1 paper, dated 2025-07-01\n",
        "content: warning: not checked against the other digests and notes: they have 2 errors "
        "(run build.py check to see them)\n",
    )


def test_a_backfilled_digest_that_takes_a_papers_address_is_warned_about(site: Path) -> None:
    """Papers are named in the order they were first listed: an earlier day's "Music Transformér" (another
    title, the same slug) takes /papers/music-transformer/, and the paper there moves."""
    (site / "pasted.txt").write_text(text_digest("Jun 20", [("Music Transformér", ABSTRACT)]), encoding="utf-8")
    code, out, err = run_add("pasted.txt")
    assert (code, out) == (0, "Added content/digests/2025-06-20.txt: 1 paper, dated 2025-06-20\n")
    moved = re.fullmatch(
        r"content/digests/2025-06-20\.txt: warning: moves the paper at /papers/music-transformer/ to "
        r"/papers/(music-transformer-\w+)/ \(a published address breaks: /papers/music-transformer/ shows another "
        r"paper then\)\n",
        err,
    )
    assert moved is not None, err
    main(["build", "--content", "content", "--out", "public"])
    assert (site / "public/papers" / moved[1]).is_dir()  # as said
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Music Transformér", ABSTRACT)]), encoding="utf-8")
    assert run_add("pasted.txt")[2] == ""  # listed after it: the paper keeps its address


def test_year_comes_from_site_settings(site: Path) -> None:
    (site / "content/site.yaml").write_text("year: 2024\n", encoding="utf-8")
    (site / "pasted.txt").write_text(text_digest("Mar 3", [("Pointer Networks", ABSTRACT)]), encoding="utf-8")
    assert run_add("pasted.txt")[1] == "Added content/digests/2024-03-03.txt: 1 paper, dated 2024-03-03\n"


def test_page_text_is_never_a_paper_and_fails_a_strict_add(site: Path) -> None:
    pasted = text_digest(
        "Jul 1", [("Pointer Networks", ABSTRACT), ("Submitted by akhaliq", "· 12 authors\n42\nUpvote")]
    )
    (site / "pasted.txt").write_text(pasted, encoding="utf-8")
    warnings = [
        'pasted.txt:15: warning: skipped page text "Submitted by akhaliq" (not part of a paper; delete it)',
        'pasted.txt:17: warning: skipped page text "· 12 authors 42 Upvote" (not part of a paper; delete it)',
    ]
    code, out, err = run_add("pasted.txt", "--strict")
    assert (code, out) == (1, "")
    assert err.splitlines() == [w.replace("warning: ", "") for w in warnings] + [
        "Not added: 2 errors; nothing was written."
    ]
    assert not (site / "content/digests/2025-07-01.txt").exists()
    assert run_add("pasted.txt") == (
        0,
        "Added content/digests/2025-07-01.txt: 1 paper, dated 2025-07-01\n",
        "\n".join(warnings) + "\n",
    )
    # saved without the page text it warned about: CI's strict build of the site passes
    saved = (site / "content/digests/2025-07-01.txt").read_text(encoding="utf-8")
    assert saved == f"Jul 1, 2025\n\nPointer Networks\n\n{ABSTRACT}\n"
    assert main(["check", "--strict", "--content", "content"]) == 0


def test_warnings_of_an_add_are_in_line_order(site: Path) -> None:
    pasted = f"Models Datasets Spaces\n\nJul 1\n\nPointer Networks\n\n{ABSTRACT}\n\nSubmitted by akhaliq\n\nLoad more\n"
    (site / "pasted.txt").write_text(pasted, encoding="utf-8")
    code, _, err = run_add("pasted.txt")
    assert code == 0
    lines = [int(line.split(":")[1]) for line in err.splitlines()]
    assert lines == [1, 9, 11]


def test_a_mistyped_content_folder_is_refused_not_made(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "pasted.txt").write_text(text_digest("Jul 1", [("Pointer Networks", ABSTRACT)]), encoding="utf-8")
    assert main(["add", "pasted.txt", "--content", "contnet"]) == 1
    assert capsys.readouterr().err == (
        "contnet: content folder not found (pass --content DIR or run from the project folder)\n"
        "Not added: 1 error; nothing was written.\n"
    )
    assert not (site / "contnet").exists()


def test_a_yaml_digest_given_to_add_is_told_where_it_goes(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "2025-07-01.yaml").write_text("date: 2025-07-01\npapers: []\n", encoding="utf-8")
    assert run_add("2025-07-01.yaml") == (
        1,
        "",
        "2025-07-01.yaml: a YAML digest needs no add (save it in content/digests/ as it is: add reads pasted "
        "pages and daily-papers answers (.json))\nNot added: 1 error; nothing was written.\n",
    )
    (site / "content").rename(site / "music")  # the folder given, not content/ always
    assert main(["add", "2025-07-01.yaml", "--content", "music"]) == 1
    assert "(save it in music/digests/ as it is" in capsys.readouterr().err


def test_a_short_abstract_wrapped_over_lines_is_saved_as_pasted(site: Path) -> None:
    """Joined onto one line, a short abstract that ends in a question mark reads as a title: its
    lines are kept as pasted, so the saved digest reads back as the page did."""
    question = (
        "Can a discrete diffusion model complete the missing bars\nof folk tunes better than an autoregressive one?"
    )
    pasted = f"Jul 3\n\nFolk Tune Infilling with Discrete Diffusion\n\n{question}\n\nUpvote\n"
    (site / "pasted.txt").write_text(pasted, encoding="utf-8")
    assert run_add("pasted.txt")[:2] == (0, "Added content/digests/2025-07-03.txt: 1 paper, dated 2025-07-03\n")
    saved = (site / "content/digests/2025-07-03.txt").read_text(encoding="utf-8")
    assert saved == f"Jul 3, 2025\n\nFolk Tune Infilling with Discrete Diffusion\n\n{question}\n"
    assert main(["check", "--strict", "--content", "content"]) == 0


def test_a_page_dated_far_from_today_is_warned_about(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A date line has no year: with a stale year: in site.yaml, today's page was dated a year back,
    without a word."""
    (site / "content/site.yaml").write_text("year: 2025\n", encoding="utf-8")
    (site / "pasted.txt").write_text(text_digest("Dec 1", [("Pointer Networks", ABSTRACT)]), encoding="utf-8")
    monkeypatch.setattr(paste, "current_day", lambda: datetime.date(2026, 12, 1))
    assert run_add("pasted.txt", "--strict") == (
        1,
        "",
        "pasted.txt:9: dated 2025-12-01, 365 days from today (a date line without a year takes year: from "
        "content/site.yaml) (pass --date YYYY-MM-DD to confirm the day, or correct year: or the date line)\n"
        "Not added: 1 error; nothing was written.\n",
    )
    assert run_add("pasted.txt", "--date", "2026-12-01") == (
        0,
        "Added content/digests/2026-12-01.txt: 1 paper, dated 2026-12-01\n",
        "",
    )
    (site / "content/site.yaml").unlink()  # then the year is the current one, which no file gives
    monkeypatch.setattr(paste, "current_day", lambda: datetime.date(2027, 1, 20))
    assert run_add("pasted.txt", "--strict")[2].splitlines()[0] == (
        "pasted.txt:9: dated 2027-12-01, 315 days from today (a date line without a year takes the current year "
        "(content/site.yaml gives no year:)) (pass --date YYYY-MM-DD to confirm the day, or correct the date line)"
    )


def test_replacing_a_day_says_which_papers_it_drops_and_refuses_to_orphan_their_notes(site: Path) -> None:
    """`--force` with a shorter page dropped the day's other papers without a word, and a note about
    one of them was left about no paper: the next check failed on a digest `add` had accepted."""
    papers = [("Music Transformer", ABSTRACT), ("Pointer Networks", ABSTRACT), ("Neural Turing Machines", ABSTRACT)]
    write_content(site, {"digests/2025-06-26.txt": text_digest("Jun 26", papers)})
    (site / "pasted.txt").write_text(text_digest("Jun 26", papers[:1]), encoding="utf-8")
    code, _, err = run_add("pasted.txt", "--force")
    assert code == 0
    assert err.splitlines() == [
        "content/digests/2025-06-26.txt: warning: drops 2 papers that no other digest lists: "
        "/papers/neural-turing-machines/, /papers/pointer-networks/ "
        "(their addresses break; keep them in the page if left out by mistake)"
    ]
    write_content(site, {"digests/2025-06-26.txt": text_digest("Jun 26", papers)})
    write_content(site, {"notes/pointer-networks.md": "Read this first.\n"})
    code, out, err = run_add("pasted.txt", "--force")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (  # not "rename the note", with a look-alike slug: that would not fix it
        "content/notes/pointer-networks.md: is about /papers/pointer-networks/, which content/digests/2025-06-26.txt "
        "drops (delete the note, or keep the paper in the page)"
    )
    assert "Not added" in err.splitlines()[-1]
    assert "Pointer Networks" in (site / "content/digests/2025-06-26.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("https://huggingface.co/papers/date/2025-07-01", "fetch that day with --from-hf 2025-07-01"),
        ("https://huggingface.co/papers", "fetch a day's daily papers with --from-hf YYYY-MM-DD"),
        ("HTTP://example.org/trending", "fetch a day's daily papers with --from-hf YYYY-MM-DD"),
    ],
)
def test_a_web_address_given_to_add_is_told_what_add_takes(site: Path, given: str, hint: str) -> None:
    """`add https://…` was read as a file path: `https:/huggingface.co/papers: cannot be read`."""
    assert run_add(given) == (
        1,
        "",
        f"{given}: add reads a saved file, not a web address (save the page as text and give that file, or "
        f"{hint})\nNot added: 1 error; nothing was written.\n",
    )


def test_a_page_far_from_today_names_the_settings_of_the_content_folder_given(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --content, the warning named content/site.yaml, which may not exist, not the file read."""
    (site / "sites").mkdir()
    (site / "content").rename(site / "sites/music")
    (site / "sites/music/site.yaml").write_text("year: 2025\n", encoding="utf-8")
    (site / "pasted.txt").write_text(text_digest("Dec 1", [("Pointer Networks", ABSTRACT)]), encoding="utf-8")
    monkeypatch.setattr(paste, "current_day", lambda: datetime.date(2026, 12, 1))
    assert main(["add", "pasted.txt", "--strict", "--content", "sites/music"]) == 1
    assert capsys.readouterr().err == (
        "pasted.txt:9: dated 2025-12-01, 365 days from today (a date line without a year takes year: from "
        "sites/music/site.yaml) (pass --date YYYY-MM-DD to confirm the day, or correct year: or the date line)\n"
        "Not added: 1 error; nothing was written.\n"
    )
