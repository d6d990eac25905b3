"""Rendering in worker processes gives exactly what rendering in one process gives."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_src.build import gather, parallel, pipeline
from site_src.build import workers as pagework
from site_src.build.builder import build
from site_src.build.cache import MEMO_FILE, cache_folder
from site_src.catalog import epoch
from site_src.errors import BuildError
from site_src.inputs.settings import TEMPLATES_DIR, BuildOptions

from .golden import files_of
from .helpers import ABSTRACT, SHIPPED_CONTENT, text_digest

PAPERS = [("A Brand New Paper on Replay", ABSTRACT), ("Another New Paper on Sparse Attention", ABSTRACT)]
"""A new digest's papers."""


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for any number of pages, two of them even on one core, and the search index and the
    memos' encoding in side processes."""
    monkeypatch.setattr(pagework, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pagework, "CHUNK", 7)
    monkeypatch.setattr(pagework, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "SIDE_PROCESS_FROM", 0)


def test_workers_build_the_same_bytes(in_workers: None, tmp_path: Path, sample_site: object) -> None:
    out = tmp_path / "public"
    report = build(BuildOptions(content_dir=SHIPPED_CONTENT, out_dir=out))
    assert report.rendered == report.pages
    assert files_of(out) == files_of(sample_site.out)  # type: ignore[attr-defined]
    memos = (cache_folder(out) / MEMO_FILE).read_bytes()
    assert memos == (cache_folder(sample_site.out) / MEMO_FILE).read_bytes()  # type: ignore[attr-defined]


