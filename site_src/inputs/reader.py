"""The only module that reads the curator's inputs: finds files, decodes them, one newline policy.

Every file is UTF-8 (a byte-order mark is tolerated), and CRLF or CR line endings become LF,
so that the parsers downstream see one kind of text and report lines as an editor shows them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from site_src.errors import Problems, Source

DIGEST_SUFFIXES = (".txt", ".yaml", ".yml")


@dataclass(frozen=True)
class TextFile:
    """A decoded input file."""

    source: Source
    text: str

    @property
    def name(self) -> str:
        """The file's name without its folder."""
        return os.path.basename(self.source.path)

    @property
    def stem(self) -> str:
        """The file's name without folder and extension."""
        return os.path.splitext(self.name)[0]


@dataclass(frozen=True)
class Inputs:
    """Everything the curator wrote, decoded, in a stable order."""

    settings: TextFile | None
    topics: TextFile | None
    digests: tuple[TextFile, ...]
    notes: tuple[TextFile, ...]
    pages: tuple[TextFile, ...]


def display_path(path: Path) -> str:
    """A path as the curator would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def decode(data: bytes, source: Source, problems: Problems) -> str | None:
    """UTF-8 bytes to text with LF line endings; None (and a problem) when they are not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(
            source.at(line),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})",
            "save the file with UTF-8 encoding",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, problems: Problems) -> TextFile | None:
    """Read and decode one file, recording a problem when it cannot be read."""
    source = Source(display_path(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(source, f"cannot be read: {exc.strerror}", "check that the file exists and is readable")
        return None
    text = decode(data, source, problems)
    return None if text is None else TextFile(source, text)


def _visible_files(folder: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Files in `folder` (with one of `suffixes`, if given), sorted, skipping hidden and backup files."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "~", "#"))
        and not p.name.endswith("~")
        and (suffixes is None or p.suffix.lower() in suffixes)
    )


def _read_all(paths: list[Path], problems: Problems) -> tuple[TextFile, ...]:
    files = (read_text(p, problems) for p in paths)
    return tuple(f for f in files if f is not None)


def load_static(folder: Path, problems: Problems) -> dict[str, bytes]:
    """The site's static files (stylesheet, icons, scripts) by path relative to `folder`."""
    if not folder.is_dir():
        problems.error(Source(display_path(folder)), "static asset folder not found", "restore templates/static/")
        return {}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def read_cache(file: Path) -> bytes | None:
    """The saved build cache, or None when there is none (the build is then a cold one)."""
    try:
        return file.read_bytes()
    except OSError:
        return None


@dataclass(frozen=True)
class Package:
    """A browser library from an npm package: its script and its licence."""

    version: str
    script: bytes
    licence: bytes


def load_package(folder: Path, script: str, problems: Problems) -> Package | None:
    """An npm package's script, licence and version (from node_modules/, installed by make)."""
    try:
        version = json.loads((folder / "package.json").read_bytes())["version"]
        return Package(version, (folder / script).read_bytes(), (folder / "LICENSE").read_bytes())
    except (OSError, ValueError, KeyError):
        problems.error(
            Source(display_path(folder / script)),
            "not found or unreadable",
            "install the npm packages: make (or npm ci)",
        )
        return None


def load(content_dir: Path, problems: Problems) -> Inputs:
    """Read every input under `content_dir`; problems are recorded, never raised."""
    where = Source(display_path(content_dir))
    if not content_dir.is_dir():
        problems.error(where, "content folder not found", "pass --content DIR or run from the project folder")
        return Inputs(None, None, (), (), ())
    digest_dir = content_dir / "digests"
    digest_paths = _visible_files(digest_dir, DIGEST_SUFFIXES)
    if not digest_paths:
        problems.error(
            Source(display_path(digest_dir)),
            "no digests found",
            "add a digest such as 2025-06-26.txt (copied from a trending-papers page) or 2025-06-26.yaml",
        )
    for other in sorted(set(_visible_files(digest_dir)) - set(digest_paths)):
        problems.warn(
            Source(display_path(other)),
            "ignored: not a digest",
            "digests end in .txt, .yaml or .yml",
        )
    settings_path = content_dir / "site.yaml"
    topics_path = content_dir / "topics.yaml"
    if not topics_path.is_file():
        problems.error(
            Source(display_path(topics_path)),
            "topic taxonomy not found",
            "create it with one entry per topic: slug, name, description, keywords",
        )
    return Inputs(
        settings=read_text(settings_path, problems) if settings_path.is_file() else None,
        topics=read_text(topics_path, problems) if topics_path.is_file() else None,
        digests=_read_all(digest_paths, problems),
        notes=_read_all(_visible_files(content_dir / "notes", (".md",)), problems),
        pages=_read_all(_visible_files(content_dir / "pages", (".md",)), problems),
    )
