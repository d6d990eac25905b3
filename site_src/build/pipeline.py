"""The build, stage by stage: gather and validate everything, make everything, then write once.

parse → catalog ─┬─ related → pages (worker processes) ─┬─ write
                 │           + data, feeds (meanwhile)  │
                 └─ search index (a side process) ──────┘
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_src.build import output
from site_src.build.cache import BuildCache, FileRecord, cache_file, cache_folder, fingerprint
from site_src.build.gather import make_catalog, parse_inputs
from site_src.build.output import OutputFile, Staging, stage_bytes
from site_src.build.parallel import SideWork
from site_src.build.workers import PageJob, PageResult, PageWork
from site_src.catalog.model import Catalog, Paper
from site_src.catalog.related import count_terms, related_papers
from site_src.errors import BuildError, Problem, Problems
from site_src.inputs import reader
from site_src.inputs.settings import NODE_MODULES_DIR, ROOT, BuildOptions, SiteSettings
from site_src.pages.api import api_files, sitemap_files
from site_src.pages.assets import Asset, asset_files, fingerprint_all
from site_src.pages.feeds import feed_files
from site_src.pages.maker import Page, PageMaker, PageSpec
from site_src.pages.render import NavItem, Renderer, SiteView
from site_src.pages.urls import SiteUrls, output_file
from site_src.search.files import lunr_asset, search_files, search_page

Progress = Callable[[str, int, int], None]
"""Told, as a build goes, the stage it is in and how many of how many items are done (0 of 0 for a
stage that does not count)."""


@dataclass
class Timings:
    """Wall time per stage, in the order the stages ran."""

    seconds: dict[str, float] = field(default_factory=dict)
    progress: Progress | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time one stage."""
        if self.progress is not None:
            self.progress(name, 0, 0)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def add(self, name: str, seconds: float) -> None:
        """Count time measured elsewhere (summed over the render workers: CPU seconds, not wall time)."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())


@dataclass(frozen=True)
class Site:
    """Everything gathered and validated: the catalog and the pages to make, before any HTML exists."""

    settings: SiteSettings
    catalog: Catalog
    maker: PageMaker
    specs: list[PageSpec]
    urls: SiteUrls
    assets: dict[str, Asset]


@dataclass(frozen=True)
class BuildReport:
    """What a build or check did, for the summary line."""

    digests: int
    papers: int
    topics: int
    pages: int
    files: int
    rendered: int
    """Pages rendered this time (the others were unchanged since the last build)."""
    written: int
    """Files written this time (0 for a check, or for a build with nothing new)."""
    seconds: float
    timings: Timings
    warnings: tuple[Problem, ...]

    def summary(self, verb: str = "Built") -> str:
        """One line: "Built 3 digests, 144 papers, 15 topics, 170 pages in 1.42 s; 12 files changed"."""
        line = (
            f"{verb} {self.digests} digests, {self.papers} papers, {self.topics} topics, "
            f"{self.pages} pages in {self.seconds:.2f} s"
        )
        return f"{line}; {self.written} files changed" if verb == "Built" else line


def _site_view(
    settings: SiteSettings, urls: SiteUrls, pages: list[Page], assets: dict[str, Asset], noindex: bool
) -> SiteView:
    """Site-wide template data: name, navigation, asset links."""
    menu = [NavItem(p.meta["menu"], p.meta["url"], p.path.split("/")[0]) for p in pages if p.meta.get("menu")]
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
            *menu,
        ),
        assets={name: urls.link(a.path) for name, a in assets.items()},
        noindex=noindex,
    )


SIDE_SEARCH_FROM = 2000
"""Papers from which the search index is worth a process of its own (starting one costs about 0.5 s)."""

Staged = list[tuple[str, FileRecord, bool]]
"""Files made elsewhere: their paths, records, and whether new bytes were staged."""


def _search_key(catalog: Catalog, urls: SiteUrls) -> str:
    """Everything the search files are made from: each paper's text, topics and digests, the topics."""
    papers = (
        f"{p.slug}\0{p.title}\0{p.abstract}\0{p.topic_slugs}\0{[a.date for a in p.appearances]}"
        for p in catalog.papers.values()
    )
    return fingerprint(urls.base_url, *(f"{t.slug}\0{t.name}" for t in catalog.topics), *papers)


def search_staged(catalog: Catalog, urls: SiteUrls, folder: Path | None, unchanged: dict[str, FileRecord]) -> Staged:
    """The search files, staged (run in a side process: a top-level function, its arguments pickle)."""
    return [(f.path, *stage_bytes(folder, f.path, f.data, unchanged.get(f.path))) for f in search_files(catalog, urls)]


def _search(catalog: Catalog, urls: SiteUrls, staging: Staging) -> SideWork[Staged]:
    """The search files: kept from the last build when made from the same papers (the index cannot
    be updated in part: every new paper changes every weight), else made in a side process."""
    kept = None if staging.cold else staging.cache.kept_group("search", _search_key(catalog, urls), staging.out_dir)
    if kept is not None:
        return SideWork(list, [(path, record, False) for path, record in kept], cheap=True)
    _, previous = staging.cache.groups.get("search", ("", ()))
    unchanged = {path: record for path in previous if (record := staging.previous(path))}
    small = len(catalog.papers) < SIDE_SEARCH_FROM
    return SideWork(search_staged, catalog, urls, staging.folder, unchanged, cheap=small)


