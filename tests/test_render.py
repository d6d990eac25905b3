"""Template mistakes are reported at their template line, like input mistakes, and stop the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_src.build.builder import build
from site_src.errors import BuildError
from site_src.inputs.settings import TEMPLATES_DIR, BuildOptions
from site_src.pages.kinds import FeedLinks, SearchPage
from site_src.pages.maker import Page
from site_src.pages.render import NavItem, Renderer, SiteView
from site_src.pages.urls import SiteUrls

from .golden import GOLDEN
from .helpers import TEMPLATE_BREAKS, at_template_line

SITE = SiteView(
    "T",
    "D",
    "en",
    "A",
    "https://x.org/",
    "/",
    "/search/",
    (NavItem("Digests", "/digests/", "digests"),),
    FeedLinks("T", "/feed.xml", "/feed.json"),
)
PAGE = Page("papers/x/", SearchPage(title="<b>X</b>", url="/papers/x/"), body="*hi*")


def test_renders_escaped_front_matter_and_markdown_body(tmp_path: Path) -> None:
    (tmp_path / "search.html").write_text("<h1>{{ page.title }}</h1>{{ content }}", encoding="utf-8")
    html, markdown = Renderer(SITE, SiteUrls("https://x.org/"), tmp_path).render(PAGE)
    assert (html.path, markdown.path) == ("papers/x/index.html", "papers/x/index.md")
    assert html.data == b'<h1>&lt;b&gt;X&lt;/b&gt;</h1><p dir="auto"><em>hi</em></p>\n'
    assert markdown.data.startswith(b'---\nkind: "search"\ntitle: "\\u003cb>X\\u003c/b>"\nurl: "/papers/x/"\n---\n*hi*')


@pytest.mark.parametrize(
    ("old", "new", "message"),
    TEMPLATE_BREAKS,
)
def test_template_errors_name_the_template_line_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    paper = templates / "paper.html"
    text = paper.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, new)
    paper.write_text(edited, encoding="utf-8")
    message = at_template_line(message, edited, new)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "public"
    with pytest.raises(BuildError) as caught:
        build(BuildOptions(content_dir=GOLDEN / "basic/content", out_dir=out, templates_dir=templates))
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 1, "three paper pages fail the same way: one message"
    assert messages[0].startswith(message), messages[0]
    assert ("while rendering /papers/" in messages[0]) == ("{{" in new), "runtime errors name a page"
    assert not out.exists()
