"""The reading list and "new since your last visit" in Chromium, as a reader meets them: Save buttons
on lists, paper pages and search results; /reading-list/ with its exports (BibTeX read back with
bibtexparser, JSON imported into another browser, a list of links); papers the site no longer has;
the header's count across tabs; "new" badges after a simulated earlier visit. The site is served
with netlify.toml's headers, so everything here also runs under the Content-Security-Policy."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from tests.conftest import BuiltSite
from tests.helpers import serve_folder
from tests.netlify import NetlifyHandler

from .test_quality_gates import RECORD_VIOLATIONS, _serious_violations

DIGEST = "/digests/2025-06-26/"
OLDER_DIGEST = "/digests/2025-05-30/"
POINTER = "pointer-networks"
GONE = "a-paper-this-site-never-had"
STORE = "paper-digest-reading-list"
VISITS = "paper-digest-visits"
NOT_FOUND = "the server responded with a status of 404"
"""Chromium's console line for the HEAD request that finds a paper gone: expected, not an error."""


@pytest.fixture(scope="module")
def url(sample_site: BuiltSite) -> Iterator[str]:
    """The sample site served as Netlify serves it (its Content-Security-Policy included)."""
    with serve_folder(sample_site.out, NetlifyHandler) as address:
        yield address


@pytest.fixture
def reader(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any script error or Content-Security-Policy violation."""
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and NOT_FOUND not in m.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    if not page.is_closed() and page.url.startswith("http"):
        errors += page.evaluate("window.cspViolations || []")
    assert errors == []


def save_button(scope: Locator | Page) -> Locator:
    return scope.locator("button.save-toggle")


def stored(page: Page, key: str = STORE) -> Any:
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", key)


def store(page: Page, key: str, value: Any) -> None:
    page.evaluate("([key, value]) => localStorage.setItem(key, JSON.stringify(value))", [key, value])


def gone_entry() -> dict[str, Any]:
    return {
        "slug": GONE,
        "title": "A Paper This Site Never Had: {Braces} & 100% Special_Characters",
        "url": "https://paper-digest.netlify.app/papers/" + GONE + "/",
        "topics": [{"slug": "music", "name": "Music"}],
        "listed": ["2025-03-18"],
        "saved": "2025-07-01T09:00:00.000Z",
    }


def reading_list_titles(page: Page) -> list[str]:
    """The titles /reading-list/ shows, once its script has drawn the list."""
    expect(page.locator(".reading-summary")).to_be_attached()
    return page.locator(".reading-item .paper-title").all_inner_texts()


def header_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Reading list"))


def bib_key(sample_site: BuiltSite, slug: str) -> str:
    library = bibtexparser.parse_string((sample_site.out / "papers" / slug / "index.bib").read_text(encoding="utf-8"))
    return str(library.entries[0].key)


def test_a_saved_paper_stays_saved_is_listed_and_can_be_removed(reader: Page, url: str) -> None:
    page = reader
    page.goto(url + DIGEST)
    first = page.locator(".paper-item").first
    title = first.locator(".paper-title a").inner_text()
    button = save_button(first)
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name(f"Save: {title}")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".save-label")).to_have_text("Saved")
    expect(header_link(page)).to_have_text("Reading list (1)")

    page.goto(url + f"/papers/{POINTER}/")  # a paper page has its own button, under the authors
    expect(save_button(page.locator("article.paper"))).to_have_accessible_name("Save: Pointer Networks")
    save_button(page.locator("article.paper")).click()
    expect(header_link(page)).to_have_text("Reading list (2)")

    page.goto(url + DIGEST)
    page.reload()
    expect(save_button(page.locator(".paper-item").first)).to_have_attribute("aria-pressed", "true")
    expect(save_button(page.locator(".paper-item").nth(1))).to_have_attribute("aria-pressed", "false")

    page.goto(url + "/reading-list/")
    expect(page.locator(".reading-summary")).to_have_text("2 saved papers, the most recently saved first.")
    assert reading_list_titles(page) == ["Pointer Networks", title]  # the most recently saved first
    pointer = page.locator(".reading-item").first
    expect(pointer.get_by_role("link", name="Pointer Networks")).to_have_attribute("href", f"/papers/{POINTER}/")
    expect(pointer.locator(".chips a").first).to_have_attribute("href", re.compile(r"^/topics/[a-z0-9-]+/$"))
    expect(pointer.locator(".paper-dates")).to_contain_text(re.compile(r"In the digests? of \d+ \w+ 2025"))

    page.get_by_role("button", name="Remove: Pointer Networks").click()
    assert reading_list_titles(page) == [title]
    expect(page.locator(".reading-status")).to_have_text("Removed “Pointer Networks” from your reading list.")
    expect(page.get_by_role("button", name=f"Remove: {title}")).to_be_focused()
    expect(header_link(page)).to_have_text("Reading list (1)")
    page.reload()
    assert reading_list_titles(page) == [title]
    page.get_by_role("button", name=f"Remove: {title}").click()
    expect(page.locator(".reading-summary")).to_contain_text("Nothing saved yet")
    expect(header_link(page)).to_have_text("Reading list")
    expect(page.get_by_role("button", name="BibTeX", exact=True)).to_be_hidden()


def test_search_results_and_topic_pages_have_save_buttons(reader: Page, url: str) -> None:
    page = reader
    page.goto(url + "/search/?q=lottery%20ticket")
    result = page.locator(".search-result").first
    expect(result.locator(".search-result-title")).to_contain_text("The Lottery Ticket Hypothesis")
    button = save_button(result)
    expect(button).to_have_accessible_name(re.compile(r"^Save: The Lottery Ticket Hypothesis"))
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(header_link(page)).to_have_text("Reading list (1)")
    page.goto(url + "/topics/music/")
    expect(save_button(page.locator(".paper-item").first)).to_be_visible()
    page.goto(url + "/")
    expect(save_button(page.locator(".home-latest .paper-item").first)).to_be_visible()
    page.goto(url + "/reading-list/")
    item = page.locator(".reading-item")
    expect(item.locator(".paper-title")).to_have_text(re.compile("^The Lottery Ticket Hypothesis"))
    expect(item.locator(".chips")).to_contain_text("Efficiency & Sparsity")


def test_exported_bibtex_parses_and_has_every_saved_papers_key(reader: Page, url: str, sample_site: BuiltSite) -> None:
    page = reader
    page.goto(url + DIGEST)
    slugs = page.locator(".paper-item").evaluate_all("items => items.slice(0, 2).map(i => i.dataset.paper)")
    for item in page.locator(".paper-item").all()[:2]:
        save_button(item).click()
    store(page, STORE, {**stored(page), "papers": [*stored(page)["papers"], gone_entry()]})
    page.goto(url + "/reading-list/")
    with page.expect_download() as info:
        page.get_by_role("button", name="BibTeX", exact=True).click()
    download = info.value
    assert re.fullmatch(r"reading-list-\d{4}-\d\d-\d\d\.bib", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert sorted(keys) == sorted([*(bib_key(sample_site, s) for s in slugs), GONE])
    gone = next(e for e in library.entries if e.key == GONE)  # made from what was saved
    assert gone.fields_dict["title"].value == r"A Paper This Site Never Had: \{Braces\} \& 100\% Special\_Characters"
    assert gone.fields_dict["url"].value.endswith(f"/papers/{GONE}/")
    expect(page.locator(".reading-status")).to_have_text("Exported 3 papers as BibTeX.")


def test_the_list_of_links_is_plain_text_title_dash_address(reader: Page, url: str) -> None:
    page = reader
    page.goto(url + f"/papers/{POINTER}/")
    save_button(page.locator("article.paper")).click()
    page.goto(url + "/reading-list/")
    with page.expect_download() as info:
        page.get_by_role("button", name="List of links", exact=True).click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines == [f"Pointer Networks — {url}/papers/{POINTER}/"]


def test_json_export_imports_into_another_browser_adding_without_dropping(
    reader: Page, url: str, browser: Browser
) -> None:
    page = reader
    page.goto(url + DIGEST)
    for item in page.locator(".paper-item").all()[:2]:
        save_button(item).click()
    page.goto(url + "/reading-list/")
    exported = reading_list_titles(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="JSON", exact=True).click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert (data["format"], data["version"], len(data["papers"])) == ("paper-digest-reading-list", 1, 2)
    assert set(data["papers"][0]) == {"slug", "title", "url", "topics", "listed", "saved"}
    assert data["papers"][0]["url"] == f"{url}/papers/{data['papers'][0]['slug']}/"
    assert [p["title"] for p in data["papers"]] == exported

    other = browser.new_context()  # another browser: its own storage, its own saved paper
    try:
        there = other.new_page()
        there.goto(url + f"/papers/{POINTER}/")
        save_button(there.locator("article.paper")).click()
        there.goto(url + "/reading-list/")
        importer = there.get_by_label("Import a reading list")
        payload = json.dumps(data).encode()
        importer.set_input_files(files=[{"name": "list.json", "mimeType": "application/json", "buffer": payload}])
        expect(there.locator(".reading-status")).to_have_text("Added 2 papers from “list.json”.")
        assert sorted(reading_list_titles(there)) == sorted([*exported, "Pointer Networks"])
        importer.set_input_files(files=[{"name": "list.json", "mimeType": "application/json", "buffer": payload}])
        expect(there.locator(".reading-status")).to_have_text(
            "Nothing to add from “list.json”: 2 papers were on your list already."
        )
        for name, content, why in [
            ("notes.json", b"{not json", "it is not JSON"),
            (
                "other.json",
                b'{"papers": []}',
                'it is not a Paper Digest reading list (no "format": "paper-digest-reading-list")',
            ),
            (
                "future.json",
                b'{"format": "paper-digest-reading-list", "version": 2, "papers": []}',
                "it was made by a newer version of the site (version 2; this one reads version 1)",
            ),
        ]:
            importer.set_input_files(files=[{"name": name, "mimeType": "application/json", "buffer": content}])
            expect(there.locator(".reading-status")).to_have_text(
                f"Could not import “{name}”: {why}. Nothing was changed."
            )
            assert len(reading_list_titles(there)) == 3
        stray = {**data, "papers": [*data["papers"], {"slug": "../../etc", "title": "x"}, gone_entry()]}
        importer.set_input_files(
            files=[{"name": "more.json", "mimeType": "application/json", "buffer": json.dumps(stray).encode()}]
        )
        expect(there.locator(".reading-status")).to_have_text(
            "Added 1 paper from “more.json”; 2 were on your list already. 1 entry was not a paper and was left out."
        )
    finally:
        other.close()


def test_a_paper_the_site_no_longer_has_is_kept_and_shown_as_gone(reader: Page, url: str) -> None:
    page = reader
    page.goto(url + "/about/")
    store(page, STORE, {"format": STORE, "version": 1, "papers": [gone_entry()]})
    page.goto(url + f"/papers/{POINTER}/")
    save_button(page.locator("article.paper")).click()
    page.goto(url + "/reading-list/")
    gone = page.locator(".reading-item", has_text="A Paper This Site Never Had")
    expect(gone.locator(".reading-gone")).to_have_text("No longer on this site")
    expect(gone.locator(".paper-title a")).to_have_count(0)  # no link to a missing page
    expect(page.locator(".reading-summary")).to_have_text(
        "2 saved papers, the most recently saved first. 1 of them is no longer on this site."
    )
    here = page.locator(".reading-item", has_text="Pointer Networks")
    expect(here.locator(".paper-title a")).to_have_count(1)
    expect(here.locator(".reading-gone")).to_have_count(0)
    page.reload()
    expect(gone.locator(".reading-gone")).to_have_text("No longer on this site")
    assert [p["slug"] for p in stored(page)["papers"]] == [POINTER, GONE]


def test_a_list_of_thousands_is_checked_and_exported_whole(reader: Page, url: str, sample_site: BuiltSite) -> None:
    """Asked all at once, Chromium refused hundreds of 2,000 requests (net::ERR_INSUFFICIENT_RESOURCES):
    gone papers went unnoticed and the BibTeX export failed."""
    page = reader
    here = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    saved = [
        {**gone_entry(), "slug": f"gone-{n}", "url": f"https://paper-digest.netlify.app/papers/gone-{n}/"}
        for n in range(2000)
    ] + [{**gone_entry(), "slug": p["slug"], "title": p["title"], "url": p["url"]} for p in here]
    page.goto(url + "/about/")
    store(page, STORE, {"format": STORE, "version": 1, "papers": saved})
    page.goto(url + "/reading-list/")
    total = len(saved)
    expect(page.locator(".reading-summary")).to_have_text(
        re.compile(f"^{total:,} saved papers, .* 2,000 of them are no longer on this site\\.$".replace(",", ",?")),
        timeout=60_000,
    )
    page.evaluate(
        """() => { window.said = []; const status = document.querySelector('.reading-status');
            new MutationObserver(() => window.said.push(status.textContent)).observe(status, {childList: true}); }"""
    )
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="BibTeX", exact=True).click()
    library = bibtexparser.parse_string(Path(info.value.path()).read_text(encoding="utf-8"))
    assert library.failed_blocks == [] and len(library.entries) == total
    # it said how far it had come (8 s of "Fetching…" at 2,600 papers), a tenth at a time
    said = page.evaluate("window.said")
    done = [int(m[1]) for text in said if (m := re.search(r": (\d+) done…$", text))]
    assert len(done) == 9 and done == sorted(done), said
    downloads: list[object] = []  # one export at a time: a second click while fetching made a second file
    page.on("download", lambda download: downloads.append(download))
    button = page.get_by_role("button", name="BibTeX", exact=True)
    button.click()
    button.click(force=True, no_wait_after=True)
    expect(page.locator(".reading-status")).to_have_text(f"Exported {total:,} papers as BibTeX.".replace(",", ""))
    page.wait_for_timeout(500)
    assert len(downloads) == 1
    assert {e.key for e in library.entries} >= {bib_key(sample_site, p["slug"]) for p in here}


def test_a_failed_bibtex_export_stops_asking_the_site(
    context: BrowserContext, url: str, sample_site: BuiltSite
) -> None:
    """One .bib the site cannot give fails the export; the rest of a long list is not asked for
    after it (all were asked at once, then each worker went on to the end of the list). (Chromium
    logs the 500 as an error: not `reader`.)"""
    page = context.new_page()
    here = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    asked: list[str] = []

    def answer(route: Route) -> None:
        asked.append(route.request.url)
        if len(asked) == 3:
            route.fulfill(status=500, body="no")
        else:
            route.continue_()

    page.goto(url + "/about/")
    store(
        page,
        STORE,
        {
            "format": STORE,
            "version": 1,
            "papers": [{**gone_entry(), "slug": p["slug"], "title": p["title"], "url": p["url"]} for p in here],
        },
    )
    page.goto(url + "/reading-list/")
    expect(page.locator(".reading-summary")).to_have_text(re.compile(f"^{len(here)} saved papers"))
    page.route("**/index.bib", answer)
    page.get_by_role("button", name="BibTeX", exact=True).click()
    expect(page.locator(".reading-status")).to_have_text(re.compile("^Could not export BibTeX: the site answered 500"))
    page.wait_for_timeout(500)
    assert 3 <= len(asked) <= 3 + 6, len(asked)


def test_a_failed_export_is_not_hidden_by_the_requests_still_under_way(
    context: BrowserContext, url: str, sample_site: BuiltSite
) -> None:
    """The requests under way when one failed finished afterwards, and one of them could say
    "Fetching …: 28 done…" over "Could not export BibTeX", which then stayed on screen."""
    page = context.new_page()
    here = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    step = math.ceil(len(here) / 10)  # a progress message at each tenth
    asked: list[str] = []
    held: list[Route] = []

    def answer(route: Route) -> None:
        asked.append(route.request.url)
        if 2 * step - 4 <= len(asked) <= 2 * step:
            held.append(route)  # under way until the failure is shown; done, they reach a tenth
        elif len(asked) == 2 * step + 1:
            route.fulfill(status=500, body="no")
        else:
            route.continue_()

    page.goto(url + "/about/")
    papers = [{**gone_entry(), "slug": p["slug"], "title": p["title"], "url": p["url"]} for p in here]
    store(page, STORE, {"format": STORE, "version": 1, "papers": papers})
    page.goto(url + "/reading-list/")
    expect(page.locator(".reading-summary")).to_have_text(re.compile(f"^{len(here)} saved papers"))
    page.route("**/index.bib", answer)
    page.get_by_role("button", name="BibTeX", exact=True).click()
    failed = re.compile("^Could not export BibTeX: the site answered 500")
    expect(page.locator(".reading-status")).to_have_text(failed)
    for route in held:
        route.continue_()
    page.wait_for_timeout(500)
    expect(page.locator(".reading-status")).to_have_text(failed)


def test_the_header_count_and_buttons_follow_other_tabs(context: BrowserContext, url: str) -> None:
    reading, topic = context.new_page(), context.new_page()
    reading.goto(url + "/reading-list/")
    topic.goto(url + "/topics/music/")
    first = topic.locator(".paper-item").first
    title = first.locator(".paper-title a").inner_text()
    save_button(first).click()
    expect(header_link(reading)).to_have_text("Reading list (1)")  # the other tab, without a reload
    expect(reading.locator(".reading-item .paper-title")).to_have_text([title])
    reading.get_by_role("button", name=f"Remove: {title}").click()
    expect(save_button(first)).to_have_attribute("aria-pressed", "false")
    expect(header_link(topic)).to_have_text("Reading list")


def _visited_before(page: Page, url: str, newest: str, minutes_ago: float) -> None:
    """As if the reader's last page view, showing digests up to `newest`, was `minutes_ago`."""
    page.goto(url + "/about/")
    page.evaluate(
        "([key, newest, ago]) => localStorage.setItem(key, JSON.stringify("
        "{version: 1, current: {newest, last: Date.now() - ago * 60000}, previous: null}))",
        [VISITS, newest, minutes_ago],
    )


def _new_items(page: Page) -> list[str]:
    selector = ".paper-item:has(.paper-title .new-badge)"
    return page.locator(selector).evaluate_all("items => items.map(i => i.dataset.paper)")


def _listed_after(page: Page, day: str) -> list[str]:
    return page.locator(".paper-item").evaluate_all(
        "(items, day) => items.filter(i => i.dataset.listed.split(' ').some(d => d > day)).map(i => i.dataset.paper)",
        day,
    )


def test_first_visit_marks_nothing_new(reader: Page, url: str) -> None:
    page = reader
    page.goto(url + "/")
    expect(page.locator(".home-latest .paper-item").first).to_be_visible()
    page.reload()
    expect(page.locator(".new-badge")).to_have_count(0)
    expect(page.locator(".new-since")).to_have_count(0)
    page.goto(url + "/topics/music/")
    expect(page.locator(".new-badge")).to_have_count(0)


def test_papers_of_digests_newer_than_the_last_visit_are_marked_new(reader: Page, url: str) -> None:
    page = reader
    _visited_before(page, url, "2025-05-30", minutes_ago=3 * 24 * 60)
    page.goto(url + "/")
    line = page.locator(".new-since")
    expect(line).to_have_text(
        re.compile(
            r"^1 new digest since your last visit on \d{1,2} [A-Z][a-z]+( \d{4})?; its papers are marked “new”\.$"
        )
    )
    latest = page.locator(".home-latest .paper-item")
    expect(latest.locator(".new-badge")).to_have_count(latest.count())
    expect(latest.first.locator(".paper-title")).to_have_accessible_name(re.compile(r" new$"))  # read out too

    page.goto(url + "/topics/music/")  # older papers too: only those of the newer digest are new
    marked = _new_items(page)
    assert marked == _listed_after(page, "2025-05-30")
    assert 0 < len(marked) < page.locator(".paper-item").count()
    page.goto(url + OLDER_DIGEST)
    assert _new_items(page) == _listed_after(page, "2025-05-30")  # only papers listed again since

    page.goto(url + "/")  # the same visit: reloading keeps the badges
    page.reload()
    expect(page.locator(".new-since")).to_have_count(1)
    assert len(_new_items(page)) == latest.count()

    _visited_before(page, url, "2025-06-26", minutes_ago=31)  # a new visit, the newest digest seen
    page.goto(url + "/")
    expect(page.locator(".new-badge")).to_have_count(0)
    expect(page.locator(".new-since")).to_have_count(0)


def test_with_javascript_off_there_are_no_buttons_and_pages_read(browser: Browser, url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for path in ("/", DIGEST, "/topics/music/", f"/papers/{POINTER}/"):
            page.goto(url + path)
            expect(page.locator("h1")).to_be_visible()
            expect(page.locator("button.save-toggle").first).to_be_attached()
            expect(page.locator("button.save-toggle:visible")).to_have_count(0)
            expect(page.locator(".new-badge")).to_have_count(0)
            expect(header_link(page)).to_have_text("Reading list")
        page.goto(url + "/reading-list/")
        expect(page.locator(".reading-list-noscript")).to_contain_text("needs JavaScript")
        expect(page.locator("main button")).to_have_count(0)
    finally:
        context.close()


def test_no_serious_accessibility_violations_with_the_features_shown(page: Page, site_url: str) -> None:
    url = site_url  # without the Content-Security-Policy, which keeps axe-core out
    page.goto(url + DIGEST)
    save_button(page.locator(".paper-item").first).click()
    store(page, STORE, {**stored(page), "papers": [*stored(page)["papers"], gone_entry()]})
    page.goto(url + "/reading-list/")
    expect(page.locator(".reading-gone")).to_have_count(1)
    page.get_by_label("Import a reading list").set_input_files(
        files=[{"name": "bad.json", "mimeType": "application/json", "buffer": b"]"}]
    )
    expect(page.locator(".reading-status")).to_contain_text("Could not import")
    found: dict[str, Any] = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[f"reading-list {scheme}"] = _serious_violations(page)
    _visited_before(page, url, "2025-05-30", minutes_ago=60)
    page.goto(url + "/")
    expect(page.locator(".new-since")).to_be_visible()
    save_button(page.locator(".paper-item").first).click()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[f"home {scheme}"] = _serious_violations(page)
    assert found == {k: [] for k in found}


MINUTE = 60_000
T = 1_800_000_000_000
SEEN = {"newest": "2025-06-26", "last": T}
BEFORE = {"newest": "2025-05-30", "last": T - 3 * 24 * 60 * MINUTE}
VISIT_RULE = [
    # (what the record was, the page's newest digest, minutes after the last view) → (previous visit, newest seen now)
    ("first view", None, "2025-06-26", 0, None, "2025-06-26"),
    ("an unreadable record is a first view", "junk", "2025-06-26", 0, None, "2025-06-26"),
    ("same visit, an older page", {"current": SEEN, "previous": BEFORE}, "2025-03-18", 29, BEFORE, "2025-06-26"),
    ("same visit, a newer digest", {"current": SEEN, "previous": BEFORE}, "2025-07-01", 29, BEFORE, "2025-07-01"),
    ("next visit starts from the last", {"current": SEEN, "previous": BEFORE}, "2025-03-18", 31, SEEN, "2025-06-26"),
    ("next visit, a page without digests", {"current": SEEN, "previous": None}, None, 31, SEEN, "2025-06-26"),
    ("next visit, a newer digest", {"current": SEEN, "previous": BEFORE}, "2025-07-01", 24 * 60, SEEN, "2025-07-01"),
]


@pytest.mark.parametrize(
    ("record", "newest", "minutes", "previous", "seen"), [c[1:] for c in VISIT_RULE], ids=[c[0] for c in VISIT_RULE]
)
def test_the_visit_rule(
    page: Page,
    site_url: str,
    sample_site: BuiltSite,
    record: Any,
    newest: str | None,
    minutes: int,
    previous: Any,
    seen: str,
) -> None:
    module = next((sample_site.out / "assets").glob("new-since.*.js")).name
    page.goto(site_url + "/about/")
    result = page.evaluate(
        "async ([src, record, newest, now]) => (await import(src)).pageView(record, newest, now)",
        [f"/assets/{module}", record, newest, T + minutes * MINUTE],
    )
    assert result["previous"] == previous
    assert result["record"] == {
        "version": 1,
        "current": {"newest": seen, "last": T + minutes * MINUTE},
        "previous": previous,
    }
