"""The build, stage by stage: gather and validate everything, make everything, then write once.

kept site linked up to date, output checked (a side process) ─┐
parse → catalog → templates ─┬─ related ───────────────────────┴→ pages (worker processes) ─┬─ strict → write
                             │                                    + data, feeds (meanwhile) │
                             └─ search index (a side process) ──────────────────────────────┘

`STAGES` is the table of contents; `BuildRun` holds what the stages make.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import NamedTuple, TypeVar

from site_src.build import output
from site_src.build.builder import BuildReport, Timings
from site_src.build.cache import BuildCache, FileRecord, MemoPart, cache_folder
from site_src.build.gather import Parsed, make_catalog, parse_inputs
from site_src.build.keys import SearchInputs, fingerprint
from site_src.build.memos import LastBuild
from site_src.build.output import StagedFile, Staging, stage_bytes
from site_src.build.page_deps import (
    CHECK_ENV,
    PAGE_DEPS_MEMO,
    PageDeps,
    page_deps,
    unchanged_paper_lists,
    unchanged_papers,
)
from site_src.build.paper_texts import PAPER_TEXTS_MEMO, KeptTexts, PaperTexts, kept_texts, noting_lengths
from site_src.build.parallel import SideWork, side_work_forks
from site_src.build.unchanged import Hashed, hash_inputs
from site_src.build.workers import PageJob, PageResult, PageWork, Unchanged
from site_src.catalog.epoch import epoch_of
from site_src.catalog.model import Catalog, Related, RelatedState
from site_src.catalog.related import count_terms, relate
from site_src.errors import Problem, Problems
from site_src.inputs import reader
from site_src.inputs.hand_pages import HandWritten
from site_src.inputs.settings import NODE_MODULES_DIR, BuildOptions, SiteSettings
from site_src.pages.api import PAPERS_JSON, api_files, json_array, paper_entry, sitemap_files
from site_src.pages.assets import Asset, asset_files, fingerprint_all
from site_src.pages.citations import bibtex_files
from site_src.pages.feeds import feed_files
from site_src.pages.kinds import FeedLinks, PaperPage
from site_src.pages.maker import PageMaker, PageSpec
from site_src.pages.render import NavItem, Renderer, SiteView
from site_src.pages.urls import SiteUrls, atom_feed_path, json_feed_path, output_file
from site_src.search.files import SearchFiles, keepable, lunr_asset, search_page
from site_src.search.kept import Analysis, EpochPieces


@dataclass(frozen=True)
class Site:
    """Everything gathered and validated: the catalog and the pages to make, before any HTML exists."""

    settings: SiteSettings
    catalog: Catalog
    maker: PageMaker
    specs: list[PageSpec]
    urls: SiteUrls
    assets: dict[str, Asset]
    kept: KeptTexts
    """The papers' entries in papers.json and BibTeX kept from the last build (`paper_texts`)."""


def _site_view(
    settings: SiteSettings, urls: SiteUrls, pages: list[HandWritten], assets: dict[str, Asset], noindex: bool
) -> SiteView:
    """Site-wide template data: name, navigation, asset links."""
    menu = [NavItem(p.menu, urls.link(f"{p.slug}/"), p.slug) for p in pages if p.menu]
    return SiteView(
        title=settings.title,
        description=settings.description,
        language=settings.language,
        author=settings.author,
        base_url=settings.base_url,
        home_url=urls.link(""),
        search_url=urls.link("search/"),
        nav=(
            NavItem("Digests", urls.link("digests/"), "digests"),
            NavItem("Topics", urls.link("topics/"), "topics"),
            NavItem("Reading list", urls.link("reading-list/"), "reading-list"),
            *menu,
        ),
        feeds=FeedLinks(settings.title, urls.link(atom_feed_path("")), urls.link(json_feed_path(""))),
        assets={name: urls.link(a.path) for name, a in assets.items()},
        noindex=noindex,
    )


RELATED_MEMO = "last"
"""Related papers are remembered whole, once: the next build starts from the last result (which says what
it was made from) rather than looking one up by its inputs."""

