"""Markdown pages into HTML through Jinja: autoescape on, undefined variables are errors.

`page_context` is the one function that decides what a template sees: the page's front matter
as `page`, its rendered body as `content`, and the site-wide `site`.
"""

from __future__ import annotations

import datetime
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError
from markupsafe import Markup

from .content import display_path
from .errors import Problem, Problems, Source
from .markup import render_markdown
from .output import OutputFile
from .pages import Page, long_date
from .urls import SiteUrls, markdown_file, output_file


def short_date(date: datetime.date) -> str:
    """How compact lists name a day: 26 Jun 2025."""
    return f"{date.day} {date:%b %Y}"


def count(number: int, noun: str) -> str:
    """ "1 paper", "2 papers": English plurals for the nouns the templates count."""
    return f"{number} {noun if number == 1 else noun + 's'}"


def make_environment(templates_dir: Path) -> Environment:
    """The one Jinja environment: escaping everything unless told otherwise, failing on typos."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["count"] = count
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
        "page": page.meta,
        "content": Markup(render_markdown(page.body)),  # noqa: S704 - markdown-it output, raw HTML off
        "canonical": urls.absolute(page.path),
        "section": page.path.split("/", 1)[0],
        "site": site,
    }


def template_problem(exc: Exception, templates_dir: Path, page: Page) -> Problem:
    """Where in which template a render failed: the innermost template frame of the error."""
    where = Source(display_path(templates_dir / page.template))
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        where = Source(display_path(Path(exc.filename)), exc.lineno)
    else:
        for frame, line in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if Path(filename).is_relative_to(templates_dir):
                where = Source(display_path(Path(filename)), line)
    message = getattr(exc, "message", None) or str(exc)
    return Problem(where, f"{message} (while rendering /{page.path})", "the page's data is in its index.md")


def render_site(
    pages: Iterable[Page],
    site: SiteView,
    urls: SiteUrls,
    templates_dir: Path,
    problems: Problems,
) -> Iterator[OutputFile]:
    """Each page as HTML, plus its Markdown twin; a template error is reported once per template."""
    env = make_environment(templates_dir)
    failed: set[str] = set()
    for page in pages:
        if page.template in failed:
            continue
        try:
            html = env.get_template(page.template).render(page_context(page, site, urls))
        except Exception as exc:  # noqa: BLE001 - any failure inside a template is a template problem
            failed.add(page.template)
            problems.items.append(template_problem(exc, templates_dir, page))
            continue
        yield OutputFile(output_file(page.path), html.encode("utf-8"))
        if page.publish_markdown:
            yield OutputFile(markdown_file(page.path), page.to_markdown().encode("utf-8"))
