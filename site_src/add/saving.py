"""What every way of adding a digest shares: the site's settings, the day's file, never replacing a
digest unasked, and the one line that says what was added.

A day has one digest whatever its format (.txt, .yaml or .yml), so a digest of that day in any of
them stops `add`; `--force` replaces only a file of the same name, never one of another format
(two files for one day would be an error at the next build).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from site_src.add.joining import problems_joining
from site_src.build import output
from site_src.catalog.model import Entry
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.reader import DIGEST_SUFFIXES, TextFile, display_path
from site_src.inputs.settings import SiteSettings, parse_settings


@dataclass(frozen=True)
class Added:
    """What `add` saved, and the warnings it survived (printed before the summary)."""

    path: Path
    date: datetime.date
    papers: int
    warnings: tuple[Problem, ...] = ()


def site_settings(content_dir: Path, problems: Problems) -> SiteSettings:
    """`content/site.yaml` (the defaults when there is none); its problems go on `problems`."""
    path = content_dir / "site.yaml"
    text = reader.read_optional(path, problems, reader.ContentFolder.of(content_dir))
    return parse_settings(text.text if text else None, Source(display_path(path)), problems)


def free_target(content_dir: Path, date: datetime.date, suffix: str, force: bool) -> Path:
    """Where the day's new digest goes; raises BuildError when a digest of that day exists and may
    not be replaced (checked before any slow work, such as a download, and again when saving)."""
    target = content_dir / "digests" / f"{date.isoformat()}{suffix}"
    existing = [target.with_suffix(s) for s in DIGEST_SUFFIXES if os.path.lexists(target.with_suffix(s))]
    if existing and not (force and existing == [target]):
        hint = (
            "pass --force to replace it"
            if existing == [target]
            else f"remove it first: --force replaces only a {target.suffix} digest"
        )
        raise BuildError([Problem(Source(display_path(existing[0])), "a digest for this day exists already", hint)])
    return target


def save_new_digest(
    content_dir: Path,
    date: datetime.date,
    suffix: str,
    text: str,
    papers: int,
    force: bool,
    problems: Problems,
    strict: bool = False,
    given: Mapping[int, Source] | None = None,
) -> Added:
    """Save a checked digest as the day's file (UTF-8, LF, one final newline), unless the site would
    find errors with it among the others (or, when `strict`, warnings); `problems` holds only
    warnings by now, and they are handed back to be shown with those. `given` places each line of
    the digest's papers (0: the whole file) in what the curator gave, for the messages of a digest
    refused: never written, its lines are nowhere to be seen."""
    target = free_target(content_dir, date, suffix, force)
    problems.items.extend(problems_joining(content_dir, TextFile(Source(display_path(target)), text)))
    try:
        problems.raise_if_errors(strict)
    except BuildError as error:
        raise BuildError(as_given(error.problems, display_path(target), given or {})) from None
    try:
        output.save_digest(target, text if text.endswith("\n") else text + "\n")
    except OSError as error:  # a folder where the file or content/digests/ goes, a read-only disk
        why = error.strerror or str(error)
        raise BuildError([Problem(Source(display_path(target)), f"cannot be written: {why}", "")]) from None
    return Added(path=target, date=date, papers=papers, warnings=tuple(sorted(set(problems.warnings))))


def places(
    origin: Source, saved: Sequence[Entry], given: Sequence[Entry], date_lines: tuple[int, int] = (0, 0)
) -> dict[int, Source]:
    """Each paper's line in the digest about to be saved (as read back) -> its place in what the
    curator gave, and the saved date line -> the given one (`date_lines`, when both have one);
    0 -> that file (`as_given`)."""
    found = {0: origin, **{at.source.line: entry.source for at, entry in zip(saved, given, strict=True)}}
    if all(date_lines):
        found[date_lines[0]] = origin.at(date_lines[1])
    return found


def as_given(problems: Sequence[Problem], target: str, given: Mapping[int, Source]) -> list[Problem]:
    """Problems of a digest not written, at the places of what the curator gave (`given`: a line of
    the digest -> its place there; 0 for the whole file), where they were at the digest's lines."""
    if 0 not in given:
        return list(problems)

    def place(line: int) -> Source:
        return given.get(line, given[0])

    def moved(message: str) -> str:  # "(target:line)" and "(target)", as messages name a place
        message = re.sub(rf"\({re.escape(target)}:(\d+)\)", lambda found: f"({place(int(found[1]))})", message)
        return re.sub(rf"(\((?:also )?){re.escape(target)}\)", lambda found: f"{found[1]}{given[0].path})", message)

    return [
        replace(p, source=place(p.source.line) if p.source.path == target else p.source, message=moved(p.message))
        for p in problems
    ]


def describe(added: Added) -> str:
    """The line `add` prints."""
    papers = f"{added.papers} paper{'' if added.papers == 1 else 's'}"
    return f"Added {display_path(added.path)}: {papers}, dated {added.date.isoformat()}"
