"""Keyboard shortcuts in Chromium, as a reader uses them on a digest: j and k walk the papers, o
opens one, s presses its Save button, / goes to the search box, ? lists the keys in a dialog; none
fires while typing in a field or with Ctrl, Alt or Meta held."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .search_page import search_for
from .test_quality_gates import _serious_violations

DIGEST = "/digests/2025-06-26/"


def focused_href(page: Page) -> str | None:
    """The address of the focused element, if it is a link."""
    href: str | None = page.evaluate("document.activeElement.getAttribute('href')")
    return href


def title_links(page: Page) -> list[str]:
    """The title links of every paper on the page, in order."""
    links = page.locator("main .paper-item .paper-title a")
    hrefs: list[str] = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return hrefs


@pytest.fixture
def digest(page: Page, site_url: str, console_errors: list[str]) -> Page:
    """A digest page with many papers, loaded; no script error may happen on it."""
    page.goto(site_url + DIGEST)
    return page


def test_j_and_k_walk_every_paper_in_order_and_stop_at_the_ends(digest: Page) -> None:
    page = digest
    papers = title_links(page)
    assert len(papers) > 20
    walked = []
    for _ in papers:
        page.keyboard.press("j")
        walked.append(focused_href(page))
    assert walked == papers
    page.keyboard.press("j")
    assert focused_href(page) == papers[-1]  # the last paper stays
    last = page.locator("main .paper-item").last
    expect(last).to_be_in_viewport()
    back = []
    for _ in papers[:-1]:
        page.keyboard.press("k")
        back.append(focused_href(page))
    assert back == papers[-2::-1]
    page.keyboard.press("k")
    assert focused_href(page) == papers[0]
    expect(page.locator("main .paper-item").first).to_be_in_viewport()


def test_the_paper_j_moves_to_has_a_visible_focus_style(digest: Page) -> None:
    page = digest
    page.keyboard.press("j")
    page.keyboard.press("j")
    link = page.locator(":focus")
    expect(link).to_have_text(page.locator("main .paper-title a").nth(1).inner_text())
    assert link.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"
    item = page.locator("main .paper-item").nth(1)
    assert item.evaluate("li => getComputedStyle(li).boxShadow") != "none"
    assert page.locator("main .paper-item").nth(0).evaluate("li => getComputedStyle(li).boxShadow") == "none"


def test_j_starts_from_where_the_focus_is(digest: Page) -> None:
    """After the skip link (focus on <main>), j goes to the first paper; from the pager below the
    list, k goes to the last."""
    page = digest
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: focus on <main>
    page.keyboard.press("j")
    assert focused_href(page) == title_links(page)[0]
    page.locator("main .pager a").first.focus()
    page.keyboard.press("k")
    assert focused_href(page) == title_links(page)[-1]


def test_o_opens_the_focused_paper(digest: Page) -> None:
    page = digest
    page.keyboard.press("j")
    page.keyboard.press("j")
    title = page.locator(":focus").inner_text()
    href = focused_href(page)
    assert href is not None
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("h1")).to_have_text(title)


def _record_clicks(item: Locator, shown: bool) -> None:
    """Count clicks on an item's Save button, shown (as the reading list shows it) or hidden."""
    item.locator("button.save-toggle").evaluate(
        "(b, shown) => { b.hidden = !shown; b.clicks = 0; b.addEventListener('click', () => b.clicks++); }", shown
    )


def test_s_presses_the_focused_papers_save_button_and_only_a_shown_one(digest: Page) -> None:
    page = digest
    items = page.locator("main .paper-item")
    _record_clicks(items.nth(0), shown=False)
    _record_clicks(items.nth(1), shown=True)
    _record_clicks(items.nth(2), shown=True)
    page.keyboard.press("j")
    page.keyboard.press("s")  # paper 1: its button is hidden
    page.keyboard.press("j")
    page.keyboard.press("s")  # paper 2
    clicks = [items.nth(i).locator("button.save-toggle").evaluate("b => b.clicks") for i in range(3)]
    assert clicks == [0, 1, 0]
    assert focused_href(page) == title_links(page)[1]  # saving does not move the reader


