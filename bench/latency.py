"""Edit-to-reload latency of the preview: a file saved -> the open page reloaded with the change.

    python bench/latency.py [--sizes 144,10000] [--edits 5] [--template base.html]

(`bench/run.py --latency` runs the same measurement after its builds.) For each size, a copy of
the corpus and of the templates is previewed (`Preview`, the code behind `build.py serve`), the
newest digest's page is opened in Chromium, and four kinds of edit the curator makes are saved
`--edits` times each, timed from the file write to the first frame of the reloaded page that shows
the new text (a reload through the live-reload event stream; the page records when that frame came):

- digest: the first abstract of the newest digest gets a new first word;
- note: the note of the page's first paper (content/notes/<slug>.md, created or replaced in the
  copy) names a new author, which the page shows in the paper's byline;
- template: a line of text is added to the template `--template` (by default base.html, which
  every page extends, so every page is made again) in the copy of the templates;
- page: the first paragraph of a hand-written page (the shipped content/pages/about.md, copied
  in) gets a new first word, with the tab on that page (it goes there before the first such edit).
  The page is there for every kind: its menu entry is on every page, as on the shipped site.

The page shows an edit as soon as the preview's fast render has made it; the full build follows in
the background, and the next edit waits for it (so each starts from an idle preview): that time,
from the save to the full build done, is measured too. Prints, per kind, the medians with the
range, and the preview's own rebuild time (its log).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from make_corpus import ROOT, corpus
from playwright.sync_api import Locator, Page, expect, sync_playwright
from spread import Spread, pipe_table

sys.path.insert(0, str(ROOT))

from site_src.build.page_deps import CHECK_ENV
from site_src.inputs.settings import BuildOptions
from site_src.serve.server import Preview
from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS

os.environ.pop(CHECK_ENV, None)  # a curator's builds: without the tests' check of kept pages (see run.BUILD_ENV)

TIMEOUT_MS = 1_800_000
"""How long a reload may take before the measurement fails (a base.html edit at 50k is minutes)."""


@dataclass
class Session:
    """A preview of a copy of a corpus and of the templates, open in Chromium on the newest digest."""

    content: Path
    templates: Path
    template: str
    page: Page
    url: str
    """The preview's address."""
    template_text: str = ""

    @property
    def newest(self) -> Path:
        return max((self.content / "digests").glob("*.txt"))


Edit = Callable[[Session, str], tuple[Path, str, Locator]]
"""Prepares one edit that shows `probe`: the file to write, its new text, where the page shows it."""


def digest_edit(session: Session, probe: str) -> tuple[Path, str, Locator]:
    """The newest digest with its first abstract starting with `probe` instead of its first word."""
    blocks = session.newest.read_text(encoding="utf-8").split("\n\n")
    first_abstract = next(i for i, b in enumerate(blocks) if len(b) > 300)
    blocks[first_abstract] = f"{probe} {blocks[first_abstract].split(' ', 1)[1]}"
    return session.newest, "\n\n".join(blocks), session.page.locator(".paper-summary").first


def note_edit(session: Session, probe: str) -> tuple[Path, str, Locator]:
    """A note for the page's first paper naming `probe` as its author (shown in the paper's byline)."""
    slug = session.page.locator(".paper-item").first.get_attribute("data-paper")
    text = f"---\nauthors: [{probe} Curator]\n---\nA note saved by bench/latency.py.\n"
    where = session.page.locator(f'.paper-item[data-paper="{slug}"] .paper-byline')
    return session.content / "notes" / f"{slug}.md", text, where


def template_edit(session: Session, probe: str) -> tuple[Path, str, Locator]:
    """The template with a visible line showing `probe`: before `</body>` in a page skeleton such
    as base.html, else at the start of the template's main block."""
    line = f'<p class="bench-probe">{probe}</p>\n'
    text = session.template_text
    at = text.rfind("</body>")
    if at == -1:
        at = text.index("{% block main %}") + len("{% block main %}")
    edited = text[:at] + line + text[at:]
    return session.templates / session.template, edited, session.page.locator(".bench-probe")


HAND_PAGE = "about"
"""The hand-written page the page edit changes: the one the project ships (the corpus has none)."""


def page_edit(session: Session, probe: str) -> tuple[Path, str, Locator]:
    """The hand-written page with `probe` as the first word of its text, viewed in the tab."""
    if not session.page.url.endswith(f"/{HAND_PAGE}/"):
        session.page.goto(f"{session.url}{HAND_PAGE}/")
    source = session.content / "pages" / f"{HAND_PAGE}.md"
    front, body = (ROOT / "content" / "pages" / f"{HAND_PAGE}.md").read_text(encoding="utf-8").split("\n---\n", 1)
    return source, f"{front}\n---\n{probe} {body}", session.page.locator(".prose p").first


EDITS: dict[str, Edit] = {"digest": digest_edit, "note": note_edit, "template": template_edit, "page": page_edit}
"""Each kind of edit, in the order measured (the page edit last: it moves the tab to its page)."""

