"""YAML and front matter that remember their source lines, checked against a small schema.

Every curator file is YAML or has YAML front matter, and every error must name a line, so
mappings loaded here carry the line of each key; duplicate keys are errors, not silently merged.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from site_src.errors import Problems, Source

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[str, Any]):
    """A YAML mapping that knows the line of each key (1-based, in the YAML text)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that knows the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader whose mappings and sequences record lines and reject duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f'duplicate key "{key}" (each key may appear once)', key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


# Curator files never need floats, and an unquoted arXiv identifier such as 2306.12340 must keep
# its trailing zero: numbers with a dot stay text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load(text: str, source: Source, problems: Problems) -> Any:
    """Parse YAML text that starts at `source.line` (0 or 1: the top of the file).

    Returns None, after recording the problem, when the text is not valid YAML.
    """
    offset = max(source.line - 1, 0)
    try:
        value = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        what = exc.problem or exc.context or "cannot be read"
        problems.error(source.at(line), f"invalid YAML: {what}", "check the indentation and quoting")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        problems.error(source, f"invalid YAML: {exc}")
        return None
    if offset:
        _shift_lines(value, offset)
    return value


def _shift_lines(value: Any, offset: int) -> None:
    """Move recorded lines by `offset`, for YAML embedded below the top of a file."""
    if isinstance(value, LineDict):
        value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        for item in value.values():
            _shift_lines(item, offset)
    elif isinstance(value, LineList):
        value.line += offset
        value.item_lines = [line + offset for line in value.item_lines]
        for item in value:
            _shift_lines(item, offset)


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""Characters YAML refuses or folds when read raw (JSON leaves them unescaped)."""


_NEEDS_ESCAPES = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]')
"""Characters a double-quoted scalar cannot hold as they are (most texts have none)."""


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: a JSON string, with what YAML cannot read raw escaped too."""
    if not _NEEDS_ESCAPES.search(text):
        return f'"{text}"'
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(text, ensure_ascii=False))


def _scalar(value: Any) -> str:
    """One value as a YAML scalar that reads back as the same value and type."""
    if type(value) is str:  # the common case first: most front matter is text
        return _quoted(value)
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
        return _quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as front matter")


_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})
"""Plain words YAML 1.1 reads as booleans or null."""


def _key(key: str) -> str:
    return key if _PLAIN_KEY.fullmatch(key) and key.lower() not in _YAML_WORDS else _quoted(key)


_SCALARS = frozenset({str, int, float, bool, type(None), datetime.date})


def _emit(value: Any, indent: str, lines: list[str], prefix: str) -> None:
    """Append `value` in block style after `prefix`; its children are indented by `indent`."""
    if type(value) in _SCALARS:  # exact types first: isinstance against Mapping is slow
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


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatterDocument:
    """A Markdown file split into its YAML front matter and its body."""

    meta: LineDict
    body: str
    body_line: int
    """The file line on which the body starts, for messages about the body."""


def split_front_matter(text: str, source: Source, problems: Problems) -> FrontMatterDocument:
    """Split `---` fenced YAML front matter from a Markdown body; no fence means no front matter."""
    empty = LineDict()
    empty.key_lines = {}
    if not text.startswith("---"):
        return FrontMatterDocument(empty, text, 1)
    first_line_end = text.find("\n")
    if first_line_end == -1 or text[:first_line_end].strip() != "---":
        return FrontMatterDocument(empty, text, 1)
    closing = _FENCE.search(text, first_line_end + 1)
    if closing is None:
        problems.error(
            source.at(1),
            "front matter has no closing line",
            'add a line "---" after the last YAML line',
        )
        return FrontMatterDocument(empty, "", 1)
    yaml_text = text[first_line_end + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    meta = load(yaml_text, source.at(2), problems) if yaml_text.strip() else empty
    if meta is None:
        meta = empty
    elif not isinstance(meta, LineDict):
        problems.error(source.at(2), "front matter must be a mapping of keys to values", "write key: value lines")
        meta = empty
    return FrontMatterDocument(meta, text[body_start:], body_line)


def join_front_matter(meta: Mapping[str, Any], body: str) -> str:
    """The inverse of `split_front_matter`: a Markdown page as published (`index.md`)."""
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"---\n{dump(meta)}---\n{body}"


def did_you_mean(name: str, choices: Collection[str]) -> str:
    """A hint naming the closest valid choice, or listing them all when none is close."""
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    listed = ", ".join(sorted(choices))
    return f"expected one of: {listed}"


@dataclass(frozen=True)
class Field:
    """One key of a YAML schema: the kind of value it takes and what it is for."""

    kind: str
    """One of: text, int, bool, date, url, list (of text; one text is accepted), mappings."""
    doc: str
    required: bool = False
    check: Callable[[Any], str] | None = None
    """Extra validation: returns an error message, or "" when the value is fine."""


_KIND_NAMES = {
    "text": "text",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date like 2025-06-26",
    "url": "an http(s) address",
    "list": "a list of text",
    "mappings": "a list of mappings",
}


def check_url(value: str) -> str:
    """Only web addresses may become links: no javascript:, data: or relative tricks."""
    if re.fullmatch(r"https?://[^\s/$.?#]\S*", value, re.IGNORECASE):
        return ""
    return f'"{value}" is not a web address starting with https:// or http://'


def _coerce(kind: str, value: Any) -> Any:
    """The value in the field's kind, or None when it does not fit."""
    if kind in ("text", "url"):
        return value.strip() if isinstance(value, str) and value.strip() else None
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "date":
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return value if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) else None
    if kind == "list":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(i, str) and i.strip() for i in items):
            return tuple(i.strip() for i in items)
        return None
    if kind == "mappings":
        return value if isinstance(value, LineList) else None
    raise ValueError(f"unknown field kind {kind}")


def read_fields(
    mapping: LineDict, schema: Mapping[str, Field], source: Source, what: str, problems: Problems
) -> dict[str, Any]:
    """Validate a mapping against a schema: unknown keys, missing keys and wrong kinds are errors.

    Returns the valid values only; everything wrong is recorded on `problems` with its line.
    """
    values: dict[str, Any] = {}
    for key in mapping:
        if key not in schema:
            problems.error(source.at(mapping.line_of(key)), f'unknown key "{key}" in {what}', did_you_mean(key, schema))
    for key, spec in schema.items():
        if key not in mapping or mapping[key] is None:
            if spec.required:
                problems.error(
                    source.at(mapping.line),
                    f'{what} has no "{key}"',
                    f'add a line "{key}: …" with {spec.doc}',
                )
            continue
        at = source.at(mapping.line_of(key))
        value = _coerce(spec.kind, mapping[key])
        if value is None:
            problems.error(at, f'"{key}" must be {_KIND_NAMES[spec.kind]}', spec.doc)
            continue
        message = check_url(value) if spec.kind == "url" else ""
        if not message and spec.check is not None:
            message = spec.check(value)
        if message:
            problems.error(at, f'"{key}": {message}', spec.doc)
            continue
        values[key] = value
    return values
