"""Deterministic block-style YAML for the published Markdown pages' front matter.

Written by hand because PyYAML's representer costs about 4 ms a page, minutes at 50k pages; what it
writes reads back with PyYAML as the same values and types.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Mapping
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""Characters YAML refuses or folds when read raw (JSON leaves them unescaped)."""


_NEEDS_ESCAPES = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]')
"""Characters a double-quoted scalar cannot hold as they are (most texts have none)."""


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: a JSON string, with what YAML cannot read raw escaped too."""
    if not _NEEDS_ESCAPES.search(text):
        return f'"{text}"'
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(text, ensure_ascii=False))


def _scalar(value: Any) -> str:
    """One value as a YAML scalar that reads back as the same value and type."""
    if type(value) is str:  # the common case first: most front matter is text
        return quoted(value)
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


def _emit(value: Any, indent: str, lines: list[str], prefix: str) -> None:
    """Append `value` in block style after `prefix`; its children are indented by `indent`."""
    if type(value) in SCALAR_TYPES:  # exact types first: isinstance against Mapping is slow
        lines.append(prefix + _scalar(value))
    elif isinstance(value, Mapping) and value:
        if prefix:
            lines.append(prefix.rstrip())
        for key in sorted(value):
            _emit(value[key], indent + "  ", lines, f"{indent}{_key(key)}: ")
    elif isinstance(value, (list, tuple)) and value:
        if prefix:
            lines.append(prefix.rstrip())
        for item in value:
            if isinstance(item, Mapping) and item:
                first, *rest = sorted(item)
                _emit(item[first], indent + "    ", lines, f"{indent}- {_key(first)}: ")
                for key in rest:
                    _emit(item[key], indent + "    ", lines, f"{indent}  {_key(key)}: ")
            else:
                _emit(item, indent + "  ", lines, f"{indent}- ")
    elif isinstance(value, Mapping):
        lines.append(prefix + "{}")
    elif isinstance(value, (list, tuple)):
        lines.append(prefix + "[]")
    else:
        lines.append(prefix + _scalar(value))


def dump(data: Mapping[str, Any]) -> str:
    """Deterministic block-style YAML (sorted keys, quoted strings) that PyYAML reads back as `data`.

    Written by hand because PyYAML's representer costs about 4 ms a page, minutes at 50k pages.
    """
    lines: list[str] = []
    for key in sorted(data):
        _emit(data[key], "  ", lines, f"{_key(key)}: ")
    return "".join(f"{line}\n" for line in lines)


def join_front_matter(meta: Mapping[str, Any], body: str) -> str:
    """The inverse of `inputs.front_matter.split_front_matter`: a Markdown page as published (`index.md`)."""
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"---\n{dump(meta)}---\n{body}"
