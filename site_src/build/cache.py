"""What earlier builds computed, so that the next build redoes only what changed.

Three things are remembered, all keyed by content hashes, never by timestamps:

- memos: results of pure, costly functions (parsing a file, classifying a paper) by a hash of
  their inputs;
- pages: for each output page, the hash of everything it was rendered from (its Markdown page,
  the templates it uses, the site-wide data and the generator's own code);
- files: for each output file, the hash of its bytes and the size and modification time it was
  left with, so that a file changed or deleted by hand is noticed and written again.

Any change to the generator's code starts from an empty cache, so a stale cache can cost time but
never correctness. The cache lives beside the output folder (`.public-cache/build.json` for
`public/`, `.preview-cache/` for `.preview/`) as plain JSON with a format number: it is data that a
pull request could edit, so it is never unpickled or evaluated (see `memos` for how each kind of
result is read back and checked). A file that cannot be read back whole is ignored with a warning.
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

import orjson

from site_src.build.keys import CACHE_FORMAT, InputKeys, code_key
from site_src.build.memos import (
    CODECS,
    CacheFormatError,
    LastBuild,
    array,
    last_build_json,
    mapping,
    read_last_build,
    text,
)
from site_src.build.parallel import collector_paused
from site_src.errors import Problem, Source
from site_src.pages.urls import UnsafePathError, checked_output_path

if TYPE_CHECKING:
    from site_src.catalog.merge import CatalogMemo

_T = TypeVar("_T")
Json = bytes | memoryview
"""A memo's value as JSON: encoded by this build, or a view of the memo file's bytes it was read from."""
CACHE_FILE = "build.json"
MEMO_FILE = "memos.jsonl"
"""The memos, kept apart: a no-op build needs only the file records (7 MB of JSON at 10k papers),
not the memos (40 MB), so it never reads them."""


def beside(out_dir: Path, role: str) -> Path:
    """A hidden folder beside the output folder for the build's own use, never published:
    `.public-cache` for `public`, `.preview-cache` (not `..preview-cache`) for `.preview`."""
    return out_dir.parent / f".{out_dir.name.removeprefix('.')}-{role}"


def cache_folder(out_dir: Path) -> Path:
    """Where the cache of an output folder lives."""
    return beside(out_dir, "cache")


def cache_file(out_dir: Path) -> Path:
    """The file that holds the cache of an output folder (its memos are in `MEMO_FILE` beside it)."""
    return cache_folder(out_dir) / CACHE_FILE


_KEY = re.compile("[A-Za-z0-9_.-]*")
"""What a memo's key may hold (hashes, plain words), so that its line in the memo file needs no escaping."""


def _memo_key(namespace: str, key: str) -> str:
    """Where a result is remembered; only namespaces that `memos.CODECS` can store are allowed."""
    if namespace not in CODECS:
        raise KeyError(f"memo namespace {namespace!r} has no codec in site_src/build/memos.py")
    if not _KEY.fullmatch(key):
        raise KeyError(f"memo key {key!r}: only letters, digits, '_', '.' and '-'")
    return f"{namespace}:{key}"


class FileRecord(NamedTuple):
    """An output file as the last build left it (a tuple: page workers send one back for every
    file of the site, and a tuple unpickles four times faster than a dataclass)."""

    sha: str
    size: int
    mtime_ns: int


def _output_path(value: object) -> str:
    """A path of the output folder read from the cache: one that a build could have written."""
    path = text(value)
    try:
        checked = checked_output_path(path)
    except UnsafePathError as error:
        raise CacheFormatError(str(error)) from None
    if checked != path:
        raise CacheFormatError(f"not a normalised output path: {path!r}")
    return path


_MEMO_HEAD = re.compile(rb'\["([a-z]+)","([A-Za-z0-9_.-]*)",')
"""The start of a memo's line, `["namespace","key",`; its value's JSON and a "]" make the rest of the
line (JSON holds no raw newline, so a line is one memo)."""