def test_slash_goes_to_the_search_box_once(digest: Page) -> None:
    page = digest
    page.keyboard.press("j")
    page.keyboard.press("/")
    expect(page.locator("#search-box")).to_be_focused()
    expect(page.locator("#search-box")).to_have_value("")


def test_question_mark_lists_every_shortcut_in_a_modal_dialog(digest: Page) -> None:
    page = digest
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.matches(':modal')")
    keys = dialog.locator("dt kbd").all_inner_texts()
    assert keys == ["j", "k", "o", "Enter", "s", "/", "?", "Esc"]
    expect(dialog.locator("dd")).to_have_count(7)


def test_the_dialog_takes_the_focus_keeps_it_and_gives_it_back(digest: Page) -> None:
    page = digest
    page.keyboard.press("j")
    page.keyboard.press("j")
    opener = focused_href(page)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    inside = "() => document.querySelector('dialog.shortcuts').contains(document.activeElement)"
    assert page.evaluate(inside)
    for key in ("Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        assert page.evaluate(inside), key
    page.keyboard.press("j")  # the page behind is out of reach
    assert page.evaluate(inside)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused_href(page) == opener
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    assert focused_href(page) == opener
    page.keyboard.press("?")
    page.mouse.click(5, 5)  # on the backdrop, outside the dialog
    expect(dialog).to_be_hidden()
    assert focused_href(page) == opener
    page.keyboard.press("j")  # and the keys work again
    assert focused_href(page) == title_links(page)[2]


def test_no_shortcut_fires_while_typing_in_the_search_box(digest: Page) -> None:
    page = digest
    box = page.locator("#search-box")
    box.focus()
    page.keyboard.type("jk?os")
    expect(box).to_be_focused()
    expect(box).to_have_value("jk?os")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert page.evaluate("scrollY") == 0


def test_no_shortcut_fires_with_a_modifier_key(digest: Page) -> None:
    page = digest
    page.keyboard.press("j")
    first = focused_href(page)
    for key in ("Control+j", "Alt+j", "Meta+j", "Shift+J", "Control+k", "Alt+o", "Control+Shift+?", "Alt+?"):
        page.keyboard.press(key)
        assert focused_href(page) == first, key
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).to_have_url(re.compile(re.escape(DIGEST) + "$"))


def test_j_and_k_walk_the_search_results_page(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/search/?q=music")
    expect(page.locator("#search-results .search-result").first).to_be_visible()
    page.locator("main h1").click()  # the reader leaves the box (it has the focus on /search/)
    results = page.locator("#search-results .search-result-title a")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused_href(page) == results.nth(1).get_attribute("href")
    page.keyboard.press("k")
    assert focused_href(page) == results.nth(0).get_attribute("href")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()


def test_the_search_boxs_own_keys_still_work(page: Page, site_url: str) -> None:
    page.goto(site_url + DIGEST)
    search_for(page, "music")
    page.keyboard.press("ArrowDown")
    first = page.locator(".search-panel .search-result-title a").first
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#search-box")).to_be_focused()
    expect(page.locator("#search-box")).to_have_value("")


def test_the_shortcuts_dialog_has_no_serious_accessibility_violations(page: Page, site_url: str) -> None:
    page.goto(site_url + DIGEST)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[scheme] = _serious_violations(page)
    assert found == {"light": [], "dark": []}


def test_j_k_and_o_walk_and_open_the_reading_list_too(digest: Page, site_url: str) -> None:
    """The dialog offered them on /reading-list/, where they did nothing."""
    page = digest
    saved = title_links(page)[:2]
    for item in page.locator(".paper-item").all()[:2]:
        item.locator("button.save-toggle").click()
    page.goto(site_url + "/reading-list/")
    expect(page.locator(".reading-item")).to_have_count(2)
    page.keyboard.press("j")
    first = focused_href(page)
    page.keyboard.press("j")
    second = focused_href(page)
    assert sorted([first, second]) == sorted(saved)  # the most recently saved first
    page.keyboard.press("k")
    assert focused_href(page) == first
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(re.escape(str(first)) + "$"))
