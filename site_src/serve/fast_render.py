"""Fast render for the preview: the pages open in a tab, made fresh before the full build runs.

A full incremental build at 10k papers takes seconds; the curator looks at one or two pages. So on
a save the preview first reads and checks every input, makes the catalog and checks the templates
(the build's own first stages, with the preview's cache, so problems are the build's problems),
then makes and renders only the pages it is asked for. Related papers are not recomputed: the last
good build's are reused (for papers that still exist), and the full build that follows corrects them.
Nothing is written: the bytes go to the server's in-memory overlay.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from site_src.build.builder import Timings
from site_src.build.cache import BuildCache
from site_src.build.parallel import collector_paused
from site_src.build.pipeline import BuildRun, last_related
from site_src.build.unchanged import Hashed
from site_src.catalog.model import Catalog, Related
from site_src.errors import BuildError
from site_src.inputs.schema import iso_day
from site_src.inputs.settings import BuildOptions
from site_src.pages.assets import asset_files
from site_src.pages.maker import LISTING_PATHS, PageMaker, PageSpec
from site_src.pages.render import template_problem
from site_src.pages.urls import digest_path, output_file, paper_path, topic_page_path
from site_src.search.files import search_page

RelatedPapers = Mapping[str, tuple[Related, ...]]
"""Related papers by paper slug, as `Catalog.related` holds them."""


def spec_path(maker: PageMaker, spec: PageSpec) -> str:
    """The site path of the page a spec other than a paper's names: known without making the page,
    but for hand-written pages and those made elsewhere (a few, cheap to make)."""
    if spec.kind == "digest":
        return digest_path(datetime.date.fromisoformat(spec.key))
    if spec.kind == "topic":
        return topic_page_path(spec.key, spec.number)
    if spec.kind == "listing":
        return LISTING_PATHS[int(spec.key)]
    return maker.make(spec).path


def wanted_specs(maker: PageMaker, wanted: Collection[str]) -> list[PageSpec]:
    """The specs of the pages whose output file is wanted: a paper's found from the path (checked by
    making the path again), the other pages' by naming each (a few hundred: naming all 53,000 pages
    of 50k papers took 0.08 s of every save)."""
    found = [spec for spec in maker.specs(papers=False) if output_file(spec_path(maker, spec)) in wanted]
    for path in sorted(wanted):
        parts = path.split("/")  # papers/<slug>/index.html
        if len(parts) == 3 and parts[1] in maker.catalog.papers and output_file(paper_path(parts[1])) == path:
            found.append(PageSpec("paper", parts[1]))
    return found


class SurvivingRelated(Mapping[str, tuple[Related, ...]]):
    """The last good build's related papers, kept only where both papers still exist (a page must
    never link to a paper that is gone); filtered as pages ask, since few pages are made."""

    def __init__(self, related: RelatedPapers, papers: Collection[str]) -> None:
        self._related, self._papers = related, papers

    def __getitem__(self, slug: str) -> tuple[Related, ...]:
        if slug not in self._papers:
            raise KeyError(slug)
        return tuple(r for r in self._related[slug] if r.slug in self._papers)

    def __iter__(self) -> Iterator[str]:
        return (slug for slug in self._related if slug in self._papers)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def reuse_related(catalog: Catalog, related: RelatedPapers) -> Catalog:
    """The catalog with the last good build's related papers, for the papers that still exist."""
    return replace(catalog, related=SurvivingRelated(related, catalog.papers.keys()))


def edited_pages(changed: Iterable[Path], options: BuildOptions) -> set[str]:
    """Output paths of the pages that obviously show an edited file (a note's paper, a digest's day,
    a hand-written page), so that they are fresh when the curator opens them next."""
    content = options.content_dir.resolve()
    pages = set()
    for path in changed:
        try:
            parts = path.resolve().relative_to(content).parts
        except ValueError:
            continue
        if len(parts) != 2:
            continue
        folder, stem = parts[0], Path(parts[1]).stem
        if folder == "notes":
            pages.add(output_file(paper_path(stem)))
        elif folder == "pages":
            pages.add(output_file(f"{stem}/"))
        elif folder == "digests":
            day = iso_day(stem)
            if day is not None:
                pages.add(output_file(digest_path(day)))
    return pages


def fast_render(options: BuildOptions, cache: BuildCache, wanted: Collection[str]) -> dict[str, bytes]:
    """The files of the pages whose HTML output path is in `wanted` (their HTML and Markdown twin),
    and the site's fingerprinted assets (a page may link to an asset the last build did not make),
    by output path. Raises BuildError with the build's problems: inputs, catalog, templates, or a
    template failing on one of these pages."""
    with collector_paused():  # the catalog is many small objects and no cycles: 0.1-0.2 s at 10k papers
        return _render(options, cache, wanted)


def _render(options: BuildOptions, cache: BuildCache, wanted: Collection[str]) -> dict[str, bytes]:
    related = last_related(cache)
    run = BuildRun(options, write=False, cache=cache, timings=Timings(), inputs=Hashed(""))
    try:
        run.parse()
        run.make_catalog()
        run.check_templates()
    finally:
        run.close()
    settings = run.parsed.settings
    maker = PageMaker(
        reuse_related(run.catalog, related),
        run.urls,
        settings.title,
        settings.description,
        tuple(run.parsed.hand_written),
        (search_page(run.urls),),
    )
    files = {file.path: file.data for file in asset_files(run.assets)}
    for spec in wanted_specs(maker, wanted):
        page = maker.make(spec)
        try:
            outputs = run.renderer.render(page)
        except Exception as exc:  # noqa: BLE001 - any failure inside a template is a template problem
            raise BuildError([template_problem(exc, options.templates_dir, page.template, page.path)]) from None
        files.update((file.path, file.data) for file in outputs)
    return files
