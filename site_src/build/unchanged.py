"""The no-op build: when every input is byte for byte what the last build read, and the output folder
is exactly as that build left it, there is nothing to do, and it is said in a fraction of a second.

Without this a build with nothing new still parses, merges and makes every Markdown page to compare
page keys: five seconds at 10,000 papers. The build's output is a pure function of its inputs (the
content folder, the templates with their static files, the lunr package, the options, the generator's
code: the cache is thrown away when the code changes), so equal inputs mean an equal site. The
inputs are compared by a hash of every byte the build reads under those folders (every file of the
templates, hidden ones too; of the content folder what the reader reads: links followed as it follows
them, never deeper, and not the hidden and backup files it leaves alone): never by timestamps, which
a checkout or a copy changes.

A build records its inputs' hash for the next one only if they were not changed while it ran: the
same hash at its end, and every input file and folder with the change time it had when the build
began (a time no tool sets back, on Linux and macOS; a link made to point elsewhere is a new entry
of its folder, which changes the folder's time). A file saved and then changed back
during a build hashes the same at both ends, but the build may have read the other bytes. (File
systems that keep times to the second, such as HFS+ or ext3, can miss a save and an undo within the
same second as the last change before the build.)
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any, NamedTuple

from site_src.build.cache import BuildCache
from site_src.build.memos import LastBuild
from site_src.build.output import MARKER, present_files
from site_src.inputs.reader import is_left_alone
from site_src.inputs.settings import NODE_MODULES_DIR, BuildOptions

Hash = Any
"""A hashlib object (its type is private to hashlib)."""

LUNR_FILES = ("package.json", "lunr.min.js", "LICENSE")
"""What the build reads of the lunr package."""
CONTENT_LEVELS = 2
"""How deep the reader reads the content folder: its files, and the files of its folders (digests/,
notes/, pages/)."""


class Hashed(NamedTuple):
    """The inputs' hash, and the change time (ns) of each file and folder hashed, in order."""

    key: str
    changed: tuple[int, ...] = ()


def _hash_tree(
    folder: Path, digest: Hash, changed: list[int], seen: set[tuple[int, int]], levels: int | None = None
) -> None:
    """Every entry under `folder`, sorted, into `digest`: its name and bytes (a regular file), its kind
    (a pipe, a device: never read, they could block or never end), its target (a broken link) or its
    entries (a folder, followed once even through links, as the reader follows them); the change
    time of the folder and of each entry into `changed`. With `levels`, only as deep as the reader
    reads (the content folder's inputs and their folders' files), and without the entries it leaves
    alone (hidden and backup files): a link there to a large folder made every build read all of it."""
    try:
        info = folder.stat()
        names = sorted(os.listdir(folder))
    except OSError:
        _add(digest, b"\0unreadable " + os.fsencode(folder))
        return
    if (info.st_dev, info.st_ino) in seen:
        _add(digest, b"\0loop " + os.fsencode(folder))
        return
    seen.add((info.st_dev, info.st_ino))
    changed.append(info.st_ctime_ns)
    if levels is not None:
        names = [name for name in names if not is_left_alone(name)]
    for name in names:
        path = folder / name
        _add(digest, os.fsencode(path))
        try:
            entry = path.stat()
        except OSError:
            _add(digest, b"\0broken " + _target(path))
            continue
        mode = entry.st_mode
        changed.append(entry.st_ctime_ns)
        if stat.S_ISDIR(mode):
            if levels is None or levels > 1:
                _hash_tree(path, digest, changed, seen, None if levels is None else levels - 1)
            else:
                _add(digest, b"\0folder")  # where the reader wants a file: an error, whatever it holds
        elif not stat.S_ISREG(mode):
            _add(digest, f"\0kind {stat.S_IFMT(mode)}".encode())
        else:
            try:
                _add(digest, path.read_bytes())
            except OSError as error:
                _add(digest, f"\0error {error.errno}".encode())


def _target(path: Path) -> bytes:
    """Where a link that cannot be followed points (nothing for another entry that cannot be read)."""
    try:
        return os.fsencode(os.readlink(path))
    except OSError:  # not a link, or one that cannot even be read (/proc/1/cwd)
        return b""


def _add(digest: Hash, part: bytes) -> None:
    """One part, with its length, so that no two sequences of parts hash alike."""
    digest.update(len(part).to_bytes(8, "little"))
    digest.update(part)


def hash_inputs(options: BuildOptions, cache: BuildCache) -> Hashed:
    """Everything a build reads, hashed (options, content, templates, the lunr package, the code),
    with the change time of each of those files and folders."""
    digest, changed = hashlib.sha256(), list[int]()
    _add(digest, cache.code.encode())
    _add(digest, repr(options).encode())
    _add(digest, os.fsencode(Path.cwd()))  # messages name files from it: another one, and they are said anew
    _hash_tree(options.content_dir, digest, changed, set(), levels=CONTENT_LEVELS)
    _hash_tree(options.templates_dir, digest, changed, set())
    for name in LUNR_FILES:
        path = NODE_MODULES_DIR / "lunr" / name
        try:
            changed.append(path.stat().st_ctime_ns)
            _add(digest, path.read_bytes())
        except OSError:
            _add(digest, b"\0missing " + name.encode())
    return Hashed(digest.hexdigest(), tuple(changed))


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
