"""The search's numbers for the benchmark: what the index and the store weigh (raw and gzip), and, in
Chromium, what a reader downloads before the first result and how long a query takes.

    python bench/search_numbers.py SITE      (bench/run.py measures every size it builds)

Sizes are of the files a build writes: index pieces, store chunks, the paper lists the filters
read (topics, months, has:code) and the manifest;
gzip at level 6, as web servers compress. The browser numbers come from known-item queries made
from the corpus (three words of a paper's title, chosen with a fixed seed), typed into /search/
of the built site served on 127.0.0.1: cold (a fresh browser, nothing cached: bytes and time to
the first result, counting every file downloaded by then from the page itself on, for
/search/?q=…; results from titles show before the abstracts they need arrive) and warm (the
same query typed again with its pieces loaded: time from typing to the rendered results, the
page's `paper-search` performance entry).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import make_corpus  # noqa: F401 - puts the project on the import path

from site_src.search.analysis import term_of, words

QUERIES = 20
KINDS = {"index": ("titles", "abstracts"), "store": ("papers",), "lists": ("topic-", "month-", "has-")}


@dataclass
class Sizes:
    """Bytes of each kind of search file, raw and gzip, and the largest index piece."""

    raw: dict[str, int] = field(default_factory=dict)
    gz: dict[str, int] = field(default_factory=dict)
    pieces: int = 0
    largest_piece_gz: int = 0


def gz_size(path: Path) -> int:
    """A file's size after gzip -6."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def sizes(site: Path) -> Sizes:
    """What the search's files weigh in a built site."""
    result = Sizes()
    for kind in (*KINDS, "manifest", "code"):
        result.raw[kind] = result.gz[kind] = 0
    files = [(site / "search" / "index.json", "manifest")]
    files += [(p, "code") for p in (site / "assets").glob("*.js")]
    for path in sorted((site / "assets" / "search").iterdir()):
        kind = next(k for k, prefixes in KINDS.items() if path.name.startswith(prefixes))
        files.append((path, kind))
        if kind == "index":
            result.pieces += 1
            result.largest_piece_gz = max(result.largest_piece_gz, gz_size(path))
    for path, kind in files:
        result.raw[kind] += path.stat().st_size
        result.gz[kind] += gz_size(path)
    return result


def known_item_queries(site: Path, count: int = QUERIES, seed: int = 3) -> list[tuple[str, str]]:
    """(query, slug) pairs: the three words of a random paper's title that fewest titles have, as
    a reader remembers what sets a paper apart (the generated corpus has many titles that differ
    by one invented word)."""
    papers = json.loads((site / "api" / "papers.json").read_text(encoding="utf-8"))
    titles = Counter(w for p in papers for w in set(words(p["title"])))
    rng = random.Random(seed)
    queries = []
    for paper in rng.sample(papers, min(count, len(papers))):
        mine = [w for w in dict.fromkeys(words(paper["title"])) if term_of(w)]
        chosen = sorted(sorted(mine, key=lambda w: (titles[w], -len(w)))[:3], key=mine.index)
        queries.append((" ".join(chosen), paper["slug"]))
    return queries


@dataclass
class Browser:
    """What Chromium measured."""

    first_result_kb: list[float] = field(default_factory=list)
    first_result_ms: list[float] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)
    found_in_top3: int = 0
    queries: int = 0


def in_browser(site: Path, queries: list[tuple[str, str]]) -> Browser | None:
    """Cold and warm known-item searches in Chromium; None without Chromium or Playwright."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright

        from tests.browser.chromium import CHROMIUM_FLAGS
        from tests.helpers import serve_folder
    except ImportError:
        return None
    if chromium is None:
        return None
    result = Browser(queries=len(queries))
    gz_of: dict[str, int] = {}
    with serve_folder(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        for query, slug in queries:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda request, into=fetched: into.append(request.url))
            page.goto(url + "/search/?q=" + quote_plus(query))
            page.wait_for_selector(".search-result")
            result.first_result_ms.append(page.evaluate("performance.now()"))
            paths = {u[len(url) :].split("?")[0] for u in list(fetched) if u.startswith(url)}
            total = 0
            for path in paths:
                if path not in gz_of:
                    file = site / path.lstrip("/")
                    gz_of[path] = gz_size(file / "index.html" if file.is_dir() else file)
                total += gz_of[path]
            result.first_result_kb.append(total / 1024)
            page.wait_for_function("!document.querySelector('.search-results').hasAttribute('aria-busy')")
            top = page.eval_on_selector_all(".search-result-title a", "l => l.slice(0, 3).map(a => a.pathname)")
            result.found_in_top3 += any(p.rstrip("/").endswith("/" + slug) for p in top)
            page.fill("#search-box", "")
            page.evaluate("performance.clearMeasures('paper-search')")
            page.fill("#search-box", query)
            page.wait_for_function("performance.getEntriesByName('paper-search').length > 0")
            result.query_ms.append(page.evaluate("performance.getEntriesByName('paper-search')[0].duration"))
            context.close()
        browser.close()
    return result


@dataclass
class SearchNumbers:
    """Everything the benchmark reports about search at one size."""

    sizes: Sizes
    browser: Browser | None


def measure(site: Path) -> SearchNumbers:
    """Sizes, and the browser's numbers when Chromium is here."""
    return SearchNumbers(sizes(site), in_browser(site, known_item_queries(site)))


def _kb(value: float) -> str:
    return f"{value / 1024:8.0f}" if value < 10 * 1024 * 1024 else f"{value / 1024 / 1024:6.1f}MB"


def report(rows: list[tuple[int, SearchNumbers]]) -> str:
    """Two tables: sizes (KB, raw / gzip), then the browser's numbers (medians, with maxima)."""
    lines = [
        "search files, KB raw / gzip -6 (index = lunr pieces, store = result chunks)",
        "papers    index raw      gz   store raw      gz    lists gz  manifest gz  code gz  pieces  largest piece gz",
    ]
    for papers, n in rows:
        s = n.sizes
        lines.append(
            f"{papers:>6} {_kb(s.raw['index'])} {_kb(s.gz['index'])} {_kb(s.raw['store'])} {_kb(s.gz['store'])}"
            f"  {_kb(s.gz['lists'])}    {_kb(s.gz['manifest'])} {_kb(s.gz['code'])} {s.pieces:>7}"
            f"          {_kb(s.largest_piece_gz)}"
        )
    lines += [
        "",
        "search in Chromium (known-item queries; cold = fresh browser, warm = pieces loaded; median / max)",
        "papers  fetched before first result KB gz   first result ms (cold)   query ms (warm)   found in top 3",
    ]
    for papers, n in rows:
        b = n.browser
        if b is None:
            lines.append(f"{papers:>6}  (Chromium or Playwright not installed)")
            continue
        lines.append(
            f"{papers:>6}  {statistics.median(b.first_result_kb):10.0f} / {max(b.first_result_kb):5.0f}"
            f"               {statistics.median(b.first_result_ms):8.0f} / {max(b.first_result_ms):5.0f}"
            f"        {statistics.median(b.query_ms):6.1f} / {max(b.query_ms):5.1f}"
            f"      {b.found_in_top3}/{b.queries}"
        )
    return "\n".join(lines)


def as_json(numbers: SearchNumbers) -> dict[str, object]:
    """For results.json."""
    return asdict(numbers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site")
    args = parser.parse_args()
    papers = len(json.loads((args.site / "api" / "papers.json").read_text(encoding="utf-8")))
    print(report([(papers, measure(args.site))]))


if __name__ == "__main__":
    main()
