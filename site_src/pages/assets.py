"""Static assets (CSS, icons, scripts) under fingerprinted names, so browsers may cache them forever.

The search's scripts are ES modules that import one another by relative specifiers
(`import { parse } from "./search-query.js"`, `import("./search-data.js")`). Each is published
under a fingerprinted name, so `fingerprint_all` rewrites those specifiers to the fingerprinted
names (`"./search-query.3f2a9c1b7e.js"`, which browsers resolve against the importing file's own
address). A file's dependencies are fingerprinted first and it is hashed with their new names
written in: a change to a module changes the address of every module that imports it, directly or
not. (An import map would need no rewriting, but only an inline one works, and the
Content-Security-Policy allows no inline script.)

The rewriting is textual, in `.js` files only: a quoted specifier starting "./" or "../" right after
`from`, `import` or `import(`, wherever it is (comments too). It must name another static file, and
imports must not go round in a circle (a fingerprint cannot cover itself): otherwise the build
reports an error at the import's line and leaves the specifier as it is. Classic scripts such as
lunr.js have no such imports and are published unchanged.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass

from site_src.build.output import OutputFile
from site_src.errors import Problems, Source

ASSETS_FOLDER = "assets/"
MODULE_SUFFIX = ".js"
_IMPORT = re.compile(rb"""(\b(?:from\s*|import\s*\(?\s*))(["'])(\.\.?/[^"'\s]+)\2""")
"""A relative import: `from "./x.js"`, `import "./x.js"`, `import("./x.js")` (groups: what comes
before the specifier, its quote, the specifier)."""


@dataclass(frozen=True)
class Asset:
    """A static file and the fingerprinted path it is published at."""

    name: str
    """How templates ask for it, e.g. "style.css"."""
    path: str
    """Site path, e.g. "assets/style.3f2a9c1b7e.css"."""
    data: bytes


def fingerprinted(name: str, data: bytes) -> Asset:
    """`name` with a content hash before its extension: a changed file gets a new address."""
    stem, extension = posixpath.splitext(name)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return Asset(name, f"{ASSETS_FOLDER}{stem}.{digest}{extension}", data)


def fingerprint_all(files: dict[str, bytes], problems: Problems, folder: str) -> dict[str, Asset]:
    """Every static file, fingerprinted, by name, with scripts' relative imports rewritten to the
    fingerprinted names of the files they import. `folder` is where the files come from, to locate
    a broken import in."""
    assets: dict[str, Asset] = {}

    def asset(name: str, importers: tuple[str, ...]) -> Asset:
        """A file fingerprinted, after the files it imports (`importers`: the chain that led here)."""
        if name not in assets:
            source = data = files[name]
            if name.endswith(MODULE_SUFFIX):
                chain = (*importers, name)
                data = _IMPORT.sub(lambda match: linked(match, source, chain), source)
            assets[name] = fingerprinted(name, data)
        return assets[name]

    def linked(match: re.Match[bytes], source: bytes, importers: tuple[str, ...]) -> bytes:
        """One import, its specifier naming the imported file's fingerprinted name."""
        lead, quote, specifier = match[1], match[2], match[3].decode("utf-8", "replace")
        importer = importers[-1]
        target = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
        where = Source(f"{folder}/{importer}", source.count(b"\n", 0, match.start(3)) + 1)
        if target not in files:
            problems.error(where, f'imports "{specifier}", which is not in {folder}/', "add the file or fix the import")
            return match[0]
        if target in importers:
            cycle = " → ".join((*importers[importers.index(target) :], target))
            problems.error(where, f"import cycle {cycle}", "a fingerprint cannot cover itself: break the cycle")
            return match[0]
        name = posixpath.basename(asset(target, importers).path)
        return lead + quote + posixpath.join(posixpath.dirname(specifier), name).encode() + quote

    return {name: asset(name, ()) for name in sorted(files)}


def asset_files(assets: dict[str, Asset]) -> list[OutputFile]:
    """The assets as output files."""
    return [OutputFile(a.path, a.data) for a in assets.values()]
