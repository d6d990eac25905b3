"""The only module that writes: a whole site into a staging folder, then swapped in at once.

Nothing is written until every stage has succeeded, and the previous site stays in place (and
served) until the new one is complete. The writer refuses to write one path twice, which is how
slug collisions and template mistakes that would silently overwrite a page are caught.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, Problem, Source
from .urls import checked_output_path

MARKER = ".paper-digest"
"""Marks a folder as a build of ours, so that a mistyped --out cannot wipe anything else."""


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site."""

    path: str
    """Relative to the output folder, with forward slashes."""
    data: bytes


@dataclass(frozen=True)
class PublishReport:
    """What was written."""

    files: int
    bytes: int


def collect(files: Iterable[OutputFile]) -> dict[str, bytes]:
    """Files by checked path, sorted; two files for one path is an error naming the path."""
    found: dict[str, bytes] = {}
    for file in files:
        path = checked_output_path(file.path)
        if path in found:
            raise BuildError([Problem(Source(path), "two pages would be written to the same path", "report this")])
        found[path] = file.data
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


def publish(files: dict[str, bytes], out_dir: Path) -> PublishReport:
    """Write the site to a staging folder beside `out_dir`, then swap it in."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        staging.chmod(0o755)
        folders: set[str] = set()
        for path, data in files.items():
            folder = os.path.dirname(path)
            if folder not in folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
                folders.add(folder)
            (staging / path).write_bytes(data)
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
    return PublishReport(files=len(files), bytes=sum(len(d) for d in files.values()))