SIDE_PROCESS_FROM = 2000
"""Papers from which the search index, and the encoding of the memos, are worth a process of their
own (starting one costs about 0.5 s)."""
MIRROR_APART_FROM = 3 * SIDE_PROCESS_FROM
"""Files of the last site from which its claimed copy is brought up to date in a side process while
the inputs are read (about three files a paper), rather than when the site is published."""
MEMORY_FIRST_FROM = 20_000
"""Papers from which the stages are ordered for memory rather than time: the search process is
awaited before the page workers fork (it has had the related stage to work in; with the three
running together a 50k build peaked at 2.2 GB), and the data files and feeds are made before they
fork too (made meanwhile, they had the main process touch every paper while the workers shared
its memory, which copied it: 250 MB more at 50k papers); the page workers give back freed memory
as they go (`PageJob.lean`), and the memos are encoded in-process (`BuildRun.encode_memos`)."""


def memory_first(catalog: Catalog) -> bool:
    """Whether the build orders its stages for memory (`MEMORY_FIRST_FROM`)."""
    return len(catalog.papers) >= MEMORY_FIRST_FROM


_T = TypeVar("_T")

Staged = list[StagedFile]
"""Files made elsewhere (the search files)."""
SEARCH_EPOCH_MEMO = "searchepoch"
"""The memo of the epoch's search index pieces (`EpochPieces`), by `SearchInputs.epoch_key`."""
SEARCH_WORDS_MEMO, MONTH_WORDS = "searchwords", "month"
"""The memo of the month's papers' words as terms (`SearchFiles.month_words`), under one key: the
last build's are what the next one can use."""
SEARCH_STORE_MEMO, LAST_STORE = "searchstore", "last"
"""The memo of the search store chunks' paths, by what each was made from (`SearchFiles.chunk_paths`)."""


class Searched(NamedTuple):
    """What the search side process did: the files staged, the epoch's pieces if it made them,
    what the files and those pieces are made from (`SearchInputs.key` and `.epoch_key`), and the
    month's papers' words if it indexed them."""

    staged: Staged
    made: EpochPieces | None
    key: str
    epoch_key: str | None
    """None when there is no epoch."""
    words: dict[str, Analysis] | None = None
    chunks: dict[str, str] | None = None
    """Every store chunk's path by what it is made from, if it made the store."""


class LastSearch(NamedTuple):
    """What the last build left of the search files: what it made them from, those still as it wrote
    them (with their records) out of how many, the epoch's pieces remembered, by what they were
    made from, the month's papers' words it found and its store chunks' paths, by what they were
    made from."""

    key: str
    unchanged: dict[str, FileRecord]
    files: int
    pieces: dict[str, EpochPieces]
    words: dict[str, Analysis]
    chunks: dict[str, str]


def _made(value: _T, *_: object) -> _T:
    """A result made already, for `BuildCache.memo` and `update` to remember."""
    return value


def search_keys(catalog: Catalog, urls: SiteUrls, epoch: Collection[str] | None) -> tuple[str, str | None]:
    """What the search files and the epoch's pieces are made from (`Searched.key`, `.epoch_key`)."""
    inputs = SearchInputs(catalog)
    return inputs.key(urls.base_url), None if epoch is None else inputs.epoch_key(epoch)


def _kept_search(keys: tuple[str, str | None], last: LastSearch) -> Searched | None:
    """The search files as the last build left them, if it made them from the same inputs and all
    are still as it wrote them."""
    if keys[0] != last.key or len(last.unchanged) != last.files:
        return None
    return Searched([StagedFile(path, record, False) for path, record in last.unchanged.items()], None, *keys)


def search_staged(
    catalog: Catalog,
    urls: SiteUrls,
    folder: Path | None,
    epoch: Collection[str] | None,
    last: LastSearch,
    keys: tuple[str, str | None] | None = None,
) -> Searched:
    """The search files, keyed (unless `keys` are given) and staged, or kept whole (run in a side
    process: a top-level function, its arguments pickle); made, they keep the epoch's pieces the
    last build made from the same papers (a new paper of the month changes none of their weights)."""
    keys = keys or search_keys(catalog, urls, epoch)
    unchanged = _kept_search(keys, last)
    if unchanged is not None:
        return unchanged
    pieces = None if keys[1] is None else last.pieces.get(keys[1])
    kept = pieces if pieces is not None and keepable(pieces, last.unchanged) else None
    chunks = {key: path for key, path in last.chunks.items() if path in last.unchanged}
    files = SearchFiles(catalog, urls, epoch, kept, last.words, chunks)
    staged = [StagedFile(f.path, *stage_bytes(folder, f.path, f.data, last.unchanged.get(f.path))) for f in files]
    if kept is not None and files.epoch_pieces is kept:
        staged += [StagedFile(path, last.unchanged[path], False) for _, _, path in kept.pieces]
    staged += [StagedFile(path, last.unchanged[path], False) for path in files.kept_chunks]
    made = files.epoch_pieces if files.epoch_pieces is not kept else None
    return Searched(staged, made, *keys, files.month_words, files.chunk_paths)


