"""The build, stage by stage: gather and validate everything, render everything, then write once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
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
from .model import Catalog, TopicAssignment
from .notes import parse_note
from .pages import Page, make_pages, parse_page
from .related import related_papers
from .render import NavItem, RenderResult, SiteView, render_site
from .topics import Classifier, parse_taxonomy
from .urls import SiteUrls

_T = TypeVar("_T")


@dataclass
class Timings:
    """Wall time per stage, in the order the stages ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time one stage."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())


@dataclass(frozen=True)
class Site:
    """Everything gathered and validated: the catalog and the pages, before any HTML exists."""

    settings: SiteSettings
    catalog: Catalog
    pages: tuple[Page, ...]
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


def _parse_inputs(
    options: BuildOptions, problems: Problems, cache: BuildCache
) -> tuple[SiteSettings, Catalog, list[Page]]:
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
    classifier = Classifier.for_topics(topics)
    taxonomy = fingerprint(inputs.topics.text if inputs.topics else "")

    def classify(title: str, abstract: str) -> tuple[TopicAssignment, ...]:
        return cache.memo("topics", fingerprint(taxonomy, title, abstract), lambda: classifier.assign(title, abstract))

    catalog = build_catalog(digests, topics, notes, problems, classify)
    problems.raise_if_errors()
    return settings, catalog, hand_written


def load_catalog(options: BuildOptions) -> Catalog:
    """The validated catalog alone, for commands that report on it (`build.py topics`); raises BuildError."""
    _settings, catalog, _pages = _parse_inputs(options, Problems(), BuildCache.empty())
    return catalog


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
    """Every input parsed and validated, every page made; raises BuildError on any error."""
    with timings.stage("parse"):
        settings, catalog, hand_written = _parse_inputs(options, problems, cache)
        static = content.load_static(options.templates_dir / "static", problems)
        problems.raise_if_errors()
    with timings.stage("related"):
        catalog = replace(catalog, related=related_papers(catalog.papers))
    urls = SiteUrls(settings.base_url)
    with timings.stage("markdown"):
        pages = (*make_pages(catalog, urls, settings.title, settings.description), *hand_written)
    assets = fingerprint_all(static)
    site = Site(settings, catalog, pages, urls, assets)
    return site, _site_view(settings, urls, hand_written, assets, options.noindex)


def render(
    site: Site, view: SiteView, options: BuildOptions, timings: Timings, problems: Problems, cache: BuildCache
) -> tuple[dict[str, output.Output], RenderResult]:
    """Every output file (or a note that it is unchanged); raises BuildError when a template fails."""
    with timings.stage("render"):
        pages = render_site(site.pages, view, site.urls, options.templates_dir, problems, cache, options.out_dir)
        problems.raise_if_errors()
    with timings.stage("api"):
        extras = [*api_files(site.catalog, site.urls), *sitemap_files(site.pages, site.urls, view.noindex)]
    with timings.stage("feeds"):
        feeds = feed_files(site.catalog, site.settings, site.urls, options.templates_dir)
    return output.collect([*pages.files, *extras, *feeds, *asset_files(site.assets)]), pages


def _finish(options: BuildOptions, problems: Problems) -> None:
    """Under --strict, warnings stop the build as errors do."""
    if options.strict and problems.warnings:
        raise BuildError([Problem(p.source, p.message, p.hint) for p in problems.warnings])


def load_cache(options: BuildOptions) -> BuildCache:
    """The cache of the output folder's last build (empty when there is none)."""
    return BuildCache.from_bytes(content.read_cache(cache_folder(options.out_dir)))


def build(options: BuildOptions, write: bool = True, cache: BuildCache | None = None) -> BuildReport:
    """Build the site, redoing only what changed since the last build of the same output folder;
    nothing is written unless every stage succeeds (`write=False` only checks)."""
    start = time.perf_counter()
    timings, problems = Timings(), Problems()
    if write:
        protected = [options.content_dir, options.templates_dir, ROOT, NODE_MODULES_DIR]
        output.check_output_folder(options.out_dir, protected)
    cache = cache if cache is not None else load_cache(options)
    site, view = gather(options, timings, problems, cache)
    files, pages = render(site, view, options, timings, problems, cache)
    _finish(options, problems)
    written = 0
    if write:
        with timings.stage("write"):
            written = output.publish(files, options.out_dir, cache).written
            cache.pages = pages.page_keys
            output.save_cache(cache_folder(options.out_dir), cache.to_bytes())
    return BuildReport(
        digests=len(site.catalog.digests),
        papers=len(site.catalog.papers),
        topics=len(site.catalog.topics),
        pages=len(site.pages),
        files=len(files),
        rendered=pages.rendered,
        written=written,
        seconds=time.perf_counter() - start,
        timings=timings,
        warnings=tuple(problems.warnings),
    )
