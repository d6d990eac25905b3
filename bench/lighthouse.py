"""Lighthouse on the search results page, served as a host serves it: gzipped, with netlify.toml's headers.

    python bench/lighthouse.py --lighthouse PATH [--url /search/?q=music] [--runs 3]
                               [--preset mobile,desktop] [--site [NAME=]DIR ...]

Builds the shipped digests into bench/out/lighthouse/ (or serves the already built sites given
with --site), serves them on 127.0.0.1 over HTTP/1.1 with keep-alive, gzip (without it the
text-compression audits dominate the score) and netlify.toml's headers, and runs Lighthouse's
performance category on one address --runs times in each preset ("mobile" is Lighthouse's default:
a phone on a slow 4G network, its CPU slowed 4 times, all simulated; "desktop" its --preset=desktop),
in Debian's Chromium. Prints every run and the medians of the performance score, Cumulative Layout
Shift, Largest Contentful Paint, Total Blocking Time and First Contentful Paint. Several --site
(before=DIR after=DIR) are measured in turn, run by run, so that they share this shared machine's
load alike. Nothing leaves the machine; the JSON reports stay in bench/out/lighthouse-reports/.

Lighthouse is not one of the project's dependencies; install the pinned version outside the repo
(never `npm install` in a worktree whose node_modules is shared):

    mkdir -p /tmp/lh && cd /tmp/lh && npm init -y && npm install lighthouse@12.8.2

and pass --lighthouse /tmp/lh/node_modules/.bin/lighthouse (Lighthouse 12 runs on node 20; 13 needs
node 22). It exits 0 whatever the score, so this script reads the JSON report. A report, not a
gate: the tests assert the layout shift itself (tests/browser/test_search_layout.py), not timings.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from make_corpus import ROOT

from site_src.build.builder import build
from site_src.build.page_deps import CHECK_ENV
from site_src.inputs.settings import BuildOptions
from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.netlify import NetlifyHandler

os.environ.pop(CHECK_ENV, None)  # a curator's builds: without the tests' check of kept pages (see run.BUILD_ENV)

OUT = ROOT / "bench" / "out"
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".md")
PRESETS = ("mobile", "desktop")


class GzipHandler(NetlifyHandler):
    """netlify.toml's headers and 404 page, and text files gzipped when the client accepts it;
    connections kept alive, as any host keeps them."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and unquote(urlsplit(self.path).path).endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), 6)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The folder served gzipped on 127.0.0.1 (a free port) while the block runs; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(command: str, url: str, preset: str, report: Path) -> dict[str, float]:
    """One Lighthouse run (performance only); its score and metrics."""
    flags = " ".join(["--headless=new", *CHROMIUM_FLAGS])
    args = [command, url, "--quiet", "--only-categories=performance", "--output=json"]
    args += [f"--output-path={report}", f"--chrome-flags={flags}"]
    if preset != "mobile":
        args.append(f"--preset={preset}")
    subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise SystemExit(f"Lighthouse failed: {data['runtimeError']}")
    audits = data["audits"]
    return {
        "performance": round(100 * data["categories"]["performance"]["score"]),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
    }


def row(name: str, run: dict[str, float]) -> str:
    return (
        f"{name:<24} perf {run['performance']:5.0f}   CLS {run['cls']:6.3f}   LCP {run['lcp']:6.0f} ms"
        f"   TBT {run['tbt']:5.0f} ms   FCP {run['fcp']:6.0f} ms"
    )


def site_arguments(values: list[str]) -> dict[str, Path]:
    """--site values, NAME=DIR or DIR, by name."""
    sites = {}
    for value in values:
        name, _, folder = value.rpartition("=")
        path = Path(folder)
        if not (path / "index.html").is_file():
            sys.exit(f"--site {value}: no built site there")
        sites[name or path.name] = path
    return sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="/search/?q=music", help="the address to measure, from the site's root")
    parser.add_argument("--runs", type=int, default=3, help="runs per preset (the median is reported)")
    parser.add_argument("--preset", default=",".join(PRESETS), help="mobile, desktop or both (comma-separated)")
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse"), help="the lighthouse command")
    parser.add_argument("--site", nargs="*", default=[], help="built sites to serve, NAME=DIR (default: build one)")
    args = parser.parse_args()
    if not args.lighthouse:
        sys.exit("lighthouse not found: install it outside the repo (see this script's docstring), pass --lighthouse")
    if CHROMIUM is None:
        sys.exit("chromium not found (apt-get install chromium)")
    sites = site_arguments(args.site)
    if not sites:
        sites = {"site": OUT / "lighthouse"}
        build(BuildOptions(content_dir=ROOT / "content", out_dir=sites["site"]))
    presets = args.preset.split(",")
    reports = OUT / "lighthouse-reports"
    reports.mkdir(parents=True, exist_ok=True)
    runs: dict[tuple[str, str], list[dict[str, float]]] = {(n, p): [] for n in sites for p in presets}
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(serve(folder)) for name, folder in sites.items()}
        for number in range(1, args.runs + 1):
            for preset in presets:
                for name, base in bases.items():
                    report = reports / f"{name}-{preset}-{number}.json"
                    runs[name, preset].append(lighthouse(args.lighthouse, base + args.url, preset, report))
                    print(row(f"{name} {preset} run {number}", runs[name, preset][-1]), flush=True)
    print()
    for (name, preset), measured in runs.items():
        median = {key: statistics.median(r[key] for r in measured) for key in measured[0]}
        print(row(f"{name} {preset} median", median))


if __name__ == "__main__":
    main()