def _memo_line(full_key: str, value_json: Json) -> bytes:
    """The line that remembers one result (keys are hashes or plain words: nothing to escape)."""
    namespace, key = full_key.split(":", 1)
    return b'["' + namespace.encode() + b'","' + key.encode() + b'",' + value_json + b"]"


MemoPart = Literal["settled", "rest"]
"""Which of a build's memos `BuildCache.memo_lines` writes."""


def _read_memos(data: bytes, start: int) -> tuple[dict[str, Any], dict[str, Json]]:
    """Every remembered result from `start` (where the first line ends) on, decoded by its namespace's
    codec (unknown namespaces are an error), and the JSON each was read from (a view of `data`), to be
    written again as it is if the result is kept. Found in the file's bytes and kept as views of
    them, neither split into lines nor kept as copies (orjson reads each value from its view): at 10k
    papers each was 38 MB of fresh memory, and the split cost a day's build 0.1 s.
    Each line's end is found by `bytes.find`: a regular expression that matched whole lines spent
    0.04 s of a day's build walking the 40 MB."""
    memos: dict[str, Any] = {}
    read_from: dict[str, Json] = {}
    view = memoryview(data)
    while start < len(data):
        end = data.find(b"\n", start + 1)
        end = len(data) if end < 0 else end
        head = _MEMO_HEAD.match(data, start + 1, end)
        if data[start] != ord("\n") or head is None or data[end - 1] != ord("]"):
            raise CacheFormatError("a memo line is not [namespace, key, value]")
        namespace, key = head.group(1).decode(), head.group(2).decode()
        if namespace not in CODECS:
            raise CacheFormatError(f"unknown memo namespace {namespace!r}")
        full_key = f"{namespace}:{key}"
        read_from[full_key] = value_json = view[head.end() : end - 1]
        memos[full_key] = CODECS[namespace].decode(_loads(value_json))
        start = end
    return memos, read_from


def _first_line_end(data: bytes) -> int:
    """Where a file's first line ends (its newline, or the end of a file of one line)."""
    end = data.find(b"\n")
    return len(data) if end < 0 else end


_PATH_BYTES = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./\n"


def _output_paths(paths: list[Any]) -> list[str]:
    """`_output_path` of each path. Checked all at once when they are all plain: names of letters,
    digits, "_", "-" and ".", none empty or beginning with ".", one "/" between them and none at
    the end (nearly every output path; one by one, the cache's 44,000 at 10k papers took 0.05 s of
    every build, and a regular expression over them all as long). Else each is checked by itself."""
    try:
        joined = "\n".join(paths)
        names = joined.encode("ascii").replace(b"\n", b"/")  # where a path ends, another begins
    except (TypeError, UnicodeEncodeError):
        return [_output_path(path) for path in paths]
    if (
        not paths
        or names.translate(None, _PATH_BYTES)
        or joined.count("\n") != len(paths) - 1
        or names.startswith((b"/", b"."))
        or names.endswith(b"/")
        or b"//" in names
        or b"/." in names
    ):
        return [_output_path(path) for path in paths]
    return paths


def _types(values: Iterable[object]) -> set[type]:
    return set(map(type, values))


def _read_files(saved: object) -> dict[str, FileRecord]:
    """What the last build wrote, each file's record checked (in C: one by one, a tenth of a day's
    build's reading of the cache)."""
    files = mapping(saved)
    records = list(files.values())
    if _types(records) - {list} or set(map(len, records)) - {3}:
        raise CacheFormatError("expected an array of 3 items for each file")
    shas, sizes, mtimes = (list(map(operator.itemgetter(field), records)) for field in range(3))
    if _types(shas) - {str} or _types(sizes) - {int} or _types(mtimes) - {int}:
        raise CacheFormatError("expected a file's hash, size and modification time")
    return dict(zip(_output_paths(list(files)), map(FileRecord, shas, sizes, mtimes), strict=True))


