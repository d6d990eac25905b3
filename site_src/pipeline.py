"""The build, stage by stage: gather and validate everything, render everything, then write once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from . import content, output
from .api import api_files, sitemap_files
from .assets import Asset, asset_files, fingerprint_all
from .cache import BuildCache, cache_folder, fingerprint
from .catalog import build_catalog
from .config import NODE_MODULES_DIR, ROOT, BuildOptions, SiteSettings, parse_settings, with_overrides
from .digest import parse_digest
from .errors import BuildError, Problem, Problems, Source
from .feeds import feed_files
from .model import Catalog, DigestFile, Note, Topic, TopicAssignment
from .notes import parse_note
from .output import OutputFile
from .pages import Page, PageMaker, PageSpec, parse_page
from .pagework import PageJob, PageResult, PageWork
from .parallel import fork_map
from .related import related_papers
from .render import NavItem, Renderer, SiteView
from .search import lunr_asset, search_files, search_page
from .topics import Classifier, parse_taxonomy
from .urls import SiteUrls, output_file

_T = TypeVar("_T")


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


def _remembered(cache: BuildCache, namespace: str, key: str, parse: Callable[[Problems], _T], problems: Problems) -> _T:
    """A parse result and the problems it found, computed once per distinct input."""

    def run() -> tuple[_T, list[Problem]]:
        found = Problems()
        return parse(found), found.items

    result, found = cache.memo(namespace, key, run)
    problems.items.extend(found)
    return result


@dataclass(frozen=True)
class Parsed:
    """Every input, parsed and checked on its own."""

    settings: SiteSettings
    topics: tuple[Topic, ...]
    taxonomy: str
    """A fingerprint of the taxonomy file: classifications are remembered per taxonomy."""
    digests: list[DigestFile]
    notes: list[Note]
    hand_written: list[Page]


def _parse_inputs(options: BuildOptions, problems: Problems, cache: BuildCache) -> Parsed:
    """Read every input and parse the ones that changed; every problem of every file is recorded."""
    inputs = content.load(options.content_dir, problems)
    settings_source = inputs.settings.source if inputs.settings else Source("content/site.yaml")
    settings = parse_settings(inputs.settings.text if inputs.settings else None, settings_source, problems)
    settings = with_overrides(settings, options)
    topics = parse_taxonomy(inputs.topics, problems) if inputs.topics else ()
    slugs = {t.slug for t in topics}
    context = fingerprint(str(settings.year), *sorted(slugs))
    digests = [
        digest
        for f in inputs.digests
        if (
            digest := _remembered(
                cache,
                "digest",
                fingerprint(context, str(f.source), f.text),
                partial(parse_digest, f, settings.year, slugs),
                problems,
            )
        )
    ]
    notes = [
        _remembered(cache, "note", fingerprint(context, str(f.source), f.text), partial(parse_note, f, slugs), problems)
        for f in inputs.notes
    ]
    urls = SiteUrls(settings.base_url)
    hand_written = [p for f in inputs.pages if (p := parse_page(f, urls, problems))]
    problems.raise_if_errors()
    taxonomy = fingerprint(inputs.topics.text if inputs.topics else "")
    return Parsed(settings, topics, taxonomy, digests, notes, hand_written)


def _make_catalog(parsed: Parsed, problems: Problems, cache: BuildCache) -> Catalog:
    """Papers merged across digests, with their topics (remembered per paper) and notes."""
    classifier = Classifier.for_topics(parsed.topics)

    def classify_all(pairs: Sequence[tuple[str, str]]) -> list[tuple[TopicAssignment, ...]]:
        keys = [fingerprint(parsed.taxonomy, title, abstract) for title, abstract in pairs]
        return cache.memo_many(
            "topics", keys, lambda missing: fork_map(lambda i: classifier.assign(*pairs[i]), missing)
        )

    catalog = build_catalog(parsed.digests, parsed.topics, parsed.notes, problems, classify_all)
    problems.raise_if_errors()
    return catalog


def load_catalog(options: BuildOptions) -> Catalog:
    """The validated catalog alone, for commands that report on it (`build.py topics`); raises BuildError."""
    cache = BuildCache.empty()
    return _make_catalog(_parse_inputs(options, Problems(), cache), Problems(), cache)


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


def gather(options: BuildOptions, timings: Timings, problems: Problems, cache: BuildCache) -> tuple[Site, SiteView]:
    """Every input parsed and validated, every page named; raises BuildError on any error."""
    with timings.stage("parse"):
        parsed = _parse_inputs(options, problems, cache)
        static = content.load_static(options.templates_dir / "static", problems)
        lunr = content.load_package(NODE_MODULES_DIR / "lunr", "lunr.min.js", problems)
        if lunr:
            static.update(lunr_asset(lunr, problems))
        problems.raise_if_errors()
    with timings.stage("catalog"):
        catalog = _make_catalog(parsed, problems, cache)
    settings, hand_written = parsed.settings, parsed.hand_written
    with timings.stage("related"):
        # Related papers depend on every paper's text: remembered until any paper comes, goes or changes.
        texts = fingerprint(*(f"{slug}\0{p.title}\0{p.abstract}" for slug, p in catalog.papers.items()))
        catalog = replace(catalog, related=cache.memo("related", texts, lambda: related_papers(catalog.papers)))
    urls = SiteUrls(settings.base_url)
    pages = (*hand_written, search_page(urls))
    maker = PageMaker(catalog, urls, settings.title, settings.description, pages)
    assets = fingerprint_all(static)
    site = Site(settings, catalog, maker, maker.specs(), urls, assets)
    return site, _site_view(settings, urls, hand_written, assets, options.noindex)


def _site_files(site: Site, options: BuildOptions, timings: Timings) -> list[OutputFile]:
    """The files that are not pages: data, feeds and assets (made while workers render the pages)."""
    with timings.stage("api"):
        api = api_files(site.catalog, site.urls)
    with timings.stage("feeds"):
        feeds = feed_files(site.catalog, site.settings, site.urls, options.templates_dir)
    with timings.stage("search"):
        search = search_files(site.catalog, site.urls)
    return [*api, *feeds, *search, *asset_files(site.assets)]


def _render(
    site: Site,
    renderer: Renderer,
    options: BuildOptions,
    staging: output.Staging,
    timings: Timings,
    problems: Problems,
) -> list[PageResult]:
    """Every page made, rendered (where it changed) and staged, and the other files of the site with
    them; raises BuildError when a template fails."""
    problems.items.extend(renderer.check_templates())
    problems.raise_if_errors()
    job = PageJob(site.maker, site.specs, renderer, staging.cache, options.out_dir, staging.folder, staging.cold)
    results: list[PageResult] = []
    failed: set[str] = set()
    with PageWork(job) as work:
        extras = _site_files(site, options, timings)  # while the workers render
        with timings.stage("pages"):
            for result in work.results():
                results.append(result)
                if result.problem is not None and result.template not in failed:
                    failed.add(result.template)  # one problem per template, not one per page
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
    """The cache of the output folder's last build (empty when there is none)."""
    return BuildCache.from_bytes(content.read_cache(cache_folder(options.out_dir)))


