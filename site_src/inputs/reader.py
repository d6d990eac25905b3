"""The only module that reads the curator's inputs: finds files, decodes them, one newline policy.

Every file is UTF-8 (a byte-order mark is tolerated), and CRLF or CR line endings become LF,
so that the parsers downstream see one kind of text and report lines as an editor shows them.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import stat
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
    """A path as the curator would type it: relative to the working folder when inside it.

    A link keeps its own name (only its folder is resolved): a message about a link names the link."""
    return _shown(path, Path.cwd())


@functools.lru_cache(maxsize=1 << 16)
def _shown(path: Path, cwd: Path) -> str:
    """`display_path`, remembered: the preview reads every input at each save, and resolving their
    folders took a fifth of its reading time at 10k papers."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def decode(
    data: bytes, source: Source, problems: Problems, hint: str = "save the file with UTF-8 encoding"
) -> str | None:
    """UTF-8 bytes to text with LF line endings; None (and a problem, with `hint`) when they are not UTF-8."""
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
            hint,
        )
        return None
    if "\r" not in text:  # the usual case, and a search is much cheaper than two replacements (0.07 s at 50k papers)
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _not_a_file(path: Path) -> tuple[str, str] | None:
    """Why an input path is no regular file (message and hint), or None when it is one or when
    only reading it can tell (the read then reports it). A pipe or device would block the read."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if not path.is_symlink():
            return None
        target = os.readlink(path)
        if exc.errno == errno.ELOOP:
            return f"a link that loops (it points to {target})", "point it at a real file, or delete the link"
        return f"a link to nothing (it points to {target})", "restore the file it points to, or delete the link"
    if stat.S_ISDIR(mode):
        return "a folder, not a file", "move its files out, or rename it"
    if not stat.S_ISREG(mode):
        return "not a regular file", "replace it with a text file"
    return None


@dataclass(frozen=True)
class ContentFolder:
    """The content folder, resolved: an input is read only if it stays inside, so that a committed
    link to /etc/passwd, or to any file of the machine that builds, never has its text published."""

    root: Path
    inside: frozenset[Path]
    """The input folders, as named, that resolve inside `root`: a file in one of them that is no
    link needs no resolving (resolving every input doubled the time to read 4,000 of them)."""

    @classmethod
    def of(cls, content_dir: Path) -> ContentFolder:
        root = content_dir.resolve()
        folders = [content_dir, *(content_dir / name for name in ("digests", "notes", "pages"))]
        return cls(root, frozenset(folder for folder in folders if folder.resolve().is_relative_to(root)))

    def refusal(self, path: Path) -> tuple[str, str] | None:
        """Why `path` may not be read (message and hint), or None when it stays inside."""
        if path.parent in self.inside and not os.path.islink(path):
            return None
        resolved = path.resolve()
        if resolved.is_relative_to(self.root):
            return None
        return (
            f"a link to a file outside the content folder ({resolved})",
            "copy the file into the content folder: a build reads only the site's own files",
        )


def read_text(path: Path, problems: Problems, within: ContentFolder | None = None) -> TextFile | None:
    """Read and decode one file, recording a problem when it cannot be read (or when it leads out of
    the content folder it is an input of, `within`; a file named on the command line is none)."""
    source = Source(display_path(path))
    unusable = _not_a_file(path) or (within.refusal(path) if within is not None else None)
    if unusable:
        problems.error(source, *unusable)
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(source, f"cannot be read: {exc.strerror}", "check that the file exists and is readable")
        return None
    text = decode(data, source, problems)
    return None if text is None else TextFile(source, text)


def read_optional(path: Path, problems: Problems, within: ContentFolder) -> TextFile | None:
    """An input that may be absent (None), read when it is there, a problem when it is there but no file."""
    return read_text(path, problems, within) if os.path.lexists(path) else None


def is_left_alone(name: str) -> bool:
    """Hidden files and editors' backups, never read as inputs."""
    return name.startswith((".", "~", "#")) or name.endswith("~")


def _entries(folder: Path, problems: Problems) -> list[Path]:
    """Everything in `folder`, sorted, but hidden and backup files; none when it is absent.

    Entries are not filtered by kind: a folder or a broken link named like an input is reported
    when it is read, never skipped in silence."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    except OSError as exc:
        where = Source(display_path(folder))
        problems.error(where, f"cannot be read: {exc.strerror}", "check the folder's permissions")
        return []
    return sorted(folder / name for name in names if not is_left_alone(name))


def _printed(path: Path) -> str:
    """A path as a message can print it, whatever bytes its file name holds."""
    name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if not name.isprintable():
        name = name.encode("unicode_escape").decode("ascii")
    return f"{display_path(path.parent)}/{name}"


def _printable(name: str) -> bool:
    """Whether a file name is UTF-8 text without control characters (an undecodable byte is listed
    as a lone surrogate, which no text can be encoded with)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return name.isprintable()


def _inputs_in(folder: Path, suffixes: tuple[str, ...], kind: str, problems: Problems) -> list[Path]:
    """The files of `folder` that end in one of `suffixes`; every other entry is warned about (a note
    saved as .txt or .markdown would otherwise vanish without a word), and an input whose name is not
    printable UTF-8 is an error (the build keys it by its name)."""
    inputs = []
    for path in _entries(folder, problems):
        if path.suffix.lower() not in suffixes:
            problems.warn(Source(_printed(path)), f"ignored: not a {kind}", f"{kind}s end in {_either(suffixes)}")
        elif not _printable(path.name):
            hint = "rename it with letters, digits and hyphens"
            problems.error(Source(_printed(path)), "the file name is not printable UTF-8 text", hint)
        else:
            inputs.append(path)
    return inputs


def _either(suffixes: tuple[str, ...]) -> str:
    return suffixes[0] if len(suffixes) == 1 else f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"


def _read_all(paths: list[Path], problems: Problems, within: ContentFolder) -> tuple[TextFile, ...]:
    files = (read_text(p, problems, within) for p in paths)
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
    digest_paths = _inputs_in(digest_dir, DIGEST_SUFFIXES, "digest", problems)
    if not digest_paths:
        problems.error(
            Source(display_path(digest_dir)),
            "no digests found",
            "add a digest such as 2025-06-26.txt (copied from a trending-papers page) or 2025-06-26.yaml",
        )
    settings_path = content_dir / "site.yaml"
    topics_path = content_dir / "topics.yaml"
    if not os.path.lexists(topics_path):
        problems.error(
            Source(display_path(topics_path)),
            "topic taxonomy not found",
            "create it with one entry per topic: slug, name, description, keywords",
        )
    within = ContentFolder.of(content_dir)
    return Inputs(
        settings=read_optional(settings_path, problems, within),
        topics=read_optional(topics_path, problems, within),
        digests=_read_all(digest_paths, problems, within),
        notes=_read_all(_inputs_in(content_dir / "notes", (".md",), "note", problems), problems, within),
        pages=_read_all(_inputs_in(content_dir / "pages", (".md",), "page", problems), problems, within),
    )