def _read_groups(saved: object) -> dict[str, tuple[str, tuple[str, ...]]]:
    groups = {}
    for name, value in mapping(saved).items():
        key, paths = array(value, 2)
        groups[name] = (text(key), tuple(_output_paths(array(paths))))
    return groups


def _read_pages(saved: object) -> dict[str, str]:
    pages = mapping(saved)
    if _types(pages.values()) - {str}:
        raise CacheFormatError("expected a string for each page")
    return dict(zip(_output_paths(list(pages)), pages.values(), strict=True))


def _saved(data: bytes, code: str) -> dict[str, Any] | None:
    """A cache or memo file's fields, or None if other code wrote it; raises on another format."""
    saved = mapping(_loads(data))
    if saved.get("format") != CACHE_FORMAT:
        raise CacheFormatError(f"format {saved.get('format')!r}, this version reads {CACHE_FORMAT}")
    return saved if saved.get("code") == code else None


def _loads(data: Json) -> Any:
    """JSON read by orjson: a day's build at 10k papers reads 50 MB of cache, which took Python's
    reader 0.23 s and takes orjson 0.16 s. It refuses NaN and infinities, which are not JSON (Python's
    reader took them): a cache holding one is ignored as one that cannot be read."""
    return orjson.loads(data)


def _record(value: object) -> tuple[object, ...]:
    """A file record as the array orjson writes for a plain tuple (it writes no named tuple by itself)."""
    if type(value) is FileRecord:
        return tuple(value)
    raise TypeError(f"{type(value).__name__} is not a value of the build cache")


def _json_bytes(value: object) -> bytes:
    """A value as compact JSON, by orjson: build.json (7.7 MB at 10k papers) took Python's writer 0.04 s
    of every build that makes anything, and takes orjson 0.003 s."""
    return orjson.dumps(value, default=_record)


def _dumped(fields: dict[str, object], code: str) -> bytes:
    """A cache or memo file: its fields after the format number and the code they were made by."""
    return _json_bytes({"format": CACHE_FORMAT, "code": code, **fields})


