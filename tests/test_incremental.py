"""Incremental builds: only what changed is redone, and the result is always a clean build's."""

from __future__ import annotations

import difflib
import itertools
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from site_src.build import output, parallel, pipeline
from site_src.build.builder import BuildReport, build
from site_src.build.cache import BuildCache
from site_src.catalog import epoch, related
from site_src.catalog.model import Paper
from site_src.errors import BuildError
from site_src.inputs.settings import TEMPLATES_DIR, BuildOptions

from . import random_edits
from .golden import GOLDEN, files_of
from .helpers import ABSTRACT, text_digest

Edit = Callable[[Path, Path], None]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _swap_first_papers(content: Path) -> None:
    """The first two papers of the text digest of 26 June, in the other order."""
    path = content / "digests/2025-06-26.txt"
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    start = blocks.index("Jun 26") + 1
    blocks[start : start + 4] = blocks[start + 2 : start + 4] + blocks[start : start + 2]
    path.write_text("\n\n".join(blocks), encoding="utf-8")


EDITS: list[tuple[str, Edit]] = [
    ("edit an abstract", lambda c, t: _replace(c / "digests/2025-06-26.txt", "Rehearsal comes", "Replay comes")),
    (
        "recase a title (the same paper: its neighbours' and related papers' pages show the new title)",
        lambda c, t: _replace(c / "digests/2025-06-26.txt", "A Closer Look at", "A closer look at"),
    ),
    (
        "add a digest",
        lambda c, t: (c / "digests/2025-07-02.txt").write_text(
            text_digest("Jul 2", [("Pointer Networks", ABSTRACT), ("Music Transformer", ABSTRACT)]), encoding="utf-8"
        ),
    ),
    (
        "override topics in a note",
        lambda c, t: (c / "notes/pointer-networks.md").write_text(
            "---\ntopics: [music]\n---\nOld but gold.\n", encoding="utf-8"
        ),
    ),
    ("rename the site", lambda c, t: _replace(c / "site.yaml", "title: Golden Digest", "title: Silver Digest")),
    (
        "add a page",
        lambda c, t: (c / "pages/colophon.md").write_text(
            "---\ntitle: Colophon\nmenu: Colophon\n---\nSet in system fonts.\n", encoding="utf-8"
        ),
    ),
    ("change a page template", lambda c, t: _replace(t / "paper.html", "Find this paper", "Look this paper up")),
    (
        "change the feed template (feeds are kept by what they are made from: the template is part of it)",
        lambda c, t: _replace(t / "feed.xml", "<generator>Paper Digest</generator>", "<generator>Digest</generator>"),
    ),
    (
        "change the stylesheet",
        lambda c, t: (t / "static/style.css").write_text(
            (t / "static/style.css").read_text(encoding="utf-8") + "\nbody { margin: 0; }\n", encoding="utf-8"
        ),
    ),
    (
        "give a paper authors and code in a note (search shows authors and filters on code)",
        lambda c, t: (c / "notes/pretraining-language-models-with-human-preferences.md").write_text(
            "---\nauthors: [Ada Lovelace, Alan Turing]\ncode: https://github.com/example/closer\n---\n",
            encoding="utf-8",
        ),
    ),
    (
        "date a paper in its note (the lists that show it cite it with the date)",
        lambda c, t: _replace(
            c / "notes/pretraining-language-models-with-human-preferences.md",
            "authors:",
            "published: 2023-02-16\nauthors:",
        ),
    ),
    (
        "give a paper its arXiv identifier in its note (lists cite it by its DOI)",
        lambda c, t: _replace(
            c / "notes/pretraining-language-models-with-human-preferences.md", "authors:", "arxiv: 2302.08582\nauthors:"
        ),
    ),
    ("swap two papers of a digest (search numbers papers in digest order)", lambda c, t: _swap_first_papers(c)),
    (
        "hide a paper",
        lambda c, t: (c / "notes/music-transformer.md").write_text("---\nhidden: true\n---\n", encoding="utf-8"),
    ),
    ("delete a digest", lambda c, t: (c / "digests/2025-06-26.txt").unlink()),
]


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the golden site's content and of the templates, to edit freely."""
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(GOLDEN / "basic/content", content)
    shutil.copytree(TEMPLATES_DIR, templates)
    return content, templates


def _build(content: Path, templates: Path, out: Path) -> BuildReport:
    return build(BuildOptions(content_dir=content, out_dir=out, templates_dir=templates, base_url="https://x.org/"))


