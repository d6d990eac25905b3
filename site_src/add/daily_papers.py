"""The Hugging Face daily-papers API's answer as digest entries, each problem at its place in the JSON.

`GET {api}daily_papers?date=YYYY-MM-DD` answers a JSON array; each item's `paper` holds what a
digest needs (`id`, `title`, `summary`, `authors`, `publishedAt`, `githubRepo`, `projectPage`).
Fields come and go: absent or null ones are skipped, unknown ones ignored, and one of the wrong
shape is an error, so that a changed API shows up as messages rather than as a quietly wrong digest.
JSON keeps no line numbers, so a problem's place is a path such as `[3].paper.authors[1].name`
(indexes from 0, as jq counts them: `jq '.[3].paper.authors[1].name' FILE.json` shows the value).

Every author is kept, in order, `hidden` ones too: the flag only hides a name on the Hugging Face
page, and a citation needs them all.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from site_src.catalog.model import Entry, with_repeats
from site_src.errors import Problems, Source
from site_src.inputs.digest import EntryKeys
from site_src.inputs.paper_keys import metadata_of
from site_src.inputs.reader import TextFile
from site_src.inputs.schema import PLAUSIBLE_YEARS, check_value, keys_of
from site_src.inputs.settings import normalise_base_url
from site_src.markup import clean_paragraphs, clean_text, shorten

ANSWER = "the daily-papers API's answer, a JSON array of papers"

EXPECTED = {
    "paper": "an object with the paper's title and summary",
    "id": "the arXiv identifier as text, such as 2306.12340",
    "title": "the paper's title as text",
    "summary": "the abstract as text",
    "authors": "a list of objects, each with the author's name",
    "name": "the author's name as text",
    "publishedAt": "an ISO date and time such as 2025-06-24T17:59:58.000Z",
    "githubRepo": "an http(s) link to the paper's code, or null",
    "projectPage": "an http(s) link to the paper's project page, or null",
}
"""What each field should hold: the hint of every problem with it."""

_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a UTF-16 pair: JSON's \\u escapes can make one, and no UTF-8 file can hold it."""


def day_url(api: str, day: datetime.date) -> str:
    """The address of one day's list (`api` holds no query or fragment: `--api` and `import_api`
    are checked as base addresses)."""
    return f"{normalise_base_url(api)}daily_papers?{urlencode({'date': day.isoformat()})}"


def load_answer(file: TextFile, problems: Problems) -> Any:
    """The answer's JSON; None (and a problem, at its line) when it is not JSON."""
    try:
        return json.loads(file.text)
    except json.JSONDecodeError as error:
        problems.error(
            file.source.at(error.lineno), f"not valid JSON: {error.msg} (column {error.colno})", f"expected {ANSWER}"
        )
    except ValueError:  # the one other error JSON reading raises
        digits = f"{sys.get_int_max_str_digits():,}"
        problems.error(file.source, f"not valid JSON: a number of more than {digits} digits", f"expected {ANSWER}")
    except RecursionError:
        problems.error(file.source, "not valid JSON: nested too deeply", f"expected {ANSWER}")
    return None


