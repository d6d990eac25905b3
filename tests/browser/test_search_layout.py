"""The search page keeps its layout still while results arrive: Cumulative Layout Shift, as Chromium
measures it (`layout-shift` performance entries, those after recent input left out, as CLS does),
summed over the whole load of /search/?q=music, stays at 0.05 or less.

A layout property, not a timing: each state the page passes through is held until it has been
painted (the search index is held back until "Loading search…" shows, the abstracts until the
results from titles show), so every shift between two states is measured whatever the speed of
the machine. Phones and desktops both: a desktop's scrollbar appears as results make the page
scroll, and narrows it (Playwright hides scrollbars in headless Chromium, so these tests launch one
that shows them, as a reader's and Lighthouse's do)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Page, expect

from .search_page import Gate

RECORD_SHIFTS = """
window.layoutShifts = [];
const where = (node) => (node ? node.nodeName.toLowerCase() + (node.className ? "." + node.className : "") : "?");
window.recordLayoutShifts = (entries) => {
  for (const e of entries) {
    const moves = e.sources.map((s) => where(s.node) + " " + JSON.stringify([s.previousRect, s.currentRect]));
    window.layoutShifts.push({ value: e.value, input: e.hadRecentInput, sources: moves });
  }
};
window.layoutShiftObserver = new PerformanceObserver((list) => window.recordLayoutShifts(list.getEntries()));
window.layoutShiftObserver.observe({ type: "layout-shift", buffered: true });
"""
ALL_SHIFTS = """() => {
  window.recordLayoutShifts(window.layoutShiftObserver.takeRecords());
  return window.layoutShifts;
}"""
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
"""Resolves once two more frames have been produced: what the page shows now has been painted, and
any layout shift it made has been reported."""

DEVICES: dict[str, dict[str, Any]] = {
    # Lighthouse's two: its desktop preset, and its default mobile (a Moto G Power's screen)
    "desktop": {"viewport": {"width": 1350, "height": 940}, "device_scale_factor": 1},
    # Not `is_mobile`: Chromium's mobile emulation resizes the page as it starts and counts that as
    # input, so shifts in the first half second come flagged as after input and would go unseen.
    # (Lighthouse works around the same flag.) The page's layout is the same: width=device-width.
    "mobile": {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "has_touch": True},
}


@pytest.fixture(scope="module")
def scrollbar_browser(browser_type: BrowserType, browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """Chromium with the classic scrollbars of a desktop (Playwright's headless default hides them)."""
    browser = browser_type.launch(**browser_type_launch_args, ignore_default_args=["--hide-scrollbars"])
    yield browser
    browser.close()


@pytest.fixture(params=DEVICES)
def device_page(request: pytest.FixtureRequest, browser: Browser, scrollbar_browser: Browser) -> Iterator[Page]:
    """A page recording layout shifts, on a desktop (scrollbars shown) or a phone (overlay scrollbars)."""
    device = request.param
    context = (scrollbar_browser if device == "desktop" else browser).new_context(**DEVICES[device])
    page = context.new_page()
    page.add_init_script(RECORD_SHIFTS)
    yield page
    context.close()


def layout_shift(page: Page) -> tuple[float, list[dict[str, Any]]]:
    """The page's layout shift so far without recent input (what CLS sums), and every shift."""
    page.evaluate(NEXT_FRAMES)
    shifts: list[dict[str, Any]] = page.evaluate(ALL_SHIFTS)
    assert not any(s["input"] for s in shifts), "no test here gives input: the measure would miss these"
    return sum(s["value"] for s in shifts if not s["input"]), shifts


def test_results_arriving_step_by_step_shift_nothing(device_page: Page, site_url: str) -> None:
    page = device_page
    index, abstracts = Gate(page, "**/search/index.json"), Gate(page, "**/assets/search/abstracts*.json")
    page.goto(site_url + "/search/?q=music")
    status, results = page.locator(".search-status"), page.locator(".search-results")
    expect(status).to_have_text("Loading search…")
    page.evaluate(NEXT_FRAMES)
    index.release()
    expect(status).to_contain_text("in titles. Searching abstracts…")
    expect(page.locator(".search-result").first).to_be_visible()
    page.evaluate(NEXT_FRAMES)
    abstracts.release()
    expect(status).to_have_text("28 papers match “music”.")
    expect(results).not_to_have_attribute("aria-busy", "true")
    total, shifts = layout_shift(page)
    assert page.evaluate("document.documentElement.scrollHeight > innerHeight"), "results make the page scroll"
    assert total <= 0.05, shifts


def test_results_arriving_at_full_speed_shift_nothing(device_page: Page, site_url: str) -> None:
    page = device_page
    page.goto(site_url + "/search/?q=music")
    expect(page.locator(".search-status")).to_have_text("28 papers match “music”.")
    expect(page.locator(".search-results")).not_to_have_attribute("aria-busy", "true")
    total, shifts = layout_shift(page)
    assert total <= 0.05, shifts


def test_the_measure_sees_a_shift(device_page: Page, site_url: str) -> None:
    """The measure itself: a block put in above the page's content shifts it, and is counted."""
    page = device_page
    page.goto(site_url + "/topics/")
    page.evaluate(NEXT_FRAMES)
    page.evaluate(
        """() => {
          const block = document.createElement("p");
          block.textContent = "late";
          block.style.height = "10rem";
          document.querySelector("main").prepend(block);
        }"""
    )
    total, _ = layout_shift(page)
    assert total > 0.05


def test_results_from_titles_are_not_drawn_again_when_abstracts_arrive(page: Page, site_url: str) -> None:
    """A result the abstracts leave where it was keeps its element, highlights and snippet: the page
    neither redraws nor reflows it (and its Largest Contentful Paint stays with the first results)."""
    abstracts = Gate(page, "**/assets/search/abstracts*.json")
    page.goto(site_url + "/search/?q=music")
    status = page.locator(".search-status")
    expect(status).to_contain_text("in titles. Searching abstracts…")
    page.evaluate("window.fromTitles = Array.from(document.querySelectorAll('.search-result'))")
    abstracts.release()
    expect(status).to_have_text("28 papers match “music”.")
    fates = page.evaluate(
        """() => Array.from(document.querySelectorAll(".search-result"), (item, i) => {
          const before = window.fromTitles[i];
          if (!before || before.querySelector("a").href !== item.querySelector("a").href) return "another paper";
          return before === item ? "kept" : "drawn again";
        })"""
    )
    assert fates[:6] == ["kept"] * 6, fates
    assert "drawn again" not in fates, fates