def test_a_series_of_edits_gives_exactly_the_clean_build(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    for step, (name, edit) in enumerate(EDITS):
        edit(content, templates)
        _build(content, templates, site)
        clean = tmp_path / f"clean-{step}"
        _build(content, templates, clean)
        assert files_of(site) == files_of(clean), f"after '{name}' the incremental site differs from a clean build"


def test_warm_build_with_no_change_writes_nothing(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, templates = workspace
    site = tmp_path / "public"
    first = _build(content, templates, site)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*")}
    second = _build(content, templates, site)
    assert (first.written, first.rendered) == (first.files, first.pages)
    assert (second.written, second.rendered) == (0, 0)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*")} == before


def test_a_build_with_nothing_new_reads_no_input_twice_and_says_what_the_last_one_said(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every input as the last build read it and the output as it left it, the build parses
    nothing and makes no page, yet reports the same counts and warnings."""
    from site_src.build import pipeline

    content, templates = workspace
    (content / "digests/README.md").write_text("Digests go here.\n", encoding="utf-8")  # a warning
    # and two more, found in the other order than their lines (a build with nothing new said them so)
    listed = [("Warning Order One", ABSTRACT), ("Warning Order Two", ABSTRACT)]
    again = [(title, ABSTRACT.replace("three", "four")) for title, _ in reversed(listed)]
    (content / "digests/2025-07-03.txt").write_text(text_digest("Jul 3", listed), encoding="utf-8")
    (content / "digests/2025-07-04.txt").write_text(text_digest("Jul 4", again), encoding="utf-8")
    site = tmp_path / "public"
    first = _build(content, templates, site)
    assert [w.message for w in first.warnings][-1] == "ignored: not a digest"
    assert [w.source.line for w in first.warnings if "2025-07-04" in w.source.path] == [11, 15]

    def no_parsing(*arguments: object) -> None:
        raise AssertionError("a build with nothing new parsed its inputs")

    monkeypatch.setattr(pipeline, "parse_inputs", no_parsing)
    second = _build(content, templates, site)
    assert (second.digests, second.papers, second.topics, second.pages) == (
        first.digests,
        first.papers,
        first.topics,
        first.pages,
    )
    assert (second.rendered, second.written, second.warnings) == (0, 0, first.warnings)
    (templates / "static/favicon.svg").write_bytes((templates / "static/favicon.svg").read_bytes() + b"\n")
    with pytest.raises(AssertionError, match="parsed its inputs"):
        _build(content, templates, site)  # a static file changed: not a build with nothing new


def test_a_build_with_nothing_new_from_another_folder_names_files_from_there(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warnings name files relative to the working folder: a build run from another one, with nothing
    new, names them from there, not as the last build did."""
    content, templates = workspace
    (content / "digests/README.md").write_text("Digests go here.\n", encoding="utf-8")  # a warning
    site = tmp_path / "public"
    monkeypatch.chdir(tmp_path)
    assert [w.source.path for w in _build(content, templates, site).warnings] == ["content/digests/README.md"]
    monkeypatch.chdir(content)
    assert [w.source.path for w in _build(content, templates, site).warnings] == ["digests/README.md"]


def test_a_pipe_among_the_inputs_is_never_read(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    """Hashing the inputs must not open a pipe (a read would wait for a writer forever), hidden or not."""
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    os.mkfifo(content / ".editor-pipe")
    os.mkfifo(templates / "static/socket-like")
    done = threading.Event()
    worker = threading.Thread(target=lambda: (_build(content, templates, site), done.set()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done.is_set(), "the build blocked on a pipe"


def test_an_input_changed_during_a_build_is_read_again_by_the_next(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved while a build reads the inputs (the preview rebuilds on save, then save again) must
    not let a later build with the first bytes pass for one with nothing new."""
    from site_src.inputs import reader

    content, templates = workspace
    site = tmp_path / "public"
    about = content / "pages/about.md"
    _build(content, templates, site)
    first = about.read_text(encoding="utf-8")
    saved = first.replace("A tiny site for the tests.", "First save.")
    assert saved != first
    about.write_text(saved, encoding="utf-8")
    real_load = reader.load

    def load_after_another_save(*arguments: Any) -> Any:
        about.write_text(saved.replace("First save.", "Second save."), encoding="utf-8")
        return real_load(*arguments)

    monkeypatch.setattr(reader, "load", load_after_another_save)
    _build(content, templates, site)
    monkeypatch.setattr(reader, "load", real_load)
    about.write_text(saved, encoding="utf-8")  # back to the bytes hashed before the build read them
    _build(content, templates, site)
    assert "First save." in (site / "about/index.html").read_text(encoding="utf-8")


def test_an_input_changed_and_changed_back_during_a_build_is_read_again_by_the_next(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved while a build runs, and changed back before it ends (an undo, `git stash` then
    `pop`), hashes the same at both ends of the build; but the build read the other bytes, so the
    next build must not pass for one with nothing new."""
    from site_src.inputs import reader

    content, templates = workspace
    site = tmp_path / "public"
    about = content / "pages/about.md"
    first = about.read_text(encoding="utf-8")
    _build(content, templates, site)
    _replace(content / "digests/2025-06-26.txt", "Rehearsal comes", "Replay comes")  # the build has work to do
    real_load = reader.load

    def load_an_edit_then_undo_it(*arguments: Any) -> Any:
        about.write_text(first.replace("A tiny site for the tests.", "An edit undone."), encoding="utf-8")
        try:
            return real_load(*arguments)
        finally:
            about.write_text(first, encoding="utf-8")

    monkeypatch.setattr(reader, "load", load_an_edit_then_undo_it)
    _build(content, templates, site)
    assert "An edit undone." in (site / "about/index.html").read_text(encoding="utf-8")  # what it read
    monkeypatch.setattr(reader, "load", real_load)
    _build(content, templates, site)
    _build(content, templates, tmp_path / "clean")
    assert files_of(site) == files_of(tmp_path / "clean")


def test_template_change_re_renders_only_the_pages_that_use_it(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    _replace(templates / "digest.html", "Other digests", "More digests")
    report = _build(content, templates, site)
    assert report.rendered == 2  # the two digest pages, nothing else
    assert report.written == 2  # their HTML; their Markdown twins come out byte for byte the same
    _replace(templates / "macros.html", "In the digest of", "Listed on")
    # Every page that imports the macros (home, digests, topics and papers), not the topic index,
    # the about page or the 404 page.
    assert _build(content, templates, site).rendered == 11


def test_a_template_included_by_a_variable_is_followed_when_it_changes(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    """A template that names another by a variable may use any template: a change to any of them makes
    its pages again (the one included here too)."""
    content, templates = workspace
    site = tmp_path / "public"
    (templates / "aside.html").write_text("<p>First aside.</p>\n", encoding="utf-8")
    _replace(
        templates / "digest.html",
        "{% block main %}",
        '{% block main %}{% set aside = "aside.html" %}{% include aside %}',
    )
    _build(content, templates, site)
    (templates / "aside.html").write_text("<p>Second aside.</p>\n", encoding="utf-8")
    _build(content, templates, site)
    _build(content, templates, tmp_path / "clean")
    assert "Second aside." in (site / "digests/2025-06-26/index.html").read_text(encoding="utf-8")
    assert files_of(site) == files_of(tmp_path / "clean")


@pytest.mark.parametrize("kept", [False, True], ids=["after a cold build", "from a kept site, checked apart"])
def test_a_file_changed_by_hand_in_the_output_is_written_again(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """Each file of the output is checked against what the last build wrote: one at a time, or (a
    large site with a kept site to start from) all at once by a side process as the build starts."""
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    if kept:
        monkeypatch.setattr(parallel, "_cores", lambda: 2)
        monkeypatch.setattr(pipeline, "MIRROR_APART_FROM", 0)
        found: list[frozenset[str]] = []
        mirrored = pipeline.BuildRun._mirrored

        def noted(run: pipeline.BuildRun) -> output.Mirrored | None:
            result = mirrored(run)
            if result is not None:
                found.append(result.altered)
            return result

        monkeypatch.setattr(pipeline.BuildRun, "_mirrored", noted)
        note = content / "notes/music-transformer.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nRevisited.\n", encoding="utf-8")
        _build(content, templates, site)  # keeps the site before it
    page = site / "papers/music-transformer/index.html"
    original = page.read_bytes()
    page.write_bytes(b"vandalised")
    (site / "about/index.md").unlink()
    (site / "junk.html").write_text("stray", encoding="utf-8")
    report = _build(content, templates, site)
    if kept:  # found by the side process, which the pages trusted
        assert found[-1] == {"papers/music-transformer/index.html", "about/index.md"}
    assert page.read_bytes() == original
    assert (site / "about/index.md").is_file()
    assert not (site / "junk.html").exists()
    assert report.written == 2
    (site / "papers/junk.html").write_text("stray", encoding="utf-8")  # alone: nothing else to rebuild
    _build(content, templates, site)
    assert not (site / "papers/junk.html").exists()


@pytest.mark.parametrize("times_kept", [False, True])
def test_papers_json_changed_by_hand_lends_no_entry_to_the_next_build(
    workspace: tuple[Path, Path], tmp_path: Path, times_kept: bool
) -> None:
    """A build takes the unchanged papers' entries of /api/papers.json from the file the last build
    wrote (`paper_texts`), but only while the output holds it as written: edited, it is made whole,
    also when the edit kept its size and time (as `cp -p`, `rsync -t` or `touch -r` leave them)."""
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    data = site / "api/papers.json"
    before = data.stat()
    data.write_bytes(data.read_bytes().replace(b"Music Transformer", b"Music Transfomrer"))  # the same length
    if times_kept:
        os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    note = content / "notes/pretraining-language-models-with-human-preferences.md"  # another paper's entry changes
    note.write_text("---\nauthors: [Ada Lovelace]\n---\nRevisited.\n", encoding="utf-8")
    _build(content, templates, site)
    assert b"Ada Lovelace" in data.read_bytes()
    assert b"Transfomrer" not in data.read_bytes()
    clean = tmp_path / "clean"
    _build(content, templates, clean)
    assert files_of(site) == files_of(clean)


def _front_matter_topics(markdown: Path) -> str:
    """The `topics:` of a page's front matter (its topics, their scores and the words behind them)."""
    return markdown.read_text(encoding="utf-8").split("\ntopics:", 1)[1].split("\n---", 1)[0]


def test_an_edit_to_an_abstract_alone_re_renders_its_page(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    paper = site / "papers/a-closer-look-at-rehearsal-free-continual-learning"
    topics = _front_matter_topics(paper / "index.md")
    # Words that are in no topic's keywords: the paper's topics stay exactly as they were.
    _replace(content / "digests/2025-06-26.txt", "comes at a cost to memory", "is paid for in memory")
    report = _build(content, templates, site)
    html = (paper / "index.html").read_text(encoding="utf-8")
    assert "is paid for in memory" in html
    assert "cost to memory" not in html
    assert _front_matter_topics(paper / "index.md") == topics
    assert 0 < report.rendered < report.pages
    clean = tmp_path / "clean"
    _build(content, templates, clean)
    assert files_of(site) == files_of(clean)


def test_a_new_digest_after_a_no_op_build_counts_only_its_own_papers_terms(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Related papers need every paper's vector; they are remembered with the related papers (weighed
    by the epoch, the months before the newest digest's), and a build that reused the whole related
    result must not forget them, or the next digest recounts the archive."""
    from site_src.build import pipeline

    monkeypatch.setattr(epoch, "EPOCH_MIN", 1)
    content, templates = workspace
    site = tmp_path / "public"
    _build(content, templates, site)
    _build(content, templates, site)  # nothing changed: related papers come whole from the cache
    counted: list[str] = []

    def count_terms(papers: Sequence[Paper]) -> list[dict[str, int]]:
        counted.extend(p.title for p in papers)
        return real_count_terms(papers)

    real_count_terms = pipeline.count_terms
    monkeypatch.setattr(pipeline, "count_terms", count_terms)
    new = "papers:\n  - title: A Paper of the Next Day\n    abstract: " + ABSTRACT + "\n"
    (content / "digests/2025-07-09.yaml").write_text(new, encoding="utf-8")
    _build(content, templates, site)
    assert counted == ["A Paper of the Next Day"]


def _first_differences(site: Path, clean: Path) -> str:
    """The paths where two built sites differ, and a short diff of the first file that differs."""
    warm_files, clean_files = files_of(site), files_of(clean)
    paths = sorted(p for p in {*warm_files, *clean_files} if warm_files.get(p) != clean_files.get(p))
    lines = [f"{len(paths)} files differ (warm vs clean): {paths[:8]}"]
    first = paths[0]
    warm_text = warm_files.get(first, b"").decode("utf-8", "replace").splitlines()
    clean_text = clean_files.get(first, b"").decode("utf-8", "replace").splitlines()
    diff = difflib.unified_diff(clean_text, warm_text, f"clean/{first}", f"warm/{first}", n=1, lineterm="")
    lines += [line[:200] for line in itertools.islice(diff, 30)]
    return "\n".join(lines)


RANDOM_SEEDS = [1, 2, 3, 4, 5]  # between them every kind of edit (see the test after the next)
RANDOM_EDITS = 12


@pytest.mark.parametrize("seed", RANDOM_SEEDS, ids=[f"seed{seed}" for seed in RANDOM_SEEDS])
def test_random_edits_give_exactly_the_clean_build(
    workspace: tuple[Path, Path], tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A random series of valid edits to every kind of input (tests/random_edits.py); after each, the
    warm build of one output folder is the clean build of a fresh one, byte for byte. Replay a failure
    with its seed: the message lists the edits so far. Related papers weigh terms by the months before
    the newest digest's however few papers they hold, and are recomputed in part however many lists
    change, so that the series (digests added in the same month and in later ones) goes through
    their partial recomputation."""
    monkeypatch.setattr(epoch, "EPOCH_MIN", 1)
    monkeypatch.setattr(related, "REDO_SHARE", 0)
    content, templates = workspace
    model = random_edits.Content.read(content)
    model.undate_text_digests()  # their year comes from site.yaml: a change of year moves them
    model.sync(content)  # the golden content, written in the model's own forms
    series = random_edits.EditSeries(model, templates, seed)
    site, clean = tmp_path / "public", tmp_path / "clean"
    _build(content, templates, site)
    done: list[str] = []
    for step in range(RANDOM_EDITS):
        edit = series.next()
        model.sync(content)
        done.append(f"{step}. {edit.description}")
        history = f"seed {seed}, edits:\n" + "\n".join(done)
        try:
            report = _build(content, templates, site)
        except BuildError as error:
            pytest.fail(f"the edit made an invalid site: {error}\n{history}")
        shutil.rmtree(clean, ignore_errors=True)
        shutil.rmtree(tmp_path / ".clean-cache", ignore_errors=True)
        _build(content, templates, clean)
        if files_of(site) != files_of(clean):
            pytest.fail(f"the warm build differs from a clean one\n{_first_differences(site, clean)}\n{history}")
        too_much = edit.check(report.rendered, report.pages)
        assert not too_much, f"{too_much}\n{history}"
    assert _build(content, templates, site).rendered == 0


def test_the_random_series_deal_every_kind_of_edit(workspace: tuple[Path, Path]) -> None:
    """Between them, the seeds above try every kind of edit (each series deals RANDOM_EDITS of them)."""
    content, templates = workspace
    dealt: list[str] = []
    for seed in RANDOM_SEEDS:
        model = random_edits.Content.read(content)
        model.undate_text_digests()
        series = random_edits.EditSeries(model, templates, seed)
        dealt += [series.next().description.split(":")[0] for _ in range(RANDOM_EDITS)]
    assert sorted({maker.__name__ for maker in random_edits.EDIT_MAKERS} - set(dealt)) == []


def test_the_inputs_hash_reads_only_what_the_reader_reads_of_the_content(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link to a large folder (a hidden one, or one where a digest should be) made every build read
    all of it (38 s for /usr), and one to /proc crashed it; a change the reader sees still counts."""
    from site_src.build import unchanged

    content, templates = workspace
    big = tmp_path / "big"
    (big / "deep/deeper").mkdir(parents=True)
    (big / "deep/deeper/data.bin").write_bytes(b"\0" * 1000)
    (content / ".snapshot").symlink_to(big)
    (content / "digests/2025-12-31.txt").symlink_to(big)  # a folder where a digest should be: an error
    (content / ".proc").symlink_to("/proc")
    read: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: (read.append(path), real(path))[1])
    options = BuildOptions(content_dir=content, out_dir=tmp_path / "public", templates_dir=templates)
    first = unchanged.hash_inputs(options, BuildCache.empty())
    assert not [path for path in read if "data.bin" in path.name or ".proc" in str(path)]
    assert any(path.name.endswith(".txt") for path in read)
    (big / "deep/deeper/data.bin").write_bytes(b"\1" * 1000)
    assert unchanged.hash_inputs(options, BuildCache.empty()).key == first.key
    (content / "notes/late.md").write_text("A note.\n", encoding="utf-8")
    assert unchanged.hash_inputs(options, BuildCache.empty()).key != first.key
