"""Untrusted text shows as text everywhere: pages, Markdown twins, JSON; no script or unsafe link escapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from site_src.errors import BuildError
from site_src.markup import clean_text

from .helpers import ABSTRACT, build_into, html, load_cases, page, text_of, write_content

CASES = load_cases("escaping.yaml")
SAFE_SCHEMES = ("http://", "https://", "/", "#", "mailto:")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    digest = {"date": "2025-07-01", "papers": CASES}
    content = write_content(
        root,
        {
            "digests/2025-07-01.yaml": yaml.safe_dump(digest, allow_unicode=True),
            "notes/img-src-x-onerror-alert-1.md": (
                "---\ntopics: [code]\n---\n\\<iframe src=https://evil.example>\\</iframe> [ok](https://example.org/)\n"
            ),
        },
    )
    out = root / "public"
    build_into(content, out)
    return out


def _slug_of(out: Path, title: str) -> str:
    papers = json.loads((out / "api/papers.json").read_text(encoding="utf-8"))
    return next(p["slug"] for p in papers if p["title"] == title)


@pytest.mark.parametrize("case", CASES, ids=[c["title"] for c in CASES])
def test_title_and_abstract_show_as_text(hostile_site: Path, case: dict[str, str]) -> None:
    slug = _slug_of(hostile_site, case["title"])
    tree = page(hostile_site, f"papers/{slug}/")
    assert text_of(tree.find(".//h1")) == case["title"]
    assert tree.findtext(".//title").startswith(case["title"])
    abstract = tree.xpath("//h2[.='Abstract']/following-sibling::p[1]")[0]
    assert text_of(abstract) == clean_text(case["abstract"])
    front_matter = (hostile_site / f"papers/{slug}/index.md").read_text(encoding="utf-8").split("---\n")[1]
    assert yaml.safe_load(front_matter)["title"] == case["title"]
    assert "<" not in front_matter  # a Markdown reader that does not know front matter reads it as Markdown
    for listing in ("", "digests/2025-07-01/"):
        links = [text_of(a) for a in page(hostile_site, listing).iter("a")]
        assert case["title"] in links
    # the head repeats the title for link previews, citation managers and JSON-LD, as data only
    for key in ("og:title", "twitter:title", "citation_title"):
        assert tree.xpath(f"//meta[@name='{key}' or @property='{key}']/@content") == [case["title"]], key
    [data] = tree.xpath("//script[@type='application/ld+json']/text()")
    assert "<" not in data and json.loads(data)["name"] == case["title"]


def test_no_markup_from_content_reaches_any_page(hostile_site: Path) -> None:
    for file in hostile_site.rglob("*.html"):
        tree = html(file)
        code = "//script[not(@src) and not(@type='application/ld+json')]"
        assert not tree.xpath(f"{code} | //iframe | //img | //object | //embed"), file
        for element in tree.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (file, name)
                if name in ("href", "src", "action"):
                    assert value.startswith(SAFE_SCHEMES), (file, value)


def test_curator_note_shows_escaped_html_as_text(hostile_site: Path) -> None:
    tree = page(hostile_site, f"papers/{_slug_of(hostile_site, '<img src=x onerror=alert(1)>')}/")
    note = tree.xpath("//h2[contains(., 'note')]/following-sibling::p[1]")[0]
    assert "<iframe src=https://evil.example></iframe>" in text_of(note)
    assert [a.get("href") for a in note.iter("a")] == ["https://evil.example", "https://example.org/"]  # linkified
    assert not note.xpath(".//iframe")


def test_curator_markdown_that_only_its_markdown_twin_would_run_is_refused(tmp_path: Path) -> None:
    """The pages would show raw HTML as text and drop the link, but index.md holds the Markdown as
    written, and other Markdown readers render it: the build stops at each, by its line (a YAML
    note's, at its key). What cannot run anywhere stays allowed: ML's bare <eos> tokens, comments,
    entity-free text, links to any other scheme, images of the site."""
    paper = {"title": "Pointer Networks", "abstract": "A paper about pointers, written as a sentence of prose."}
    digest = {"date": "2025-07-01", "note": "A day.\n\n<script>alert(1)</script>", "papers": [paper]}
    content = write_content(
        tmp_path,
        {
            "digests/2025-07-01.yaml": yaml.safe_dump(digest),
            "notes/pointer-networks.md": (
                "---\ntopics: [code]\n---\nFine: the <eos> token, Vec<T>, <!-- a comment -->.\n\n"
                "[ok](doi:10.48550/arXiv.1506.03134) ![logo](/favicon.svg) [click](javascript&colon;alert(1))\n"
                "![plot](https://example.org/plot.png)\n[d](data:text/html;base64,PHNjcmlwdD4=)\n"
            ),
            "pages/about.md": "---\ntitle: About\n---\nHello\n<b>there</b> <img src=x onerror=alert(1)>\n",
        },
    )
    out = tmp_path / "public"
    with pytest.raises(BuildError) as refused:
        build_into(content, out)
    assert [(p.source.path.rsplit("/content/", 1)[1], p.source.line, p.message) for p in refused.value.problems] == [
        ("digests/2025-07-01.yaml", 2, '"note" holds raw HTML "<script>"'),
        ("notes/pointer-networks.md", 6, 'a link to "javascript:alert(1)"'),
        ("notes/pointer-networks.md", 7, 'an image from elsewhere, "https://example.org/plot.png"'),
        ("notes/pointer-networks.md", 8, 'a link to "data:text/html;base64,PHNjcmlw…"'),
        ("pages/about.md", 5, 'raw HTML "<img src=x onerror=alert(1)>"'),
    ]
    assert not out.exists()


def test_a_script_element_in_a_line_of_text_is_one_error_at_its_start_tag(tmp_path: Path) -> None:
    """Inline, its start and end tags are two pieces of raw HTML: each was an error, the end tag's
    told first. An end tag loads and runs nothing; a stray one is allowed, as `<eos>` is."""
    paper = {"title": "Pointer Networks", "abstract": "A paper about pointers, written as a sentence of prose."}
    content = write_content(
        tmp_path,
        {
            "digests/2025-07-01.yaml": yaml.safe_dump({"date": "2025-07-01", "papers": [paper]}),
            "notes/pointer-networks.md": "Text <script>alert(1)</script> more.\n\nA stray </style> end tag.\n",
        },
    )
    with pytest.raises(BuildError) as refused:
        build_into(content, tmp_path / "public")
    assert [(p.source.line, p.message) for p in refused.value.problems] == [(1, 'raw HTML "<script>"')]


def test_each_refused_link_in_a_paragraph_is_told_at_its_own_line(tmp_path: Path) -> None:
    """Links of one paragraph were each told at the first line holding the same address (so two alike
    were one message, and the second was found only by the next build), or at the paragraph's first."""
    paper = {"title": "Pointer Networks", "abstract": "A paper about pointers, written as a sentence of prose."}
    note = (
        "---\ntopics: [code]\n---\nFirst line of a paragraph\nsecond line\n"
        "third line [x](javascript:alert(1))\n"
        "fourth [y](javascript:alert(1)) again, `a code\n"
        "span` and [z](JaVaScRiPt:alert(2))\n"
        "![r][img]\n\n[img]: https://evil.example/b.png\n"
    )
    content = write_content(
        tmp_path,
        {
            "digests/2025-07-01.yaml": yaml.safe_dump({"date": "2025-07-01", "papers": [paper]}),
            "notes/pointer-networks.md": note,
        },
    )
    with pytest.raises(BuildError) as refused:
        build_into(content, tmp_path / "public")
    assert [(p.source.line, p.message) for p in refused.value.problems] == [
        (6, 'a link to "javascript:alert(1)"'),
        (7, 'a link to "javascript:alert(1)"'),
        (8, 'a link to "JaVaScRiPt:alert(2)"'),
        (9, 'an image from elsewhere, "https://evil.example/b.png"'),
    ]


def test_json_api_keeps_text_exact(hostile_site: Path) -> None:
    papers = json.loads((hostile_site / "api/papers.json").read_text(encoding="utf-8"))
    assert sorted(p["title"] for p in papers) == sorted(c["title"] for c in CASES)


def test_bidirectional_controls_and_line_separators_never_reach_a_page(tmp_path: Path) -> None:
    """An override left open in a name reverses the names after it, and the site's name in <title>."""
    paper = {
        "title": "RTL \u202eoverride\u202c okapi",
        "abstract": "A paper whose title and names hold bidirectional controls, written as prose.",
        "authors": ["\u202eMallory Reversed", "Line\u2028Break Name", "\u2066Isolated\u2069 Name"],
    }
    digest = {"date": "2025-07-01", "title": "A day \u202ereversed", "papers": [paper]}
    content = write_content(tmp_path, {"digests/2025-07-01.yaml": yaml.safe_dump(digest, allow_unicode=True)})
    out = tmp_path / "public"
    build_into(content, out)
    controls = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u2028"]
    for file in [*out.rglob("*.html"), *out.rglob("*.xml"), *out.rglob("*.json"), *out.rglob("*.opml")]:
        text = file.read_text(encoding="utf-8")
        assert not any(c in text for c in controls), file
    tree = page(out, f"papers/{_slug_of(out, 'RTL override okapi')}/")
    assert tree.xpath("//meta[@name='citation_author']/@content") == [
        "Mallory Reversed",
        "Line Break Name",
        "Isolated Name",
    ]


def test_control_characters_and_noncharacters_never_reach_a_page(tmp_path: Path) -> None:
    """Raw in a pasted page they are dropped; in the curator's Markdown, or written as a YAML escape,
    they are errors at their line (they reached the HTML raw, which no HTML may hold)."""
    pasted = f"Jul 2\n\nPointer\ufffe Networks\n\nA paper about pointers\uffff. {ABSTRACT}\n"
    content = write_content(tmp_path, {"digests/2025-07-02.txt": pasted})
    out = tmp_path / "public"
    build_into(content, out)
    assert not [f for f in out.rglob("*.*") if any(c in f.read_text("utf-8") for c in "\ufffe\uffff")]
    write_content(
        tmp_path,
        {
            "notes/pointer-networks.md": "---\ntopics: [code]\n---\nA note \x01 with a control.\n",
            "digests/2025-07-03.yaml": 'papers:\n  - title: "Ffff \\uFFFE"\n    abstract: A paper, as prose.\n',
        },
    )
    with pytest.raises(BuildError) as refused:
        build_into(content, out)
    assert [(p.source.path.rsplit("/content/", 1)[1], p.source.line, p.message) for p in refused.value.problems] == [
        ("digests/2025-07-03.yaml", 2, '"title" holds noncharacter U+FFFE'),
        ("notes/pointer-networks.md", 4, "character U+0001"),
    ]
