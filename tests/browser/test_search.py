"""Searching the sample site in Chromium, as a reader does: typing, links, keys, loading, no JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.helpers import ABSTRACT, build_into, write_content

from .conftest import serve_folder
from .search_page import Gate, build_hostile_site, every_result, search_for

LOTTERY = "the-lottery-ticket-hypothesis-finding-sparse-trainable-neural-networks"


def is_search_file(url: str) -> bool:
    return "/search/index.json" in url or "/assets/search/" in url or "/assets/lunr." in url


def test_typing_shows_results_with_highlights_topics_dates_and_snippet(
    page: Page, site_url: str, console_errors: list[str]
) -> None:
    page.goto(site_url + "/topics/")
    assert search_for(page, "lottery ticket")[0] == LOTTERY
    expect(page.locator(".search-status")).to_have_text("1 paper matches “lottery ticket”.")
    expect(page.locator(".search-status")).to_have_attribute("aria-live", "polite")
    result = page.locator(".search-result").first
    expect(result.locator(".search-result-title mark")).to_have_text(["Lottery", "Ticket"])
    expect(result.locator(".search-result-meta")).to_contain_text("Efficiency & Sparsity")
    expect(result.locator(".search-result-meta time")).to_have_attribute("datetime", re.compile(r"\d{4}-\d\d-\d\d"))
    snippet = result.locator(".search-result-snippet")
    expect(snippet.locator("mark").first).to_be_visible()
    assert len(snippet.inner_text()) < 260


def test_snippet_is_cut_around_a_match_late_in_the_abstract(page: Page, site_url: str) -> None:
    page.goto(site_url + "/")
    assert search_for(page, "pointer networks hull")[0] == "pointer-networks"
    snippet = page.locator(".search-result-snippet").first
    expect(snippet).to_contain_text(re.compile("^…"))
    expect(snippet.locator("mark", has_text=re.compile("hull", re.I)).first).to_be_visible()


def test_index_loads_on_first_focus_with_a_loading_state(page: Page, site_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    held: list[Route] = []
    page.route("**/search/index.json", lambda route: held.append(route))
    page.goto(site_url + "/digests/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if is_search_file(url)]
    with page.expect_response(lambda response: "search-results" in response.url):
        page.focus("#search-box")
    page.wait_for_timeout(300)  # the search code is in and running: only the index is on its way
    page.keyboard.type("music")
    expect(page.locator(".search-status")).to_have_text("Loading search…")
    expect(page.locator(".search-status")).to_be_visible()
    assert held, "focusing the box fetches the index"
    held[0].continue_()
    expect(page.locator(".search-status")).to_contain_text("papers match “music”")


def test_titles_answer_first_while_abstracts_load(page: Page, split_site_url: str, console_errors: list[str]) -> None:
    held: list[Route] = []
    page.route("**/assets/search/abstracts*.json", lambda route: held.append(route))
    page.goto(split_site_url + "/search/")
    page.fill("#search-box", "lottery ticket")
    expect(page.locator(".search-status")).to_contain_text(
        "paper matches “lottery ticket” in titles. Searching abstracts…"
    )
    expect(page.locator(".search-result-title").first).to_contain_text("The Lottery Ticket Hypothesis")
    expect(page.locator(".search-results")).to_have_attribute("aria-busy", "true")
    assert held
    for route in held:
        route.continue_()
    page.unroute("**/assets/search/abstracts*.json")
    expect(page.locator(".search-results")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ papers? match(es)? “lottery ticket”\.$"))
    expect(page.locator(".search-result-title").first).to_contain_text("The Lottery Ticket Hypothesis")


def test_the_abstracts_are_asked_for_once_results_from_titles_have_what_they_show(page: Page, site_url: str) -> None:
    """On a cold /search/?q=…, the first results do not share the network with the abstracts' piece,
    the largest file: it is asked for only once the results from titles have their records."""
    abstracts = Gate(page, "**/assets/search/abstracts*.json")
    records = Gate(page, "**/assets/search/papers*.json")
    page.goto(site_url + "/search/?q=music")
    records.wait_until_holding(page)
    assert not abstracts.held
    records.release()
    expect(page.locator(".search-status")).to_contain_text("in titles. Searching abstracts…")
    expect(page.locator(".search-result").first).to_be_visible()
    abstracts.wait_until_holding(page)
    abstracts.release()
    expect(page.locator(".search-status")).to_have_text("28 papers match “music”.")


def test_search_files_have_fingerprinted_addresses(page: Page, site_url: str) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(site_url + "/search/?q=diffusion")
    expect(page.locator(".search-status")).to_contain_text("papers match")
    data = [r.url for r in requests if is_search_file(r.url) and "/search/index.json" not in r.url]
    assert data and all(re.search(r"\.[0-9a-f]{10}\.(json|js)$", url) for url in data), data


def test_a_link_reproduces_the_search(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/search/?q=%22music+transformer%22")
    expect(page.locator("#search-box")).to_have_value('"music transformer"')
    expect(page.locator(".search-result-title").first).to_have_text("Music Transformer")
    expect(page.locator("h1")).to_have_text("Search")


def test_the_query_lives_in_the_address_and_back_restores_it(page: Page, site_url: str) -> None:
    page.goto(site_url + "/search/")
    search_for(page, "pointer")
    assert page.evaluate("location.search") == "?q=pointer"
    page.locator(".search-result-title a").first.click()
    expect(page.locator("h1")).to_have_text("Pointer Networks")
    page.go_back()
    expect(page.locator("#search-box")).to_have_value("pointer")
    expect(page.locator(".search-result-title").first).to_have_text("Pointer Networks")


def test_keys_slash_arrows_enter_and_escape(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/topics/")
    page.keyboard.press("/")
    expect(page.locator("#search-box")).to_be_focused()
    page.keyboard.type("music generation")
    expect(page.locator(".search-status")).to_contain_text("papers match “music generation”")
    titles = page.locator(".search-result-title a")
    page.keyboard.press("ArrowDown")
    expect(titles.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(titles.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#search-box")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#search-box")).to_have_value("")
    expect(page.locator(".search-result")).to_have_count(0)
    expect(page.locator("#search-panel")).to_be_hidden()
    assert page.evaluate("location.search") == ""
    page.keyboard.type("lottery")
    expect(page.locator(".search-status")).to_contain_text("“lottery”")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/papers/{LOTTERY}/")


def test_slash_in_the_box_is_typed_not_captured(page: Page, site_url: str) -> None:
    page.goto(site_url + "/")
    page.focus("#search-box")
    page.keyboard.type("a/b")
    expect(page.locator("#search-box")).to_have_value("a/b")


def test_enter_in_the_box_opens_the_search_page(page: Page, site_url: str) -> None:
    page.goto(site_url + "/about/")
    page.focus("#search-box")
    page.keyboard.type("lottery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=lottery")
    assert search_for(page, "lottery")[0] == LOTTERY


def test_without_javascript_the_form_submits_to_the_search_page(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/papers/pointer-networks/")
    page.fill("#search-box", "lottery ticket")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=lottery+ticket")
    expect(page.locator(".search-noscript")).to_contain_text("Search needs JavaScript")
    context.close()


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ('"continual learning"', "a-closer-look-at-rehearsal-free-continual-learning", None),
        ('"learning continual"', None, "a-closer-look-at-rehearsal-free-continual-learning"),
        ("music -transformer", "musicrl-aligning-music-generation-to-human-preferences", "music-transformer"),
        ('transformer -"music generation"', "music-transformer", "theme-transformer-symbolic-music-generation-with"),
        ("topic:music transformer", "music-transformer", "exemplar-free-continual-learning-of-vision-transformers-via"),
        ("transformer -topic:music", "exemplar-free-continual-learning-of-vision-transformers", "music-transformer"),
        ('topic:"speech & audio" diffusion', "speech-enhancement-and-dereverberation-with-diffusion-based", None),
        ("transcri", "a-lightweight-instrument-agnostic-model-for-polyphonic-note-transcription-and", None),
        ("lotery", LOTTERY, None),
        ("surveys", "audio-language-models-for-audio-centric-tasks-a-survey", None),
    ],
)
def test_query_language(page: Page, site_url: str, query: str, present: str | None, absent: str | None) -> None:
    page.goto(site_url + "/search/")
    search_for(page, query)
    slugs = every_result(page)
    if present:
        assert any(s.startswith(present) for s in slugs), slugs
    if absent:
        assert not any(s.startswith(absent) for s in slugs), slugs


def test_results_stay_while_a_short_last_word_is_typed(page: Page, site_url: str, console_errors: list[str]) -> None:
    """A last word of one or two letters matches only itself: "lottery t" and "lottery ti" found
    nothing, the results of "lottery" vanishing until "lottery tic"."""
    page.goto(site_url + "/search/")
    box, status = page.locator("#search-box"), page.locator(".search-status")
    box.press_sequentially("lottery ti", delay=30)
    expect(status).to_have_text("1 paper matches “lottery”. “ti” is left out until it is finished.")
    assert every_result(page) == [LOTTERY]
    box.press_sequentially("c", delay=30)
    expect(status).to_have_text("1 paper matches “lottery tic”.")
    box.fill("lottery zq ")  # finished with a space: the word counts
    expect(status).to_have_text(re.compile("^No papers match"))
    for typed in ("music author:h", '"music g'):  # an author's name, a phrase: the same
        box.fill(typed)
        left = r"“(author:h|g)” is left out until it is finished\."
        expect(status).to_have_text(re.compile(r"^\d+ papers? match(es)? “\"?music”\. " + left + "$"))
    box.fill("music ai")  # found as it is: it counts
    expect(status).to_have_text(re.compile(r"^\d+ papers? match(es)? “music ai”\.$"))


def test_back_to_the_search_page_shows_as_many_results_where_the_reader_was(page: Page, site_url: str) -> None:
    """After "Show more results", a result opened and Back showed the first 20 results only, the
    page scrolled to a place that no longer held the result."""
    page.goto(site_url + "/search/?q=learning")
    results = page.locator(".search-result")
    expect(results).to_have_count(20)
    page.click(".search-more-button")
    expect(results).to_have_count(40)
    opened = results.nth(25).locator(".search-result-title a")
    title = opened.inner_text()
    opened.scroll_into_view_if_needed()
    opened.click()
    expect(page).to_have_url(re.compile(r"/papers/"))
    page.go_back()
    expect(results).to_have_count(40)
    again = page.locator(".search-result-title a", has_text=title)
    expect(again).to_be_in_viewport()


def test_back_to_the_search_page_puts_the_focus_on_the_result_that_was_followed(page: Page, site_url: str) -> None:
    """A keyboard reader who opened a result and came Back found the focus on <body>, and had to
    tab from the top of the page again; it is on the result they opened, so ↓ goes on to the next."""
    page.goto(site_url + "/search/?q=learning")
    links = page.locator(".search-result-title a")
    expect(links).to_have_count(20)
    page.locator("#search-box").focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    href = links.nth(2).get_attribute("href")
    expect(links.nth(2)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/papers/"))
    page.go_back()
    expect(links.nth(2)).to_be_focused()
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
    page.keyboard.press("ArrowDown")
    expect(links.nth(3)).to_be_focused()
    # then left another way (the header's link home): Back puts the focus on the box, not the old result
    page.locator("header a").first.click()
    expect(page).not_to_have_url(re.compile(r"/search/"))
    page.go_back()
    expect(links).to_have_count(20)
    expect(page.locator("#search-box")).to_be_focused()


def test_nothing_found_flashes_while_a_short_last_word_is_typed_on_a_large_site(
    page: Page, split_site_url: str, console_errors: list[str]
) -> None:
    """A large site's index comes in pieces: the titles' answer came first, and said "No papers
    match" for "lottery t" before the whole query gave way to "lottery"; and "vision-l" got no
    fallback at all."""
    page.goto(split_site_url + "/search/")
    box, status = page.locator("#search-box"), page.locator(".search-status")
    box.press_sequentially("lottery", delay=30)
    expect(status).to_have_text("1 paper matches “lottery”.")
    page.evaluate(
        """() => { window.said = []; new MutationObserver(() => window.said.push(
            document.querySelector('.search-status').textContent)).observe(
            document.querySelector('.search-status'), {childList: true, characterData: true, subtree: true}); }"""
    )
    box.press_sequentially(" ti", delay=30)
    expect(status).to_have_text("1 paper matches “lottery”. “ti” is left out until it is finished.")
    page.wait_for_timeout(300)
    assert not [said for said in page.evaluate("window.said") if said.startswith("No papers")]
    box.fill("")
    box.press_sequentially("vision-l", delay=30)  # a compound being typed: "visionl", of which "vision" may be the stem
    expect(status).to_have_text(re.compile(r"^\d+ papers? match(es)? “vision-l”\.$"))


def test_the_panel_links_all_results_of_what_was_typed(page: Page, site_url: str) -> None:
    """It linked the query searched in its place ("music "), which the search page showed in its box."""
    page.goto(site_url + "/topics/")
    page.locator("#search-box").press_sequentially("music zq", delay=30)
    expect(page.locator(".search-status")).to_contain_text("“music”")
    expect(page.locator("a.search-all")).to_have_attribute("href", re.compile(r"/search/\?q=music%20zq$"))


def test_back_restores_what_the_address_asked_and_only_what_the_reader_last_saw(page: Page, site_url: str) -> None:
    """The count kept was the query's as searched ("learning " for "learning zq"), so Back showed 20;
    and it outlived the results it counted, so Back after retyping showed 40 again."""
    results = page.locator(".search-result")
    page.goto(site_url + "/search/?q=learning%20zq")  # searched as "learning"
    expect(results).to_have_count(20)
    page.click(".search-more-button")
    expect(results).to_have_count(40)
    results.nth(25).locator(".search-result-title a").click()
    page.go_back()
    expect(results).to_have_count(40)
    page.goto(site_url + "/search/?q=learning")
    page.click(".search-more-button")
    expect(results).to_have_count(40)
    page.locator("#search-box").fill("learnin")
    page.locator("#search-box").fill("learning")
    expect(results).to_have_count(20)
    results.nth(1).locator(".search-result-title a").click()
    page.go_back()
    expect(page.locator(".search-status")).to_contain_text("“learning”")
    page.wait_for_timeout(300)
    expect(results).to_have_count(20)


def test_reload_shows_as_many_results_where_the_reader_was(page: Page, site_url: str) -> None:
    page.goto(site_url + "/search/?q=learning")
    results = page.locator(".search-result")
    page.click(".search-more-button")
    expect(results).to_have_count(40)
    title = results.nth(30).locator(".search-result-title a")
    name = title.inner_text()
    title.scroll_into_view_if_needed()
    page.wait_for_timeout(400)  # the scroll is kept a quarter of a second after it stops
    page.reload()
    expect(results).to_have_count(40)
    expect(page.locator(".search-result-title a", has_text=name)).to_be_in_viewport()


def test_topic_filter_keeps_only_that_topic(page: Page, site_url: str) -> None:
    page.goto(site_url + "/search/")
    search_for(page, "topic:music")
    metas = page.locator(".search-result-meta").all_inner_texts()
    assert metas and all("Music" in m for m in metas)
    search_for(page, "topic:nonsense learning")
    expect(page.locator(".search-status")).to_contain_text("No topic is called “nonsense”")


def test_exact_title_ranks_first(page: Page, site_url: str) -> None:
    page.goto(site_url + "/search/")
    assert search_for(page, "Diffusion Models Beat GANs on Image Classification")[0] == (
        "diffusion-models-beat-gans-on-image-classification"
    )


@pytest.mark.parametrize("query", ["title:", "~", "^2", "*", '"', "+-", ":", "foo~1^", "\\", "-", "topic:", "a*b~c"])
def test_lunr_syntax_never_breaks_the_search(page: Page, site_url: str, console_errors: list[str], query: str) -> None:
    page.goto(site_url + "/search/")
    page.fill("#search-box", query)
    page.wait_for_function("() => !/Loading/.test(document.querySelector('.search-status').textContent)")
    page.wait_for_timeout(100)
    assert "unavailable" not in page.locator(".search-status").inner_text()


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(build_hostile_site(tmp_path_factory.mktemp("hostile-search"))) as url:
        yield url


def test_markup_in_titles_shows_as_text_in_results(page: Page, hostile_url: str, console_errors: list[str]) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_url + "/search/")
    search_for(page, "onerror alert")
    titles = page.locator(".search-result-title").all_inner_texts()
    assert "<img src=x onerror=alert(1)>" in titles
    assert page.locator(".search-results img, .search-results script, .search-results iframe").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.locator(".search-results").inner_text()
    assert dialogs == []


def test_a_greek_letter_is_found_by_its_name_and_as_typed(
    page: Page, tmp_path: Path, console_errors: list[str]
) -> None:
    """β-VAE was indexed as "vae" alone and μP as "p": a reader searching "beta vae" or "muP" found
    other papers, or none. A Greek letter on its own is now the word of its name, on both sides."""
    titles = [
        "β-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework",
        "Tensor Programs V: Hyperparameter Transfer with μP",
        "Variational Autoencoders for Beginners",
    ]
    papers = [{"title": title, "abstract": ABSTRACT} for title in titles]
    digest = {"date": "2025-07-01", "papers": papers}
    content = write_content(tmp_path, {"digests/2025-07-01.yaml": yaml.safe_dump(digest, allow_unicode=True)})
    build_into(content, tmp_path / "public")
    with serve_folder(tmp_path / "public") as url:
        page.goto(url + "/search/")
        beta_vae = "b-vae-learning-basic-visual-concepts-with-a-constrained-variational-framework"
        assert search_for(page, "beta vae") == [beta_vae]
        expect(page.locator(".search-result-title mark")).to_have_text(["β", "VAE"])
        assert search_for(page, "β-VAE") == [beta_vae]
        assert search_for(page, "muP transfer") == ["tensor-programs-v-hyperparameter-transfer-with-mp"]


def test_typing_a_surname_finds_the_paper_with_its_byline(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/papers/pointer-networks/")
    assert search_for(page, "frankle lottery")[0] == LOTTERY
    result = page.locator(".search-result").first
    expect(result.locator(".search-result-authors")).to_have_text("Jonathan Frankle, Michael Carbin")
    expect(result.locator(".search-result-authors mark")).to_have_text(["Frankle"])
    page.goto(site_url + "/search/")
    assert search_for(page, "herremans midi")[0] == "midicaps-a-large-scale-midi-dataset-with-text-captions"
    byline = page.locator(".search-result-authors").first
    expect(byline).to_have_text("Jan Melechovsky, Abhinaba Roy, Dorien Herremans")
    expect(byline.locator("mark")).to_have_text(["Herremans"])
    assert search_for(page, "vaswani music transformer")[0] == "music-transformer"
    expect(page.locator(".search-result-authors").first).to_have_text(
        "Cheng-Zhi Anna Huang, Ashish Vaswani, Jakob Uszkoreit et al."
    )


def test_author_filter_narrows_the_results(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/search/")
    assert len(search_for(page, "sequence")) > 2
    slugs = search_for(page, "sequence author:vinyals")
    assert sorted(slugs) == ["order-matters-sequence-to-sequence-for-sets", "pointer-networks"]
    expect(page.locator(".search-status")).to_have_text("2 papers match “sequence author:vinyals”.")
    expect(page.locator(".search-result-authors mark")).to_have_text(["Vinyals", "Vinyals"])
    assert {m.lower() for m in page.locator(".search-result-title mark").all_inner_texts()} == {"sequence"}
    assert search_for(page, 'author:"oriol vinyals" pointer') == ["pointer-networks"]
    # Kaitao Song and Song Mei, not the papers with "song" in their title or abstract
    assert len(search_for(page, "song")) > 2
    assert sorted(search_for(page, "author:song")) == [
        "songmass-automatic-song-writing-with-pre-training-and-alignment-constraint",
        "what-can-a-single-attention-layer-learn-a-study-through-the-random-features-lens",
    ]
    assert "pointer-networks" not in search_for(page, "sequence -author:vinyals")


def test_unknown_author_filter_behaves_like_an_unknown_topic_filter(page: Page, site_url: str) -> None:
    page.goto(site_url + "/search/")
    assert search_for(page, "topic:nonsense learning") == []
    expect(page.locator(".search-status")).to_contain_text("No papers match “topic:nonsense learning”.")
    assert search_for(page, "author:nobodyknows learning") == []
    expect(page.locator(".search-status")).to_have_text(
        "No papers match “author:nobodyknows learning”. No author is called “nobodyknows”."
    )


def test_date_and_code_filters_narrow_the_results(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/search/")
    assert search_for(page, "pointer networks year:2025")[0] == "pointer-networks"
    assert search_for(page, "pointer networks year:2015") == []  # published 2015, listed 2025
    expect(page.locator(".search-status")).to_contain_text("No digest is from 2015 (digests from March 2025 to June")
    search_for(page, "month:2025-05")
    dates = page.locator(".search-result-meta").all_inner_texts()
    assert dates and all("May 2025" in d for d in dates)
    assert "coda-prompt-continual-decomposed-attention-based-prompting-for-rehearsal-free" in search_for(
        page, "prompt has:code"
    )
    assert len(search_for(page, "prompt has:code")) < len(search_for(page, "prompt"))
    assert search_for(page, "year:abc") == []  # read as words: no paper has both
    expect(page.locator(".search-status")).to_have_text(
        "No papers match “year:abc”. “year:abc” is read as words: year: takes a year (year:2025),"
        " month: a month (month:2025-06)."
    )


def test_the_search_page_explains_every_filter(page: Page, site_url: str) -> None:
    page.goto(site_url + "/search/")
    page.click(".search-help summary")
    help_text = page.locator(".search-help").inner_text()
    for phrase in ("author:", "year:2025", "month:2025-06", "has:code", "listed", "not when it was published"):
        assert phrase in help_text, phrase