def _search(catalog: Catalog, urls: SiteUrls, staging: Staging, epoch: Collection[str] | None) -> SideWork[Searched]:
    """The search files, keyed and made in a side process, while this one computes the related papers
    (keying them here held it up 0.1 s at 10k papers, with the other core idle); keyed here where
    that process would be spawned (a preview, which runs threads, is sent the catalog: not for
    files it finds unchanged) or not started (a small site)."""
    made_from, previous = staging.cache.groups.get("search", ("", ()))
    unchanged = {path: record for path in previous if (record := staging.previous(path))}
    pieces, words = staging.cache.peek_all(SEARCH_EPOCH_MEMO), staging.cache.peek(SEARCH_WORDS_MEMO, MONTH_WORDS)
    chunks = staging.cache.peek(SEARCH_STORE_MEMO, LAST_STORE) or {}
    last = LastSearch("" if staging.cold else made_from, unchanged, len(previous), pieces, words or {}, chunks)
    small = len(catalog.papers) < SIDE_PROCESS_FROM
    if small or not side_work_forks():
        keys = search_keys(catalog, urls, epoch)
        kept = _kept_search(keys, last)
        if kept is not None:
            return SideWork(Searched, *kept, cheap=True)
        pieces = {key: last.pieces[key] for key in keys[1:] if key in last.pieces}  # the one it can use
        return SideWork(
            search_staged, catalog, urls, staging.folder, epoch, last._replace(pieces=pieces), keys, cheap=small
        )
    return SideWork(search_staged, catalog, urls, staging.folder, epoch, last)


def _site_files(
    site: Site, renderer: Renderer, options: BuildOptions, staging: Staging, timings: Timings
) -> tuple[int, ...]:
    """The data, feeds and assets, staged (made while the workers render the pages); each feed is kept
    from the last build when what it is made from is unchanged, and so is each paper's entry in
    papers.json, whose lengths are returned (`paper_texts`)."""
    with timings.stage("api"):
        kept, urls, lengths = site.kept.take_json(), site.urls, list[int]()
        entries = (kept.get(slug) or paper_entry(paper, urls) for slug, paper in site.catalog.papers.items())
        staging.add_parts(PAPERS_JSON, json_array(noting_lengths(entries, lengths)))
        api = api_files(site.catalog, site.urls)
    with timings.stage("feeds"):
        template = renderer.templates.get("feed.xml", "")
        feeds, opml = feed_files(site.catalog, site.settings, site.urls, options.templates_dir, template)
        for feed in feeds:
            staging.add_group(feed.name, feed.key, feed.make)
    for file in [*api, opml, *asset_files(site.assets)]:
        staging.add(file)
    with timings.stage("citations"):
        for file in bibtex_files(site.catalog, site.maker.citations):
            staging.add(file)
    return tuple(lengths)


def _pages(
    site: Site,
    renderer: Renderer,
    options: BuildOptions,
    staging: Staging,
    timings: Timings,
    problems: Problems,
    unchanged: Unchanged,
) -> tuple[list[PageResult], tuple[int, ...]]:
    """Every page made, keyed (but the `unchanged`), rendered where it changed, and staged,
    with the site's other files made meanwhile (and the lengths of papers.json's entries); raises
    BuildError when a template fails (one problem per template)."""
    site.maker.prepare()
    renderer.prepare()
    lean = memory_first(site.catalog)
    cache, out_dir, cold = staging.cache, staging.out_dir, staging.cold
    job = PageJob(site.maker, site.specs, renderer, cache, out_dir, staging.folder, cold, lean, unchanged)
    results: list[PageResult] = []
    failed: set[str] = set()
    if lean:
        lengths = _site_files(site, renderer, options, staging, timings)
    with PageWork(job) as work:
        if not lean:
            lengths = _site_files(site, renderer, options, staging, timings)
        with timings.stage("pages"):
            for result in work.results():
                results.append(result)
                if result.problem is not None and result.template not in failed:
                    failed.add(result.template)
                    problems.items.append(result.problem)
                if timings.progress is not None:
                    timings.progress("pages", len(results), len(site.specs))
    timings.add("markdown", sum(r.making for r in results))
    timings.add("render", sum(r.rendering for r in results))
    problems.raise_if_errors()
    for result in results:
        for staged in result.files:
            staging.record(*staged)
        for path in result.kept:
            staging.keep(path)
    sitemap = [(r.path, r.updated) for r in results if r.sitemap]
    for file in sitemap_files(sitemap, site.urls, renderer.site.noindex):
        staging.add(file)
    return results, lengths


