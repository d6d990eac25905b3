"""What earlier builds computed, so that the next build redoes only what changed.

Three things are remembered, all keyed by content hashes, never by timestamps:

- memos: results of pure, costly functions (parsing a file, classifying a paper) by a hash of
  their inputs;
- pages: for each output page, the hash of everything it was rendered from (its Markdown page,
  the templates it uses, the site-wide data and the generator's own code);
- files: for each output file, the hash of its bytes and the size and modification time it was
  left with, so that a file changed or deleted by hand is noticed and written again.

Any change to the generator's code starts from an empty cache, so a stale cache can cost time but
never correctness. The cache lives beside the output folder (`.public-cache/` for `public/`).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from site_src.build.keys import code_key

_T = TypeVar("_T")


def cache_folder(out_dir: Path) -> Path:
    """Where the cache of an output folder lives: beside it, hidden, never published."""
    return out_dir.parent / f".{out_dir.name}-cache"


@dataclass(frozen=True)
class FileRecord:
    """An output file as the last build left it."""

    sha: str
    size: int
    mtime_ns: int


@dataclass
class BuildCache:
    """Memos, page keys and file records of the last build of one output folder."""

    code: str
    memos: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    """Output path of a page -> the key of what it was rendered from."""
    groups: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """Files made together (the search index) -> the key of what they were made from, and their paths."""
    files: dict[str, FileRecord] = field(default_factory=dict)
    """Output path -> what the last build wrote there."""
    _used: set[str] = field(default_factory=set)

    @classmethod
    def empty(cls) -> BuildCache:
        """A cache that knows nothing: the next build is a cold one."""
        return cls(code=code_key())

    @classmethod
    def from_bytes(cls, data: bytes | None) -> BuildCache:
        """A cache saved by `to_bytes`, or an empty one if it is missing, unreadable or from other code."""
        fresh = cls.empty()
        if data is None:
            return fresh
        try:
            saved = pickle.loads(data)  # noqa: S301 - our own file, written by to_bytes
        except Exception:  # noqa: BLE001 - a truncated or foreign file is just a cold start
            return fresh
        if not isinstance(saved, dict) or saved.get("code") != fresh.code:
            return fresh
        return cls(fresh.code, saved["memos"], saved["pages"], saved["groups"], saved["files"])

    def to_bytes(self) -> bytes:
        """The cache as bytes, keeping only the memos this build used (it never grows without bound)."""
        memos = {key: value for key, value in self.memos.items() if key in self._used}
        saved = {"code": self.code, "memos": memos, "pages": self.pages, "groups": self.groups, "files": self.files}
        return pickle.dumps(saved)

    def memo(self, namespace: str, key: str, compute: Callable[[], _T]) -> _T:
        """`compute()`, or its remembered result for the same namespace and input key."""
        full_key = f"{namespace}:{key}"
        self._used.add(full_key)
        if full_key not in self.memos:
            self.memos[full_key] = compute()
        value: _T = self.memos[full_key]
        return value

    def memo_many(self, namespace: str, keys: Sequence[str], compute: Callable[[list[int]], list[_T]]) -> list[_T]:
        """Like `memo` for many inputs at once (so the missing ones can be computed together, in
        parallel): `compute` gets the positions of the keys not remembered and returns their results."""
        full_keys = [f"{namespace}:{key}" for key in keys]
        self._used.update(full_keys)
        missing = [i for i, key in enumerate(full_keys) if key not in self.memos]
        for position, result in zip(missing, compute(missing), strict=True):
            self.memos[full_keys[position]] = result
        return [self.memos[key] for key in full_keys]

    def kept_group(self, name: str, key: str, out_dir: Path) -> list[tuple[str, FileRecord]] | None:
        """The files of a group, if the last build made them from the same key and they are still on disk."""
        made_from, paths = self.groups.get(name, ("", ()))
        if made_from != key:
            return None
        kept = [(path, record) for path in paths if (record := self.file_unchanged(path, out_dir))]
        return kept if len(kept) == len(paths) else None

    def file_unchanged(self, path: str, out_dir: Path) -> FileRecord | None:
        """The record of an output file if the file on disk is still exactly what we wrote."""
        record = self.files.get(path)
        if record is None:
            return None
        try:
            stat = os.stat(os.path.join(out_dir, path))
        except OSError:
            return None
        return record if (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns) else None
