"""The only module that writes: the site (whole, or only what changed), the build cache, new digests.

Nothing is written until every stage has succeeded, so a failed build leaves the previous site
exactly as it was. The new site is put together beside the output folder, then the two folders are
exchanged in one step (`renameat2(RENAME_EXCHANGE)` on Linux): whoever reads the output folder by
its name (a web server, the preview) sees the whole old site or the whole new one, never a mix, and
a build killed at any moment leaves one of the two.

- New bytes are written into a staging folder (`.public-staging-<pid>-<random>` for `public/`).
- A cold build exchanges that folder with the output folder and deletes the old site.
- A warm build completes the new site out of the site before the current one, which the last warm
  build left in `.public-previous`: that tree shares every file it did not change with the
  current site (hard links), so only the files changed by the last build and by this one need a
  link (every other file is checked to be the same file as the live one), the new files are moved
  in, and the files the site no longer has are removed. The build claims that tree as it starts
  (renamed to a staging folder of its own) and, on a large site, a side process links it up to
  date with the current site while the inputs are read (`mirror_live`), so that publishing only
  moves the new files in. After the exchange the old site becomes the new `.public-previous`; a
  build that fails, or changes nothing, puts the claimed tree back. Without one (the first warm
  build, or one found damaged), the staging folder is completed with a hard link to every
  unchanged file of the current site instead.
- A warm build that changes nothing swaps nothing.

A killed build leaves its staging folders behind; the next build of the same output folder deletes
the staging folders whose process no longer runs (the tree it claimed is put back instead, when
there is no `.public-previous`: any tree of hard links is a place to start from, since each file
is checked against the live one). Without an atomic exchange (systems other than
Linux) the old folder is renamed aside and the new one into place: a build killed between the two
renames leaves no output folder at all (still never a mixed one), and the next build is a cold one.
The writer refuses to write one path twice, which is how slug collisions and template mistakes that
would silently overwrite a page are caught.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Collection, Generator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from site_src.build.cache import CACHE_FILE, MEMO_FILE, BuildCache, FileRecord, as_recorded, beside
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


class StagedFile(NamedTuple):
    """A file of the new site: staged by a worker or a side process, or kept from the last build."""

    path: str
    record: FileRecord
    written: bool
    """New bytes were staged (False: the output already holds them)."""


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


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """The C library's renameat2 (Linux, glibc 2.28 and later), if there is one."""
    function: Callable[..., int] | None = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def staging_prefix(out_dir: Path) -> str:
    """The name of this process's staging folders for `out_dir`, up to their random part."""
    return beside(out_dir, f"staging-{os.getpid()}-").name


def _running(pid: int) -> bool:
    """Whether a process with this id runs (signal 0 only asks), and has not ended: a killed build
    whose parent has not yet waited for it (`timeout -s KILL` kills that parent too) is still there
    as a zombie, which writes nothing more."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return not _ended(pid)


def _ended(pid: int) -> bool:
    """Whether the process is a zombie (Linux tells in /proc; elsewhere no process is taken for one).
    A process whose main thread ended while others run shows as one too: a build never does that."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read()
    except OSError:
        return False
    return fields[fields.rfind(b")") + 2 :][:1] in (b"Z", b"X")  # the state follows the command's name


CLAIMED_SUFFIX = "-site"
"""Ends the name of the staging folder a warm build claims the kept site as (`Staging.claim_previous`)."""


def remove_leftovers(out_dir: Path) -> list[str]:
    """Delete the staging folders that killed builds of `out_dir` left beside it (a new site that was
    never swapped in, or an old one not yet deleted), but put a claimed kept site back if there is
    none; returns the names of those deleted."""
    name = re.compile(re.escape(beside(out_dir, "staging-").name) + r"(\d+)-")
    try:
        entries = list(os.scandir(out_dir.parent))
    except FileNotFoundError:
        return []
    removed = []
    for entry in entries:
        match = name.match(entry.name)
        if match and entry.is_dir(follow_symlinks=False) and not _running(int(match[1])):
            if entry.name.endswith(CLAIMED_SUFFIX) and _renamed(Path(entry.path), previous_folder(out_dir)):
                continue  # a claimed tree, back where the next build starts from
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return sorted(removed)


