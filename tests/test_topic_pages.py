"""Topic pages show papers per digest as an inline SVG chart and the topics that co-occur; paper pages say why
each topic was given."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .conftest import BuiltSite
from .helpers import ABSTRACT, build_into, page, resolve, text_digest, text_of, write_content

SVG = "{http://www.w3.org/2000/svg}"


def _papers(sample_site: BuiltSite) -> list[dict[str, object]]:
    return json.loads((sample_site.out / "api/papers.json").read_text(encoding="utf-8"))


def test_chart_has_one_bar_per_digest_as_tall_as_its_count(sample_site: BuiltSite) -> None:
    tree = page(sample_site.out, "topics/continual-learning/")
    svg = tree.xpath("//figure[@class='digest-chart']/*[local-name()='svg']")[0]
    bars = svg.xpath(".//*[local-name()='rect']")
    counts = {}
    for paper in _papers(sample_site):
        if "continual-learning" in paper["topics"]:
            for day in paper["digests"]:
                counts[day] = counts.get(day, 0) + 1
    days = sorted(d["date"] for d in json.loads((sample_site.out / "api/digests.json").read_text(encoding="utf-8")))
    expected = [counts.get(day, 0) for day in days]
    assert len(bars) == len(days)
    heights = [float(b.get("height")) for b in bars]
    tallest = max(expected)
    assert [round(h / 60 * tallest) for h in heights] == expected
    for bar, day, n in zip(bars, days, expected, strict=True):
        assert text_of(bar).endswith(f"{n} paper" + ("" if n == 1 else "s"))
        assert resolve(sample_site.out, bar.getparent().get("href")) == sample_site.out / f"digests/{day}/index.html"


def test_no_javascript_or_style_attributes_on_topic_pages(sample_site: BuiltSite) -> None:
    for file in (sample_site.out / "topics").rglob("index.html"):
        tree = page(sample_site.out, file.parent.relative_to(sample_site.out).as_posix() + "/")
        assert not tree.xpath("//script[not(@src)] | //style | //*[@style]"), file
        assert not [a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")]


def test_cooccurring_topics_with_their_counts(sample_site: BuiltSite) -> None:
    together: dict[str, int] = {}
    for paper in _papers(sample_site):
        if "music" in paper["topics"]:
            for other in paper["topics"]:
                if other != "music":
                    together[other] = together.get(other, 0) + 1
    tree = page(sample_site.out, "topics/music/")
    chips = tree.xpath("//section[@class='cooccurring']//a")
    shown = {a.get("href").split("/")[-2]: int(a.find("span").text) for a in chips}
    assert shown == together
    assert [shown[a.get("href").split("/")[-2]] for a in chips] == sorted(shown.values(), reverse=True)


def test_paper_page_says_why_each_topic(sample_site: BuiltSite) -> None:
    tree = page(sample_site.out, "papers/music-transformer/")
    details = tree.xpath("//details[@class='why-topics']")[0]
    assert text_of(details.find("summary")) in ("Why this topic?", "Why these topics?")
    items = details.findall(".//li")
    chips = tree.xpath("//header//a[@class='chip']")
    assert [text_of(i.find("a")) for i in items] == [text_of(c) for c in chips]
    assert "music" in text_of(items[0]) and "score" in text_of(items[0])
    assert chips[0].get("title").startswith("Why: ")


def test_curator_choice_is_explained_as_such(tmp_path: Path) -> None:
    digest = text_digest("Jun 26", [("Music Transformer", ABSTRACT)])
    note = "---\ntopics: [music, code]\n---\nA note.\n"
    content = write_content(tmp_path, {"digests/2025-06-26.txt": digest, "notes/music-transformer.md": note})
    build_into(content, tmp_path / "public")
    items = page(tmp_path / "public", "papers/music-transformer/").xpath("//details[@class='why-topics']//li")
    assert [text_of(i) for i in items] == ["Music: chosen by the curator", "Code: chosen by the curator"]


def test_all_digests_are_grouped_by_year_and_month_newest_first(tmp_path: Path) -> None:
    digest = "papers:\n  - title: {title}\n    abstract: " + ABSTRACT + "\n"
    files = {
        f"digests/{day}.yaml": digest.format(title=f"Paper of {day}")
        for day in ("2024-11-05", "2024-12-30", "2025-01-02", "2025-01-20", "2025-06-26")
    }
    out = tmp_path / "public"
    build_into(write_content(tmp_path, files), out)
    tree = page(out, "digests/")
    years = tree.xpath("//details[@class='digest-year']")
    assert [y.xpath("normalize-space(summary/h2/text())") for y in years] == ["2025", "2024"]
    assert [y.get("open") is not None for y in years] == [True, False], "the newest year open, older ones folded"
    assert [y.xpath("h3/text()") for y in years] == [["June 2025", "January 2025"], ["December 2024", "November 2024"]]
    january = years[0].xpath("ul[@class='plain-list digest-month']")[1]
    assert january.xpath("li/a/text()") == ["20 January 2025", "2 January 2025"]


def test_a_topic_without_papers_offers_no_bibtex(tmp_path: Path) -> None:
    """It offered "BibTeX of all 0 papers", an empty file (which was still written, linked from nowhere)."""
    content = write_content(
        tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", [("Music Transformer", ABSTRACT)])}
    )
    out = tmp_path / "public"
    build_into(content, out)
    counts = {t["slug"]: t["count"] for t in json.loads((out / "api/topics.json").read_text(encoding="utf-8"))}
    empty = next(slug for slug, count in counts.items() if count == 0)
    full = next(slug for slug, count in counts.items() if count == 1)
    assert page(out, f"topics/{empty}/").xpath("//main//a[contains(@href, '.bib')]") == []
    assert "Cite:" not in text_of(page(out, f"topics/{empty}/"))
    # nor a chart of zeros, nor "0 papers, newest first by the digest that first listed each" above nothing
    assert page(out, f"topics/{empty}/").xpath("//figure[@class='digest-chart']") == []
    assert "No paper has this topic yet." in text_of(page(out, f"topics/{empty}/"))
    assert not (out / f"topics/{empty}/index.bib").exists()
    assert page(out, f"topics/{empty}/").xpath("//main//ul[@class='paper-list']") == [], "an empty list"
    [link] = page(out, f"topics/{full}/").xpath("//main//a[contains(@href, '.bib')]")
    assert text_of(link) == "BibTeX of its paper"


def test_a_titled_digest_is_dated_wherever_it_is_listed(tmp_path: Path) -> None:
    """The home page's list of digests and a paper's "In the digest" showed a titled digest by its
    title alone, with no day (the list of all digests gave it)."""
    digest = {"date": "2025-07-01", "title": "Greek letters", "papers": [{"title": "β-VAE", "abstract": ABSTRACT}]}
    content = write_content(tmp_path, {"digests/2025-07-01.yaml": yaml.safe_dump(digest, allow_unicode=True)})
    out = tmp_path / "public"
    build_into(content, out)
    for site_path, where in [("", "digests-heading"), ("digests/", None), ("papers/b-vae/", "digests-heading")]:
        tree = page(out, site_path)
        items = tree.xpath(f"//section[@aria-labelledby='{where}']//li" if where else "//main//li")
        [item] = [li for li in items if "Greek letters" in text_of(li)]
        assert item.xpath(".//time/@datetime") == ["2025-07-01"], site_path
        assert "1 Jul 2025" in text_of(item), site_path
