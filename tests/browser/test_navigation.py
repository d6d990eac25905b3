"""Browsing the sample site in Chromium: links lead where they say, the keyboard works, no errors."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.helpers import ABSTRACT, build_into, serve_folder, text_digest, write_content


def test_reader_goes_from_home_to_paper_to_topic(page: Page, site_url: str, console_errors: list[str]) -> None:
    page.goto(site_url + "/")
    first = page.locator(".home-latest .paper-title a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    chip = page.locator(".paper-header .chip").first
    topic = chip.inner_text()
    chip.click()
    expect(page.locator("h1")).to_have_text(topic)
    expect(page.locator(".paper-title a", has_text=title)).to_be_visible()


def test_keyboard_reaches_skip_link_first_and_it_moves_focus_to_main(page: Page, site_url: str) -> None:
    page.goto(site_url + "/digests/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    expect(page.locator(":focus")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_phone_width_has_no_horizontal_scroll(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/digests/2025-06-26/", "/topics/music/", "/papers/pointer-networks/", "/about/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_dark_scheme_follows_the_system(page: Page, site_url: str) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(site_url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="light")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    assert background == "rgb(20, 22, 26)"


def test_every_kind_of_page_works_without_javascript(browser: Browser, site_url: str) -> None:
    from tests.quality import PAGE_KINDS

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for kind in PAGE_KINDS:
        if kind.javascript:
            continue
        page.goto(site_url + kind.url)
        expect(page.locator("h1")).to_be_visible()
        assert page.locator("main a").count() > (0 if kind.kind in ("page",) else 2), kind.kind
        expect(page.locator("form[role=search]")).to_have_attribute("action", "/search/")
    page.goto(site_url + "/topics/music/")
    page.locator("main .paper-title a").first.click()
    expect(page).to_have_url(re.compile(r"/papers/[a-z0-9-]+/$"))
    context.close()


def test_a_long_author_list_opens_into_one_list_of_names(page: Page, site_url: str) -> None:
    """58 authors show their first eight and "and 50 more"; opened, the names simply go on."""
    page.goto(site_url + "/papers/yue-scaling-open-foundation-models-for-long-form-music-generation/")
    authors = page.locator(".paper-header .authors")
    more = authors.get_by_text("and 50 more")
    expect(more).to_be_visible()
    assert " ".join(authors.inner_text().split()).endswith("Haohe Liu, Yiming Liang and 50 more")
    more.click()
    expect(more).to_be_hidden()
    names = " ".join(authors.inner_text().split()).split(", ")
    assert len(names) == 58, " | ".join(names)
    assert all(" more" not in name for name in names)
    assert names[6:9] == ["Haohe Liu", "Yiming Liang", "Wenye Ma"]
    # on the line "Yiming Liang" ends, not below it (a details element's content is a block of its own)
    tops = authors.evaluate(
        """(div) => [div.firstChild, div.querySelector('details').lastChild].map((text, i) => {
            const range = document.createRange();
            range.setStart(text, i ? 0 : text.length - 1);
            range.setEnd(text, i ? 1 : text.length);
            return Math.round(range.getBoundingClientRect().top);
        })"""
    )
    assert tops[0] == tops[1], f"the rest of the names start on a new line: {tops}"


def test_the_copy_citation_button_looks_like_the_site_s_other_buttons(page: Page, site_url: str) -> None:
    """It was the browser's grey default beside the site's own buttons, in light and dark alike."""
    page.goto(site_url + "/papers/yue-scaling-open-foundation-models-for-long-form-music-generation/")
    look = "b => { const s = getComputedStyle(b); return [s.color, s.backgroundColor, s.borderColor, s.fontSize]; }"
    copy = page.locator("button.copy-citation")
    expect(copy).to_be_visible()
    assert copy.evaluate(look) == page.locator("article.paper button.save-toggle").evaluate(look)


def test_right_to_left_titles_read_from_the_right_and_a_long_word_widens_no_page(
    page: Page, tmp_path: Path, console_errors: list[str]
) -> None:
    """A Hebrew title was laid out left to right, its English last word on the wrong side; a title
    of one 170-letter word made its neighbours' pages scroll sideways through their pager."""
    hebrew = "מודלים גדולים של שפה: סקירה של שיטות דחיסה ו quantization"
    long_word = "Supercalifragilistic" * 8 + "ness of Continual Learners"
    papers = [(hebrew, ABSTRACT), (long_word, ABSTRACT), ("Towards Fair Federated Learning", ABSTRACT)]
    content = write_content(tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", papers)})
    out = tmp_path / "public"
    build_into(content, out)
    page.set_viewport_size({"width": 375, "height": 800})
    with serve_folder(out) as url:
        page.goto(url + "/digests/2025-06-26/")
        direction = "e => getComputedStyle(e).direction"
        assert page.locator(".paper-title", has_text="מודלים").evaluate(direction) == "rtl"
        assert page.locator(".paper-title", has_text="Towards Fair").evaluate(direction) == "ltr"
        page.locator(".paper-title a", has_text="מודלים").click()
        assert page.locator("h1").evaluate(direction) == "rtl"
        page.goto(url + "/papers/towards-fair-federated-learning/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        expect(page.locator("a[rel=prev]")).to_contain_text("Supercalifragilistic")


def test_an_arabic_abstract_reads_from_the_right(page: Page, tmp_path: Path) -> None:
    """The abstract sat in one block under the English heading "Abstract", so it was laid out from
    the left, its full stop at the wrong end."""
    arabic = (
        "نقدم طريقة جديدة لتدريب النماذج اللغوية الكبيرة على بيانات قليلة، ونبين أنها تتفوق على "
        "الطرق السابقة في ثلاث مهام مختلفة مع تكلفة حسابية أقل بكثير من تلك الطرق."
    )
    papers = [("نماذج لغوية كبيرة", arabic), ("Towards Fair Federated Learning", ABSTRACT)]
    content = write_content(tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", papers)})
    out = tmp_path / "public"
    build_into(content, out)
    direction = "e => getComputedStyle(e).direction"
    with serve_folder(out) as url:
        page.goto(url + "/digests/2025-06-26/")
        page.locator(".paper-title a", has_text="نماذج").click()
        assert page.locator(".prose p", has_text="نقدم").evaluate(direction) == "rtl"
        page.goto(url + "/papers/towards-fair-federated-learning/")
        assert page.locator(".prose p").first.evaluate(direction) == "ltr"


def test_the_current_section_in_the_menu_moves_no_other_link(page: Page, site_url: str) -> None:
    """The current section was bold, which widened it and pushed the links after it about 8 px."""
    left = "e => e.getBoundingClientRect().left"
    page.goto(site_url + "/about/")
    where = [page.locator(".site-nav a", has_text=name).evaluate(left) for name in ("Topics", "Reading list")]
    page.goto(site_url + "/digests/")
    expect(page.locator(".site-nav a", has_text="Digests")).to_have_attribute("aria-current", "page")
    assert [page.locator(".site-nav a", has_text=name).evaluate(left) for name in ("Topics", "Reading list")] == where


def _regions_in_tab_order(page: Page) -> list[str]:
    """The home page's two regions (`home-browse`, `home-latest`) in the order Tab reaches their
    controls, one entry per control."""
    page.locator(".lede").click()  # Tab goes on from here, as after reading the introduction
    regions: list[str] = []
    for _ in range(1000):
        page.keyboard.press("Tab")
        region = page.evaluate("(document.activeElement.closest('.home-browse, .home-latest') || {}).className || ''")
        if not region:
            if regions:
                return regions
            continue
        regions.append(region.split()[0])
    raise AssertionError("Tab never left the home page's columns")


def test_tab_reaches_the_home_pages_columns_in_the_order_they_are_read(page: Page, site_url: str) -> None:
    # On a wide screen the two columns stand side by side: Tab must go through the left one, then the
    # right one, as a sighted keyboard user reads them; on a phone, the one on top first.
    for width, axis in ((1100, "x"), (360, "y")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site_url + "/")
        first = min(
            ("home-browse", "home-latest"),
            key=lambda name: page.locator(f".{name}").bounding_box()[axis],  # type: ignore[index]
        )
        regions = _regions_in_tab_order(page)
        switch = regions.index(next(r for r in regions if r != regions[0]))
        assert regions[0] == first, (width, regions[:3])
        assert all(r != regions[0] for r in regions[switch:]), width  # no way back into the first column
