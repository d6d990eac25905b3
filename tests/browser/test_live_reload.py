"""The preview in Chromium: a saved edit reloads every open tab, each at its scroll position, a broken
edit shows its problem over the page, and fixing the file clears it, all without touching the browser."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from site_src.build.builder import BuildReport, Progress
from site_src.serve.server import Preview
from tests.helpers import start_preview

WAIT_MS = 15_000
"""Generous: the machine is shared; a reload normally takes well under a second."""


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    running = start_preview(tmp_path)
    yield running
    running.stop()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edit_reloads_every_tab_and_problems_show_until_fixed(
    preview: Preview, context: BrowserContext, page: Page, console_errors: list[str]
) -> None:
    digest = preview.options.content_dir / "digests/2025-06-26.txt"
    page.goto(preview.url + "digests/2025-06-26/")
    other = context.new_page()  # a tab on another page, that the edit changes too
    other.goto(preview.url + "topics/music/")
    expect(page.locator("h2.paper-title").nth(1)).to_have_text("Music Transformer")
    expect(other.locator("h2.paper-title", has_text="Revisited")).to_have_count(0)

    _edit(digest, "Music Transformer", "Music Transformer, Revisited")
    expect(page.locator("h2.paper-title").nth(1)).to_have_text("Music Transformer, Revisited", timeout=WAIT_MS)
    expect(other.locator("h2.paper-title", has_text="Music Transformer, Revisited")).to_have_count(1, timeout=WAIT_MS)

    good = digest.read_text(encoding="utf-8")
    digest.write_text(good.replace("\nJun 26\n", "\nJun 27\n"), encoding="utf-8")
    overlay = page.locator(".preview-overlay")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text("the date line says 2025-06-27 but the file name says 2025-06-26")
    expect(overlay).to_have_attribute("role", "alert")
    expect(page.locator("h2.paper-title").nth(1)).to_have_text("Music Transformer, Revisited")  # last good site

    digest.write_text(good, encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=WAIT_MS)
    expect(page.locator("h2.paper-title").nth(1)).to_have_text("Music Transformer, Revisited")


def test_note_and_template_edits_reload_the_page(preview: Preview, page: Page) -> None:
    page.goto(preview.url + "papers/music-transformer/")
    _edit(preview.options.content_dir / "notes/music-transformer.md", "popular for", "famous and popular for")
    expect(page.locator(".prose")).to_contain_text("made relative attention famous and popular", timeout=WAIT_MS)
    _edit(preview.options.templates_dir / "paper.html", "Find this paper", "Look this paper up")
    expect(page.locator("#lookup-heading")).to_have_text("Look this paper up", timeout=WAIT_MS)


def test_reload_keeps_the_scroll_position(preview: Preview, page: Page) -> None:
    page.set_viewport_size({"width": 480, "height": 300})  # a phone: the digest page is several screens long
    page.goto(preview.url + "digests/2025-06-26/")
    assert page.evaluate("document.documentElement.scrollHeight") > 700 + 300
    page.evaluate("window.scrollTo(0, 700)")
    page.wait_for_function("window.scrollY === 700")

    _edit(preview.options.content_dir / "digests/2025-06-26.txt", "Music Transformer", "Music Transformer, Revisited")
    expect(page.locator("h2.paper-title").nth(1)).to_have_text("Music Transformer, Revisited", timeout=WAIT_MS)
    page.wait_for_function("window.scrollY === 700", timeout=WAIT_MS)  # restored once the page has loaded


def test_a_note_edit_shows_before_the_full_build_and_only_in_its_tab(
    preview: Preview, context: BrowserContext, page: Page
) -> None:
    release, finished = threading.Event(), threading.Event()
    full_build = preview.full_build

    def held(progress: Progress | None) -> BuildReport:  # the full build waits until the test has looked
        assert release.wait(60)
        try:
            return full_build(progress)
        finally:
            finished.set()

    preview.full_build = held
    page.goto(preview.url + "papers/music-transformer/")
    other = context.new_page()
    other.goto(preview.url + "about/")
    other.evaluate("window.notReloaded = true")  # gone if the tab reloads
    deadline = time.monotonic() + 60  # until both tabs' event streams are open (a wait, not a measure)
    while len(preview.server.viewed()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert preview.server.viewed() == {"papers/music-transformer/index.html", "about/index.html"}

    _edit(preview.options.content_dir / "notes/music-transformer.md", "popular for", "famous and popular for")
    expect(page.locator(".prose")).to_contain_text("made relative attention famous and popular", timeout=WAIT_MS)
    assert not finished.is_set()  # shown from the fast phase, the full build still waiting
    assert other.evaluate("window.notReloaded === true")
    release.set()
    assert finished.wait(60)
    # a second edit, shown once the first full build's states have long reached every tab
    _edit(preview.options.content_dir / "notes/music-transformer.md", "famous and popular", "famous, popular")
    expect(page.locator(".prose")).to_contain_text("made relative attention famous, popular", timeout=WAIT_MS)
    assert other.evaluate("window.notReloaded === true")  # the About page never changed


def test_the_last_builds_warnings_show_folded_in_a_corner_until_fixed(
    preview: Preview, context: BrowserContext, page: Page
) -> None:
    page.goto(preview.url + "digests/2025-06-26/")
    digest = preview.options.content_dir / "digests/2025-06-26.txt"
    good = digest.read_text(encoding="utf-8")
    digest.write_text(good + "\nA Title Without Its Abstract\n", encoding="utf-8")
    panel = page.locator("details.preview-warnings")
    expect(panel.locator("summary")).to_have_text("The last build gave 1 warning", timeout=WAIT_MS)
    expect(panel.locator("pre")).to_be_hidden()  # folded: the page stays usable
    expect(page.locator(".preview-overlay")).to_have_count(0)  # not an error
    panel.locator("summary").click()
    expect(panel.locator("pre")).to_contain_text('title "A Title Without Its Abstract" has no abstract')

    _edit(digest, "Music Transformer", "Music Transformer, Revisited")  # a reload keeps it unfolded
    expect(page.locator("h2.paper-title").nth(1)).to_have_text("Music Transformer, Revisited", timeout=WAIT_MS)
    expect(panel.locator("pre")).to_be_visible(timeout=WAIT_MS)

    broken = digest.read_text(encoding="utf-8").replace("\nJun 26\n", "\nJun 27\n")
    digest.write_text(broken, encoding="utf-8")
    expect(page.locator(".preview-overlay")).to_be_visible(timeout=WAIT_MS)
    other = context.new_page()  # a tab opened while the build fails: the last good build's warnings too
    other.goto(preview.url + "about/")
    expect(other.locator(".preview-overlay")).to_be_visible(timeout=WAIT_MS)
    expect(other.locator("details.preview-warnings summary")).to_have_text("The last build gave 1 warning")

    digest.write_text(good, encoding="utf-8")
    expect(panel).to_have_count(0, timeout=WAIT_MS)


def test_the_folded_warnings_never_cover_the_pages_last_links_on_a_phone(preview: Preview, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(preview.url + "digests/2025-06-26/")  # longer than the screen: its footer ends the scroll
    digest = preview.options.content_dir / "digests/2025-06-26.txt"
    digest.write_text(digest.read_text(encoding="utf-8") + "\nA Title Without Its Abstract\n", encoding="utf-8")
    expect(page.locator("details.preview-warnings")).to_be_visible(timeout=WAIT_MS)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    covered = page.evaluate(
        """() => [...document.querySelectorAll("footer a")].filter((link) => {
            const box = link.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return !link.contains(hit);
        }).map((link) => link.textContent)"""
    )
    assert covered == []
