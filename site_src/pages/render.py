"""Markdown pages into HTML through Jinja: autoescape on, undefined variables are errors.

`page_context` is the one function that decides what a template sees: the page's front matter
as `page`, its rendered body as `content`, and the site-wide `site`.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import traceback
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError, meta
from jinja2.bccache import Bucket
from markupsafe import Markup

from site_src.build.keys import outline_key, page_key, site_key, template_key
from site_src.build.output import OutputFile
from site_src.errors import Problem, Source
from site_src.inputs.reader import display_path
from site_src.markup import code_label, render_markdown
from site_src.pages.kinds import FeedLinks
from site_src.pages.maker import Outline, Page, long_date
from site_src.pages.urls import SiteUrls, bibtex_file, markdown_file, output_file


@functools.lru_cache(maxsize=4096)
def short_date(date: datetime.date) -> str:
    """How compact lists name a day: 26 Jun 2025 (remembered: a cold build at 10k papers shows a day 27,000 times)."""
    return f"{date.day} {date:%b %Y}"


def count(number: int, noun: str) -> str:
    """ "1 paper", "2 papers": English plurals for the nouns the templates count."""
    return f"{number} {noun if number == 1 else noun + 's'}"


def day_or_year(value: str) -> str:
    """How pages name a publication date that may be a bare year: 26 June 2025, or 2025."""
    return value if len(value) == 4 else long_date(datetime.date.fromisoformat(value))


def person(name: str) -> dict[str, str]:
    """An author as schema.org describes one."""
    return {"@type": "Person", "name": name}


KEPT_TEMPLATES = 256
"""Compiled templates kept per process (a site has about twenty; the preview compiles each saved one)."""


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, by file and source: the preview makes a new environment at
    every save, and compiling the templates again each time cost a tenth of a second. Held as code
    objects in memory, never written or read back from anywhere."""

    def __init__(self) -> None:
        self._code: dict[tuple[str, str], CodeType] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self._code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            if len(self._code) >= KEPT_TEMPLATES:  # a long preview session: the oldest go first
                del self._code[next(iter(self._code))]
            self._code[(bucket.key, bucket.checksum)] = bucket.code


COMPILED = CompiledTemplates()
SYNTAX: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}
"""How templates are written: a block tag's line and leading whitespace are not output."""


class _Environment(Environment):
    """Jinja's environment, whose templates see its globals as a plain mapping.

    Every render of a page runs its templates' imports (`{% from "macros.html" import ... %}`),
    and each import compares the template's globals with the imported one's: as Jinja's chained
    mappings, through Python's generic set code, 0.3 s of a cold build's 22 CPU seconds at 10k
    papers; as a dict, in C. A template then holds a copy of the globals as they were when it was
    loaded: nothing changes them after the environment is made (it sets filters only)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def make_environment(templates_dir: Path) -> Environment:
    """The one Jinja environment: escaping everything unless told otherwise, failing on typos."""
    env = _Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        **SYNTAX,
        auto_reload=False,  # templates never change during a build (each build makes its own environment)
        bytecode_cache=COMPILED,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["count"] = count
    env.filters["day_or_year"] = day_or_year
    env.filters["person"] = person
    env.filters["code_label"] = code_label
    return env


@dataclass(frozen=True)
class NavItem:
    """A link in the site's header."""

    label: str
    url: str
    section: str
    """The first segment of the site paths it covers, to mark the current section."""


@dataclass(frozen=True)
class SiteView:
    """What every template sees as `site`."""

    title: str
    description: str
    language: str
    author: str
    base_url: str
    home_url: str
    search_url: str
    nav: tuple[NavItem, ...]
    feeds: FeedLinks
    """The site's feeds: feed readers find them from every page without feeds of its own (a paper's)."""
    assets: dict[str, str] = field(default_factory=dict)
    """Asset name to fingerprinted link."""
    noindex: bool = False
    """Every page asks search engines not to index it (deploy previews)."""

    def asset(self, name: str) -> str:
        """The link of a static asset; an unknown name is a template mistake."""
        if name not in self.assets:
            raise LookupError(f'no static asset "{name}" in templates/static/')
        return self.assets[name]


def page_context(page: Page, site: SiteView, urls: SiteUrls) -> dict[str, Any]:
    """Everything a template may use, and nothing else."""
    return {
        "page": page.data,
        "content": Markup(render_markdown(page.body, urls.site_link)),  # noqa: S704 - markdown-it output, raw HTML off
        "canonical": urls.absolute(page.path),
        "section": page.path.split("/", 1)[0],
        "site": site,
    }


