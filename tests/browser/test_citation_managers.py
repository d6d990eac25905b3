"""Paper pages as citation managers save them: Zotero's own Embedded Metadata translator (npm
`ztractor`, which runs Zotero's translation runtime; in Chromium, where its XPath works as in
Zotero's browser connector), offline; and the "Copy citation" button."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from site_src.inputs.settings import NODE_MODULES_DIR
from tests.conftest import BuiltSite
from tests.helpers import serve_folder

MIDIBERT = "papers/adversarial-midibert-symbolic-music-understanding-model-based-on-unbias-pre/"
NO_METADATA = "papers/towards-reliable-neural-specifications/"


@pytest.fixture(scope="module")
def zotero_url() -> Iterator[str]:
    """ztractor's browser build, served so that a page can import it."""
    dist = NODE_MODULES_DIR / "ztractor" / "dist"
    if not dist.is_dir():
        pytest.fail("npm package ztractor is missing: npm ci")
    with serve_folder(dist) as url:
        yield url


def _zotero_items(page: Page, zotero_url: str, sample_site: BuiltSite, path: str) -> list[dict[str, Any]]:
    page.goto(zotero_url + "/shared/")
    html = (sample_site.out / path / "index.html").read_text(encoding="utf-8")
    result = page.evaluate(
        """async ({library, url, html}) => {
            const zotero = await import(library);
            const found = await zotero.extractMetadata({url, html, network: "deny", timeout: 30000});
            return {success: found.success, translator: String(found.translator || ""), items: found.items || []};
        }""",
        {"library": zotero_url + "/index.js", "url": "https://paper-digest.netlify.app/" + path, "html": html},
    )
    assert result["success"], result
    assert result["translator"] == "Embedded Metadata"
    items: list[dict[str, Any]] = result["items"]
    return items


def test_zotero_saves_a_paper_as_a_preprint_with_its_authors_date_and_pdf(
    page: Page, zotero_url: str, sample_site: BuiltSite
) -> None:
    [item] = _zotero_items(page, zotero_url, sample_site, MIDIBERT)
    papers = json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))
    paper = next(p for p in papers if p["url"].endswith(MIDIBERT))
    assert item["itemType"] == "preprint"
    assert item["title"] == paper["title"]
    assert [f"{c['firstName']} {c['lastName']}" for c in item["creators"]] == paper["authors"] == ["Zijian Zhao"]
    assert item["date"] == "2024/07/11", "the paper's date, not the digest's (2025-03-18)"
    assert item["DOI"] == "10.48550/arXiv.2407.08306"
    assert item["abstractNote"] == paper["abstract"], "the whole abstract, not the page's summary"
    assert {"title": "Full Text PDF", "url": "https://arxiv.org/pdf/2407.08306", "mimeType": "application/pdf"} in item[
        "attachments"
    ]


def test_zotero_gets_no_date_at_all_for_a_paper_whose_date_is_unknown(
    page: Page, zotero_url: str, sample_site: BuiltSite
) -> None:
    [item] = _zotero_items(page, zotero_url, sample_site, NO_METADATA)
    assert "date" not in item, "a digest's date must never pass for the paper's"
    assert item["creators"] == []
    assert item["title"] == "Towards Reliable Neural Specifications"


def test_copy_citation_puts_the_bibtex_on_the_clipboard(page: Page, context: BrowserContext, site_url: str) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site_url + "/" + MIDIBERT)
    button = page.get_by_role("button", name="Copy citation")
    button.click()
    status = page.locator(".copy-status")
    expect(status).to_have_text("Copied to the clipboard.")  # the copy is asynchronous: wait for it
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#bibtex").inner_text()
    assert copied.startswith("@misc{zhao2024adversarial,") and "eprint = {2407.08306}" in copied
