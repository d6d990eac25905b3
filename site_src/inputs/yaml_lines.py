"""YAML that remembers its source lines: every curator file is YAML or has YAML front matter, and
every error must name a line, so mappings and sequences loaded here carry the line of each key and
item; duplicate keys are errors, not silently merged.

Every document is also bounded before it is built, once here for every caller: an alias bomb
("billion laughs") or a list nested thousands deep would otherwise hang or crash whatever walks
the result, and a control character would make the parser's message point at the wrong line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import yaml

from site_src.errors import Problems, Source

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[str, Any]):
    """A YAML mapping that knows the line of each key (1-based, in the YAML text)."""

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that knows the line of each item."""

    def __init__(self, items: Iterable[tuple[Any, int]] = (), line: int = 0) -> None:
        pairs = list(items)
        super().__init__(item for item, _ in pairs)
        self.line = line
        self.item_lines = [item_line for _, item_line in pairs]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader whose mappings and sequences record lines and reject duplicate keys."""


def _as_written(node: yaml.Node) -> str:
    """A key that is not text (`null:`, `1:`, `[a, b]:`) as YAML writes it, for messages: Python's
    name for its value ("None", "['a', 'b']") means nothing to a curator."""
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(map(_as_written, node.value)) + "]"
    if isinstance(node, yaml.MappingNode):
        return "{" + ", ".join(f"{_as_written(k)}: {_as_written(v)}" for k, v in node.value) + "}"
    return str(node.value)


def _explained(message: str, text: str, mark: yaml.Mark | None) -> tuple[str, str]:
    """A parser's complaint as a curator can act on it (message and hint): the parser's own words say
    "found character that cannot start any token" for a tab it stops at, and "but found another
    document" for a second document."""
    at_tab = mark is not None and text[mark.index : mark.index + 1] == "\t"
    if at_tab or "tab character" in message:
        return "a tab, which YAML does not allow for indenting", "indent with spaces"
    if message == "but found another document":
        return "a second document (after a line ---)", "keep one document in the file: delete the --- line"
    if message.startswith("duplicate key"):
        return f"invalid YAML: {message}", "each key may appear once"
    return f"invalid YAML: {message}", "check the indentation and quoting"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(node.start_mark.line + 1)
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = _as_written(key_node)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f'duplicate key "{key}"', key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    items = ((loader.construct_object(child, deep=True), child.start_mark.line + 1) for child in node.value)
    return LineList(items, node.start_mark.line + 1)


# Curator files never need floats, and an unquoted arXiv identifier such as 2306.12340 must keep
# its trailing zero: numbers with a dot stay text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A date, or the text as written when it is no real day (2023-02-30): the schema then says
    which key wants a date, at its line, instead of the loader failing on the whole file."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A whole number, or the text as written when it has more digits than Python reads (4,300): the
    schema then says which key wants what, at its line, instead of the build failing."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_RESOLVER = _Loader("")
_TEXT_TAG = "tag:yaml.org,2002:str"


def reads_as_text(plain: str) -> bool:
    """Whether `plain`, written unquoted, is read back as text rather than as a number, a date, a
    boolean or null (the loader's own rule, so a writer of plain scalars need not guess)."""
    return bool(_RESOLVER.resolve(yaml.ScalarNode, plain, (True, False)) == _TEXT_TAG)


MAX_DEPTH = 50
"""Levels of lists and mappings one document may nest (curator files need three or four)."""
MAX_VALUES = 100_000
"""Values one document may hold, each alias counted as everything it repeats (a digest of a
thousand papers holds about 20,000)."""

_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters the YAML specification allows nowhere in a file, not even quoted."""


class _Refused(Exception):
    """A document refused before it is built: where (0-based line), what, and how to fix it."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _line_of(event: yaml.Event) -> int:
    return event.start_mark.line if event.start_mark else 0