def test_warm_builds_with_the_search_keyed_in_its_own_process_equal_clean_ones(
    in_workers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search side process keys the search files itself: kept whole after an edit that leaves
    them alone (a template's), made again around the epoch's kept pieces after a new digest of the
    same month; either way the epoch's pieces stay remembered for the next build."""
    monkeypatch.setattr(epoch, "EPOCH_MIN", 10)  # the samples' papers before June are the epoch
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(SHIPPED_CONTENT, content)
    shutil.copytree(TEMPLATES_DIR, templates)
    out = tmp_path / "public"
    build(BuildOptions(content_dir=content, out_dir=out, templates_dir=templates))
    paper = templates / "paper.html"
    edits = [
        lambda: paper.write_text(paper.read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        lambda: (content / "digests/2025-06-28.txt").write_text(text_digest("Jun 28", PAPERS), encoding="utf-8"),
    ]
    for number, edit in enumerate(edits):
        edit()
        report = build(BuildOptions(content_dir=content, out_dir=out, templates_dir=templates))
        assert 0 < report.rendered < report.pages, number
        clean = tmp_path / f"clean{number}"
        clean_report = build(BuildOptions(content_dir=content, out_dir=clean, templates_dir=templates))
        assert files_of(out) == files_of(clean), number
        assert report.pages == clean_report.pages, "each page is the workers' or the parent's, once"
        assert b'\n["searchepoch",' in (cache_folder(out) / MEMO_FILE).read_bytes(), number


def _built_with_paper_title(tmp_path: Path, title: str) -> tuple[Path, BuildError]:
    """The shipped site built with paper.html showing `title` for `page.title` (a build that fails):
    the template's path, and what the build raised."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    paper = templates / "paper.html"
    paper.write_text(paper.read_text(encoding="utf-8").replace("page.title }}</h1>", f"{title} }}}}</h1>"), "utf-8")
    with pytest.raises(BuildError) as caught:
        build(BuildOptions(content_dir=SHIPPED_CONTENT, out_dir=tmp_path / "public", templates_dir=templates))
    return paper, caught.value


def test_workers_report_template_problems_once_and_write_nothing(in_workers: None, tmp_path: Path) -> None:
    _, error = _built_with_paper_title(tmp_path, "page.titel")
    assert len(error.problems) == 1, "144 paper pages fail in two workers: one message"
    assert "has no attribute 'titel'" in str(error.problems[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["templates"]  # no output, no staging left


def test_a_filter_no_template_knows_is_reported_at_its_line_once(in_workers: None, tmp_path: Path) -> None:
    # Templates are compiled before the workers fork (so that each does not compile them again); one
    # that parses but cannot compile (an unknown filter) is still told as the pages that use it fail.
    paper, error = _built_with_paper_title(tmp_path, "page.title | shout")
    (problem,) = error.problems
    lines = paper.read_text(encoding="utf-8").splitlines()
    assert "No filter named 'shout'" in problem.message
    assert (problem.source.path, problem.source.line) == (
        str(paper),
        next(n for n, x in enumerate(lines, 1) if "shout" in x),
    )


def test_fork_map_keeps_order_and_results(monkeypatch: pytest.MonkeyPatch) -> None:
    from site_src.build import parallel

    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    offset = 7  # a closure: workers are forked, nothing is pickled but items and results
    assert parallel.fork_map(lambda n: n * n + offset, range(1000), chunk=13, at_least=1) == [
        n * n + offset for n in range(1000)
    ]


def test_related_papers_in_workers_match_one_process(monkeypatch: pytest.MonkeyPatch, sample_site: object) -> None:
    from site_src.build import parallel
    from site_src.build.gather import load_catalog
    from site_src.catalog import related

    catalog = load_catalog(BuildOptions(content_dir=SHIPPED_CONTENT))
    alone = related.related_papers(catalog.papers)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(related, "BLOCK_CELLS", 144 * 10)  # blocks of ten rows: fifteen of them
    assert related.related_papers(catalog.papers) == alone


def _process_and_square(number: int) -> tuple[int, int]:
    return os.getpid(), number * number


@contextlib.contextmanager
def _another_thread(running: bool) -> Iterator[None]:
    """A second thread waiting meanwhile, if `running`: the process is then "threaded" and must not fork.
    Joined before the next test, which may fork."""
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)
    if running:
        helper.start()
    try:
        yield
    finally:
        stop.set()
        if running:
            helper.join()


@pytest.mark.parametrize("threads", [False, True], ids=["forked", "spawned while threads run"])
def test_side_work_runs_in_another_process(monkeypatch: pytest.MonkeyPatch, threads: bool) -> None:
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    with _another_thread(threads), parallel.SideWork(_process_and_square, 12) as side:
        pid, square = side.result()
    assert square == 144
    assert pid != os.getpid()


@pytest.mark.parametrize("threads", [False, True], ids=["forked unless threads run", "in-process while threads run"])
def test_side_work_too_large_to_pickle_is_forked_or_done_here(monkeypatch: pytest.MonkeyPatch, threads: bool) -> None:
    """The memos are encoded aside only where the process can be forked: spawned, it would be sent
    the whole cache, pickled."""
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    with _another_thread(threads):
        threaded = threading.active_count() > 1  # other tests' threads may still be winding down
        with parallel.SideWork(_process_and_square, 12, fork_only=True) as side:
            pid, square = side.result()
    assert square == 144
    assert (pid == os.getpid()) == threaded


def test_while_the_search_index_is_made_aside_pages_still_render_in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The side process leaves no thread behind in the build process: a threaded process renders its
    pages in-process (forking it is unsafe), which made every large build's pages single-core."""
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    before = set(threading.enumerate())  # other tests' threads may still be winding down
    with parallel.SideWork(_process_and_square, 3) as side:
        assert set(threading.enumerate()) - before == set()
        assert side.result()[1] == 9


def _fails(number: int) -> int:
    raise ValueError(f"no square of {number} today")


def test_side_work_raises_what_its_task_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    with parallel.SideWork(_fails, 4) as side, pytest.raises(ValueError, match="no square of 4 today"):
        side.result()


def test_digests_parsed_half_in_a_side_process_give_the_same_site_and_problems(
    in_workers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build parses half its digests in a side process (from `PARSE_APART_FROM` of them): the
    site and the problems, in order, are those of a build that parses them all in one process (here
    a paper listed twice in a digest of each half)."""
    content = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, content)
    for day in ("Jan 20", "Jan 21", "Jul 22", "Jul 23"):  # two before the samples' three, two after
        papers = [(f"A Paper of {day} on Replay", ABSTRACT), (f"Another of {day}", ABSTRACT)]
        repeated = papers[:1] if day in ("Jan 20", "Jul 23") else []
        name = datetime.datetime.strptime(f"2025 {day}", "%Y %b %d").date().isoformat()
        (content / f"digests/{name}.txt").write_text(text_digest(day, [*papers, *repeated]), encoding="utf-8")
    parse = gather.parse_digest

    def parse_digest(*arguments: Any) -> Any:
        (tmp_path / f"parsed-in-{os.getpid()}").touch()  # a side process's own set is not this one's
        return parse(*arguments)

    monkeypatch.setattr(gather, "parse_digest", parse_digest)
    monkeypatch.setattr(gather, "PARSE_APART_FROM", 2)
    monkeypatch.setattr(parallel, "side_work_forks", lambda: True)  # as in a build: threads of other tests aside
    halved = build(BuildOptions(content_dir=content, out_dir=tmp_path / "halved"))
    assert len(list(tmp_path.glob("parsed-in-*"))) == 2
    monkeypatch.setattr(gather, "PARSE_APART_FROM", 1000)
    whole = build(BuildOptions(content_dir=content, out_dir=tmp_path / "whole"))
    assert files_of(tmp_path / "halved") == files_of(tmp_path / "whole")
    twice = [str(w) for w in halved.warnings if "listed twice" in w.message]
    assert [w.source.path.rsplit("/", 1)[-1] for w in halved.warnings if "listed twice" in w.message] == [
        "2025-01-20.txt",
        "2025-07-23.txt",
    ]
    assert [str(w) for w in whole.warnings if "listed twice" in w.message] == twice
    assert [str(w) for w in halved.warnings] == [str(w) for w in whole.warnings]
