"""Template mistakes are reported at their template line, like input mistakes, and stop the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_src.cache import BuildCache
from site_src.errors import Problems
from site_src.output import OutputFile
from site_src.pages import Page
from site_src.render import NavItem, SiteView, render_site
from site_src.urls import SiteUrls

SITE = SiteView("T", "D", "en", "A", "https://x.org/", "/", "/search/", (NavItem("Digests", "/digests/", "digests"),))
PAGE = Page(path="papers/x/", template="paper.html", meta={"title": "<b>X</b>", "url": "/papers/x/"}, body="*hi*")


def _render(tmp_path: Path, template: str) -> tuple[list[str], list[bytes]]:
    (tmp_path / "paper.html").write_text(template, encoding="utf-8")
    problems = Problems()
    result = render_site([PAGE], SITE, SiteUrls("https://x.org/"), tmp_path, problems, BuildCache.empty(), tmp_path)
    messages = [str(p).replace(str(tmp_path), "templates") for p in problems]
    return messages, [f.data for f in result.files if isinstance(f, OutputFile)]


def test_renders_escaped_front_matter_and_markdown_body(tmp_path: Path) -> None:
    messages, files = _render(tmp_path, "<h1>{{ page.title }}</h1>{{ content }}")
    assert messages == []
    assert files[0] == b"<h1>&lt;b&gt;X&lt;/b&gt;</h1><p><em>hi</em></p>\n"
    assert files[1].startswith(b'---\ntitle: "<b>X</b>"\nurl: "/papers/x/"\n---\n*hi*')


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("line one\n{% if page.title %}\nunclosed", "templates/paper.html:3: Unexpected end of template."),
        ("line one\n\n{{ page.titel }}", "templates/paper.html:3: 'dict object' has no attribute 'titel'"),
        (
            "{{ site.asset('missing.css') }}",
            'templates/paper.html:1: no static asset "missing.css" in templates/static/',
        ),
    ],
)
def test_template_errors_name_the_template_line(tmp_path: Path, template: str, message: str) -> None:
    messages, files = _render(tmp_path, template)
    assert files == []
    assert len(messages) == 1
    assert messages[0].startswith(message), messages[0]
    assert ("while rendering /papers/x/" in messages[0]) == ("{{" in template), "runtime errors name the page"
