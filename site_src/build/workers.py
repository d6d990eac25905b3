"""Pages made, keyed, rendered and staged where the work is: in worker processes when there are many.

Each page goes through the same steps wherever it runs: compute its key (a paper, digest or topic
archive page's from its outline, what it is made from; any other page's from its Markdown page), keep its files if the
last build made them from the same key (and they are still on disk as written), else make and
render it and stage the files whose bytes changed. Workers are
forked, so they share the catalog and the cache without copying them; only small results come
back. A process that runs other threads (the preview server) renders in-process instead, since
forking a threaded process is not safe.
"""

from __future__ import annotations

import datetime
import multiprocessing
import multiprocessing.pool
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from site_src.build.cache import BuildCache
from site_src.build.output import StagedFile, stage_bytes
from site_src.build.page_deps import CHECK_ENV
from site_src.build.parallel import forked_pool, frozen_for_fork, release_free_memory, worker_count
from site_src.errors import Problem
from site_src.pages.maker import Outline, Page, PageMaker, PageSpec
from site_src.pages.render import Renderer, template_problem

PARALLEL_FROM = 300
"""Fewer pages than this render in-process: starting workers would cost more than it saves."""
CHUNK = 64
"""Pages per task handed to a worker: large enough to keep messages few, small enough to balance."""


class Unchanged(NamedTuple):
    """The pages `page_deps` found made from what the last build made them from."""

    papers: frozenset[str]
    """By slug."""
    paper_lists: frozenset[str]
    """Digest pages and topic archive pages (`PageMaker.paper_list`), by path."""


@dataclass(frozen=True)
class PageJob:
    """Everything needed to make and render any page of the site."""

    maker: PageMaker
    specs: list[PageSpec]
    renderer: Renderer
    cache: BuildCache
    out_dir: Path
    staging: Path | None
    """Where new files go; None for a check, which writes nothing."""
    cold: bool
    """No usable record of the last build: every page is rendered and every file staged."""
    lean: bool = False
    """Workers give back the memory each chunk freed (a few milliseconds a chunk): for large sites,
    whose peak memory is the page workers'."""
    unchanged: Unchanged = field(default_factory=lambda: Unchanged(frozenset(), frozenset()))
    """Pages made from what the last build made them from (`page_deps`): kept under the last key,
    without making their outlines, if their files are as that build left them."""
    check_kept: bool = field(default_factory=lambda: bool(os.environ.get(CHECK_ENV)))
    """Outline the `unchanged` anyway and fail if a key changed (`page_deps.CHECK_ENV`, which the tests set)."""


class PageResult(NamedTuple):
    """What became of one page: its key, its files, and whether it was rendered or failed (a
    tuple, as are its files' records: the workers send one back for every page, and unpickling
    dataclasses took the main process 0.25 s of a day's build at 10k papers)."""

    path: str
    """The page's site path."""
    key: str
    updated: datetime.date | None
    """The newest digest the page shows, for the sitemap."""
    sitemap: bool
    files: tuple[StagedFile, ...]
    """Each output path of a page made this time, its record, and whether it was staged (new bytes)."""
    kept: tuple[str, ...]
    """The output paths of a page kept as the last build left it: their records are the cache's, so
    only the paths come back (records for every file of the site were half of what the main process
    unpickled from the workers in a day's build)."""
    rendered: bool
    template: str
    problem: Problem | None = None
    making: float = 0.0
    """Seconds spent keying the page (and making its Markdown page, unless kept)."""
    rendering: float = 0.0
    """Seconds spent rendering and staging its files."""


def process(job: PageJob, index: int) -> PageResult:
    """Key the page `job.specs[index]`; keep its files if the last build made them from the same key,
    else make, render and stage it. A page with an outline is keyed by it, without being made."""
    start = time.perf_counter()
    spec = job.specs[index]
    bare = _unchanged_shape(job, spec)
    if bare is not None:
        unchanged = _unchanged_page(job, spec, bare, start)
        if unchanged is not None:
            return unchanged
    outline = job.maker.outline(spec)
    page: Page | None = None
    shape: Page | Outline
    if outline is None:
        page = shape = job.maker.make(spec)
        key = job.renderer.key(page)
    else:
        shape, key = outline, job.renderer.outline_key(outline)
    facts = (shape.path, key, shape.updated, shape.sitemap)
    kept = _kept(job, job.renderer.output_paths(shape), key)
    if kept is not None:
        return PageResult(*facts, (), kept, False, shape.template, None, time.perf_counter() - start)
    page = page or job.maker.make(spec)
    made = time.perf_counter()
    try:
        outputs = job.renderer.render(page)
    except Exception as exc:  # noqa: BLE001 - any failure inside a template is a template problem
        problem = template_problem(exc, job.renderer.templates_dir, page.template, page.path)
        return PageResult(*facts, (), (), False, page.template, problem, made - start)
    staged = []
    for file in outputs:
        previous = None if job.cold else job.cache.file_unchanged(file.path, job.out_dir)
        staged.append(StagedFile(file.path, *stage_bytes(job.staging, file.path, file.data, previous)))
    return PageResult(*facts, tuple(staged), (), True, page.template, None, made - start, time.perf_counter() - made)


