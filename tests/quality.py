"""The quality gates' tools: the page kinds they cover, the Nu HTML validator, and a link checker.

The link checker is our own because it must know the site's address: canonical links, Open Graph
URLs, the sitemap and the JSON API name pages by absolute address (https://paper-digest.../papers/x/),
which generic checkers treat as external and skip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from site_src.inputs.settings import NODE_MODULES_DIR

from .helpers import load_cases

VNU_JAR = NODE_MODULES_DIR / "vnu-jar/build/dist/vnu.jar"
JAVA = shutil.which("java")


@dataclass(frozen=True)
class PageKind:
    """A kind of page and the example of it that the gates check."""

    kind: str
    url: str
    """Site path of the example, e.g. "/topics/music/"."""
    javascript: bool = False
    """Pages of this kind may load a script (only search)."""

    def file(self, out: Path) -> Path:
        """The built file that serves the example."""
        relative = self.url.lstrip("/")
        return out / relative / "index.html" if self.url.endswith("/") else out / relative


PAGE_KINDS = [PageKind(**case) for case in load_cases("page_kinds.yaml")]


JAVA_OPTIONS = ["-Xss4m", "-XX:TieredStopAtLevel=1"]
"""A quick JIT halves the validator's run (its start dominates); it then needs a deeper stack."""


def nu_validate(files: list[Path]) -> dict[Path, list[str]]:
    """Every file's errors by the Nu validator (HTML, CSS and SVG alike), in one JVM start."""
    checks = ["--format", "json", "--stdout", "--also-check-css", "--also-check-svg"]
    result = subprocess.run(
        ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR), *checks, *(str(f) for f in files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout.startswith("{"), result.stdout + result.stderr
    messages = json.loads(result.stdout)["messages"]
    errors: dict[Path, list[str]] = {f.resolve(): [] for f in files}
    for message in messages:
        if message["type"] in ("error", "non-document-error"):
            file = Path(unquote(urlsplit(message["url"]).path)).resolve()
            errors.setdefault(file, []).append(f"{message.get('lastLine', '?')}: {message['message']}")
    return errors


def _json_strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _json_strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_strings(value)


def links_in(file: Path, base_url: str) -> Iterator[str]:
    """The addresses a built file names, by file type; JSON strings only where they are the site's."""
    if file.suffix == ".html":
        tree = lxml.html.fromstring(file.read_bytes())
        yield from (link for _, _, link, _ in tree.iterlinks())
        yield from tree.xpath("//meta[@property='og:url']/@content")
        for data in tree.xpath("//script[@type='application/ld+json']/text()"):
            yield from (s for s in _json_strings(json.loads(data)) if s.startswith(base_url))
    elif file.suffix == ".css":
        yield from re.findall(r"url\(\s*['\"]?([^'\")]+)", file.read_text(encoding="utf-8"))
    elif file.name == "sitemap.xml":
        yield from lxml.etree.parse(str(file)).xpath("//*[local-name()='loc']/text()")
    elif file.name == "robots.txt":
        yield from re.findall(r"^Sitemap: (\S+)", file.read_text(encoding="utf-8"), re.MULTILINE)
    elif file.suffix == ".json":
        yield from (s for s in _json_strings(json.loads(file.read_bytes())) if s.startswith(base_url))


def _page_url(out: Path, file: Path, base_url: str) -> str:
    relative = file.relative_to(out).as_posix()
    return base_url + (relative.removesuffix("index.html") if file.name == "index.html" else relative)


def _ids(file: Path, cache: dict[Path, set[str]]) -> set[str]:
    if file not in cache:
        tree = lxml.html.fromstring(file.read_bytes())
        cache[file] = set(tree.xpath("//@id | //a/@name"))
    return cache[file]


def broken_links(out: Path, base_url: str) -> list[str]:
    """Every link on the built site that leads nowhere, as "file: link (why)".

    Relative, root-relative and absolute links under `base_url` must name a file of the site (a
    folder only with its trailing slash, as the site links to folders), and a #fragment must name an
    id on the page it points at. A relative or root-relative link must stay below the base URL's
    folder: on a site published below one, "/x" is someone else's page. Links to other sites are
    not followed.
    """
    site = urlsplit(base_url)
    ids: dict[Path, set[str]] = {}
    problems = []
    for file in sorted(p for p in out.rglob("*") if p.is_file()):
        page_url = _page_url(out, file, base_url)
        for link in links_in(file, base_url):
            target, fragment = urldefrag(urljoin(page_url, link))
            parts = urlsplit(target)
            where = f"{file.relative_to(out).as_posix()}: {link}"
            if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
                continue
            if not parts.path.startswith(site.path):
                if not urlsplit(link).scheme and not link.startswith("//"):
                    problems.append(f"{where} (outside the site's folder {site.path})")
                continue
            relative = unquote(parts.path[len(site.path) :])
            served = out / relative / "index.html" if relative == "" or relative.endswith("/") else out / relative
            if not served.is_file():
                problems.append(f"{where} (no such file)")
            elif fragment and served.suffix == ".html" and fragment not in _ids(served, ids):
                problems.append(f"{where} (no id {fragment!r} on that page)")
    return problems
