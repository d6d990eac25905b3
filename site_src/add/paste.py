"""`build.py add`: a pasted trending-papers page becomes a dated digest in content/digests/.

The page is checked with the same parser and messages as `check`, dated (from --date, a dated file
name, or its date line and the site's year), and saved as `content/digests/<date>.txt` in UTF-8
with LF line endings; an existing digest for that day is never replaced unless asked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from site_src.build import output
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.digest import GivenDate, parse_text_digest
from site_src.inputs.reader import DIGEST_SUFFIXES, display_path
from site_src.inputs.settings import parse_settings


@dataclass(frozen=True)
class Added:
    """What `add` saved."""

    path: Path
    date: datetime.date
    papers: int
    warnings: tuple[Problem, ...] = ()
    """Blocks of the page that are not part of a paper, and the like: shown, not fatal."""


def _site_year(content_dir: Path, problems: Problems) -> int | None:
    settings_path = content_dir / "site.yaml"
    text = reader.read_optional(settings_path, problems)
    return parse_settings(text.text if text else None, Source(display_path(settings_path)), problems).year


def add_digest(
    page: Path,
    content_dir: Path,
    date: datetime.date | None = None,
    force: bool = False,
    today: datetime.date | None = None,
    strict: bool = False,
) -> Added:
    """Validate a pasted page and save it as the digest of its day; raises BuildError on any error
    (and, when `strict`, on any warning)."""
    problems = Problems()
    pasted = reader.read_text(page, problems)
    problems.raise_if_errors()
    assert pasted is not None
    given = GivenDate(date, "--date", "change --date") if date else None
    year = _site_year(content_dir, problems) or (today or datetime.date.today()).year
    digest = parse_text_digest(pasted, year, problems, given)
    problems.raise_if_errors(strict)
    assert digest is not None
    target = content_dir / "digests" / f"{digest.date.isoformat()}.txt"
    existing = [target.with_suffix(s) for s in DIGEST_SUFFIXES if target.with_suffix(s).exists()]
    if existing and not (force and existing == [target]):
        hint = "pass --force to replace it" if existing == [target] else "remove it first"
        raise BuildError([Problem(Source(display_path(existing[0])), "a digest for this day exists already", hint)])
    output.save_digest(target, pasted.text if pasted.text.endswith("\n") else pasted.text + "\n")
    return Added(path=target, date=digest.date, papers=len(digest.entries), warnings=tuple(problems.warnings))


def describe(added: Added) -> str:
    """The line `add` prints."""
    papers = f"{added.papers} paper{'' if added.papers == 1 else 's'}"
    return f"Added {display_path(added.path)}: {papers}, dated {added.date.isoformat()}"
