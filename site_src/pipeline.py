"""The build, stage by stage: gather and validate everything, render everything, then write once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import content, output
from .api import api_files, sitemap_files
from .assets import Asset, asset_files, fingerprint_all
from .catalog import build_catalog
from .config import NODE_MODULES_DIR, TEMPLATES_DIR, BuildOptions, SiteSettings, parse_settings, with_overrides
from .digest import parse_digest
from .errors import BuildError, Problem, Problems, Source
from .model import Catalog
from .notes import parse_note
from .pages import Page, make_pages, parse_page
from .render import NavItem, SiteView, render_site
from .search import lunr_asset, search_files, search_page
from .topics import parse_taxonomy
from .urls import SiteUrls


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
    seconds: float
    timings: Timings
    warnings: tuple[Problem, ...]

    def summary(self, verb: str = "Built") -> str:
        """One line: "Built 3 digests, 144 papers, 15 topics, 170 pages in 1.42 s"."""
        return (
            f"{verb} {self.digests} digests, {self.papers} papers, {self.topics} topics, "
            f"{self.pages} pages in {self.seconds:.2f} s"
        )


def _parse_inputs(options: BuildOptions, problems: Problems) -> tuple[SiteSettings, Catalog, list[Page]]:
    """Read and parse every input; every problem of every file is recorded before this returns."""
    inputs = content.load(options.content_dir, problems)
    settings_source = inputs.settings.source if inputs.settings else Source("content/site.yaml")
    settings = parse_settings(inputs.settings.text if inputs.settings else None, settings_source, problems)
    settings = with_overrides(settings, options)
    topics = parse_taxonomy(inputs.topics, problems) if inputs.topics else ()
    slugs = {t.slug for t in topics}
    digests = [d for f in inputs.digests if (d := parse_digest(f, settings.year, slugs, problems))]
    notes = [parse_note(f, slugs, problems) for f in inputs.notes]
    urls = SiteUrls(settings.base_url)
    hand_written = [p for f in inputs.pages if (p := parse_page(f, urls, problems))]
    problems.raise_if_errors()
    catalog = build_catalog(digests, topics, notes, problems)
    problems.raise_if_errors()
    return settings, catalog, hand_written


def _site_view(settings: SiteSettings, urls: SiteUrls, pages: list[Page], assets: dict[str, Asset]) -> SiteView:
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
    )


def gather(options: BuildOptions, timings: Timings, problems: Problems) -> tuple[Site, SiteView]:
    """Every input parsed and validated, every page made; raises BuildError on any error."""
    with timings.stage("parse"):
        settings, catalog, hand_written = _parse_inputs(options, problems)
        static = content.load_static(TEMPLATES_DIR / "static", problems)
        lunr = content.load_package(NODE_MODULES_DIR / "lunr", "lunr.min.js", problems)
        if lunr:
            static.update(lunr_asset(lunr, problems))
        problems.raise_if_errors()
    urls = SiteUrls(settings.base_url)
    with timings.stage("markdown"):
        pages = (*make_pages(catalog, urls, settings.title, settings.description), *hand_written, search_page(urls))
    assets = fingerprint_all(static)
    site = Site(settings, catalog, pages, urls, assets)
    return site, _site_view(settings, urls, hand_written, assets)


def render(site: Site, view: SiteView, timings: Timings, problems: Problems) -> dict[str, bytes]:
    """Every output file, in memory; raises BuildError when a template fails."""
    with timings.stage("render"):
        html = list(render_site(site.pages, view, site.urls, TEMPLATES_DIR, problems))
        problems.raise_if_errors()
    with timings.stage("api"):
        extras = [*api_files(site.catalog, site.urls), *sitemap_files(site.pages, site.urls)]
    with timings.stage("search"):
        extras += search_files(site.catalog, site.urls)
    return output.collect([*html, *extras, *asset_files(site.assets)])


def _finish(options: BuildOptions, problems: Problems) -> None:
    """Under --strict, warnings stop the build as errors do."""
    if options.strict and problems.warnings:
        raise BuildError([Problem(p.source, p.message, p.hint) for p in problems.warnings])


def build(options: BuildOptions, write: bool = True) -> BuildReport:
    """Build the site; nothing is written unless every stage succeeds (`write=False` only checks)."""
    start = time.perf_counter()
    timings, problems = Timings(), Problems()
    if write:
        output.check_output_folder(options.out_dir, [options.content_dir, TEMPLATES_DIR.parent, NODE_MODULES_DIR])
    site, view = gather(options, timings, problems)
    files = render(site, view, timings, problems)
    _finish(options, problems)
    if write:
        with timings.stage("write"):
            output.publish(files, options.out_dir)
    return BuildReport(
        digests=len(site.catalog.digests),
        papers=len(site.catalog.papers),
        topics=len(site.catalog.topics),
        pages=len(site.pages),
        files=len(files),
        seconds=time.perf_counter() - start,
        timings=timings,
        warnings=tuple(problems.warnings),
    )
