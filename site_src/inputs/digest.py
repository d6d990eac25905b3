"""Digest files into dated lists of entries: the trending-page text format and hand-written YAML.

The text format is what a browser copies from a trending-papers page: blocks separated by blank
lines, the page's header, a date line such as "Jun 26", then each paper's title and abstract
(`page_text` tells the blocks apart, and pairs them).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from site_src.catalog.model import DigestFile, Entry, with_repeats
from site_src.errors import Problems, Source
from site_src.inputs.curator_markdown import check_markdown
from site_src.inputs.page_text import BOILERPLATE, Block, blocks, pair
from site_src.inputs.paper_keys import PaperKeys, metadata_of
from site_src.inputs.reader import TextFile
from site_src.inputs.schema import PLAUSIBLE_YEARS, key, read_keys
from site_src.inputs.taxonomy import check_topics, item_lines
from site_src.inputs.yaml_lines import LineDict, LineList, load
from site_src.markup import clean_paragraphs, clean_text, quoted

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_DATE_LINE = re.compile(r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?")
_FILE_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")


@dataclass(frozen=True)
class GivenDate:
    """A digest's date given from outside its text: by its file name, or by `build.py add --date`."""

    date: datetime.date
    by: str = "the file name"
    fix: str = "rename the file"


def date_from_file_name(file: TextFile, problems: Problems) -> GivenDate | None:
    """The date a file name such as 2025-06-26.txt carries; None when it carries none (or an impossible one)."""
    match = _FILE_DATE.match(file.name)
    if not match:
        return None
    try:
        return GivenDate(datetime.date(int(match["year"]), int(match["month"]), int(match["day"])))
    except ValueError:
        problems.error(
            file.source,
            f"the file name says {match.group(0)}, which is not a date",
            "rename the file to a real date, YYYY-MM-DD",
        )
        return None


def _parse_date_line(match: re.Match[str]) -> tuple[int, int, int | None] | None:
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None
    return month, int(match["day"]), int(match["year"]) if match["year"] else None


def resolve_date(
    file: TextFile,
    line_date: tuple[int, int, int | None] | None,
    line: int,
    fallback_year: int | None,
    given: GivenDate | None,
    problems: Problems,
) -> datetime.date | None:
    """Combine the given date (file name or --date), the date line and site.yaml's year."""
    named = given.date if given else None
    if line_date is None:
        if named is None:
            problems.error(
                file.source.at(1),
                "the digest has no date",
                'name the file YYYY-MM-DD.txt or start it with a date line such as "Jun 26"',
            )
        return named
    month, day, year = line_date
    year = year if year is not None else (named.year if named else fallback_year)
    at = file.source.at(line)
    if year is None:
        problems.error(
            at,
            "cannot tell the digest's year",
            "name the file YYYY-MM-DD.txt or set year: in the content folder's site.yaml",
        )
        return None
    try:
        dated = datetime.date(year, month, day)
    except ValueError:
        problems.error(at, f"{calendar.month_abbr[month]} {day}, {year} is not a date", "correct the date line")
        return None
    if given is not None and given.date != dated:
        problems.error(
            at,
            f"the date line says {dated.isoformat()} but {given.by} says {given.date.isoformat()}",
            f"{given.fix} or correct the date line",
        )
        return None
    return dated


def _date_of(block: Block) -> tuple[int, int, int | None] | None:
    """The month, day and maybe year of a date line such as "Jun 26"; None for any other block."""
    match = _DATE_LINE.fullmatch(block.text) if block.line_count == 1 else None
    return _parse_date_line(match) if match else None


def parse_text_digest(
    file: TextFile, fallback_year: int | None, problems: Problems, given: GivenDate | None = None
) -> DigestFile | None:
    """Parse the trending-page text format; None when the file cannot give a digest.

    The date comes from `given` when the caller knows it, else from the file name; the date line is
    the first before any abstract (the site's navigation may come first)."""
    given = given or date_from_file_name(file, problems)
    impossible_name = given is None and _FILE_DATE.match(file.name) is not None  # reported already
    body = [b for b in blocks(file.text) if b.text.casefold() not in BOILERPLATE]
    first_abstract = next((i for i, b in enumerate(body) if b.is_abstract), len(body))
    at = next((i for i, b in enumerate(body[:first_abstract]) if _date_of(b)), None)
    date_block = body.pop(at) if at is not None else None
    line_date, date_line = (_date_of(date_block), date_block.line) if date_block else (None, 1)
    date = None if impossible_name else resolve_date(file, line_date, date_line, fallback_year, given, problems)
    entries = list(pair(body, file.source, problems))
    if not entries:
        problems.error(
            file.source.at(1),
            "no papers found",
            'expected a date line such as "Jun 26", then each paper\'s title and abstract as paragraphs',
        )
    if date is None or not entries:
        return None
    entries_once = tuple(_without_repeats(entries, problems))
    return DigestFile(
        date=date, entries=entries_once, source=file.source, date_line=date_block.line if date_block else 0
    )


