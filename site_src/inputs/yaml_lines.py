"""YAML that remembers its source lines: every curator file is YAML or has YAML front matter, and
every error must name a line, so mappings and sequences loaded here carry the line of each key and
item; duplicate keys are errors, not silently merged."""

from __future__ import annotations

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


_RESOLVER = _Loader("")
_TEXT_TAG = "tag:yaml.org,2002:str"


def reads_as_text(plain: str) -> bool:
    """Whether `plain`, written unquoted, is read back as text rather than as a number, a date, a
    boolean or null (the loader's own rule, so a writer of plain scalars need not guess)."""
    return bool(_RESOLVER.resolve(yaml.ScalarNode, plain, (True, False)) == _TEXT_TAG)


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
