"""`build.py add PAGE.txt`: a pasted trending-papers page becomes a dated digest in content/digests/.

The page is checked with the same parser and messages as `check`, dated (from --date, a dated file
name, or its date line and the site's year, else the current year), and saved as
`content/digests/<date>.txt` without the page's own text: its date line with the year, then each
paper's title and abstract (see `saving` for the rest). What was left out is what the warnings
name, so the saved digest builds without them (CI builds with --strict); it is read back as every
build will read it before it is saved.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
from pathlib import Path

from site_src.add.saving import Added, places, save_new_digest, site_settings
from site_src.catalog.model import DigestFile
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.digest import GivenDate, parse_text_digest
from site_src.inputs.page_text import BOILERPLATE, blocks
from site_src.inputs.reader import TextFile, display_path


def current_day() -> datetime.date:
    """Today, on this machine's clock (the only clock `add` reads: a build never does)."""
    return datetime.date.today()


FAR_FROM_TODAY = 45
"""Days between a pasted page's date and today past which `add` warns: a page is pasted the day it
shows, so such a date most likely took a stale year: from site.yaml."""


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
    today = today or current_day()
    settings_year = site_settings(content_dir, problems).year
    digest = parse_text_digest(pasted, settings_year or today.year, problems, given)
    if digest is not None and date is None and abs((digest.date - today).days) > FAR_FROM_TODAY:
        settings = reader.display_path(content_dir / "site.yaml")
        taken = f"year: from {settings}" if settings_year else f"the current year ({settings} gives no year:)"
        problems.warn(
            pasted.source.at(digest.date_line or 1),
            f"dated {digest.date.isoformat()}, {abs((digest.date - today).days)} days from today "
            f"(a date line without a year takes {taken})",
            "pass --date YYYY-MM-DD to confirm the day, or correct "
            + ("year: or " if settings_year else "")
            + "the date line",
        )
    problems.raise_if_errors(strict)
    assert digest is not None
    text = digest_text(digest, pasted.text)
    saved = _check_round_trip(text, digest, content_dir / "digests" / f"{digest.date.isoformat()}.txt")
    pasted_at = places(pasted.source, saved.entries, digest.entries, (saved.date_line, digest.date_line))
    count = len(digest.entries)
    return save_new_digest(content_dir, digest.date, ".txt", text, count, force, problems, strict, pasted_at)


def digest_text(digest: DigestFile, pasted: str) -> str:
    """A parsed page in the text format, without the page's own text: the date line (with the year,
    which the file name repeats), then each paper's title and abstract, their lines as pasted (an
    abstract's hard wraps are what tell a short one from a title), a blank line between each."""
    day = digest.date
    lines = pasted.split("\n")
    found = [block for block in blocks(pasted) if not block.page_text and block.text.casefold() not in BOILERPLATE]
    after = {block.line: following for block, following in itertools.pairwise(found)}
    by_line = {block.line: block for block in found}
    parts = [f"{calendar.month_abbr[day.month]} {day.day}, {day.year}"]
    for entry in digest.entries:
        title = by_line[entry.source.line]
        for block in (title, after[title.line]):  # `pair` takes the block after a title as its abstract
            parts.append("\n".join(lines[block.line - 1 : block.line - 1 + block.line_count]))
    return "\n\n".join(parts) + "\n"


def _check_round_trip(text: str, digest: DigestFile, target: Path) -> DigestFile:
    """Read the digest about to be saved as every build will: the same papers, no problem, or nothing
    is saved; returns it as read."""
    problems = Problems()
    parsed = parse_text_digest(TextFile(Source(display_path(target)), text), None, problems)
    found = [(e.title, e.abstract) for e in parsed.entries] if parsed else []
    if (
        problems.items
        or parsed is None
        or parsed.date != digest.date
        or found != [(e.title, e.abstract) for e in digest.entries]
    ):
        message = f"the digest made from {digest.source.path} does not read back as it was written"
        raise BuildError([*problems.items, Problem(digest.source, message, "report this: it is a bug in build.py add")])
    return parsed