def _unchanged_shape(job: PageJob, spec: PageSpec) -> Outline | None:
    """The outline, without inputs, of a page `page_deps` found unchanged; None for any other page."""
    if spec.kind == "paper":
        papers = job.unchanged.papers
        return job.maker.paper_outline(job.maker.catalog.papers[spec.key]) if spec.key in papers else None
    found = job.maker.paper_list(spec) if job.unchanged.paper_lists else None
    return found[0] if found is not None and found[0].path in job.unchanged.paper_lists else None


def _unchanged_page(job: PageJob, spec: PageSpec, shape: Outline, start: float) -> PageResult | None:
    """A page `page_deps` found unchanged, kept under the last build's key; None if the last build
    left no key or its files are not as it left them (the page is then keyed as any other). With
    `check_kept`, its key is made too and must be the last one."""
    paths = job.renderer.output_paths(shape)
    key = job.cache.pages.get(paths[0])
    kept = None if key is None else _kept(job, paths, key)
    if key is None or kept is None:
        return None
    if job.check_kept:
        outline = job.maker.outline(spec)
        if outline is None or job.renderer.outline_key(outline) != key:
            raise AssertionError(f"page_deps kept {shape.path}, whose inputs changed (a missed input)")
    facts = (shape.path, key, shape.updated, shape.sitemap)
    return PageResult(*facts, (), kept, False, shape.template, None, time.perf_counter() - start)


def _kept(job: PageJob, paths: list[str], key: str) -> tuple[str, ...] | None:
    """A page's files, if the last build made them from `key` and they are all as it left them."""
    if job.cold or job.cache.pages.get(paths[0]) != key:
        return None
    return tuple(paths) if all(job.cache.file_unchanged(p, job.out_dir) for p in paths) else None


_JOB: PageJob | None = None
"""The job of the build that forked this worker (set in the parent just before forking)."""


def _work(indices: list[int]) -> list[PageResult]:
    assert _JOB is not None, "workers are forked from a build"
    results = [process(_JOB, index) for index in indices]
    if _JOB.lean:
        release_free_memory()  # what rendering a chunk freed: kept, it is counted in the worker until it ends
    return results


class PageWork:
    """Every page of a job, processed in order of completion; workers start as soon as it is entered,
    so the parent can make the other files of the site meanwhile.

    The paper pages `page_deps` found unchanged are the parent's share (`here`), which it keeps
    once it asks for the results, while the workers render the rest: they are most of a day's
    build (10,000 of 10,700 pages at 10k papers), and sent to the workers each one's result came
    back pickled; the parent, which has made the other files by then, was waiting for them. Not for
    a large site (`lean`): touching every paper while the workers share its memory, the parent
    would copy it (as the data files did: `pipeline.MEMORY_FIRST_FROM`)."""

    def __init__(self, job: PageJob, workers: int | None = None) -> None:
        self.job = job
        workers = worker_count() if workers is None else workers
        self.workers = workers if len(job.specs) >= PARALLEL_FROM else 1
        unchanged = job.unchanged.papers if self.workers > 1 and not job.lean else frozenset()
        self.here = [i for i, spec in enumerate(job.specs) if spec.kind == "paper" and spec.key in unchanged]
        """The specs the parent processes (by place)."""
        here = set(self.here)
        self.there = [i for i in range(len(job.specs)) if i not in here]
        """The specs the workers process (all of them when there are none)."""
        self._pool: multiprocessing.pool.Pool | None = None
        self._results: Iterator[list[PageResult]] | None = None

    def __enter__(self) -> PageWork:
        global _JOB
        if self.workers > 1:
            _JOB = self.job  # forked workers inherit it, with the catalog and the cache it refers to
            frozen_for_fork()
            self._pool = forked_pool(self.workers)
            chunks = [self.there[i : i + CHUNK] for i in range(0, len(self.there), CHUNK)]
            self._results = self._pool.imap_unordered(_work, chunks)
        return self

    def results(self) -> Iterator[PageResult]:
        """Every page's result (in order of completion when workers run: the parent's share first)."""
        if self._results is None:
            yield from (process(self.job, index) for index in range(len(self.job.specs)))
            return
        yield from (process(self.job, index) for index in self.here)
        for chunk in self._results:
            yield from chunk

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        global _JOB
        if self._pool is not None:
            if error is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
        _JOB = None
