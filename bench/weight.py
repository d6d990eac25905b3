"""Page weight: what a reader downloads for each kind of page, HTML and CSS (and JavaScript, if any).

    python bench/weight.py [--content DIR]

Builds the content (the shipped digests by default) into bench/out/weight/ and prints, for the
example page of every kind listed in tests/cases/page_kinds.yaml, the bytes of its HTML and of the
stylesheets and scripts it loads, raw and gzipped (as a host compresses them), then the largest
page of the site. A report, not a gate: the test suite only asserts that a page loads no script
but `site.js` (tests/test_quality_gates.py).
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import lxml.html
import yaml
from make_corpus import ROOT

from site_src.build.builder import build
from site_src.inputs.settings import BuildOptions

OUT = ROOT / "bench" / "out" / "weight"
KINDS = ROOT / "tests" / "cases" / "page_kinds.yaml"


def served_file(out: Path, url: str) -> Path:
    """The file a root-relative address serves."""
    relative = out / url.lstrip("/")
    return relative / "index.html" if url.endswith("/") else relative


def sizes(files: list[Path]) -> tuple[int, int]:
    """Total bytes, raw and gzipped (level 6, the usual default of hosts)."""
    data = [f.read_bytes() for f in files]
    return sum(len(d) for d in data), sum(len(gzip.compress(d, 6, mtime=0)) for d in data)


def weigh(out: Path, page: Path) -> dict[str, tuple[int, int]]:
    """A page's HTML, CSS and JavaScript bytes (raw, gzipped)."""
    tree = lxml.html.fromstring(page.read_bytes())
    styles = [served_file(out, href) for href in tree.xpath("//link[@rel='stylesheet']/@href")]
    scripts = [served_file(out, src) for src in tree.xpath("//script/@src")]
    return {"html": sizes([page]), "css": sizes(styles), "js": sizes(scripts)}


def row(name: str, weight: dict[str, tuple[int, int]]) -> str:
    """One line of the table, in kB."""
    html, css, js = weight["html"], weight["css"], weight["js"]
    total = (html[0] + css[0], html[1] + css[1])
    cells = [f"{raw / 1000:6.1f} / {zipped / 1000:5.1f}" for raw, zipped in (html, css, total, js)]
    return f"{name:<12} " + "   ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="the content folder to build")
    args = parser.parse_args()
    build(BuildOptions(content_dir=args.content, out_dir=OUT))
    kinds = yaml.safe_load(KINDS.read_text(encoding="utf-8"))
    print("kB, raw / gzipped  HTML             CSS              HTML+CSS         JavaScript")
    for kind in kinds:
        print(row(kind["kind"], weigh(OUT, served_file(OUT, kind["url"]))))
    largest = max(OUT.rglob("*.html"), key=lambda p: p.stat().st_size)
    print(row("largest", weigh(OUT, largest)) + f"   ({largest.relative_to(OUT).as_posix()})")


if __name__ == "__main__":
    main()
