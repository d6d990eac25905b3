"""`build.py add FILE.json` and `build.py add --from-hf DAY`: a day of Hugging Face daily papers
becomes `content/digests/<date>.yaml`, a YAML digest the curator can read, edit and diff.

Saved or fetched, the answer goes the same way: JSON into entries (`daily_papers`), entries into
YAML (`yaml_digest`), and that YAML read back by the real digest parser, which must find the same
entries without a single problem, before anything is saved (`saving`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from site_src.add import daily_papers
from site_src.add.fetch import fetch
from site_src.add.saving import Added, free_target, places, save_new_digest, site_settings
from site_src.add.yaml_digest import digest_yaml
from site_src.catalog.model import Entry
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader, yaml_lines
from site_src.inputs.digest import date_from_file_name, parse_yaml_digest
from site_src.inputs.reader import TextFile, display_path

DEFAULT_TIMEOUT = 20.0
"""Seconds to wait for the API (for connecting, and for each read)."""

SUFFIX = ".yaml"
COMMENT = "Hugging Face daily papers, imported with build.py add; edit freely."


def _day(file: TextFile, date: datetime.date | None, problems: Problems) -> datetime.date | None:
    """The digest's day: --date, else the file name's (both, when given, must agree)."""
    # With --date, a name that is no date is fine; only a name with another date is a problem.
    named = date_from_file_name(file, problems if date is None else Problems())
    if date and named and named.date != date:
        problems.error(
            file.source,
            f"the file name says {named.date.isoformat()} but --date says {date.isoformat()}",
            "rename the file or change --date",
        )
    elif not date and not named and not problems.errors:
        problems.error(file.source, "cannot tell the digest's day", "pass --date YYYY-MM-DD, or name the file by it")
    return date or (named.date if named else None)


def add_answer_file(
    path: Path, content_dir: Path, date: datetime.date | None = None, force: bool = False, strict: bool = False
) -> Added:
    """Import a saved answer of the daily-papers API; raises BuildError on any error (and, when
    `strict`, on any warning)."""
    problems = Problems()
    file = reader.read_text(path, problems)
    problems.raise_if_errors()
    assert file is not None
    day = _day(file, date, problems)
    problems.raise_if_errors()
    assert day is not None
    return _import(file, day, content_dir, force, problems, strict)


def add_from_hf(
    day: datetime.date,
    content_dir: Path,
    force: bool = False,
    api: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    log: Callable[[str], None] = lambda _: None,
    strict: bool = False,
) -> Added:
    """Fetch the day's list from the API (`api`, else `import_api` in site.yaml) and import it."""
    problems = Problems()
    url = daily_papers.day_url(api or site_settings(content_dir, problems).import_api, day)
    problems.raise_if_errors()
    free_target(content_dir, day, SUFFIX, force)  # before the download, which would be wasted
    log(f"Fetching {url}")
    source = Source(url)
    text = reader.decode(
        fetch(url, timeout), source, problems, "the API answers in UTF-8: is that the daily-papers API?"
    )
    problems.raise_if_errors()
    assert text is not None
    return _import(TextFile(source, text), day, content_dir, force, problems, strict)


def _import(
    file: TextFile, day: datetime.date, content_dir: Path, force: bool, problems: Problems, strict: bool
) -> Added:
    """An answer's text into the day's YAML digest, checked and saved."""
    unreadable = len(problems.errors)
    answer = daily_papers.load_answer(file, problems)
    read = len(problems.errors) == unreadable  # a JSON null is read: it is no list of papers
    entries = daily_papers.entries(answer, file.source, problems) if read else []
    problems.raise_if_errors(strict)
    text = digest_yaml(day, entries, COMMENT)
    if not yaml_lines.within_limits(text):
        authors = sum(len(entry.meta.authors) for entry in entries)
        problems.error(
            file.source,
            f"too large for a digest: {len(entries)} papers with {authors} authors in all make more than "
            f"{yaml_lines.MAX_VALUES:,} YAML values",
            "a day of daily papers is a few dozen papers: is this an answer of the daily-papers API?",
        )
        problems.raise_if_errors()
    saved = _check_round_trip(text, entries, content_dir / "digests" / f"{day.isoformat()}{SUFFIX}", file.source)
    given = places(file.source, saved, entries)
    return save_new_digest(content_dir, day, SUFFIX, text, len(entries), force, problems, strict, given)


def _check_round_trip(text: str, entries: list[Entry], target: Path, origin: Source) -> list[Entry]:
    """Read the digest about to be saved as every build will; anything amiss stops the import.
    Returns its entries as read."""
    problems = Problems()
    parsed = parse_yaml_digest(TextFile(Source(display_path(target)), text), (), problems)
    found = [(e.title, e.abstract, e.meta) for e in parsed.entries] if parsed else []
    if problems.items or found != [(e.title, e.abstract, e.meta) for e in entries]:
        message = f"the digest made from {origin.path} does not read back as it was written"
        raise BuildError([*problems.items, Problem(origin, message, "report this: it is a bug in build.py add")])
    return list(parsed.entries) if parsed else []