def _term_counter(cache: BuildCache) -> Callable[[Sequence[Paper]], list[dict[str, int]]]:
    """Papers' term counts for related papers, remembered per paper: a new digest recounts its own."""

    def counted(papers: Sequence[Paper]) -> list[dict[str, int]]:
        keys = [fingerprint(p.title, p.abstract) for p in papers]
        return cache.memo_many("terms", keys, lambda missing: count_terms([papers[i] for i in missing]))

    return counted


def _site_files(site: Site, options: BuildOptions, timings: Timings) -> list[OutputFile]:
    """The data, feeds and assets (made while the workers render the pages)."""
    with timings.stage("api"):
        api = api_files(site.catalog, site.urls)
    with timings.stage("feeds"):
        feeds = feed_files(site.catalog, site.settings, site.urls, options.templates_dir)
    return [*api, *feeds, *asset_files(site.assets)]


def _pages(
    site: Site, renderer: Renderer, options: BuildOptions, staging: Staging, timings: Timings, problems: Problems
) -> list[PageResult]:
    """Every page made, keyed, rendered where it changed, and staged, with the site's other files
    made meanwhile; raises BuildError when a template fails (one problem per template)."""
    job = PageJob(site.maker, site.specs, renderer, staging.cache, staging.out_dir, staging.folder, staging.cold)
    results: list[PageResult] = []
    failed: set[str] = set()
    with PageWork(job) as work:
        extras = _site_files(site, options, timings)
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
        for path, record, written in result.files:
            staging.record(path, record, written)
    sitemap = [(r.path, r.updated) for r in results if r.sitemap]
    for file in [*extras, *sitemap_files(sitemap, site.urls, renderer.site.noindex)]:
        staging.add(file)
    return results


def _finish(options: BuildOptions, problems: Problems) -> None:
    """Under --strict, warnings stop the build as errors do."""
    if options.strict and problems.warnings:
        raise BuildError([Problem(p.source, p.message, p.hint) for p in problems.warnings])


def load_cache(options: BuildOptions) -> BuildCache:
    """The cache of the output folder's last build (empty when there is none or it cannot be used)."""
    file = cache_file(options.out_dir)
    return BuildCache.from_bytes(reader.read_cache(file), reader.display_path(file))


def _static_files(options: BuildOptions, problems: Problems) -> dict[str, bytes]:
    """The templates' static files and lunr.js (with its licence), by name."""
    static = reader.load_static(options.templates_dir / "static", problems)
    lunr = reader.load_package(NODE_MODULES_DIR / "lunr", "lunr.min.js", problems)
    if lunr:
        static.update(lunr_asset(lunr, problems))
    return static


def build(
    options: BuildOptions, write: bool = True, cache: BuildCache | None = None, progress: Progress | None = None
) -> BuildReport:
    """Build the site, redoing only what changed since the last build of the same output folder;
    nothing is written unless every stage succeeds (`write=False` only checks)."""
    start = time.perf_counter()
    timings, problems = Timings(progress=progress), Problems()
    if write:
        output.check_output_folder(
            options.out_dir, [options.content_dir, options.templates_dir, ROOT, NODE_MODULES_DIR]
        )
    cache = cache if cache is not None else load_cache(options)
    notices, cache.notice = [cache.notice] if cache.notice else [], None  # told once, not at every rebuild
    with timings.stage("parse"):
        parsed = parse_inputs(options, problems, cache)
        static = _static_files(options, problems)
        problems.raise_if_errors()
    with timings.stage("catalog"):
        catalog = make_catalog(parsed, problems, cache)
    urls = SiteUrls(parsed.settings.base_url)
    assets = fingerprint_all(static)
    view = _site_view(parsed.settings, urls, parsed.hand_written, assets, options.noindex)
    renderer = Renderer(view, urls, options.templates_dir)
    problems.items.extend(renderer.check_templates())
    problems.raise_if_errors()
    staging = Staging(options.out_dir, cache, write=write)
    try:
        with _search(catalog, urls, staging) as search:
            with timings.stage("related"):
                # Related papers depend on every paper's text: remembered until a paper comes, goes or changes.
                texts = fingerprint(*(f"{slug}\0{p.title}\0{p.abstract}" for slug, p in catalog.papers.items()))
                related = cache.memo("related", texts, lambda: related_papers(catalog.papers, _term_counter(cache)))
            catalog = replace(catalog, related=related)
            pages = (*parsed.hand_written, search_page(urls))
            maker = PageMaker(catalog, urls, parsed.settings.title, parsed.settings.description, pages)
            site = Site(parsed.settings, catalog, maker, maker.specs(), urls, assets)
            results = _pages(site, renderer, options, staging, timings, problems)
            with timings.stage("search"):
                searched = search.result()
        for path, record, written in searched:
            staging.record(path, record, written)
        _finish(options, problems)
        if write:
            with timings.stage("write"):
                staging.publish()
                cache.pages = {output_file(r.path): r.key for r in results}
                cache.groups["search"] = (_search_key(catalog, urls), tuple(path for path, _, _ in searched))
                output.save_cache(cache_folder(options.out_dir), cache.to_bytes())
    finally:
        staging.discard()
    return BuildReport(
        digests=len(catalog.digests),
        papers=len(catalog.papers),
        topics=len(catalog.topics),
        pages=len(results),
        files=len(staging.records),
        rendered=sum(r.rendered for r in results),
        written=len(staging.written) if write else 0,
        seconds=time.perf_counter() - start,
        timings=timings,
        warnings=(*notices, *problems.warnings),
    )