def _check_bounds(text: str) -> None:
    """Walk the parser's events once, counting depth and values (an alias as all it repeats).

    Events stream without recursion and without expanding aliases, so this stops at the first
    value past a limit however the document is built."""
    depth = values = 0
    sizes: dict[str, int] = {}  # per anchor, the values it stands for
    opened: list[tuple[str | None, int]] = []
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.DocumentStartEvent):
            depth = values = 0
            sizes.clear()
        elif isinstance(event, yaml.AliasEvent):
            values += sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            values, depth = values + 1, depth + 1
            opened.append((event.anchor, values))
            if depth > MAX_DEPTH:
                raise _Refused(
                    _line_of(event),
                    f"YAML nested more than {MAX_DEPTH} levels deep",
                    "curator files need a few levels; check the brackets and indentation",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, start = opened.pop()
            if anchor:
                sizes[anchor] = values - start + 1
        if values > MAX_VALUES:
            raise _Refused(
                _line_of(event),
                f"YAML expands to more than {MAX_VALUES} values",
                "an alias such as *name repeats a whole part each time it is used; write the values out",
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!", _TEXT_TAG):
            raise _Refused(
                _line_of(event),
                f"YAML tag {tag.replace('tag:yaml.org,2002:', '!!')}",
                "write the value without it: text, numbers, dates, lists and mappings are read as they are",
            )


def within_limits(text: str) -> bool:
    """Whether a document keeps within `MAX_DEPTH` and `MAX_VALUES` and uses no tag: what a writer of
    YAML checks before saving a file that every build must read."""
    try:
        _check_bounds(text)
    except _Refused:
        return False
    return True


def _check_characters(text: str) -> None:
    """A control character is an error at its own line (the parser would name the file's first)."""
    found = _FORBIDDEN.search(text)
    if found:
        column = found.start() - text.rfind("\n", 0, found.start())
        raise _Refused(
            text.count("\n", 0, found.start()),
            f"control character U+{ord(found.group()):04X} at column {column}",
            "delete it: YAML allows no control characters, not even in quotes",
        )


_Document = TypeVar("_Document", LineDict, LineList)
_KINDS = {LineDict: "a mapping of keys to values", LineList: "a list"}


def load(
    kind: type[_Document],
    text: str,
    source: Source,
    problems: Problems,
    what: str,
    hint: str,
    may_be_empty: bool = False,
) -> _Document | None:
    """Parse YAML text that starts at `source.line` (0 or 1: the top of the file) into a mapping or a list.

    Returns None, after recording the problem, when the text is not valid YAML, is past a limit, is
    not of the `kind` expected, or is empty (comments only, or `{}` or `[]`) unless it `may_be_empty`.
    """
    offset = max(source.line - 1, 0)
    real = _real_lines(text)
    try:
        _check_characters(text)
    except _Refused as refused:  # counted in the file's own lines
        problems.error(source.at(refused.line + 1 + offset), refused.message, refused.hint)
        return None
    try:
        _check_bounds(text)
        value = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _Refused as refused:
        problems.error(source.at(real(refused.line) + 1 + offset), refused.message, refused.hint)
        return None
    except yaml.MarkedYAMLError as exc:
        mark, message = exc.problem_mark or exc.context_mark, exc.problem or exc.context or "cannot be read"
        if exc.context_mark is not None and mark is not None and mark.index >= len(text.rstrip()):
            # found at the end of the file (a quote never closed): where that began says more
            mark, message = exc.context_mark, f"{message} {exc.context}" if exc.problem and exc.context else message
        last_line = text.rstrip().count("\n") + 1  # a mark may still be past it: the file's end, then
        line = min(real(mark.line) + 1 if mark else 1, last_line) + offset
        problems.error(source.at(line), *_explained(message, text, mark))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        problems.error(source.at(max(source.line, 1)), f"invalid YAML: {str(exc).splitlines()[0]}")
        return None
    at = source.at(max(source.line, 1))
    if value is not None and not isinstance(value, kind):
        problems.error(at, f"{what} must be {_KINDS[kind]}", hint)
        return None
    if not value and not may_be_empty:
        problems.error(at, f"{what} is empty", hint)
        return None
    if offset or real is not _same_line:
        _map_lines(value, lambda line: real(line - 1) + 1 + offset)
    return value or kind(line=at.line)


_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
"""Characters that YAML reads as line breaks, and editors and the build's own counting do not."""
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _same_line(line: int) -> int:
    return line


def _real_lines(text: str) -> Callable[[int], int]:
    """The file's line (0-based) of each line the YAML parser counts (0-based): the same, unless the
    text holds a break that only YAML counts (a NEL, U+2028 or U+2029, each of which moved every
    later line's number in the messages, past the file's end too)."""
    if not _YAML_ONLY_BREAKS.search(text):
        return _same_line
    real, lines = 0, [0]
    for found in _BREAKS.finditer(text):
        real += found.group() in ("\r\n", "\n", "\r")
        lines.append(real)
    return lambda line: lines[min(line, len(lines) - 1)]


def _map_lines(value: Any, change: Callable[[int], int]) -> None:
    """Move recorded lines through `change`: for YAML embedded below the top of a file, or lines
    that the parser counted otherwise than the file has them."""
    if isinstance(value, LineDict):
        value.line = change(value.line)
        value.key_lines = {k: change(v) for k, v in value.key_lines.items()}
        for item in value.values():
            _map_lines(item, change)
    elif isinstance(value, LineList):
        value.line = change(value.line)
        value.item_lines = [change(line) for line in value.item_lines]
        for item in value:
            _map_lines(item, change)