def build(
    options: BuildOptions, write: bool = True, cache: BuildCache | None = None, progress: Progress | None = None
) -> BuildReport:
    """Build the site, redoing only what changed since the last build of the same output folder;
    nothing is written unless every stage succeeds (`write=False` only checks)."""
    start = time.perf_counter()
    timings, problems = Timings(progress=progress), Problems()
    if write:
        protected = [options.content_dir, options.templates_dir, ROOT, NODE_MODULES_DIR]
        output.check_output_folder(options.out_dir, protected)
    cache = cache if cache is not None else load_cache(options)
    site, view = gather(options, timings, problems, cache)
    renderer = Renderer(view, site.urls, options.templates_dir)
    staging = output.Staging(options.out_dir, cache, write=write)
    try:
        results = _render(site, renderer, options, staging, timings, problems)
        _finish(options, problems)
        if write:
            with timings.stage("write"):
                staging.publish()
                cache.pages = {output_file(r.path): r.key for r in results}
                output.save_cache(cache_folder(options.out_dir), cache.to_bytes())
    finally:
        staging.discard()
    return BuildReport(
        digests=len(site.catalog.digests),
        papers=len(site.catalog.papers),
        topics=len(site.catalog.topics),
        pages=len(results),
        files=len(staging.records),
        rendered=sum(r.rendered for r in results),
        written=len(staging.written) if write else 0,
        seconds=time.perf_counter() - start,
        timings=timings,
        warnings=tuple(problems.warnings),
    )
