"""Driving the search box as a reader does, and the sites the search tests need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, Route

from site_src.build import parallel
from site_src.catalog import epoch
from site_src.search import files as search
from tests.helpers import SHIPPED_CONTENT, build_into, load_cases, write_content


class Gate:
    """Holds back requests for some addresses until opened; after that, lets them through."""

    def __init__(self, page: Page, pattern: str) -> None:
        self.held: list[Route] = []
        self.open = False
        page.route(pattern, self.handle)

    def handle(self, route: Route) -> None:
        if self.open:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.open = True
        for route in self.held:
            route.continue_()

    def wait_until_holding(self, page: Page) -> None:
        """Until the page has asked for one of these addresses."""
        while not self.held:
            page.wait_for_timeout(10)


def shown(page: Page) -> list[str]:
    """The slugs of the results on the page, in order."""
    paths: list[str] = page.eval_on_selector_all(".search-result-title a", "links => links.map(a => a.pathname)")
    return [path.rstrip("/").rsplit("/", 1)[-1] for path in paths]


def search_for(page: Page, query: str) -> list[str]:
    """Type a query into the header's box; the slugs of the results once they are shown."""
    page.fill("#search-box", query)
    page.wait_for_function(
        """q => document.querySelector('.search-status').textContent.includes('“' + q.trim() + '”')
            && !document.querySelector('.search-results').hasAttribute('aria-busy')""",
        arg=query,
    )
    return shown(page)


def every_result(page: Page) -> list[str]:
    """All results of the search shown, pressing "Show more results" until none are left."""
    while page.locator(".search-more-button").count():
        count = page.locator(".search-result").count()
        page.click(".search-more-button")
        page.wait_for_function("n => document.querySelectorAll('.search-result').length > n", arg=count)
    return shown(page)


def build_split_site(root: Path) -> Path:
    """The sample digests with the index cut into many small pieces, and in two parts, the papers
    before June (the epoch) and June's, as a large site's is (`EPOCH_MIN` lowered), published
    below a folder (/digest/): searching must fetch, query and merge pieces exactly as a large
    site's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PIECE_POSTINGS", 300)
        patch.setattr(search, "MONTH_PIECE_POSTINGS", 100)
        patch.setattr(epoch, "EPOCH_MIN", 10)
        patch.setattr(parallel, "_cores", lambda: 1)  # the index made here, where the patch holds
        build_into(SHIPPED_CONTENT, root / "digest", base_url="https://example.org/digest/")
    manifest = json.loads((root / "digest" / "search" / "index.json").read_text(encoding="utf-8"))
    names = ["titles", "titles-month", "abstracts", "abstracts-month"]
    assert [group["name"] for group in manifest["groups"]] == names and manifest["first"] == 2
    assert all(len(group["pieces"]) > 2 for group in manifest["groups"])
    return root


def build_hostile_site(root: Path) -> Path:
    """Papers whose titles and abstracts are markup (tests/cases/escaping.yaml)."""
    digest = {"date": "2025-07-01", "papers": load_cases("escaping.yaml")}
    content = write_content(root, {"digests/2025-07-01.yaml": yaml.safe_dump(digest, allow_unicode=True)})
    build_into(content, root / "public")
    return root / "public"
