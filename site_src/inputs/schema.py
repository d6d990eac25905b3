"""Schemas of the curator's YAML: each kind of file (or entry) is a dataclass whose fields are its keys.

A field made with `key()` carries what the key takes and what it is for, once, as mkdocs' config
schema does: the dataclass is both the schema that validates a mapping and the typed result.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from site_src.errors import Problems, Source, did_you_mean
from site_src.inputs.yaml_lines import LineDict, LineList
from site_src.markup import CONTROL, quoted, shows_nothing

Kind = Literal["text", "int", "bool", "date", "day_or_year", "url", "list", "mappings"]
"""What a key takes: text, a whole number, true/false, a date, a date or a bare year (as ISO text), an
http(s) address, a list of text (one text is accepted), or a list of mappings."""

_KIND_NAMES: dict[Kind, str] = {
    "text": "text",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date like 2025-06-26",
    "day_or_year": "a date like 2023-06-21 or a year like 2023",
    "url": "an http(s) address",
    "list": "a list of text",
    "mappings": "a list of mappings",
}


@dataclass(frozen=True)
class Key:
    """One key of a schema: the kind of value it takes and what it is for (shown in error hints)."""

    kind: Kind
    doc: str
    required: bool = False
    check: Callable[[Any], str] | None = None
    """Extra validation: returns an error message, or "" when the value is fine."""


def key(
    kind: Kind, doc: str, *, default: Any = None, required: bool = False, check: Callable[[Any], str] | None = None
) -> Any:
    """A dataclass field that is a schema key (typed `Any` so that it may stand for any field type)."""
    return dataclasses.field(default=default, metadata={"key": Key(kind, doc, required, check)})


@functools.cache
def keys_of(schema: type) -> dict[str, Key]:
    """A schema dataclass's keys, in declaration order."""
    return {f.name: f.metadata["key"] for f in dataclasses.fields(schema) if "key" in f.metadata}


_WEB_ADDRESS = re.compile(r"https?://(?P<netloc>[^/?#]*)(?:[/?#].*)?", re.IGNORECASE | re.DOTALL)
_NETLOC = re.compile(r"(?P<host>\[[0-9a-f:.]+\]|[^:\[\]]*)(?::(?P<port>.*))?", re.IGNORECASE)
_HOST_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
"""Letters (of any script) and digits, with hyphens inside: one part of a host name."""
_NOT_IN_ADDRESS = {"'": "a quote", '"': "a quote", "<": '"<"', ">": '">"', "\\": "a backslash", "`": "a backtick"}


def _is_host(host: str) -> bool:
    """A host a published link can reach: a dotted name whose last part is not a number, localhost, or an IP."""
    try:
        ipaddress.ip_address(host[1:-1] if host.startswith("[") else host)
        return True
    except ValueError:
        labels = host.removesuffix(".").split(".")
    if labels == ["localhost"]:
        return True
    return len(labels) > 1 and not labels[-1].isdigit() and all(_HOST_LABEL.fullmatch(label) for label in labels)


def _address_problem(address: re.Match[str]) -> str:
    """What keeps an http(s) address from being one a link may point to, or "" when nothing does."""
    for character in address.group():
        if character.isspace():
            return "it contains a space"
        if not character.isprintable():
            return "it contains a control character"
        if character in _NOT_IN_ADDRESS:
            return f"it contains {_NOT_IN_ADDRESS[character]}"
    if "@" in address["netloc"]:
        return "it names a user before the host (user@host), which no link should carry"
    netloc = _NETLOC.fullmatch(address["netloc"])
    host = netloc["host"] if netloc else address["netloc"]
    if not host:
        return "it has no host name"
    if netloc is None or not _is_host(host):
        return f'"{host}" is not a host name like example.org'
    port = netloc["port"]
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return f'"{port}" is not a port'
    return ""


