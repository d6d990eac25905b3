"""The no-op build: when every input is byte for byte what the last build read, and the output folder
is exactly as that build left it, there is nothing to do, and it is said in a fraction of a second.

Without this a build with nothing new still parses, merges and makes every Markdown page to compare
page keys: five seconds at 10,000 papers. The build's output is a pure function of its inputs (the
content folder, the templates with their static files, the lunr package, the options, the generator's
code: the cache is thrown away when the code changes), so equal inputs mean an equal site. The
inputs are compared by a hash of every byte under those folders (hidden files too, links followed as
the reader follows them): never by timestamps, which a checkout or a copy changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from site_src.build.cache import BuildCache
from site_src.build.keys import fingerprint
from site_src.build.memos import LastBuild
from site_src.build.output import MARKER, present_files
from site_src.inputs.settings import NODE_MODULES_DIR, BuildOptions

LUNR_FILES = ("package.json", "lunr.min.js", "LICENSE")
"""What the build reads of the lunr package."""


def _tree_parts(folder: Path, parts: list[bytes], seen: set[tuple[int, int]]) -> None:
    """Every entry under `folder`, sorted: its name and bytes (a file), its target (a broken link) or its
    entries (a folder, followed once even through links, as the reader follows them)."""
    try:
        info = folder.stat()
        names = sorted(os.listdir(folder))
    except OSError:
        parts.append(b"\0unreadable " + os.fsencode(folder))
        return
    if (info.st_dev, info.st_ino) in seen:
        parts.append(b"\0loop " + os.fsencode(folder))
        return
    seen.add((info.st_dev, info.st_ino))
    for name in names:
        path = folder / name
        parts.append(os.fsencode(path))
        if path.is_dir():
            _tree_parts(path, parts, seen)
            continue
        try:
            parts.append(path.read_bytes())
        except OSError as error:
            parts.append(f"\0{error.errno}".encode())


def inputs_key(options: BuildOptions, cache: BuildCache) -> str:
    """Everything a build reads, hashed: options, content, templates, the lunr package, the code."""
    parts: list[bytes] = [cache.code.encode(), repr(options).encode()]
    for folder in (options.content_dir, options.templates_dir):
        _tree_parts(folder, parts, set())
    for name in LUNR_FILES:
        try:
            parts.append((NODE_MODULES_DIR / "lunr" / name).read_bytes())
        except OSError:
            parts.append(b"\0missing " + name.encode())
    return fingerprint(*parts)


def output_as_left(options: BuildOptions, cache: BuildCache) -> bool:
    """Whether the output folder holds exactly the files the last build left, none changed or added."""
    if not cache.files or not (options.out_dir / MARKER).exists():
        return False
    if not all(cache.file_unchanged(path, options.out_dir) for path in cache.files):
        return False
    return set(present_files(options.out_dir)) == {*cache.files, MARKER}


def unchanged_build(options: BuildOptions, cache: BuildCache, key: str) -> LastBuild | None:
    """The last build's report when this build, with inputs `key`, would change nothing; else None."""
    if cache.last is None or cache.last[0] != key or not output_as_left(options, cache):
        return None
    return cache.last[1]