def stage_bytes(folder: Path | None, path: str, data: bytes, previous: FileRecord | None) -> tuple[FileRecord, bool]:
    """Write one new file into the staging folder unless the output already holds these bytes.

    Returns the file's record and whether it was written. Safe to call from render workers: each
    writes only its own pages' files. With no folder (a check) nothing is written at all."""
    sha = hashlib.sha256(data).hexdigest()
    if previous is not None and previous.sha == sha:
        return previous, False
    if folder is None:
        return FileRecord(sha, len(data), 0), True
    descriptor = _created(os.path.join(folder, path))
    try:
        _write_all(descriptor, data)
        stat = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return FileRecord(sha, stat.st_size, stat.st_mtime_ns), True


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _created(target: str) -> int:
    """A new file opened for writing, as a descriptor: a Python file object asks the system three more
    things of every file (30,000 files in a cold build at 10k papers). Its folder is made if need be,
    tried only when the open fails: a page's folder holds three files, and making it for each was a
    tenth of a cold build's system time."""
    try:
        return os.open(target, _NEW_FILE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return os.open(target, _NEW_FILE, 0o666)


def _write_all(descriptor: int, data: bytes) -> None:
    """All of `data` written (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def stage_parts(
    folder: Path | None, path: str, parts: Iterable[bytes], previous: FileRecord | None
) -> tuple[FileRecord, bool]:
    """`stage_bytes` for a file made in parts, each written as it comes (never the whole file in
    memory); removed again if the output already holds these bytes."""
    digest, size = hashlib.sha256(), 0
    target = None if folder is None else os.path.join(folder, path)
    descriptor = None if target is None else _created(target)
    try:
        for part in parts:
            digest.update(part)
            size += len(part)
            if descriptor is not None:
                _write_all(descriptor, part)
    finally:
        if descriptor is not None:
            os.close(descriptor)
    sha = digest.hexdigest()
    if previous is not None and previous.sha == sha:
        if target is not None:
            os.unlink(target)
        return previous, False
    if target is None:
        return FileRecord(sha, size, 0), True
    stat = os.stat(target)
    return FileRecord(sha, stat.st_size, stat.st_mtime_ns), True


def present_files(folder: Path | str) -> dict[str, int]:
    """Every file under `folder` by relative path, with its inode number, symbolic links included (as
    files: never followed); directory listings only, no stat calls, and no generator per folder
    (which passed every name up through each level: a second at 50,000 papers)."""
    found: dict[str, int] = {}
    pending = [(os.fspath(folder), "")]
    while pending:
        path, prefix = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    found[prefix + entry.name] = entry.inode()
    return found


def _true_inodes(files: dict[str, int]) -> bool:
    """Whether a listing's inode numbers name its files: some file systems (FUSE mounts without
    `use_ino`) list one made-up number for every file, which would make every file look like the
    live one."""
    return 0 not in files.values() and len(set(files.values())) == len(files)


def previous_folder(out_dir: Path) -> Path:
    """Where the site before the current one is kept, for the next warm build to start from."""
    return beside(out_dir, "previous")


def _renamed(source: Path, target: Path) -> bool:
    """Rename a folder; False if there is no such folder or the target is taken."""
    try:
        source.rename(target)
    except OSError:
        return False
    return True


def _remove_file(root: Path, path: str) -> None:
    """Delete a file the site no longer has, and the folders it leaves empty."""
    (root / path).unlink(missing_ok=True)
    folder = (root / path).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _make_folders(root: Path, paths: Iterable[str]) -> None:
    """Every folder under `root` that holds one of `paths` (relative, with forward slashes), made
    where missing: one call each, parents first (cheaper than `os.makedirs` per file)."""
    folders: set[str] = set()
    for path in paths:
        parent = posixpath.dirname(path)
        while parent and parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    for name in sorted(folders):
        with contextlib.suppress(FileExistsError):
            os.mkdir(os.path.join(root, name))


def _relink(
    site: Path,
    out_dir: Path,
    present: dict[str, int],
    live: dict[str, int],
    wanted: Collection[str],
    kept: Iterable[str],
) -> None:
    """Bring `site`, a copy of an earlier site listed as `present`, closer to the output folder
    (listed as `live`): the files not `wanted` removed (first, so that no symbolic link is left to
    lead elsewhere), and each `kept` file linked to the live one where it is not that file already
    (the same inode in the two listings: on one file system, as renaming the site into place
    requires; no stat call per file)."""
    for path in sorted(present.keys() - wanted - {MARKER}):
        _remove_file(site, path)
    listed = os.stat(site).st_dev == os.stat(out_dir).st_dev and _true_inodes(present) and _true_inodes(live)
    here_root, live_root = os.fspath(site) + os.sep, os.fspath(out_dir) + os.sep
    for path in kept:
        here, inode = here_root + path, present.get(path)
        if listed:
            if inode is not None and inode == live.get(path):
                continue
        else:
            with contextlib.suppress(FileNotFoundError):
                if os.path.samestat(os.lstat(here), os.stat(live_root + path)):
                    continue
        if inode is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(here)
        os.makedirs(os.path.dirname(here), exist_ok=True)
        os.link(live_root + path, here)


class Mirrored(NamedTuple):
    """What `mirror_live` found of the output folder, in few paths: the side process sends it back
    whole, and every path of the site would keep it waiting on the pipe until the build asks,
    holding its copy of the build's memory meanwhile."""

    altered: frozenset[str]
    """The files the last build recorded that are not as it left them, or gone."""
    gone: frozenset[str]
    """The recorded files the output no longer has."""
    unrecorded: frozenset[str]
    """The files the output has that the last build did not record."""

    def files(self, recorded: Collection[str]) -> frozenset[str]:
        """Every file of the output (each in the claimed site too), from those the last build recorded."""
        return frozenset(recorded).difference(self.gone).union(self.unrecorded)