def check_url(value: str) -> str:
    """Only web addresses may become links: no javascript:, data: or relative tricks, nothing that could
    break out of an HTML attribute, and a host a reader can reach."""
    address = _WEB_ADDRESS.fullmatch(value)
    if address is None:
        return f"{quoted(value)} is not a web address starting with https:// or http://"
    problem = _address_problem(address)
    return f"{quoted(value)} is not a web address: {problem}" if problem else ""


def check_base_url(value: str) -> str:
    """An address others are made from (the site's, the import API's): a query or a fragment would
    sit in the middle of every address made from it (https://x.org/?a=1#b/papers/...)."""
    if "?" in value or "#" in value:
        return f"{quoted(value)} cannot be a base address: it has a query (?) or a fragment (#)"
    return ""


def check_urls(values: tuple[str, ...]) -> str:
    """`check_url` for each of a list of addresses: the first problem."""
    return next((message for message in map(check_url, values) if message), "")


_YEAR = re.compile(r"\d{4}")


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str) -> datetime.date | None:
    """A real day written YYYY-MM-DD, as days are written everywhere here (`date.fromisoformat`
    alone also takes 20250626 and 2025-W26-4); None otherwise."""
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _day_or_year(value: Any) -> str | None:
    """A real date or a year, either in 1900-2100 (a paper's), as ISO text ("2023-06-21", "2023");
    None otherwise (0001-01-01 from an API's empty date was published once)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day: datetime.date | None = value
    else:
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if _YEAR.fullmatch(text):
            return text if PLAUSIBLE_YEARS[0] <= int(text) <= PLAUSIBLE_YEARS[1] else None
        day = iso_day(text)
    if day is None or not PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
        return None
    return day.isoformat()


PLAUSIBLE_YEARS = (1900, 2100)
"""The years a paper may be published in, and a digest listed in (and `year:` in site.yaml name)."""


def _coerce(kind: Kind, value: Any) -> Any:
    """The value in the key's kind, or None when it does not fit."""
    if kind in ("text", "url"):
        return value.strip() if isinstance(value, str) and value.strip() else None
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "date":
        if isinstance(value, str):
            return iso_day(value.strip())
        return value if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) else None
    if kind == "day_or_year":
        return _day_or_year(value)
    if kind == "list":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(i, str) and i.strip() for i in items):
            return tuple(i.strip() for i in items)
        return None
    return value if isinstance(value, LineList) else None  # "mappings"


def check_value(spec: Key, value: Any) -> str:
    """What is wrong with a value already in the key's kind (an address that is no web address, a
    failed extra check), or "" when nothing is; for values that come from elsewhere than YAML too."""
    message = check_url(value) if spec.kind == "url" else ""
    if not message and spec.check is not None:
        message = spec.check(value)
    return message


def read_keys(mapping: LineDict, schema: type, source: Source, what: str, problems: Problems) -> dict[str, Any]:
    """Validate a mapping against a schema dataclass: unknown keys, missing keys and wrong kinds are errors.

    Returns the valid values only, by field name (for `schema(**values)` once the required ones are
    there); everything wrong is recorded on `problems` with its line.
    """
    keys = keys_of(schema)
    values: dict[str, Any] = {}
    for name in mapping:
        if name not in keys:
            problems.error(
                source.at(mapping.line_of(name)), f'unknown key "{name}" in {what}', did_you_mean(name, keys)
            )
    for name, spec in keys.items():
        if name not in mapping or mapping[name] is None:
            if spec.required:
                problems.error(
                    source.at(mapping.line), f'{what} has no "{name}"', f'add a line "{name}: …" with {spec.doc}'
                )
            continue
        at = source.at(mapping.line_of(name))
        value = _coerce(spec.kind, mapping[name])
        if value is None and spec.kind in ("text", "url", "list") and isinstance(mapping[name], str):
            problems.error(at, f'"{name}" is empty', spec.doc)  # it is text: "must be text" puzzled
            continue
        if value is None:
            _wrong_kind(name, spec, mapping[name], at, problems)
            continue
        if spec.required and not value:  # an empty list is as good as no list
            problems.error(at, f'"{name}" is empty', spec.doc)
            continue
        if spec.required and spec.kind == "text" and shows_nothing(value):
            problems.error(at, f'"{name}" shows nothing: only spaces and invisible characters', spec.doc)
            continue
        control = _control_in(value) if spec.kind in ("text", "list") else None
        if control is not None:
            problems.error(
                at,
                f'"{name}" holds {"control character" if ord(control) < 0xA0 else "noncharacter"} U+{ord(control):04X}',
                "delete it: a quoted escape such as \\x01 or \\e writes one, and no page can show it",
            )
            continue
        message = check_value(spec, value)
        if message:
            problems.error(at, f'"{name}": {message}', spec.doc)
            continue
        values[name] = value
    return values


