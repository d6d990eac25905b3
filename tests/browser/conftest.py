"""Chromium for the browser tests: Debian's own binary (never a downloaded browser), against the
sample site served on 127.0.0.1. Without Chromium these tests are skipped, with the reason shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.conftest import BuiltSite
from tests.helpers import serve_folder


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks the browser tests and runs them last: their served sites and Playwright's driver keep
    threads running until the session ends, and every build in a process with threads running does
    its side work in-process or in a spawned interpreter (`parallel.side_work_forks`), never forked
    as a curator's build does it: run first, they kept the other tests from testing that."""
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="chromium not installed (apt-get install chromium)"))
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)  # stable: each group keeps its order


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def site_url(sample_site: BuiltSite) -> Iterator[str]:
    """The sample site, served."""
    with serve_folder(sample_site.out) as url:
        yield url


@pytest.fixture(scope="session")
def split_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site with its search index cut into many small pieces, served below /digest/."""
    from .search_page import build_split_site

    with serve_folder(build_split_site(tmp_path_factory.mktemp("split"))) as url:
        yield url + "/digest"


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    """Errors the page logs or throws; a test that uses this fails if any remain at its end."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == [], errors
