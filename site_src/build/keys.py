"""Every cache key, in one place: what each remembered result or output file is made from.

A key is a hash of everything its result depends on, so that a key which did not change means a
result that need not be remade (tests/test_incremental.py compares warm builds with clean ones).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from site_src.catalog.model import Catalog, Paper
from site_src.inputs.reader import TextFile
from site_src.inputs.settings import ROOT

CACHE_FORMAT = 3
"""The layout of the cache files; a file with another number is ignored (1 was a pickle, 2 held the
memos in the same file). Part of the code key too: a new layout starts from an empty cache."""


def fingerprint(*parts: str | bytes) -> str:
    """A hash of some texts, as hex: the key of everything cached."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


LIBRARIES = (
    *("jinja2", "markdown-it-py", "PyYAML", "lunr", "numpy", "scipy", "MarkupSafe"),
    *("python-slugify", "text-unidecode", "Unidecode"),
)
"""The libraries whose output ends up in the site: an upgrade may change it. Slugify transliterates
with Unidecode when it is installed, else with text-unidecode: either may name the papers' pages."""


def code_key() -> str:
    """The generator's own source, Python's version and the libraries': any change to them invalidates
    every cached result (and makes the next build more than a no-op)."""
    sources = sorted((ROOT / "site_src").rglob("*.py"))
    installed = installed_versions()
    versions = [sys.version, *(f"{name} {installed.get(_normalised(name), 'absent')}" for name in LIBRARIES)]
    return fingerprint(str(CACHE_FORMAT), *versions, *(p.read_bytes() for p in sources))


_INSTALLED = re.compile(r"(?P<name>[^-]+)-(?P<version>[^-]+)\.(?:dist|egg)-info")
"""A distribution's metadata folder: its name (normalised, or with "_" for "-") and version."""


def installed_versions() -> dict[str, str]:
    """Each distribution installed where Python imports from, by its normalised name: its version, as
    its metadata folder names it (as `importlib.metadata` finds them, but without importing it and
    the email parser it brings, 0.02 s of every build, a no-op's too). The first on the path wins."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = [entry.name for entry in os.scandir(folder or ".")]
        except OSError:  # not a folder (a zip file), or gone
            continue
        for name in sorted(names):
            if matched := _INSTALLED.fullmatch(name):
                found.setdefault(_normalised(matched["name"]), matched["version"])
    return found


def _normalised(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_context(year: int | None, topic_slugs: Collection[str]) -> str:
    """What every input file's parse depends on besides the file: the fallback year, the topic slugs."""
    return fingerprint(str(year), *sorted(topic_slugs))


def input_key(context: str, file: TextFile) -> str:
    """One digest's or note's parse: the file's place and text, in its context."""
    return fingerprint(context, str(file.source), file.text)


class InputKeys:
    """`input_key` for the preview, which reads every input at each save: a file whose text is the
    one read last time keeps its key. Comparing texts is five times faster than hashing them (2
    against 11 ms for the 15 MB of digests of 10,000 papers), but holds every input's text (and
    those of files deleted meanwhile): one-shot builds hash instead."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[str, str, str]] = {}
        """A file's place -> the context and text of its last key, and that key."""

    def key(self, context: str, file: TextFile) -> str:
        place = str(file.source)
        last = self._last.get(place)
        if last is not None and last[0] == context and last[1] == file.text:
            return last[2]
        key = input_key(context, file)
        self._last[place] = (context, file.text, key)
        return key


def taxonomy_key(text: str) -> str:
    """The taxonomy file: classifications are remembered per taxonomy."""
    return fingerprint(text)


class SearchInputs:
    """What the search files are made from: the topics, and each paper's text, authors, code links,
    arXiv identifier, topics and places in the digests (dates and positions, which number the papers); made once for
    both keys below (at 10k papers, 0.1 s each time)."""

    def __init__(self, catalog: Catalog) -> None:
        self.topics = [f"{t.slug}\0{t.name}" for t in catalog.topics]
        self.indexed = {p.slug: _indexed(p) for p in catalog.papers.values()}
        self.papers = {
            p.slug: f"{self.indexed[p.slug]}\0{_places(p)}\0{p.meta.code}\0{p.meta.arxiv}"
            for p in catalog.papers.values()
        }

    def key(self, base_url: str) -> str:
        """Everything the search files are made from."""
        return fingerprint(base_url, *self.topics, *self.papers.values())

    def epoch_key(self, epoch: Collection[str]) -> str:
        """What the epoch's index pieces are made from: what is indexed of its papers, and what numbers
        them (they hold no address, no digest date, no code link: a trending page lists a paper again
        for days, and a paper of an earlier month listed again leaves the pieces as they were)."""
        return fingerprint(*self.topics, *(text for slug, text in self.indexed.items() if slug in epoch))


def _indexed(paper: Paper) -> str:
    """What the index holds of a paper (`search.files.documents`), and its first listing, which with
    its slug gives its number (`search.files.search_order`)."""
    first, text = paper.appearances[0], f"{paper.text_hash}\0{paper.topic_slugs}\0{paper.meta.authors}"
    return f"{paper.slug}\0{first.date}@{first.position}\0{text}"


def _places(paper: Paper) -> str:
    """A paper's (date, position) in each digest listing it."""
    return " ".join(f"{a.date}@{a.position}" for a in paper.appearances)


def template_key(sources: Mapping[str, str], names: Iterable[str]) -> str:
    """A template with every template it extends, includes or imports (their names and sources)."""
    return fingerprint(*(f"{n}\0{sources[n]}" for n in sorted(names) if n in sources))


def site_key(site: Any) -> str:
    """The site-wide data every page shows (a dataclass of plain values)."""
    return fingerprint(json.dumps(dataclasses.asdict(site), sort_keys=True))


def page_key(data: Any, body: str, publish_markdown: bool, template: str, site: str) -> str:
    """Everything a page's output depends on: its Markdown page, its templates, the site-wide data.

    `repr` of the page data is deterministic (frozen dataclasses of plain values, built by the same
    code in the same order; other code starts from an empty cache) and faster than sorted JSON."""
    return fingerprint(template, site, repr((data, body, publish_markdown)))


def outline_key(inputs: str, template: str, site: str) -> str:
    """A page's key from what it is made from (`PageMaker.outline`), without making its Markdown page."""
    return fingerprint("outline", template, site, inputs)


def build_key(files: Mapping[str, Any]) -> str:
    """One build's output, from each file's recorded hash: the preview reloads when it changes."""
    return fingerprint(*(f"{path}:{record.sha}" for path, record in sorted(files.items())))
