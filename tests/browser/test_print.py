"""Printing in Chromium (print media emulated): the papers without the site's chrome, black on white,
each web link of a paper followed by its address, every author, no paper split across pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

PAPER = "/papers/adversarial-midibert-symbolic-music-understanding-model-based-on-unbias-pre/"
MANY_AUTHORS = "/papers/a-pretrainers-guide-to-training-data-measuring-the-effects-of-data-age-domain/"
CHROME = [
    ".skip-link",
    ".site-nav",
    "form.site-search",
    ".site-footer",
    "main button",
    ".pager",
    ".subscribe",
]

NOT_DISPLAYED = """e => {
  for (; e; e = e.parentElement) if (getComputedStyle(e).display === "none") return true;
  return false;
}"""
"""Whether an element or one of its ancestors is `display: none` (laid out nowhere, on no page)."""


def after(page: Page, selector: str) -> list[str]:
    """The computed ::after content of every element matching `selector`."""
    found: list[str] = page.locator(selector).evaluate_all(
        "links => links.map(a => getComputedStyle(a, '::after').content)"
    )
    return found


@pytest.mark.parametrize("path", ["/", "/digests/2025-06-26/", "/topics/music/", PAPER])
def test_print_hides_navigation_search_footer_buttons_and_pagers(page: Page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    page.locator("main button.save-toggle").evaluate_all("buttons => buttons.forEach(b => { b.hidden = false; })")
    expect(page.locator("main button.save-toggle").first).to_be_visible()  # as the reading list shows them
    present = [selector for selector in CHROME if page.locator(selector).count()]
    assert {".site-nav", "form.site-search", ".site-footer", "main button"} <= set(present)
    page.locator(".skip-link").focus()  # even while it has the focus
    page.emulate_media(media="print")
    for selector in present:
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
            assert element.evaluate(NOT_DISPLAYED), selector
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".site-nav")).to_be_visible()


def test_print_is_black_on_white_in_either_scheme(page: Page, site_url: str) -> None:
    page.goto(site_url + PAPER)
    colours = "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    link = "getComputedStyle(document.querySelector('.paper-links a')).color"
    for scheme in ("light", "dark"):
        page.emulate_media(media="print", color_scheme=scheme)
        assert page.evaluate(colours) == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], scheme
        assert page.evaluate(link) == "rgb(0, 0, 0)", scheme


def test_a_papers_links_print_with_their_addresses_and_navigation_does_not(page: Page, site_url: str) -> None:
    page.goto(site_url + PAPER)
    assert after(page, ".paper-links a") == ["none"] * page.locator(".paper-links a").count()
    page.emulate_media(media="print")
    hrefs = page.locator(".paper-links a:not(.shows-href)").evaluate_all("links => links.map(a => a.href)")
    assert any(href.startswith("https://arxiv.org/abs/") for href in hrefs)
    assert after(page, ".paper-links a:not(.shows-href)") == [f'" ({href})"' for href in hrefs]
    # links whose text is already their address (the code link, a URL in the abstract) are not repeated
    expect(page.locator(".paper-links a.shows-href")).to_contain_text("https://")
    expect(page.locator(".prose a.bare-url").first).to_contain_text("github.com")
    assert set(after(page, ".paper-links a.shows-href, .prose a.bare-url")) == {"none"}
    # nor do the site's own links
    assert set(after(page, ".appearances a, .related-list a, .chip")) == {"none"}


ADD_A_NOTES_LINK = """p => {
  const a = document.createElement("a");
  a.href = "https://example.org/demo";
  a.textContent = "demo";
  p.append(a);
}"""


def test_a_curators_link_in_the_text_prints_with_its_address(page: Page, site_url: str) -> None:
    """A link in the paper's text that names its target in words, as the curator's notes do (the
    sample site has none: one is added to the page)."""
    page.goto(site_url + PAPER)
    page.locator(".prose p").first.evaluate(ADD_A_NOTES_LINK)
    page.emulate_media(media="print")
    assert after(page, ".prose a[href='https://example.org/demo']") == ['" (https://example.org/demo)"']


def test_print_shows_every_author(page: Page, site_url: str) -> None:
    page.goto(site_url + MANY_AUTHORS)
    authors = page.locator(".authors")
    every = (
        "Shayne Longpre, Gregory Yauney, Emily Reif, Katherine Lee, Adam Roberts, Barret Zoph, Denny Zhou, "
        "Jason Wei, Kevin Robinson, David Mimno, Daphne Ippolito"
    )
    on_screen = " ".join(authors.inner_text().split())
    assert on_screen.endswith("Jason Wei and 3 more")  # the rest hidden in a closed <details>
    page.emulate_media(media="print")
    expect(authors).to_have_text(every, use_inner_text=True)


def test_print_keeps_each_paper_of_a_list_on_one_page(page: Page, site_url: str) -> None:
    page.goto(site_url + "/digests/2025-06-26/")
    page.emulate_media(media="print")
    breaks = page.locator("main .paper-item").evaluate_all("items => items.map(li => getComputedStyle(li).breakInside)")
    assert set(breaks) == {"avoid"}


def test_the_reading_list_prints_its_papers_without_its_tools(page: Page, site_url: str) -> None:
    """It printed its export buttons' labels, the import's file picker and its help, and "No longer
    on this site" in colour."""
    page.goto(site_url + "/about/")
    gone = {
        "slug": "gone-paper",
        "title": "A Paper Gone",
        "url": site_url + "/papers/gone-paper/",
        "topics": [],
        "listed": ["2025-03-18"],
        "saved": "2025-07-01T09:00:00.000Z",
    }
    page.evaluate(
        "p => localStorage.setItem('paper-digest-reading-list', JSON.stringify("
        "{format: 'paper-digest-reading-list', version: 1, papers: [p]}))",
        gone,
    )
    page.goto(site_url + "/reading-list/")
    expect(page.locator(".reading-gone")).to_be_visible()
    page.emulate_media(media="print")
    for selector in (".reading-tools", ".reading-status"):
        assert page.locator(selector).evaluate(NOT_DISPLAYED), selector
    expect(page.locator(".reading-item .paper-title")).to_be_visible()
    assert page.locator(".reading-gone").evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
