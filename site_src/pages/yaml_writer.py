"""Deterministic block-style YAML for the published Markdown pages' front matter.

Written by hand because PyYAML's representer costs about 4 ms a page, minutes at 50k pages; what it
writes reads back with PyYAML as the same values and types.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""Characters YAML refuses or folds when read raw (JSON leaves them unescaped)."""
_NEEDS_ESCAPES = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]')
"""Characters a double-quoted scalar cannot hold as they are (most texts have none)."""
_NOT_PRINTABLE_OR_TAG = re.compile(f"[<{_NOT_PRINTABLE.pattern[1:]}")
"""And "<", with which a Markdown renderer that does not know front matter would start HTML (the
page's untrusted titles and names would become markup there; "&" and ">" only ever stand for text)."""
_NEEDS_ESCAPES_OR_TAG = re.compile(f"[<{_NEEDS_ESCAPES.pattern[1:]}")


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar: a JSON string, with what YAML cannot read raw escaped too."""
    if not _NEEDS_ESCAPES.search(text):
        return f'"{text}"'
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(text, ensure_ascii=False))


def quoted(text: str) -> str:
    """A double-quoted scalar of a Markdown page's front matter: `yaml_quoted`, with "<" escaped too."""
    if not _NEEDS_ESCAPES_OR_TAG.search(text):
        return f'"{text}"'
    return _NOT_PRINTABLE_OR_TAG.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(text, ensure_ascii=False))


def _scalar(value: Any) -> str:
    """One value as a YAML scalar that reads back as the same value and type (text is quoted by the
    caller: it is most of the front matter)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        mantissa, _, exponent = repr(value).partition("e")
        if "." not in mantissa:  # YAML 1.1 reads a float only with a dot: 1e-05 must be 1.0e-05
            mantissa += ".0"
        return f"{mantissa}e{exponent}" if exponent else mantissa
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as front matter")


_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})
"""Plain words YAML 1.1 reads as booleans or null."""


@functools.lru_cache(maxsize=4096)
def _key(key: str) -> str:
    """A mapping key as YAML (the same few keys on every page: remembered)."""
    return key if _PLAIN_KEY.fullmatch(key) and key.lower() not in _YAML_WORDS else quoted(key)


SCALAR_TYPES = frozenset({str, int, float, bool, type(None), datetime.date})
"""The types written as one scalar (checked by exact type: the common case, and fast)."""

Field = tuple[str, str | None, Any, bool]
"""A field of a record: its key (given to `record` as it is, which sorts by it and writes it as YAML),
the attribute that holds its value (None: the value is the constant that follows), and whether a
None value is left out."""
Fields = Callable[[type], "tuple[Field, ...] | None"]
"""Which classes are records, written as a mapping of their fields (None for any other class)."""


def record(fields: list[Field]) -> tuple[Field, ...]:
    """A record's fields as `Fields` gives them: sorted by key, each key written as YAML."""
    return tuple((_key(key), name, constant, omit_none) for key, name, constant, omit_none in sorted(fields))


def _no_records(kind: type) -> None:
    """No class is a record: only mappings are written as mappings."""


def _pairs(value: Any, fields: Fields) -> list[tuple[str, Any]] | None:
    """The entries of a record or a mapping, keys as YAML, in key order (None for anything else). A
    record is read field by field, not made into a mapping first: that and sorting its keys again for
    every page took half the time of writing the front matter."""
    layout = fields(type(value))
    if layout is not None:
        pairs = []
        for key, name, constant, omit_none in layout:
            item = constant if name is None else getattr(value, name)
            if item is not None or not omit_none:
                pairs.append((key, item))
        return pairs
    if isinstance(value, Mapping):
        return [(_key(key), value[key]) for key in sorted(value)]
    return None


def _emit(value: Any, indent: str, lines: list[str], prefix: str, fields: Fields) -> None:
    """Append `value` in block style after `prefix`; its children are indented by `indent`."""
    if type(value) is str:  # the common case first: most front matter is text
        lines.append(prefix + quoted(value))
    elif type(value) in SCALAR_TYPES:  # exact types first: isinstance against Mapping is slow
        lines.append(prefix + _scalar(value))
    elif (pairs := _pairs(value, fields)) is not None:
        if not pairs:
            lines.append(prefix + "{}")
            return
        if prefix:
            lines.append(prefix.rstrip())
        _emit_pairs(pairs, indent, indent, lines, fields)
    elif isinstance(value, (list, tuple)):
        if not value:
            lines.append(prefix + "[]")
            return
        if prefix:
            lines.append(prefix.rstrip())
        for item in value:
            if type(item) is str:
                lines.append(f"{indent}- {quoted(item)}")
            elif entries := None if type(item) in SCALAR_TYPES else _pairs(item, fields):
                _emit_pairs(entries, f"{indent}- ", f"{indent}  ", lines, fields)
            else:
                _emit(item, indent + "  ", lines, f"{indent}- ", fields)
    else:
        lines.append(prefix + _scalar(value))


def _emit_pairs(pairs: list[tuple[str, Any]], first: str, indent: str, lines: list[str], fields: Fields) -> None:
    """Append a mapping's entries, the first after `first` (a list item's dash) and the others after
    `indent`; text, most of the values, is written here rather than by a call to `_emit` each."""
    lead, child = first, indent + "  "
    for key, item in pairs:
        if type(item) is str:
            lines.append(f"{lead}{key}: {quoted(item)}")
        else:
            _emit(item, child, lines, f"{lead}{key}: ", fields)
        lead = indent


def dump(data: Any, fields: Fields = _no_records) -> str:
    """Deterministic block-style YAML (sorted keys, quoted strings) that PyYAML reads back as `data`: a
    mapping, or a record (a class `fields` names, as are the records it holds).

    Written by hand because PyYAML's representer costs about 4 ms a page, minutes at 50k pages.
    """
    pairs = _pairs(data, fields)
    if pairs is None:
        raise TypeError(f"cannot write {type(data).__name__} as front matter: not a mapping or a record")
    lines: list[str] = []
    _emit_pairs(pairs, "", "", lines, fields)
    return "\n".join(lines) + "\n" if lines else ""


def join_front_matter(meta: Any, body: str, fields: Fields = _no_records) -> str:
    """The inverse of `inputs.front_matter.split_front_matter`: a Markdown page as published (`index.md`),
    its front matter `meta` as `dump` writes it."""
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"---\n{dump(meta, fields)}---\n{body}"
