"""Untrusted text into Markdown and back into HTML: always shown literally, links only to the web."""

from __future__ import annotations

import html

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_src.markup import clean_text, code_label, code_links, find_links, render_markdown, text_to_markdown
from site_src.pages.urls import SiteUrls

# Text made mostly of the characters that mean something in Markdown or HTML.
HOSTILE = st.lists(st.sampled_from([*"ab 1.-+=#*_`[]()<>!&;~|\\:/\"'\t\n", "http://x.io/", "www.y.org"])).map("".join)


def _visible(rendered: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(rendered, create_parent="div").text_content().split())


@given(st.text() | HOSTILE)
def test_any_text_renders_as_itself(text: str) -> None:
    rendered = render_markdown(text_to_markdown(text))
    expected = clean_text(text)
    if expected:
        assert _visible(rendered) == expected
    tree = lxml.html.fragment_fromstring(rendered or "<p></p>", create_parent="div")
    assert {e.tag for e in tree.iter()} <= {"div", "p", "a"}
    assert all(a.get("href", "").startswith(("http://", "https://")) for a in tree.iter("a"))


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("code at https://github.com/harshays/inputgradients.", ["https://github.com/harshays/inputgradients"]),
        (
            "see https://github.com/YookiTong/Learn-from-Mistakes-CotErrorSet}.",
            ["https://github.com/YookiTong/Learn-from-Mistakes-CotErrorSet"],
        ),
        (
            "(https://x.org/a_(b)) and www.jenmusic.ai/research#DreamStyler.",
            ["https://x.org/a_(b)", "http://www.jenmusic.ai/research#DreamStyler"],
        ),
        ("no links: e.g. 3.5, arxiv:2306.12345, javascript:alert(1)", []),
        ("http://localhost is not on the web", []),
    ],
)
def test_links_found_in_abstracts(text: str, links: list[str]) -> None:
    assert [link.url for link in find_links(text)] == links


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://github.com/a/b", "Code"),
        ("https://huggingface.co/datasets/x/y", "Dataset"),
        ("https://huggingface.co/spaces/x/y", "Demo"),
        ("https://hf.co/x/y", "Model"),
        ("https://huggingface.co/gpt2", "Hugging Face"),
        ("https://huggingface.co/metrics/bleu", "Hugging Face"),
        ("https://huggingface.co/datasets", "Hugging Face"),
        ("https://discuss.huggingface.co/t/x/1", "Hugging Face"),
    ],
)
def test_links_on_the_hub_are_labelled_by_what_they_hold(url: str, label: str) -> None:
    """Pages of the hub that hold no code (its metrics, its forum) were labelled "Code" or "Model"."""
    assert code_label(url) == label


def test_code_links_are_the_links_to_code_hosts() -> None:
    text = "Project page https://clearbuds.cs.washington.edu, code https://github.com/a/b and https://huggingface.co/datasets/x/y."
    assert code_links(text) == ("https://github.com/a/b", "https://huggingface.co/datasets/x/y")


def test_curator_markdown_renders_but_raw_html_and_script_links_do_not() -> None:
    rendered = render_markdown("*Read* [this](https://example.org/) <b>bold</b> [bad](javascript:alert(1))")
    assert "<em>Read</em>" in rendered
    assert '<a href="https://example.org/">this</a>' in rendered
    assert html.escape("<b>bold</b>", quote=False) in rendered
    assert "javascript:" not in rendered.replace("[bad](javascript:alert(1))", "")


def test_site_links_in_curator_markdown_move_below_the_base_path() -> None:
    """A curator writes /api/papers.json meaning the site's own; published below /digest/, the link
    must say so. Links to other sites, anchors and page-relative links stay as written."""
    source = (
        "[api](/api/papers.json) [home](/) [tag](/topics/music/#latest) [ref][r] ![logo](/assets/logo.svg)\n"
        "[web](https://example.org/api/) [cdn](//cdn.example.org/x.js) [top](#top) [near](notes/) "
        "<https://example.com/>\n\n[r]: /digests/"
    )
    rendered = render_markdown(source, SiteUrls("https://example.org/digest/").site_link)
    fragment = lxml.html.fragment_fromstring(rendered, create_parent="div")
    assert fragment.xpath("//a/@href") == [
        "/digest/api/papers.json",
        "/digest/",
        "/digest/topics/music/#latest",
        "/digest/digests/",
        "https://example.org/api/",
        "//cdn.example.org/x.js",
        "#top",
        "notes/",
        "https://example.com/",
    ]
    assert fragment.xpath("//img/@src") == ["/digest/assets/logo.svg"]
    at_root = render_markdown(source, SiteUrls("https://example.org/").site_link)
    assert at_root == render_markdown(source)  # a site at a domain's root keeps every link as written


def test_links_whose_text_is_their_address_are_marked_so_print_does_not_repeat_it() -> None:
    source = text_to_markdown("Code: https://github.com/a/b, demo www.example.org/x/ and https://x.org/a%20b.")
    source += (
        "\n\n[the demo](https://example.org/demo) and <https://example.com/> and [example.com](https://example.com)"
    )
    fragment = lxml.html.fragment_fromstring(render_markdown(source), create_parent="div")
    assert [(a.text, a.get("class")) for a in fragment.iter("a")] == [
        ("https://github.com/a/b", "bare-url"),
        ("www.example.org/x/", "bare-url"),
        ("https://x.org/a%20b", "bare-url"),
        ("the demo", None),
        ("https://example.com/", "bare-url"),
        ("example.com", "bare-url"),
    ]
