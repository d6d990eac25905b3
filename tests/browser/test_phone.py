"""The site on a 360 px phone: no page scrolls sideways, and the home page is a start page: the
digests and topics within the first two screens, the latest digest's papers compact below them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import load_cases

PHONE = {"width": 360, "height": 740}
KINDS = load_cases("page_kinds.yaml")


@pytest.mark.parametrize("kind", KINDS, ids=[str(k["kind"]) for k in KINDS])
def test_no_page_scrolls_sideways_on_a_phone(page: Page, site_url: str, kind: dict[str, object]) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + str(kind["url"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_home_page_reaches_every_digest_and_topic_within_two_screens(page: Page, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/")
    two_screens = 2 * PHONE["height"]
    for name in ("Digests", "Topics"):
        heading = page.get_by_role("heading", name=name, exact=True)
        box = heading.bounding_box()
        assert box is not None and box["y"] + box["height"] <= two_screens, name
    browse = page.get_by_role("navigation", name="Browse")
    last_topic = browse.locator(".chips li").last
    box = last_topic.bounding_box()
    assert box is not None and box["y"] + box["height"] <= two_screens, "every topic within two screens"
    expect(browse.get_by_role("link", name="26 June 2025")).to_be_visible()


def test_the_latest_digest_is_compact_its_summaries_on_demand(page: Page, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/")
    first = page.locator(".home-latest .paper-item").first
    summary = first.locator(".paper-summary")
    expect(summary).to_be_hidden()
    first.get_by_text("Summary", exact=True).click()
    expect(summary).to_be_visible()
    expect(first.locator(".chips")).to_be_visible()


def test_the_search_box_fits_a_320_px_phone(page: Page, site_url: str) -> None:
    """At 320 px (an older, smaller phone) the header's Search button was cut off at the right edge:
    the box kept its own width."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site_url + "/papers/music-transformer/")
    button = page.locator(".site-search button").bounding_box()
    header = page.locator("body > header").bounding_box()
    assert button is not None and header is not None
    assert button["x"] + button["width"] <= header["x"] + header["width"]
