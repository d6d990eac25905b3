"""Hand-written pages: `content/pages/<slug>.md`, front matter plus Markdown, published at /<slug>/."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from site_src.errors import Problems
from site_src.inputs.curator_markdown import check_markdown
from site_src.inputs.front_matter import split_front_matter
from site_src.inputs.reader import TextFile
from site_src.inputs.schema import key, read_keys
from site_src.inputs.taxonomy import SLUG_PATTERN

RESERVED_PAGE_SLUGS = frozenset({"api", "assets", "digests", "papers", "reading-list", "search", "topics"})
"""Hand-written pages may not take the address of a generated section."""


@dataclass(frozen=True, kw_only=True)
class HandWritten:
    """A hand-written page: its front matter keys, its file's slug and its Markdown body."""

    title: str = key("text", "the page's heading", required=True)
    description: str = key("text", "one sentence for search engines and link previews", default="")
    menu: str = key("text", "a short label that lists the page in the site's navigation, e.g. About", default="")
    updated: datetime.date | None = key("date", "the day the page last changed, for the sitemap, e.g. 2025-06-26")
    slug: str = ""
    body: str = ""


def parse_page(file: TextFile, problems: Problems) -> HandWritten | None:
    """A hand-written page; None (with the problems recorded) when it cannot be published."""
    document = split_front_matter(file.text, file.source, problems)
    if document.readable and not document.meta and document.body_line == 1:  # no front matter at all
        problems.error(
            file.source.at(1),
            "the page has no front matter",
            'start it with three lines: "---", "title: …" (the page\'s title) and "---"',
        )
        document = replace(document, readable=False)
    values = read_keys(document.meta, HandWritten, file.source, "the page", problems) if document.readable else {}
    slug = file.stem
    if not SLUG_PATTERN.fullmatch(slug) or slug in RESERVED_PAGE_SLUGS:
        problems.error(
            file.source,
            f'"{slug}" cannot be a page address',
            "name the file with lower-case letters, digits and hyphens, not " + ", ".join(sorted(RESERVED_PAGE_SLUGS)),
        )
        return None
    check_markdown(document.body, file.source, document.body_line, problems)
    if "title" not in values:
        return None
    return HandWritten(**values, slug=slug, body=document.body)
