"""In Chromium: a reader opens "why these topics", reads the topic chart and follows a bar to its digest."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_why_these_topics_opens_on_click(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/papers/music-transformer/")
    reasons = page.locator(".why-topics li").first
    expect(reasons).to_be_hidden()
    page.locator(".why-topics summary").click()
    expect(reasons).to_be_visible()
    expect(reasons).to_contain_text("Music: score")
    expect(page.locator(".paper-header .chip").first).to_have_attribute("title", re.compile(r"^Why: music, "))


def test_topic_chart_bars_are_drawn_and_lead_to_their_digest(
    page: Page, site_url: str, console_errors: list[str]
) -> None:
    page.goto(site_url + "/topics/continual-learning/")
    bars = page.locator(".digest-chart rect.chart-bar")
    expect(bars).to_have_count(3)
    heights = [bars.nth(i).bounding_box()["height"] for i in range(3)]
    assert max(heights) > 20 and all(h >= 0 for h in heights)
    fill = bars.first.evaluate("bar => getComputedStyle(bar).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)"), "bars take their colour from the stylesheet"
    tallest = heights.index(max(heights))
    bars.nth(tallest).click()
    expect(page).to_have_url(re.compile(r"/digests/\d{4}-\d\d-\d\d/$"))
    expect(page.locator("link[rel=alternate][type='application/atom+xml']")).to_have_count(1)
