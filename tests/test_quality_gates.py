"""Quality gates over the built site: the Nu HTML validator passes every kind of page, no link is
broken, and no page but search loads JavaScript. (axe-core and the CSP check run in Chromium:
tests/browser/test_quality_gates.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_src.build.builder import build
from site_src.inputs.settings import BuildOptions

from .conftest import BuiltSite
from .golden import GOLDEN
from .helpers import SHIPPED_CONTENT, html, page
from .quality import JAVA, PAGE_KINDS, VNU_JAR, PageKind, broken_links, nu_validate

GOLDEN_PAGES = sorted((GOLDEN / "basic/expected").rglob("*.html"))
INVALID_HTML = "<!doctype html><html lang=en><title>x</title><ul><p>not a list item</p></ul><span id=a id=a></span>"


@pytest.fixture(scope="module")
def validation(sample_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[str]]:
    """Nu validator errors for every page of the sample site and of the golden site (the curator's
    notes, links, YAML digests and hand-written pages), the stylesheet and icon, and one page that
    is invalid on purpose: about 190 files in one JVM start, about 5 s."""
    if JAVA is None:
        pytest.skip("java not installed (the Nu validator needs Java 17)")
    assert VNU_JAR.is_file(), "run `npm ci` (make does) to install vnu-jar"
    broken = tmp_path_factory.mktemp("invalid") / "broken.html"
    broken.write_text(INVALID_HTML, encoding="utf-8")
    return nu_validate([*sorted(sample_site.out.rglob("*.html")), *GOLDEN_PAGES, *_styles(sample_site), broken])


def _styles(sample_site: BuiltSite) -> list[Path]:
    """The stylesheets and icons: what the Nu validator can check besides pages (not scripts or data)."""
    return sorted(p for p in (sample_site.out / "assets").rglob("*") if p.suffix in (".css", ".svg"))


def test_validator_reports_invalid_html(validation: dict[Path, list[str]]) -> None:
    errors = next(messages for file, messages in validation.items() if file.name == "broken.html")
    assert len(errors) >= 2, errors  # a <p> in a <ul>, a duplicate id


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=[k.kind for k in PAGE_KINDS])
def test_every_kind_of_page_is_valid_html(
    validation: dict[Path, list[str]], sample_site: BuiltSite, kind: PageKind
) -> None:
    assert validation[kind.file(sample_site.out).resolve()] == []


def test_every_page_of_both_sites_and_the_assets_are_valid(
    validation: dict[Path, list[str]], sample_site: BuiltSite
) -> None:
    assert len(GOLDEN_PAGES) >= 10
    checked = [*sample_site.out.rglob("*.html"), *GOLDEN_PAGES, *_styles(sample_site)]
    assert len(checked) > 180
    assert {str(f): validation[f.resolve()] for f in checked if validation[f.resolve()]} == {}


def test_page_kinds_list_every_kind_of_page_the_site_has(sample_site: BuiltSite) -> None:
    kinds = {kind.kind: kind for kind in PAGE_KINDS}
    on_site = {"not-found"}  # 404.html, the one page without a Markdown twin
    for twin in sample_site.out.rglob("index.md"):
        on_site.update(re.findall(r'^kind: "(.*)"$', twin.read_text(encoding="utf-8"), re.MULTILINE))
    assert on_site == set(kinds), "list each kind of page, with an example, in tests/cases/page_kinds.yaml"
    for kind in PAGE_KINDS:
        file = kind.file(sample_site.out)
        if file.name == "index.html":
            assert f'kind: "{kind.kind}"' in file.with_name("index.md").read_text(encoding="utf-8"), kind


def test_no_link_on_the_site_is_broken(sample_site: BuiltSite) -> None:
    base_url = page(sample_site.out, "").xpath("//link[@rel='canonical']/@href")[0]
    assert broken_links(sample_site.out, base_url) == []


def test_no_link_is_broken_below_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(BuildOptions(content_dir=SHIPPED_CONTENT, out_dir=out, base_url="https://example.org/digest/"))
    assert broken_links(out, "https://example.org/digest/") == []


def test_link_checker_finds_missing_pages_assets_and_fragments(tmp_path: Path) -> None:
    base = "https://example.org/"
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text('<p id="here">a</p><a href="/a/#here">ok</a><a href="../b/">b</a>')
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://example.org/gone/">'
        '<a href="a/#there">frag</a><a href="/a">no slash</a><a href="https://elsewhere.org/x">out</a>'
    )
    (tmp_path / "sitemap.xml").write_text("<urlset><url><loc>https://example.org/a/</loc></url></urlset>")
    assert broken_links(tmp_path, base) == [
        "a/index.html: ../b/ (no such file)",
        "index.html: /s.css (no such file)",
        "index.html: https://example.org/gone/ (no such file)",
        "index.html: a/#there (no id 'there' on that page)",
        "index.html: /a (no such file)",
    ]


def test_link_checker_finds_links_that_leave_the_sites_folder(tmp_path: Path) -> None:
    base = "https://example.org/digest/"
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text('<a href="../../x/">up and out</a><a href="../">home</a>')
    (tmp_path / "index.html").write_text(
        '<a href="/digest/a/">ok</a><a href="/api/papers.json">root</a><a href="https://example.org/blog/">blog</a>'
    )
    assert broken_links(tmp_path, base) == [
        "a/index.html: ../../x/ (outside the site's folder /digest/)",
        "index.html: /api/papers.json (outside the site's folder /digest/)",
    ]


def test_every_page_loads_one_script_and_no_inline_code(sample_site: BuiltSite) -> None:
    """Every page may load one script, `site.js`, a module (deferred, as modules are) that imports the
    features: the header search box's results as you type (the box is a plain form without it), the
    "Copy citation" and Save buttons (hidden without it), and so on; no page has inline code or
    handlers. That pages work without it is checked in Chromium with JavaScript off."""
    allowed = {kind.file(sample_site.out) for kind in PAGE_KINDS if kind.javascript}
    for file in sorted(sample_site.out.rglob("*.html")):
        tree = html(file)
        scripts = tree.xpath("//script[not(@type='application/ld+json')]")
        handlers = [name for element in tree.iter() for name in element.attrib if name.lower().startswith("on")]
        assert handlers == [] and all(s.get("src") and not (s.text or "").strip() for s in scripts), file
        if file not in allowed:
            entry = page(sample_site.out, "").xpath("//script[@type='module']/@src")[0]
            assert [(s.get("src"), s.get("type")) for s in scripts] == [(entry, "module")], file
            assert re.fullmatch(r"/assets/site\.[0-9a-f]{10}\.js", scripts[0].get("src")), file
