"""The only module that writes: the site (whole, or only what changed), the build cache, new digests.

Nothing is written until every stage has succeeded, so a failed build leaves the previous site
exactly as it was. A cold build writes the whole site into a staging folder beside the output and
swaps it in at once; a warm build replaces only the files whose bytes changed, each one written to
a temporary name and renamed over the old one, so a reader (or the preview server) never sees a
half-written page. The writer refuses to write one path twice, which is how slug collisions and
template mistakes that would silently overwrite a page are caught.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from site_src.build.cache import CACHE_FILE, BuildCache, FileRecord
from site_src.errors import BuildError, Problem, Source
from site_src.pages.urls import checked_output_path

MARKER = ".paper-digest"
"""Marks a folder as a build of ours, so that a mistyped --out cannot wipe anything else."""


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site, with its bytes."""

    path: str
    """Relative to the output folder, with forward slashes."""
    data: bytes


@dataclass(frozen=True)
class PublishReport:
    """What was written."""

    files: int
    written: int
    removed: int


def check_output_folder(out_dir: Path, protected: Iterable[Path]) -> None:
    """Refuse to replace a folder that is not a previous build, or one that holds the inputs."""
    target = out_dir.resolve()
    for path in protected:
        inside = path.resolve()
        if target == inside or target in inside.parents:
            raise BuildError(
                [Problem(Source(str(out_dir)), f"the output folder would replace {path}", "choose another --out")]
            )
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise BuildError(
            [
                Problem(
                    Source(str(out_dir)),
                    "the output folder exists and is not a Paper Digest build",
                    "empty it, delete it, or choose another --out",
                )
            ]
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def stage_bytes(folder: Path | None, path: str, data: bytes, previous: FileRecord | None) -> tuple[FileRecord, bool]:
    """Write one new file into the staging folder unless the output already holds these bytes.

    Returns the file's record and whether it was written. Safe to call from render workers: each
    writes only its own pages' files. With no folder (a check) nothing is written at all."""
    sha = hashlib.sha256(data).hexdigest()
    if previous is not None and previous.sha == sha:
        return previous, False
    if folder is None:
        return FileRecord(sha, len(data), 0), True
    target = os.path.join(folder, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as stream:
        stream.write(data)
    stat = os.stat(target)
    return FileRecord(sha, stat.st_size, stat.st_mtime_ns), True


def _present_files(folder: Path) -> Iterator[str]:
    """Every file under `folder`, by relative path (directory listings only: no stat calls)."""
    for parent, _, names in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in names:
            yield prefix + name


def _remove_file(out_dir: Path, path: str) -> None:
    """Delete a file the site no longer has, and the folders it leaves empty."""
    (out_dir / path).unlink(missing_ok=True)
    folder = (out_dir / path).parent
    while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class Staging:
    """Where a build's new files wait, beside the output folder, until every stage has succeeded.

    A cold build (no usable record of the last one) stages the whole site and swaps the folder in
    at once; a warm build stages only the files whose bytes changed and then renames each one into
    place. `discard` (always called, also after a failure) removes whatever is left.
    """

    def __init__(self, out_dir: Path, cache: BuildCache, write: bool = True) -> None:
        self.out_dir = out_dir
        self.cache = cache
        self.cold = not cache.files or not (out_dir / MARKER).exists()
        self.folder: Path | None = None
        if write:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
            self.folder.chmod(0o755)
        self.records: dict[str, FileRecord] = {}
        """Every file of the new site."""
        self.written: set[str] = set()
        """The files staged by this build (new bytes)."""

    def claim(self, path: str) -> str:
        """A checked output path that no other file of this build has taken."""
        checked = checked_output_path(path)
        if checked in self.records:
            raise BuildError([Problem(Source(checked), "two pages would be written to the same path", "report this")])
        return checked

    def previous(self, path: str) -> FileRecord | None:
        """What the output holds at `path`, if it is still exactly what the last build wrote."""
        return None if self.cold else self.cache.file_unchanged(path, self.out_dir)

    def record(self, path: str, record: FileRecord, written: bool) -> None:
        """Note a file of the new site, staged by a render worker or kept from the last build."""
        self.records[self.claim(path)] = record
        if written:
            self.written.add(path)

    def add(self, file: OutputFile) -> None:
        """Stage one file made in this process (data files, feeds, assets)."""
        path = self.claim(file.path)
        record, written = stage_bytes(self.folder, path, file.data, self.previous(path))
        self.record(path, record, written)

    def publish(self) -> PublishReport:
        """Put the staged site in place of the old one; updates the cache's file records."""
        assert self.folder is not None, "a check publishes nothing"
        if self.cold:
            (self.folder / MARKER).write_bytes(b"")
            if self.out_dir.exists():
                if not _exchange(self.folder, self.out_dir):
                    retired = self.folder.with_name(self.folder.name + "-old")
                    self.out_dir.rename(retired)
                    self.folder.rename(self.out_dir)
                    self.folder = retired
            else:
                self.folder.rename(self.out_dir)
            removed = 0
        else:
            for path in sorted(self.written):
                target = self.out_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.folder / path, target)
            stale = sorted(set(_present_files(self.out_dir)) - set(self.records) - {MARKER})
            for path in stale:
                _remove_file(self.out_dir, path)
            removed = len(stale)
        self.cache.files = dict(sorted(self.records.items()))
        return PublishReport(files=len(self.records), written=len(self.written), removed=removed)

    def discard(self) -> None:
        """Remove the staging folder (after publishing, what is left of it; after a failure, all of it)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _replace_file(target: Path, data: bytes) -> None:
    """Write a file under a temporary name beside it, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_cache(folder: Path, data: bytes) -> None:
    """Store the build cache (atomically: a crash leaves the old cache or the new one)."""
    folder.mkdir(parents=True, exist_ok=True)
    _replace_file(folder / CACHE_FILE, data)
    (folder / "build.pickle").unlink(missing_ok=True)  # the format before 2: never read, not kept either


def save_digest(path: Path, text: str) -> None:
    """Store a digest the curator added with `build.py add`."""
    _replace_file(path, text.encode("utf-8"))
