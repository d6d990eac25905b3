"""Quality gates in Chromium: every kind of page works under netlify.toml's Content-Security-Policy,
and axe-core finds no serious or critical accessibility violation, in light and dark schemes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from site_src.inputs.settings import NODE_MODULES_DIR
from tests.conftest import BuiltSite
from tests.netlify import NetlifyHandler
from tests.quality import PAGE_KINDS, PageKind

from .conftest import serve_folder
from .search_page import search_for

AXE = NODE_MODULES_DIR / "axe-core/axe.min.js"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI || "inline"}`);
});
"""
KIND_IDS = [k.kind for k in PAGE_KINDS]


@pytest.fixture(scope="session")
def netlify_url(sample_site: BuiltSite) -> Iterator[str]:
    """The sample site served as Netlify serves it: netlify.toml's headers and 404 page."""
    with serve_folder(sample_site.out, NetlifyHandler) as url:
        yield url


def _violations_after_loading(page: Page, url: str) -> tuple[int, list[str]]:
    """Load a page recording CSP violations; its status and the violations."""
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    violations: list[str] = page.evaluate("window.cspViolations")
    return response.status, violations


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=KIND_IDS)
def test_page_works_under_the_content_security_policy(
    page: Page, netlify_url: str, console_errors: list[str], kind: PageKind
) -> None:
    status, violations = _violations_after_loading(page, netlify_url + kind.url)
    assert (status, violations) == (200, [])
    # the stylesheet was allowed: the page has its own background, not the browser's transparent one
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_unknown_address_gets_the_404_page_under_the_policy(page: Page, netlify_url: str) -> None:
    status, violations = _violations_after_loading(page, netlify_url + "/papers/no-such-paper/")
    assert (status, violations) == (404, [])
    assert page.locator("h1").inner_text() == "Page not found"


def test_the_policy_blocks_inline_script_and_style(page: Page, tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        '<!doctype html><title>before</title><p style="color: red">x</p><script>document.title = "ran"</script>',
        encoding="utf-8",
    )
    with serve_folder(tmp_path, NetlifyHandler) as url:
        _, violations = _violations_after_loading(page, url + "/bad.html")
    assert page.title() == "before"
    assert sorted(v.split()[0] for v in violations) == ["script-src-elem", "style-src-attr"]


def _serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the loaded page, with a few of their elements."""
    if not page.evaluate("'axe' in window"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"rule": v["id"], "impact": v["impact"], "where": [n["target"] for n in v["nodes"][:3]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _serious_violations_in_both_schemes(page: Page) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)  # restyles the loaded page: no second load
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        found[scheme] = _serious_violations(page)
    return found


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=KIND_IDS)
def test_no_serious_accessibility_violations_in_light_or_dark(page: Page, site_url: str, kind: PageKind) -> None:
    page.goto(site_url + kind.url)
    assert _serious_violations_in_both_schemes(page) == {"light": [], "dark": []}


def _results_shown_with_highlights(page: Page) -> None:
    """Results are on the page, with highlighted words in linked titles and in snippets."""
    page.wait_for_function("!document.querySelector('.search-results').hasAttribute('aria-busy')")
    assert page.locator(".search-result").count() > 1
    assert page.locator(".search-result-title a mark").count() > 0
    assert page.locator(".search-result-snippet mark").count() > 0


def test_no_serious_accessibility_violations_on_search_results(page: Page, site_url: str) -> None:
    """The search page with results shown: highlighted words in titles (links) and snippets."""
    page.goto(site_url + "/search/?q=music")
    _results_shown_with_highlights(page)
    assert _serious_violations_in_both_schemes(page) == {"light": [], "dark": []}


def test_no_serious_accessibility_violations_in_the_header_results_panel(page: Page, site_url: str) -> None:
    """The results panel below the header of another page, opened by typing into its box."""
    page.goto(site_url + "/topics/")
    assert search_for(page, "music")
    _results_shown_with_highlights(page)
    assert page.locator("#search-panel").is_visible()
    assert _serious_violations_in_both_schemes(page) == {"light": [], "dark": []}


def test_axe_finds_what_it_should(page: Page) -> None:
    page.set_content('<img src="x.png"><p style="color: #ddd; background: #fff">faint text</p>')
    rules = {v["rule"] for v in _serious_violations(page)}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= rules