MARK_SHOWN = """addEventListener("DOMContentLoaded", () =>
  requestAnimationFrame(() => { window.benchShownAt = performance.timeOrigin + performance.now(); }));"""
"""Run in every page the tab loads: the wall-clock time of its first frame after the HTML was parsed.
Playwright's `expect` only says that the text is there, polling ever more slowly (after 0.1, 0.35,
0.85 s...), which made every latency under a second look like one of those steps."""
SHOWN_AT = "window.benchShownAt"


@dataclass
class Latency:
    """One kind of edit at one size: seconds from the save to the page showing it, and the
    rebuild times the preview logged meanwhile."""

    seconds: list[float] = field(default_factory=list)
    built: list[float] = field(default_factory=list)
    """Seconds from the save to the full build that follows it done."""
    rebuilds: list[float] = field(default_factory=list)


def timed_edits(session: Session, kind: str, edits: int, rebuilds: list[float]) -> Latency:
    """Save `edits` edits of one kind, each once the page shows the one before."""
    result, logged = Latency(), len(rebuilds)
    for edit in range(edits):
        probe = f"Probe{kind.capitalize()}{edit}"
        path, text, where = EDITS[kind](session, probe)
        start, saved, logged_before = time.perf_counter(), time.time(), len(rebuilds)
        path.write_text(text, encoding="utf-8")
        expect(where).to_contain_text(probe, timeout=TIMEOUT_MS)
        shown_at = session.page.wait_for_function(SHOWN_AT, timeout=TIMEOUT_MS).json_value()
        result.seconds.append(shown_at / 1000 - saved)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while len(rebuilds) == logged_before and time.monotonic() < deadline:
            time.sleep(0.02)
        result.built.append(time.perf_counter() - start)
    result.rebuilds = rebuilds[logged:]
    return result


def measure(papers: int, edits: int, template: str = "base.html") -> dict[str, Latency]:
    """Each kind of edit's latencies at one size, in one preview and one browser."""
    source, _ = corpus(papers)
    with tempfile.TemporaryDirectory() as work:
        content, templates = Path(work) / "content", Path(work) / "templates"
        shutil.copytree(source, content)
        shutil.copytree(ROOT / "templates", templates)
        (content / "notes").mkdir(exist_ok=True)
        (content / "pages").mkdir(exist_ok=True)
        shutil.copy(ROOT / "content" / "pages" / f"{HAND_PAGE}.md", content / "pages")
        rebuilds: list[float] = []

        def log(line: str) -> None:
            if line.startswith("Built"):
                rebuilds.append(float(line.split(" in ")[1].split(" s")[0]))

        options = BuildOptions(content_dir=content, out_dir=Path(work) / "site", templates_dir=templates)
        preview = Preview(options, port=0, log=log)
        preview.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            session = Session(content, templates, template, browser.new_page(), preview.url)
            session.page.add_init_script(MARK_SHOWN)
            session.template_text = (templates / template).read_text(encoding="utf-8")
            session.page.goto(f"{preview.url}digests/{session.newest.stem}/")
            found = {kind: timed_edits(session, kind, edits, rebuilds) for kind in EDITS}
            browser.close()
        preview.stop()
    return found


def _cell(latency: Latency) -> str:
    rebuild = Spread.of(latency.rebuilds).show() if latency.rebuilds else "not logged"
    return f"{Spread.of(latency.seconds).show()}; full build done {Spread.of(latency.built).show()}, rebuild {rebuild}"


def report(rows: list[tuple[int, dict[str, Latency]]], template: str) -> str:
    """The latencies as a Markdown table: per kind, median (min–max), then the preview's rebuild."""
    header = ["papers", "digest edit", "note edit", f"template edit ({template})", f"page edit ({HAND_PAGE}.md)"]
    cells = [[f"{papers:,}"] + [_cell(latency) for latency in found.values()] for papers, found in rows]
    return "Preview, from saving a file to the open page showing it:\n\n" + pipe_table(header, cells)


def as_json(rows: list[tuple[int, dict[str, Latency]]], template: str) -> list[dict[str, object]]:
    """The latencies with their medians and ranges, for bench/out/results.json."""
    return [
        {"papers": papers, "template": template, **{kind: _json(found) for kind, found in by_kind.items()}}
        for papers, by_kind in rows
    ]


def _json(found: Latency) -> dict[str, object]:
    return {**asdict(found), "summary": asdict(Spread.of(found.seconds))}


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of the measurement, shared with bench/run.py --latency."""
    parser.add_argument("--edits", type=int, default=5, help="edits of each kind per size (median reported)")
    parser.add_argument("--template", default="base.html", help="the template the template edit changes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="144,10000", help="comma-separated paper counts")
    add_options(parser)
    args = parser.parse_args()
    rows = [(papers, measure(papers, args.edits, args.template)) for papers in map(int, args.sizes.split(","))]
    print(report(rows, args.template))


if __name__ == "__main__":
    main()