def _kind(value: Any) -> str:
    """A JSON value's type, as a message names it."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


@dataclass(frozen=True)
class _Object:
    """One JSON object, its place, and where its problems go."""

    value: dict[str, Any]
    place: str
    source: Source
    problems: Problems

    def at(self, name: str) -> Source:
        return self.source.at_place(f"{self.place}.{name}")

    def text(self, name: str, required: bool = False, clean: Callable[[str], str] = clean_text) -> str:
        """A text field, cleaned; "" when absent or wrong (the latter, and a missing required one, reported)."""
        value = self.value.get(name)
        hint = f"expected {EXPECTED[name]}"
        if value is None:
            if required:
                self.problems.error(self.source.at_place(self.place), f'has no "{name}"', hint)
            return ""
        if not isinstance(value, str):
            self.problems.error(self.at(name), f"must be text, not {_kind(value)}", hint)
            return ""
        if _SURROGATE.search(value):
            self.problems.error(self.at(name), "holds half a character (a lone \\ud800-\\udfff escape)", hint)
            return ""
        cleaned = clean(value)
        if required and not cleaned:
            shown = "is empty" if not value.strip() else "shows nothing: only spaces and invisible characters"
            self.problems.error(self.at(name), shown, hint)
        return cleaned

    def checked(self, name: str, key: str, required: bool = False) -> str:
        """A text field that must also pass the check of the digest key it becomes."""
        value = self.text(name, required)
        spec = keys_of(EntryKeys)[key]
        message = check_value(spec, (value,) if spec.kind == "list" else value) if value else ""
        if message:
            self.problems.error(self.at(name), message, f"expected {EXPECTED[name]}")
            return ""
        return value


def entries(answer: Any, source: Source, problems: Problems) -> list[Entry]:
    """The papers of an answer, in its order; a paper listed again is warned about and left out."""
    if not isinstance(answer, list):
        problems.error(source, f"must be a list of papers, not {_kind(answer)}", f"expected {ANSWER}")
        return []
    if not answer:
        problems.error(source, "lists no papers", "the day's list may not be out yet: check the date, or try later")
        return []
    made = [
        entry
        for index, item in enumerate(answer)
        if (entry := _entry(item, f"[{index}]", source, problems)) is not None
    ]
    found: list[Entry] = []
    for entry, earlier in with_repeats(made):
        if earlier is not None:
            problems.warn(
                entry.source, f"the same paper as {earlier.source.place}", "only the first listing is imported"
            )
            continue
        found.append(entry)
    return found


def _entry(item: Any, place: str, source: Source, problems: Problems) -> Entry | None:
    """One item's paper; None when anything in it is wrong (every problem reported)."""
    if not isinstance(item, dict):
        problems.error(source.at_place(place), f"must be an object, not {_kind(item)}", f"expected {ANSWER}")
        return None
    paper = item.get("paper")
    if not isinstance(paper, dict):
        where, what = (
            (place, 'has no "paper"') if paper is None else (f"{place}.paper", f"must be an object, not {_kind(paper)}")
        )
        problems.error(source.at_place(where), what, f"expected {EXPECTED['paper']}")
        return None
    fields = _Object(paper, f"{place}.paper", source, problems)
    before = len(problems.errors)
    title = fields.text("title", required=True)
    abstract = fields.text("summary", required=True, clean=clean_paragraphs)
    values = {
        "arxiv": fields.checked("id", "arxiv"),
        "authors": _authors(fields),
        "published": _published(fields),
        "code": tuple(filter(None, [fields.checked("githubRepo", "code")])),
        "project": fields.checked("projectPage", "project"),
    }
    if len(problems.errors) > before:
        return None
    return Entry(title=title, abstract=abstract, source=source.at_place(fields.place), meta=metadata_of(values))


def _authors(paper: _Object) -> tuple[str, ...]:
    """Every author's name, in order, hidden ones too."""
    authors = paper.value.get("authors")
    if authors is None:
        return ()
    if not isinstance(authors, list):
        message = f"must be a list, not {_kind(authors)}"
        paper.problems.error(paper.at("authors"), message, f"expected {EXPECTED['authors']}")
        return ()
    names = []
    for index, author in enumerate(authors):
        place = f"{paper.place}.authors[{index}]"
        if not isinstance(author, dict):
            message = f"must be an object with a name, not {_kind(author)}"
            paper.problems.error(paper.source.at_place(place), message, f"expected {EXPECTED['authors']}")
            continue
        name = _Object(author, place, paper.source, paper.problems).checked("name", "authors", required=True)
        if name:
            names.append(name)
    return tuple(names)


def _published(paper: _Object) -> str:
    """The date part of `publishedAt`, the first version's date and time."""
    value = paper.text("publishedAt")
    if not value:
        return ""
    try:
        day = datetime.datetime.fromisoformat(value).date()
    except ValueError:
        message = f'"{shorten(value, 60)}" is not a date and time'
        paper.problems.error(paper.at("publishedAt"), message, f"expected {EXPECTED['publishedAt']}")
        return ""
    first, last = PLAUSIBLE_YEARS
    if not first <= day.year <= last:
        message = f'"{shorten(value, 60)}" is not a date of {first}-{last}'
        paper.problems.error(paper.at("publishedAt"), message, "a paper's first version's date and time")
        return ""
    return day.isoformat()
