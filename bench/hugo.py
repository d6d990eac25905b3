"""The same corpus as a Hugo site, to time Hugo (Debian's `hugo`) beside our build.

    python bench/hugo.py CONTENT_DIR SITE_DIR     # write the Hugo site only

Hugo gets the same pages our build makes, with minimal templates: a page per paper (title,
abstract, topics, digests), a taxonomy for topics and one for digests (so a list page per topic
and per digest), and a home page. Topics are taken from our catalog, so Hugo does not have to
classify anything: the comparison is of building and writing the pages. Hugo is a benchmark-only
dependency (`apt-get install hugo`); the project never needs it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from make_corpus import ROOT

sys.path.insert(0, str(ROOT))

from site_src.build.gather import load_catalog
from site_src.inputs.settings import BuildOptions

CONFIG = """baseURL = "https://paper-digest.example.org/"
title = "Paper Digest (Hugo)"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  topic = "topics"
  digest = "digests"
"""

LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body><header><a href="/">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>'
        "</body></html>\n"
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}<ul>'
        '{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul><ul>'
        '{{ range .GetTerms "digests" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}'
        "</ul></article>{{ end }}\n"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ol>{{ end }}\n'
    ),
    "index.html": (
        '{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range .Site.Taxonomies.digests.ByCount }}'
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n'
    ),
}


def write_hugo_site(content_dir: Path, site: Path) -> int:
    """Write `content_dir`'s papers as a Hugo site in `site` (replaced); returns the paper count."""
    options = BuildOptions(content_dir=content_dir, out_dir=site / "unused")
    catalog = load_catalog(options)
    shutil.rmtree(site, ignore_errors=True)
    (site / "content/papers").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    for paper in catalog.papers.values():
        front = {
            "title": paper.title,
            "date": paper.first_seen.isoformat(),
            "topics": [catalog.topic(s).name for s in paper.topic_slugs],
            "digests": [a.date.isoformat() for a in paper.appearances],
        }
        text = json.dumps(front, ensure_ascii=False) + "\n\n" + paper.abstract + "\n"
        (site / "content/papers" / f"{paper.slug}.md").write_text(text, encoding="utf-8")
    return len(catalog.papers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content", type=Path)
    parser.add_argument("site", type=Path)
    args = parser.parse_args()
    print(f"{write_hugo_site(args.content, args.site)} papers -> {args.site}")


if __name__ == "__main__":
    main()