def _why(error: Exception) -> str:
    """What is wrong with a cache file, in a few words."""
    if isinstance(error, CacheFormatError):
        return str(error)
    if isinstance(error, ValueError):
        return "not valid JSON: truncated or corrupt"
    return f"not a build cache: {type(error).__name__} {error}"


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
    page_deps: str = ""
    """Which record of the paper pages' inputs (`page_deps.PageDeps.name`) `pages` were made from:
    the record is a memo, written apart, and one that is not the pages' (the memos could not be
    written, a build of the preview failed after making it) would keep pages it does not describe."""
    last: tuple[str, LastBuild] | None = None
    """The hash of the last build's inputs and what it reported (see `unchanged`)."""
    notice: Problem | None = None
    """Why the saved cache was ignored, if it could not be read: for the next build to report."""
    pending_memos: Callable[[], tuple[bytes | None, str]] | None = None
    """Where the memos are still to be read from (their bytes and the file's name), until a build
    needs them: `load_memos`."""
    memo_json: dict[str, Json] = field(default_factory=dict)
    """The JSON of each memo as the memo file holds it, for results read from it or written to it
    (`memo_lines`); dropped when a result is replaced."""
    catalog: CatalogMemo | None = None
    """The last catalog made with this cache and what it was made from: kept in memory only, for the
    preview, which makes a catalog at every save (see `build_catalog`)."""
    input_keys: InputKeys | None = None
    """The inputs' keys, remembered with their texts by the preview (in memory only); None in a
    one-shot build, which reads each input once."""
    altered: frozenset[str] | None = None
    """The output files a look over the whole output found not as recorded (`output.mirror_live`,
    on the way to the build's first use of them): `file_unchanged` trusts it rather than ask the
    file system about each file again. None: it asks. Each build sets it, and clears it when done."""
    _used: set[str] = field(default_factory=set)
    _settled: frozenset[str] = frozenset()

    @classmethod
    def empty(cls) -> BuildCache:
        """A cache that knows nothing: the next build is a cold one."""
        return cls(code=code_key())

    @classmethod
    def from_bytes(
        cls, data: bytes | None, name: str = CACHE_FILE, memos: Callable[[], tuple[bytes | None, str]] | None = None
    ) -> BuildCache:
        """A cache saved by `to_bytes`, its memos to be read by `memos` when needed; an empty one if there
        is none or it was made by other code, and an empty one with a `notice` naming the file `name` if it
        is not a whole cache file of this format (truncated, corrupt, written by another version, or
        edited by hand)."""
        fresh = cls.empty()
        if data is None:
            return fresh
        try:
            with collector_paused():
                cache = cls._decoded(_saved(data, fresh.code), fresh)
        except Exception as error:  # noqa: BLE001 - whatever is wrong with the file, the build goes on without it
            return cls._ignored(name, error)
        cache.pending_memos = memos if cache is not fresh else None
        return cache

    @classmethod
    def _ignored(cls, name: str, error: Exception) -> BuildCache:
        """An empty cache that says why the file `name` was ignored."""
        fresh = cls.empty()
        fresh.notice = Problem(
            Source(name), f"the build cache was ignored ({_why(error)}); everything is built again", warning=True
        )
        return fresh

    @classmethod
    def _decoded(cls, saved: dict[str, Any] | None, fresh: BuildCache) -> BuildCache:
        """The cache a parsed file holds, or `fresh` if other code made it; raises on anything unexpected."""
        if saved is None:
            return fresh  # the generator changed since: every result may differ
        pages, groups, files = _read_pages(saved["pages"]), _read_groups(saved["groups"]), _read_files(saved["files"])
        last = None
        if saved["last"] is not None:
            key, report = array(saved["last"], 2)
            last = (text(key), read_last_build(report))
        return cls(fresh.code, {}, pages, groups, files, text(saved["page_deps"]), last)

    def load_memos(self) -> bool:
        """Read the memos; if they cannot be, forget everything, as if the cache file could not be read,
        with a notice, and return False (a build that makes anything needs them: see `from_bytes`)."""
        if self.pending_memos is None:
            return True
        data, name = self.pending_memos()
        self.pending_memos = None
        try:
            with collector_paused():
                self.memos, self.memo_json = {}, {}
                if data is not None:
                    first = _first_line_end(data)
                    if _saved(data[:first], self.code) is not None:
                        self.memos, self.memo_json = _read_memos(data, first)
        except Exception as error:  # noqa: BLE001 - as in from_bytes
            ignored = self._ignored(name, error)
            self.memos, self.pages, self.groups, self.files, self.last = {}, {}, {}, {}, None
            self.memo_json = {}
            self.notice = ignored.notice
            return False
        return True

    def memo_lines(self, part: MemoPart, remember: bool = True) -> Generator[bytes, None, None]:
        """The memos this build used, keeping no other (the cache never grows without bound): a line
        naming the format and the code, then a line of JSON each (every line after the first begins
        with its newline). A result read from the file is written back as it was read, without
        encoding it again (at 10k papers the memos are 36 MB of JSON, and a day's digest changes a
        few per cent). Made apart from `to_bytes` because it needs only the stages that use memos,
        and line by line so that it is written as it is made (at 50k papers, 180 MB). Each result's
        JSON is kept for the next save (`_value_json`) unless `remember` is False (a side process
        that writes the memos and ends).

        `part`: "settled", the first line and the memos `settle` gave, written while the build goes
        on; "rest", the lines of the others, to append to those once it ends."""
        if part == "settled":
            yield _dumped({}, self.code)
        keys = self._settled if part == "settled" else self._used - self._settled
        with collector_paused():
            for full_key in sorted(keys):
                value_json = self._value_json(full_key) if remember else self.memo_json.get(full_key)
                value_json = value_json or self._encoded(full_key)
                yield b"\n" + _memo_line(full_key, value_json)

    def settle(self) -> None:
        """The memos used so far are final: no later stage of the build may change them, and they can be
        written while it goes on (`memo_lines`)."""
        self._settled = frozenset(self._used)

    def unsettle(self) -> None:
        """The build ended (written or failed): the next one, of a preview that keeps this cache, may
        change any memo."""
        self._settled = frozenset()

    def forget_unused(self) -> None:
        """Once the memos are saved: the results this build did not use forgotten, and the next
        build's use recorded afresh. A preview keeps one cache for a whole session, and each saved
        version of a digest or note stayed in memory and in the memo file until it ended."""
        self.memos = {key: value for key, value in self.memos.items() if key in self._used}
        self.memo_json = {key: value for key, value in self.memo_json.items() if key in self._used}
        self._used = set()

    def to_bytes(self) -> bytes:
        """The page keys, file records, groups and last build as JSON (the memos: `memo_lines`)."""
        last = None if self.last is None else [self.last[0], last_build_json(self.last[1])]
        saved = {
            "pages": self.pages,
            "groups": {name: [key, list(paths)] for name, (key, paths) in self.groups.items()},
            "files": self.files,  # each record a tuple, written as an array
            "last": last,
            "page_deps": self.page_deps,
        }
        return _dumped(saved, self.code)

    def memo(self, namespace: str, key: str, compute: Callable[[], _T]) -> _T:
        """`compute()`, or its remembered result for the same namespace and input key."""
        full_key = _memo_key(namespace, key)
        if not self._known(full_key):
            self.memos[full_key] = compute()
        self._used.add(full_key)  # only once it has a result: a computation that failed is not saved
        value: _T = self.memos[full_key]
        return value

    def _known(self, full_key: str) -> bool:
        """Whether a result is remembered."""
        return full_key in self.memos

    def _value_json(self, full_key: str) -> Json:
        """A result's JSON: the bytes it was read from or last encoded to, else encoded now and kept (a
        preview saves at every build: each result is encoded once)."""
        value_json = self.memo_json.get(full_key)
        if value_json is None:
            value_json = self.memo_json[full_key] = self._encoded(full_key)
        return value_json

    def _encoded(self, full_key: str) -> bytes:
        """A result, encoded now."""
        return _json_bytes(CODECS[full_key.split(":", 1)[0]].encode(self.memos[full_key]))

    def peek(self, namespace: str, key: str) -> Any:
        """The result remembered for a namespace and key, or None; not kept for the next build for that."""
        full_key = _memo_key(namespace, key)
        return self.memos[full_key] if self._known(full_key) else None

    def peek_all(self, namespace: str) -> dict[str, Any]:
        """Every result remembered in a namespace, by key; none kept for the next build for that."""
        prefix = f"{namespace}:"
        return {full[len(prefix) :]: value for full, value in self.memos.items() if full.startswith(prefix)}

    def update(self, namespace: str, key: str, compute: Callable[[_T | None], _T]) -> _T:
        """Remember `compute(last)` in place of `last`, the result remembered for the same namespace and
        key (None if there is none): for results that the next build derives from this one's."""
        full_key = _memo_key(namespace, key)
        assert full_key not in self._settled, f"{full_key} changed after it was settled (and maybe written)"
        self.memos[full_key] = compute(self.memos[full_key] if self._known(full_key) else None)
        self.memo_json.pop(full_key, None)
        self._used.add(full_key)
        value: _T = self.memos[full_key]
        return value

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
        if self.altered is not None:
            return None if path in self.altered else record
        return record if as_recorded(os.path.join(out_dir, path), record) else None


def as_recorded(file: str, record: FileRecord) -> bool:
    """Whether a file is still the one a build wrote: its size and modification time as recorded."""
    try:
        stat = os.stat(file)
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns)