_BOOLEAN_HINT = "put text in quotes: YAML reads an unquoted yes, no, on, off, true or false as true/false"


_QUOTE_HINT = "put the value in quotes, exactly as written"
"""Not with the value in it: YAML has changed it already (0123 is 83, 1_000 is 1000)."""


def _read_as(value: Any) -> tuple[str, str] | None:
    """What YAML made of an unquoted value meant as text (`title: On`, `title: 123`), and the hint;
    None when it is no such value (a list, a mapping)."""
    if isinstance(value, bool):
        return "true/false", ""
    if isinstance(value, (int, datetime.date)):
        return ("a number" if isinstance(value, int) else "a date"), _QUOTE_HINT
    return None


def _wrong_kind(name: str, spec: Key, value: Any, at: Source, problems: Problems) -> None:
    """Report a value not of its key's kind: for a list, each item that is empty or not text, at
    its line; for text that YAML read as a number, true/false or a date, that it wants quotes."""
    if spec.kind == "list" and isinstance(value, LineList):
        found = False
        for place, (item, line) in enumerate(zip(value, value.item_lines, strict=True), start=1):
            if isinstance(item, str) and item.strip():
                continue
            found = True
            read_as = _read_as(item)
            if item is None or isinstance(item, str):
                problems.error(at.at(line), f'"{name}": item {place} is empty', "delete it or write a value")
            elif read_as is not None:
                hint = read_as[1] or f"{spec.doc}; {_BOOLEAN_HINT}"
                problems.error(at.at(line), f'"{name}": item {place} must be text, not {read_as[0]}', hint)
            else:
                problems.error(at.at(line), f'"{name}": item {place} must be text', spec.doc)
        if found:
            return
    read_as = _read_as(value) if spec.kind == "text" else None
    if read_as is not None:
        hint = read_as[1] or f"{spec.doc}; {_BOOLEAN_HINT}"
        problems.error(at, f'"{name}" must be text, not {read_as[0]}', hint)
        return
    if spec.kind in ("date", "day_or_year") and (why := _no_such_day(value, years=spec.kind == "day_or_year")):
        problems.error(at, f'"{name}": {why}', spec.doc)
        return
    problems.error(at, f'"{name}" must be {_KIND_NAMES[spec.kind]}', spec.doc)


_DAY_SHAPED = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_such_day(value: Any, years: bool) -> str:
    """Why a value written as a day (2025-13-40, 2999-01-01) or, where `years` are taken, a year
    (1800) is none a paper or a digest may have; "" when it is not written so (then the kind's
    example says what to write, which for these would read as the value itself)."""
    first, last = PLAUSIBLE_YEARS
    if isinstance(value, datetime.date):
        return "" if first <= value.year <= last else f"{value.isoformat()[:10]} is outside {first}–{last}"
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if years and _YEAR.fullmatch(text):
        return f"{text} is outside {first}–{last}"
    if _DAY_SHAPED.fullmatch(text):
        return f"{text} is not a day of the calendar" if iso_day(text) is None else f"{text} is outside {first}–{last}"
    return ""


def _control_in(value: str | tuple[str, ...]) -> str | None:
    """The first control character (but tab and line feed) in a text or a list of texts: one written
    in the file is refused as YAML is read, but a quoted escape gets past that."""
    for text in (value,) if isinstance(value, str) else value:
        found = CONTROL.search(text)
        if found:
            return found.group()
    return None