def mirror_live(site: Path, out_dir: Path, records: Mapping[str, FileRecord]) -> Mirrored:
    """Make `site`, a site kept from an earlier build, hold exactly the output folder's files, each
    a hard link to the live one, and check every file the last build recorded (`records`). A side
    process does this while a warm build reads its inputs, on a core that is idle then: listing the
    two sites and linking the files the last build changed took 0.4 s of a day's build at 10k
    papers, publishing, and checking each file 0.1 s of the page workers' time. Raises OSError on
    anything unexpected in `site` (a folder where a file goes)."""
    present, live = present_files(site), present_files(out_dir)
    files = live.keys() - {MARKER}
    _relink(site, out_dir, present, live, files, files)
    root = os.fspath(out_dir) + os.sep
    altered = frozenset(path for path, record in records.items() if not as_recorded(root + path, record))
    return Mirrored(altered, frozenset(records.keys() - files), frozenset(files - records.keys()))


def _move_in(site: Path, folder: Path, written: Collection[str]) -> None:
    """The staged files moved from `folder` into `site`; all moved back if one cannot be."""
    moved: list[str] = []
    try:
        _make_folders(site, written)
        for path in sorted(written):
            os.replace(os.path.join(folder, path), os.path.join(site, path))
            moved.append(path)
    except OSError:
        for path in moved:  # back where the fresh start expects them
            os.replace(os.path.join(site, path), os.path.join(folder, path))
        raise


