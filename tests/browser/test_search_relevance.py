"""Known-item search: for each query of tests/data/relevance.yaml, the paper a reader is looking for
is among the first three results, typed into the real search box in Chromium. Run on the sample
site, and on the same site with its index cut into many small pieces (as a large site's is)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page

from .search_page import search_for

CASES = yaml.safe_load((Path(__file__).parent.parent / "data" / "relevance.yaml").read_text(encoding="utf-8"))
TARGET = 0.95
"""The share of known-item queries that must find their paper in the top 3."""


def run_suite(page: Page, url: str, capsys: pytest.CaptureFixture[str], label: str) -> None:
    page.goto(url + "/search/")
    misses = []
    for case in CASES:
        top = search_for(page, case["query"])[:3]
        if case["expect"] not in top:
            misses.append(f"{case['kind']}: {case['query']!r} -> {top}")
    found = len(CASES) - len(misses)
    share = found / len(CASES)
    with capsys.disabled():
        print(f"\nsearch relevance ({label}): {found}/{len(CASES)} known-item queries in the top 3 ({share:.1%})")
    assert share >= TARGET, "\n".join(misses)


def test_suite_has_every_kind_of_query() -> None:
    kinds = {case["kind"] for case in CASES}
    assert len(CASES) >= 40
    assert kinds == {"words", "prefix", "typo", "phrase", "topic", "exclusion", "title", "author", "filter"}


def test_known_items_are_found(page: Page, site_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run_suite(page, site_url, capsys, "sample site, one piece per group")


def test_known_items_are_found_in_a_split_index(
    page: Page, split_site_url: str, capsys: pytest.CaptureFixture[str], console_errors: list[str]
) -> None:
    run_suite(page, split_site_url, capsys, "index in many pieces, site below /digest/")