def template_problem(exc: Exception, templates_dir: Path, template: str, page_path: str | None = None) -> Problem:
    """Where in which template a render failed: the innermost template frame of the error."""
    where = Source(display_path(templates_dir / template))
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        where = Source(display_path(Path(exc.filename)), exc.lineno)
    else:
        for frame, line in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if Path(filename).is_relative_to(templates_dir):
                where = Source(display_path(Path(filename)), line)
    message = getattr(exc, "message", None) or str(exc)
    if page_path is None:
        return Problem(where, message, "fix the template")
    return Problem(where, f"{message} (while rendering /{page_path})", "the page's data is in its index.md")


@functools.lru_cache(maxsize=256)
def _references(name: str, filename: str | None, source: str) -> frozenset[str] | None:
    """The templates a template extends, includes or imports, or None if it names one by a variable
    (`{% include name %}`): it may use any. Raises TemplateSyntaxError (parsed once per source: the
    preview fingerprints the templates at every save)."""
    parsed = Environment(autoescape=True, **SYNTAX).parse(source, name, filename)
    found = frozenset(meta.find_referenced_templates(parsed))
    return None if None in found else frozenset(r for r in found if r)


def template_fingerprints(env: Environment) -> dict[str, str]:
    """Each page template's hash, covering every template it extends, includes or imports,
    so that a template change re-renders exactly the pages that use it."""
    assert env.loader is not None
    names = [n for n in env.list_templates() if not n.startswith("static/")]
    loaded = {name: env.loader.get_source(env, name) for name in names}
    sources = {name: source for name, (source, _, _) in loaded.items()}
    uses = {name: _references(name, filename, source) for name, (source, filename, _) in loaded.items()}

    def closure(name: str) -> set[str]:
        found, pending = {name}, [name]
        while pending:
            used_here = uses.get(pending.pop(), frozenset())
            if used_here is None:  # a template named by a variable: any of them, so all of them
                return set(sources)
            for used in used_here:
                if used not in found:
                    found.add(used)
                    pending.append(used)
        return found

    return {name: template_key(sources, closure(name)) for name in sources}


@dataclass(frozen=True)
class Renderer:
    """Jinja templates and the site-wide data, ready to turn any Markdown page into its files."""

    site: SiteView
    urls: SiteUrls
    templates_dir: Path

    @cached_property
    def env(self) -> Environment:
        """The Jinja environment (one per process: workers make their own)."""
        return make_environment(self.templates_dir)

    @cached_property
    def templates(self) -> dict[str, str]:
        """Each template's fingerprint; raises TemplateSyntaxError for a template that does not parse."""
        return template_fingerprints(self.env)

    @cached_property
    def site_key(self) -> str:
        """A fingerprint of the site-wide data every page shows."""
        return site_key(self.site)

    def check_templates(self) -> list[Problem]:
        """The syntax errors of the templates, found before any page is rendered."""
        try:
            self.templates  # noqa: B018 - parsing every template is the check
        except TemplateSyntaxError as exc:
            return [template_problem(exc, self.templates_dir, exc.name or "")]
        return []

    def prepare(self) -> None:
        """Compile the page templates before render workers are forked, so that no worker compiles
        them again (each worker compiled them for its first pages: 0.05 s of each in a day's build)."""
        for name in self.templates:
            if name.endswith(".html"):
                with contextlib.suppress(Exception):  # one that fails to compile is reported by the pages it renders
                    self.env.get_template(name)

    def key(self, page: Page) -> str:
        """What the page's files are made from (see `page_key`)."""
        return page_key(
            page.data, page.body, page.publish_markdown, self.templates.get(page.template, ""), self.site_key
        )

    def outline_key(self, outline: Outline) -> str:
        """What an outlined page's files are made from: its inputs, its templates, the site-wide data."""
        return outline_key(outline.inputs, self.templates.get(outline.template, ""), self.site_key)

    def render(self, page: Page) -> list[OutputFile]:
        """The page's HTML and, for most pages, its Markdown twin; raises what its template raises."""
        html = self.env.get_template(page.template).render(page_context(page, self.site, self.urls))
        files = [OutputFile(output_file(page.path), html.encode("utf-8"))]
        if page.publish_markdown:
            files.append(OutputFile(markdown_file(page.path), page.to_markdown().encode("utf-8")))
        if page.bibtex:
            files.append(OutputFile(bibtex_file(page.path), page.bibtex.encode("utf-8")))
        return files

    def output_paths(self, page: Page | Outline) -> list[str]:
        """The files `render` makes for a page."""
        paths = [output_file(page.path)] + ([markdown_file(page.path)] if page.publish_markdown else [])
        return paths + ([bibtex_file(page.path)] if page.bibtex else [])