def _write_memos(cache: BuildCache, path: Path, parent: int, part: MemoPart) -> None:
    """A part of the memos written for the cache, the rest appended to those settled (`BuildCache.memo_lines`);
    run in a side process, which keeps no encoded result: it ends; or in the `parent` process, which
    keeps them for its next build, as the preview does."""
    lines = cache.memo_lines(part, remember=os.getpid() == parent)
    output.write_parts(path, lines, append=part == "rest")


def last_related(cache: BuildCache) -> Mapping[str, tuple[Related, ...]]:
    """The related papers of the last build that made them (for the preview's fast render, which
    reuses them rather than recompute), or none."""
    cache.load_memos()
    state: RelatedState | None = cache.peek("related", RELATED_MEMO)
    return state.related if state is not None else {}


def _static_files(options: BuildOptions, problems: Problems) -> dict[str, bytes]:
    """The templates' static files and lunr.js (with its licence), by name."""
    static = reader.load_static(options.templates_dir / "static", problems)
    lunr = reader.load_package(NODE_MODULES_DIR / "lunr", "lunr.min.js", problems)
    if lunr:
        static.update(lunr_asset(lunr, problems))
    return static


class BuildRun:
    """One build's state, filled in stage by stage: each stage reads what the earlier ones made."""

    parsed: Parsed
    static: dict[str, bytes]
    catalog: Catalog
    urls: SiteUrls
    assets: dict[str, Asset]
    renderer: Renderer
    search: SideWork[Searched]
    epoch: frozenset[str] | None
    epoch_key: str | None
    """What the epoch's search index pieces are made from (`SearchInputs.epoch_key`), when there is an epoch."""
    search_key: str
    """What the search files are made from (`SearchInputs.key`)."""
    results: list[PageResult]
    page_deps: PageDeps
    """What this build's paper pages, digest pages and topic archive pages are made from (`page_deps`)."""
    staging: Staging
    side_work: ExitStack
    mirror: SideWork[output.Mirrored] | None
    """The claimed site, being linked up to date with the output, and the output checked (`mirror_live`)..."""
    mirrored: output.Mirrored | None
    """... and what that found, once the pages are made (None if it did not happen or failed)."""
    searched: Staged | None = None
    settled_memos: SideWork[None] | None = None
    """The memos no later stage changes, being written while the pages are made (`_write_settled`)..."""
    memos: SideWork[None] | None = None
    """... and the others, appended once they are made (`encode_memos`)..."""
    memo_file: Path | None = None
    """... into this file, until the cache is saved."""
    memo_error: Exception | None = None
    """Why the settled memos could not be written, if they could not."""

    def __init__(self, options: BuildOptions, write: bool, cache: BuildCache, timings: Timings, inputs: Hashed) -> None:
        self.options, self.write, self.cache, self.timings, self.inputs = options, write, cache, timings, inputs
        self.problems = Problems()
        self._stage()
        try:
            read = cache.load_memos()
        except BaseException:  # interrupted: the claimed site goes back
            self.close()
            raise
        if not read:  # unreadable, they took the cache's records with them: a cold start
            self.close()
            self._stage()
        self.notices, cache.notice = [cache.notice] if cache.notice else [], None  # told once, not at every rebuild

    def _stage(self) -> None:
        """The staging folder, and the side process that brings the site it claimed up to date, forked
        before the memos are read: forked from a smaller process, it leaves this one fewer pages to
        copy when it next writes to them (11,000 fewer page faults in a day's build at 10k papers)."""
        self.staging = Staging(self.options.out_dir, self.cache, write=self.write)
        self.side_work = ExitStack()
        self.mirror = None
        self.mirrored = None
        if self.staging.claimed is not None:
            small = len(self.cache.files) < MIRROR_APART_FROM
            claimed, out_dir = self.staging.claimed, self.options.out_dir
            work = SideWork(output.mirror_live, claimed, out_dir, self.cache.files, cheap=small, fork_only=True)
            try:
                self.mirror = self.side_work.enter_context(work)
            except BaseException:  # the process could not start: the claimed site goes back
                self.close()
                raise

    def parse(self) -> None:
        """Every input read and checked, and the static files; stops when the catalog cannot be made
        (the catalog stage stops on the rest, with what it finds added)."""
        self.parsed = parse_inputs(self.options, self.problems, self.cache)
        self.static = _static_files(self.options, self.problems)

    def make_catalog(self) -> None:
        """Digests merged into papers, topics assigned, notes matched to papers; stops on any error so far."""
        self.catalog = make_catalog(self.parsed, self.problems, self.cache)

    def check_templates(self) -> None:
        """The site-wide template data, and every template parsed before any page is rendered."""
        self.urls = SiteUrls(self.parsed.settings.base_url)
        self.assets = fingerprint_all(
            self.static, self.problems, reader.display_path(self.options.templates_dir / "static")
        )
        view = _site_view(self.parsed.settings, self.urls, self.parsed.hand_written, self.assets, self.options.noindex)
        self.renderer = Renderer(view, self.urls, self.options.templates_dir)
        self.problems.items.extend(self.renderer.check_templates())
        self.problems.raise_if_errors()

    def start_search(self) -> None:
        """The search index, begun in a side process while the pages are made."""
        self.epoch = epoch_of(self.catalog)
        self.search = self.side_work.enter_context(_search(self.catalog, self.urls, self.staging, self.epoch))

    def relate(self) -> None:
        """Related papers, from the last build's where the epoch is the same: only new and changed papers
        are weighed, and only the lists they can alter are computed again."""
        state = self.cache.update(
            "related", RELATED_MEMO, lambda last: relate(self.catalog.papers, count_terms, self.epoch, last)
        )
        self.catalog = replace(self.catalog, related=state.related)

    def make_pages(self) -> None:
        """Every page made and rendered where it changed, the other files meanwhile; all staged (for a
        large site, once the search files are: see `MEMORY_FIRST_FROM`)."""
        if memory_first(self.catalog):
            self.collect_search()
        self.mirrored = self._mirrored()
        if self.mirrored is not None:
            self.cache.altered = self.mirrored.altered  # every output file checked once, not by each worker
        settings = self.parsed.settings
        extra = (search_page(self.urls),)
        maker = PageMaker(
            self.catalog, self.urls, settings.title, settings.description, tuple(self.parsed.hand_written), extra
        )
        specs = maker.specs()
        unchanged = self._unchanged_pages(maker, specs)
        kept = self._kept_texts(maker)
        self._write_settled()
        site = Site(settings, self.catalog, maker, specs, self.urls, self.assets, kept)
        self.results, lengths = _pages(
            site, self.renderer, self.options, self.staging, self.timings, self.problems, unchanged
        )
        self._remember_texts(maker, lengths)

    def _unchanged_pages(self, maker: PageMaker, specs: list[PageSpec]) -> Unchanged:
        """The pages made from what the last build made them from (`page_deps`), found without making
        their outlines: papers, digest pages and topic archive pages; what this build's are made
        from is remembered for the next."""
        paper_template = self.renderer.templates.get(PaperPage.template, "")
        context = fingerprint(paper_template, self.renderer.site_key, self.parsed.taxonomy)
        paper_lists = {}
        for spec in specs:
            if (found := maker.paper_list(spec)) is not None:
                shape, head, listed = found
                own = f"{self.renderer.templates.get(shape.template, '')}\n{head}"
                paper_lists[shape.path] = (own, [paper.slug for paper in listed])
        now = page_deps(self.catalog, maker.citations.keys, self.parsed.digest_keys, context, paper_lists)
        last: PageDeps | None = None if self.staging.cold else self.cache.peek(PAGE_DEPS_MEMO, "last")
        self.cache.update(PAGE_DEPS_MEMO, "last", lambda _: now)
        self.page_deps = now
        made_from = self.cache.page_deps
        return Unchanged(
            unchanged_papers(now, last, made_from, self.catalog), unchanged_paper_lists(now, last, made_from)
        )

    def _texts_context(self) -> str:
        """What papers.json and BibTeX entries show of the site (`PaperTexts.context`)."""
        return fingerprint(self.urls.base_url, self.parsed.settings.title)

    def _kept_texts(self, maker: PageMaker) -> KeptTexts:
        """The papers' entries in papers.json and BibTeX that the last build made from what they are
        made from now (`paper_texts`); its BibTeX entries (each one that begins as the paper's key
        says) are given to the citations before the page workers fork. With `CHECK_ENV` set (the
        tests), each is made anyway and must be the same."""
        last: PaperTexts | None = None if self.staging.cold else self.cache.peek(PAPER_TEXTS_MEMO, "last")
        kept = kept_texts(last, self.page_deps, self._texts_context(), self._last_papers_json)
        citations, papers = maker.citations, self.catalog.papers
        kept.bibtex = {s: e for s, e in kept.bibtex.items() if e.startswith(f"@misc{{{citations.keys[s]},\n")}
        if os.environ.get(CHECK_ENV):
            for slug, entry in kept.json.items():
                if entry != paper_entry(papers[slug], self.urls):
                    raise AssertionError(f"paper_texts kept {slug}'s papers.json entry, whose inputs changed")
            for slug, bibtex in kept.bibtex.items():
                if bibtex != citations.new_entry(papers[slug]):
                    raise AssertionError(f"paper_texts kept {slug}'s BibTeX entry, whose inputs changed")
        citations.keep(kept.bibtex)
        return kept

    def _last_papers_json(self) -> bytes | None:
        """The last build's papers.json, if the output holds it as that build wrote it."""
        if self.staging.previous(PAPERS_JSON) is None:
            return None
        try:
            return (self.options.out_dir / PAPERS_JSON).read_bytes()
        except OSError:
            return None

    def _remember_texts(self, maker: PageMaker, lengths: tuple[int, ...]) -> None:
        """This build's entries in papers.json and BibTeX, for the next build to keep (`paper_texts`)."""
        papers, records = self.catalog.papers, self.page_deps.papers
        assert len(lengths) == len(papers), "papers.json has an entry per paper, in the catalog's order"
        texts = PaperTexts(
            self._texts_context(),
            {slug: records[slug] for slug in papers},
            {slug: maker.citations.entry(paper) for slug, paper in papers.items()},
            self.staging.records[PAPERS_JSON].sha,
            lengths,
        )
        self.cache.update(PAPER_TEXTS_MEMO, "last", lambda _: texts)

    def _write_settled(self) -> None:
        """The memos made so far, which no later stage changes (all but the papers' texts and the
        search's), written by a side process while the pages are made: written once the pages were,
        encoding them was 0.3 s at the end of a cold build at 10k papers, with a core idle."""
        if self.write:
            self.memo_file = output.new_memo_file(cache_folder(self.options.out_dir))
            self.cache.settle()
            self.settled_memos = self.side_work.enter_context(self._memo_writer("settled"))

    def _memo_writer(self, part: MemoPart) -> SideWork[None]:
        """A side process that writes the memos (`_write_memos`). In-process where forking is not safe:
        the memos are too large to pickle. In-process too for a large site (`MEMORY_FIRST_FROM`):
        encoding every memo of a cold build, the side process copied what it read of the main
        process's memory, and at 50k papers the two held 1.48 GB, more than the page workers."""
        here = len(self.catalog.papers) < SIDE_PROCESS_FROM or memory_first(self.catalog)
        pid = os.getpid()
        return SideWork(_write_memos, self.cache, self.memo_file, pid, part, cheap=here, fork_only=True)

    def encode_memos(self) -> None:
        """The other memos this build used, appended to those `_write_settled` wrote by a side process
        while this one publishes the site (no later stage uses a memo): at 10k papers, 0.2 s of the
        main process's time after a day's digest."""
        if self.write:
            assert self.settled_memos is not None, "the pages stage comes first"
            try:
                self.settled_memos.result()  # long done, unless it runs here
            except Exception as error:  # noqa: BLE001 - raised where the others' would be: the site is published first
                self.memo_error = error
                return
            self.memos = self.side_work.enter_context(self._memo_writer("rest"))

    def collect_search(self) -> None:
        """The search files, from the side process (once)."""
        if self.searched is not None:
            return
        self.searched, made, self.search_key, self.epoch_key, words, chunks = self.search.result()
        for staged in self.searched:
            self.staging.record(*staged)
        for namespace, key, value in [(SEARCH_WORDS_MEMO, MONTH_WORDS, words), (SEARCH_STORE_MEMO, LAST_STORE, chunks)]:
            if value is not None:
                self.cache.update(namespace, key, partial(_made, value))
            elif (last := self.cache.peek(namespace, key)) is not None:
                self.cache.memo(namespace, key, partial(_made, last))  # files kept whole: so is what they were made of
        if self.epoch_key is None:
            return
        if made is not None:
            self.cache.update(SEARCH_EPOCH_MEMO, self.epoch_key, lambda _: made)  # in place of one not kept
        elif (last := self.cache.peek(SEARCH_EPOCH_MEMO, self.epoch_key)) is not None:
            self.cache.memo(SEARCH_EPOCH_MEMO, self.epoch_key, lambda: last)  # kept for the next build

    def apply_strictness(self) -> None:
        """Under --strict, warnings stop the build as errors do."""
        self.problems.raise_if_errors(strict=self.options.strict)

    def publish(self) -> None:
        """The staged site swapped in, and what it was made from remembered (nothing for a check)."""
        if not self.write:
            return
        assert self.searched is not None, "the search stage comes first"
        assert self.memo_file is not None
        self.staging.publish(None if self.mirrored is None else self.mirrored.files(self.cache.files.keys()))
        self.cache.pages = {output_file(r.path): r.key for r in self.results}
        self.cache.page_deps = self.page_deps.name
        self.cache.groups = {
            **self.staging.groups,
            "search": (self.search_key, tuple(s.path for s in self.searched)),
        }
        counts = (len(self.catalog.digests), len(self.catalog.papers), len(self.catalog.topics), len(self.results))
        # Only if no input changed while the build read them, not even to change back (then the same
        # bytes, but new change times): else the key would name bytes other than those the build read.
        same = hash_inputs(self.options, self.cache) == self.inputs
        self.cache.last = (self.inputs.key, LastBuild(*counts, self._warnings())) if same else None
        folder, cache = cache_folder(self.options.out_dir), self.cache.to_bytes()
        try:
            if self.memo_error is not None:
                raise self.memo_error
            assert self.memos is not None, "the memos stage comes first"
            self.memos.result()
        except BaseException:
            output.save_cache(folder, cache, None)  # the new site's records, beside the last memos (still right)
            raise
        output.save_cache(folder, cache, self.memo_file)
        self.cache.forget_unused()

    def _mirrored(self) -> output.Mirrored | None:
        """What bringing the claimed site up to date found, once it is; None if it could not be, or
        its process died (killed, out of memory): publishing then checks every file again."""
        try:
            return None if self.mirror is None else self.mirror.result()
        except (OSError, RuntimeError):
            return None

    def close(self) -> None:
        """Side processes stopped and staged files removed, whether the build succeeded or not."""
        try:
            self.side_work.close()
        finally:
            self.cache.altered = None  # the next build (of the preview, which keeps the cache) checks anew
            self.cache.unsettle()
            self.staging.discard()
            if self.memo_file is not None:
                self.memo_file.unlink(missing_ok=True)  # put in place unless the build failed
                with contextlib.suppress(OSError):  # a first build failed: its cache folder goes too
                    self.memo_file.parent.rmdir()

    def report(self, seconds: float) -> BuildReport:
        """What the build did, for the summary line."""
        return BuildReport(
            digests=len(self.catalog.digests),
            papers=len(self.catalog.papers),
            topics=len(self.catalog.topics),
            pages=len(self.results),
            files=len(self.staging.records),
            rendered=sum(r.rendered for r in self.results),
            written=len(self.staging.written) if self.write else 0,
            seconds=seconds,
            timings=self.timings,
            warnings=(*self.notices, *self._warnings()),
        )

    def _warnings(self) -> tuple[Problem, ...]:
        """This build's warnings, once each, in file and line order as errors are (and as a build that
        finds nothing to do says them again: it said them in the order they were found)."""
        return tuple(sorted(set(self.problems.warnings)))


STAGES: tuple[tuple[str, Callable[[BuildRun], None]], ...] = (
    ("parse", BuildRun.parse),
    ("catalog", BuildRun.make_catalog),
    ("templates", BuildRun.check_templates),
    ("search", BuildRun.start_search),
    ("related", BuildRun.relate),
    ("pages", BuildRun.make_pages),
    ("search", BuildRun.collect_search),
    ("strict", BuildRun.apply_strictness),
    ("memos", BuildRun.encode_memos),
    ("write", BuildRun.publish),
)
"""The build, in order: a stage that finds errors raises BuildError, and nothing is written."""