class Staging:
    """Where a build's new site is put together, beside the output folder, until every stage has succeeded.

    A cold build (no usable record of the last one) stages every file; a warm build stages the files
    whose bytes changed and, when it publishes, links the unchanged ones in. `discard` (always called,
    also after a failure) removes whatever is left, and puts back the kept site the build claimed
    if it did not become the new one.
    """

    def __init__(self, out_dir: Path, cache: BuildCache, write: bool = True) -> None:
        self.out_dir = out_dir
        self.cache = cache
        self.cold = not cache.files or not (out_dir / MARKER).exists()
        self.folder: Path | None = None
        if write:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(out_dir)
            self.folder = Path(tempfile.mkdtemp(prefix=staging_prefix(out_dir), dir=out_dir.parent))
            self.folder.chmod(0o755)
        self.records: dict[str, FileRecord] = {}
        """Every file of the new site."""
        self.written: set[str] = set()
        """The files staged by this build (new bytes)."""
        self.groups: dict[str, tuple[str, tuple[str, ...]]] = {}
        """The groups of files of this build (`add_group`): what each was made from, and its paths."""
        self.claimed = self.claim_previous()
        """The site kept from before the current one, claimed by this build to become the new site."""

    def claim_previous(self) -> Path | None:
        """Take the site kept from before the current one (`previous_folder`) as a staging folder of
        this build's, where no other build starts from it; None when there is none to take (a cold
        build, a check, or a symbolic link where the folder goes, which is removed, never followed)."""
        if self.cold or self.folder is None:
            return None
        claimed = self.folder.with_name(self.folder.name + CLAIMED_SUFFIX)
        if not _renamed(previous_folder(self.out_dir), claimed):
            return None
        if claimed.is_symlink():  # not a folder a build left
            claimed.unlink()
            return None
        return claimed

    def claim(self, path: str) -> str:
        """A checked output path that no other file of this build has taken."""
        return self._untaken(checked_output_path(path))

    def _untaken(self, path: str) -> str:
        """`path`, which must be checked already, if no other file of this build has taken it."""
        if path in self.records:
            raise BuildError([Problem(Source(path), "two pages would be written to the same path", "report this")])
        return path

    def previous(self, path: str) -> FileRecord | None:
        """What the output holds at `path`, if it is still exactly what the last build wrote."""
        return None if self.cold else self.cache.file_unchanged(path, self.out_dir)

    def record(self, path: str, record: FileRecord, written: bool) -> None:
        """Note a file of the new site, staged by a render worker or by this process."""
        self.records[self.claim(path)] = record
        if written:
            self.written.add(path)

    def keep(self, path: str) -> None:
        """Note a file of the new site kept as the last build left it. Its path is one of the cache's
        records (a KeyError if not), all checked when the cache was read or, in the preview, when the
        last build published them: not checked again (30,000 of them in a day's build at 10k papers)."""
        record = self.cache.files[path]
        self.records[self._untaken(path)] = record

    def add(self, file: OutputFile) -> None:
        """Stage one file made in this process (data files, feeds, assets)."""
        path = self.claim(file.path)
        record, written = stage_bytes(self.folder, path, file.data, self.previous(path))
        self.record(path, record, written)

    def add_parts(self, path: str, parts: Iterable[bytes]) -> None:
        """Stage one file made in this process in parts (`stage_parts`)."""
        path = self.claim(path)
        record, written = stage_parts(self.folder, path, parts, self.previous(path))
        self.record(path, record, written)

    def add_group(self, name: str, key: str, make: Callable[[], Iterable[OutputFile]]) -> None:
        """Files made together from what `key` names: kept if the last build made them from the same key
        and they are intact, else made and staged; remembered under `name` for the next build."""
        kept = None if self.cold else self.cache.kept_group(name, key, self.out_dir)
        if kept is None:
            files = list(make())
            for file in files:
                self.add(file)
            paths = tuple(file.path for file in files)
        else:
            paths = tuple(path for path, _ in kept)
            for path in paths:
                self.keep(path)
        self.groups[name] = (key, paths)

    def publish(self, mirrored: frozenset[str] | None = None) -> PublishReport:
        """Put the new site in place of the old one in one step; updates the cache's file records.
        Nothing at all happens when a warm build changed nothing. `mirrored`: the output's files,
        when the claimed site holds each of them already (`mirror_live`)."""
        folder = self.folder
        assert folder is not None, "a check publishes nothing"
        kept = self.records.keys() - self.written
        if mirrored is not None and (self.claimed is None or not kept <= mirrored):
            mirrored = None  # a kept file the output lacked then: the slower way checks everything again
        live = None if self.cold or mirrored is not None else present_files(self.out_dir)
        files = mirrored if mirrored is not None else (live or {}).keys()
        stale = sorted(files - self.records.keys() - {MARKER})
        if self.cold or self.written or stale:
            site = folder if self.cold else self._complete_site(folder, live, stale)
            if not (site / MARKER).exists():
                (site / MARKER).write_bytes(b"")
            old = self._swap_in(site)
            if old is not None and not self.cold and _renamed(old, previous_folder(self.out_dir)):
                old = None
            # The old site unless kept (a cold build's shares no file with the new one, nor does an
            # older previous site), and what is left of the staging folder.
            for leftover in (old, previous_folder(self.out_dir) if self.cold else None, folder):
                if leftover is not None:
                    shutil.rmtree(leftover, ignore_errors=True)
        self.cache.files = dict(sorted(self.records.items()))
        return PublishReport(files=len(self.records), written=len(self.written), removed=len(stale))

    def _swap_in(self, site: Path) -> Path | None:
        """Make `site` the output folder; returns where the old output folder went (None if there was none)."""
        if not self.out_dir.exists():
            site.rename(self.out_dir)
            return None
        if _exchange(site, self.out_dir):
            return site
        retired = site.with_name(site.name + "-old")
        self.out_dir.rename(retired)  # from here until the next rename there is no output folder
        site.rename(self.out_dir)
        return retired

    def _complete_site(self, folder: Path, live: dict[str, int] | None, stale: list[str]) -> Path:
        """A folder holding the whole new site: the claimed site brought up to date, or else the
        staging folder with links to the unchanged files (`live`: the output's files and inodes,
        None when the claimed site mirrors them already, `stale` its files the new site lacks)."""
        claimed, self.claimed = self.claimed, None  # the new site from here, or deleted
        if claimed is not None:
            try:
                if live is None:
                    for path in stale:
                        _remove_file(claimed, path)
                else:
                    kept = [path for path in self.records if path not in self.written]
                    _relink(claimed, self.out_dir, present_files(claimed), live, self.records.keys(), kept)
                _move_in(claimed, folder, self.written)
            except OSError:  # something unexpected in it (a folder where a file goes): start afresh
                shutil.rmtree(claimed, ignore_errors=True)
            else:
                return claimed
        self._link_unchanged(folder)
        return folder

    def _link_unchanged(self, folder: Path) -> None:
        """Hard links in the staging folder to the output's files that this build keeps as they are."""
        kept = [path for path in self.records if path not in self.written]
        _make_folders(folder, kept)
        for path in kept:
            os.link(os.path.join(self.out_dir, path), os.path.join(folder, path))

    def discard(self) -> None:
        """Remove the staging folder, if a failure left it (the next build removes any other leftover),
        and put the claimed site back if it did not become the new one."""
        if self.claimed is not None:
            if not _renamed(self.claimed, previous_folder(self.out_dir)):
                shutil.rmtree(self.claimed, ignore_errors=True)
            self.claimed = None
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


