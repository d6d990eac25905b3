"""Edit-to-reload latency of the preview: a digest saved -> the open page reloaded with the change.

    python bench/latency.py [--sizes 144,10000] [--edits 5]

For each size, a copy of the corpus is previewed (`Preview`, the code behind `build.py serve`),
the newest digest's page is opened in Chromium, and the first abstract of that digest is edited
`--edits` times; each time we measure from the file write to the moment the page shows the new
text (a reload through the live-reload event stream), and to the moment the full build that
follows (in the background since the fast render) is done; the next edit waits for it, so each
starts from an idle preview. Prints the medians, min and max, and the rebuild time the preview
itself reported.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from make_corpus import ROOT
from playwright.sync_api import expect, sync_playwright
from run import corpus

sys.path.insert(0, str(ROOT))

from site_src.inputs.settings import BuildOptions
from site_src.serve.server import Preview
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS


def measure(papers: int, edits: int) -> tuple[list[float], list[float], list[float]]:
    """Latencies (file saved -> page shows it), file saved -> full build done, and the preview's own
    rebuild times, in seconds."""
    source, _ = corpus(papers)
    with tempfile.TemporaryDirectory() as work:
        content = Path(work) / "content"
        shutil.copytree(source, content)
        rebuilds: list[float] = []
        built: list[float] = []

        def log(line: str) -> None:
            if line.startswith("Built"):
                rebuilds.append(float(line.split(" in ")[1].split(" s")[0]))
                built.append(time.perf_counter())

        preview = Preview(BuildOptions(content_dir=content, out_dir=Path(work) / "site"), port=0, log=log)
        preview.start()
        newest = max((content / "digests").glob("*.txt"))
        latencies, completes = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.goto(f"{preview.url}digests/{newest.stem}/")
            summary = page.locator(".paper-summary").first
            for edit in range(edits):
                text = newest.read_text(encoding="utf-8")
                blocks = text.split("\n\n")
                first_abstract = next(i for i, b in enumerate(blocks) if len(b) > 300)
                probe = f"Probe{edit}"
                blocks[first_abstract] = f"{probe} {blocks[first_abstract].split(' ', 1)[1]}"
                builds = len(rebuilds)
                start = time.perf_counter()
                newest.write_text("\n\n".join(blocks), encoding="utf-8")
                expect(summary).to_contain_text(probe, timeout=120_000)
                latencies.append(time.perf_counter() - start)
                deadline = time.monotonic() + 600
                while len(rebuilds) == builds and time.monotonic() < deadline:
                    time.sleep(0.02)
                completes.append(built[-1] - start)
            browser.close()
        preview.stop()
    return latencies, completes, rebuilds[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="144,10000")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    print("papers   edit-to-reload median (min-max)   edit-to-full-build median   rebuild median")
    for papers in (int(s) for s in args.sizes.split(",")):
        latencies, completes, rebuilds = measure(papers, args.edits)
        print(
            f"{papers:>6}   {statistics.median(latencies):6.2f} s ({min(latencies):.2f}-{max(latencies):.2f})"
            f"             {statistics.median(completes):6.2f} s                  {statistics.median(rebuilds):6.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