def _without_repeats(entries: list[Entry], problems: Problems) -> Iterator[Entry]:
    """The first listing of each paper in a digest (`with_repeats`); later repeats are warned about
    and dropped."""
    for entry, earlier in with_repeats(entries):
        if earlier is not None:
            problems.warn(
                entry.source,
                f"paper {quoted(entry.title)} is listed twice in this digest (first at line {earlier.source.line})",
                "delete the repeat; only the first listing is used",
            )
            continue
        yield entry


@dataclass(frozen=True, kw_only=True)
class DigestKeys:
    """A hand-written YAML digest."""

    date: datetime.date | None = key(
        "date", "the digest's day, e.g. 2025-06-26; optional when the file is named by date"
    )
    title: str = key("text", "a heading for the digest page", default="")
    note: str = key("text", "the curator's remarks on the day (Markdown)", default="")
    papers: LineList = key("mappings", "a list of papers, each with title: and abstract:", required=True)


@dataclass(frozen=True, kw_only=True)
class EntryKeys(PaperKeys):
    """One paper of a YAML digest."""

    title: str = key("text", "the paper's title", required=True)
    abstract: str = key("text", "the paper's abstract", required=True)
    note: str = key("text", "the curator's remark on the paper (Markdown)", default="")
    topics: tuple[str, ...] = key("list", "topic slugs from content/topics.yaml", default=())


def parse_yaml_digest(file: TextFile, topic_slugs: Collection[str], problems: Problems) -> DigestFile | None:
    """Parse a hand-written YAML digest; None when the file cannot give a digest."""
    data = load(LineDict, file.text, file.source.at(1), problems, "the digest", "start with date: and papers:")
    if data is None:
        return None
    values = read_keys(data, DigestKeys, file.source, "the digest", problems)
    check_markdown(values.get("note", ""), file.source, data.line_of("note"), problems, key="note")
    named = date_from_file_name(file, problems)
    date = values.get("date") or (named.date if named else None)
    if "date" in values and named is not None and values["date"] != named.date:
        problems.error(
            file.source.at(data.line_of("date")),
            f"date: says {values['date'].isoformat()} but the file name says {named.date.isoformat()}",
            "rename the file or correct date:",
        )
        return None
    if date is None and "date" not in data and not _FILE_DATE.match(file.name):
        problems.error(file.source.at(1), "the digest has no date", "add date: YYYY-MM-DD or name the file by date")
    papers: LineList = values.get("papers", LineList())
    entries = []
    for item, line in zip(papers, papers.item_lines, strict=True):
        entry = _yaml_entry(item, file.source.at(line), topic_slugs, problems)
        if entry is not None:
            entries.append(entry)
    if date is None or not entries:
        return None
    return DigestFile(
        date=date,
        entries=tuple(_without_repeats(entries, problems)),
        source=file.source,
        title=clean_text(values.get("title", "")),
        note=values.get("note", ""),
        date_line=data.line_of("date") if "date" in values else 0,
    )


def _yaml_entry(item: object, source: Source, topic_slugs: Collection[str], problems: Problems) -> Entry | None:
    if not isinstance(item, LineDict):
        problems.error(source, "each paper must be a mapping", "write title: and abstract: under a dash")
        return None
    before = len(problems.errors)
    values = read_keys(item, EntryKeys, source, "the paper", problems)
    check_markdown(values.get("note", ""), source, item.line_of("note"), problems, key="note")
    at = source.at(item.line_of("topics"))
    topics = check_topics(values.get("topics", ()), topic_slugs, at, problems, item_lines(item, "topics"))
    if len(problems.errors) > before:
        return None
    return Entry(
        title=clean_text(values["title"]),
        abstract=clean_paragraphs(values["abstract"]),
        source=source.at(item.line_of("title")),
        meta=metadata_of(values),
        note=values.get("note", ""),
        topics=topics,
    )


def parse_digest(
    file: TextFile, fallback_year: int | None, topic_slugs: Collection[str], problems: Problems
) -> DigestFile | None:
    """Parse one digest file by its extension; one dated outside `PLAUSIBLE_YEARS` is an error (dated
    9999-12-31, it was the site's newest digest forever, and 0001-01-01 was cited as "listed on 1
    January 1"; a paper's own dates have the same limits)."""
    if file.name.lower().endswith((".yaml", ".yml")):
        digest = parse_yaml_digest(file, topic_slugs, problems)
    else:
        digest = parse_text_digest(file, fallback_year, problems)
    first, last = PLAUSIBLE_YEARS
    if digest is not None and not first <= digest.date.year <= last:
        problems.error(
            digest.source.at(digest.date_line),  # the whole file when its name gives the date
            f"the digest is dated {digest.date.isoformat()}, outside {first}–{last}",
            "correct the date its file name, date line or date: gives",
        )
        return None
    return digest