def new_memo_file(folder: Path) -> Path:
    """A new empty file beside the memo file, for a build to write its memos into (`write_parts`) before
    `save_cache` puts it in place (the build removes it if it fails first; the next build removes
    one a killed build left, as it removes staging folders)."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f".{MEMO_FILE}-"
    for entry in os.scandir(folder):
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if entry.name.startswith(prefix) and pid.isdigit() and not _running(int(pid)):
            os.unlink(entry.path)
    descriptor, temporary = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", dir=folder)
    os.close(descriptor)
    return Path(temporary)


def write_parts(path: Path, parts: Generator[bytes, None, None], append: bool = False) -> None:
    """Write a file (or append to it) part by part, as they are made; the generator is closed even if
    writing fails (it may hold something open meanwhile, as `BuildCache.memo_lines` pauses the cycle
    collector)."""
    with open(path, "ab" if append else "wb") as stream, contextlib.closing(parts):
        for part in parts:
            stream.write(part)


def save_cache(folder: Path, cache: bytes, memos: Path | None) -> None:
    """Store the build cache, and its memos written into `memos` (`new_memo_file`; None keeps the
    last ones), each atomically: a crash leaves the old file or the new one (memos are keyed by their
    inputs, or say what they were made from, so old memos beside a new cache are still right)."""
    folder.mkdir(parents=True, exist_ok=True)
    if memos is not None:
        os.chmod(memos, 0o644)
        os.replace(memos, folder / MEMO_FILE)
    _replace_file(folder / CACHE_FILE, cache)
    for retired in ("build.pickle", "memos.json"):  # files of earlier formats: never read, not kept either
        (folder / retired).unlink(missing_ok=True)


def save_digest(path: Path, text: str) -> None:
    """Store a digest the curator added with `build.py add`."""
    _replace_file(path, text.encode("utf-8"))
