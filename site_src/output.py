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

from .cache import BuildCache, FileRecord
from .errors import BuildError, Problem, Source
from .urls import checked_output_path

MARKER = ".paper-digest"
"""Marks a folder as a build of ours, so that a mistyped --out cannot wipe anything else."""


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site, with its bytes."""

    path: str
    """Relative to the output folder, with forward slashes."""
    data: bytes


@dataclass(frozen=True)
class KeptFile:
    """A file the last build wrote and this build would write byte for byte the same."""

    path: str


Output = OutputFile | KeptFile


@dataclass(frozen=True)
class PublishReport:
    """What was written."""

    files: int
    written: int
    removed: int


def collect(files: Iterable[Output]) -> dict[str, Output]:
    """Files by checked path, sorted; two files for one path is an error naming the path."""
    found: dict[str, Output] = {}
    for file in files:
        path = checked_output_path(file.path)
        if path in found:
            raise BuildError([Problem(Source(path), "two pages would be written to the same path", "report this")])
        found[path] = file
    return dict(sorted(found.items()))


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


def _record(path: Path, data: bytes) -> FileRecord:
    stat = path.stat()
    return FileRecord(hashlib.sha256(data).hexdigest(), stat.st_size, stat.st_mtime_ns)


def _write_whole(files: dict[str, Output], out_dir: Path) -> dict[str, FileRecord]:
    """A cold build: every file into a staging folder, swapped in for the old site at once."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    records: dict[str, FileRecord] = {}
    try:
        staging.chmod(0o755)
        folders: set[str] = set()
        for path, file in files.items():
            assert isinstance(file, OutputFile), "a cold build has no kept files"
            folder = os.path.dirname(path)
            if folder not in folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
                folders.add(folder)
            (staging / path).write_bytes(file.data)
            records[path] = _record(staging / path, file.data)
        (staging / MARKER).write_bytes(b"")
        if out_dir.exists():
            if not _exchange(staging, out_dir):
                retired = staging.with_name(staging.name + "-old")
                out_dir.rename(retired)
                staging.rename(out_dir)
                staging = retired
        else:
            staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return records


def _replace_file(target: Path, data: bytes) -> FileRecord:
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
    return _record(target, data)


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


def publish(files: dict[str, Output], out_dir: Path, cache: BuildCache) -> PublishReport:
    """Bring `out_dir` to exactly `files`, writing as little as possible; updates `cache.files`."""
    if not cache.files or not (out_dir / MARKER).exists():
        cache.files = _write_whole(files, out_dir)
        return PublishReport(files=len(files), written=len(files), removed=0)
    written = 0
    records: dict[str, FileRecord] = {}
    for path, file in files.items():
        if isinstance(file, KeptFile):
            records[path] = cache.files[path]
            continue
        previous = cache.file_unchanged(path, out_dir)
        if previous is not None and previous.sha == hashlib.sha256(file.data).hexdigest():
            records[path] = previous
            continue
        records[path] = _replace_file(out_dir / path, file.data)
        written += 1
    stale = sorted(set(_present_files(out_dir)) - set(files) - {MARKER})
    for path in stale:
        _remove_file(out_dir, path)
    cache.files = records
    return PublishReport(files=len(files), written=written, removed=len(stale))


def save_cache(folder: Path, data: bytes) -> None:
    """Store the build cache (atomically: a crash leaves the old cache or the new one)."""
    folder.mkdir(parents=True, exist_ok=True)
    _replace_file(folder / "build.pickle", data)


def save_digest(path: Path, text: str) -> None:
    """Store a digest the curator added with `build.py add`."""
    _replace_file(path, text.encode("utf-8"))
