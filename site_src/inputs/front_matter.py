"""Markdown files with YAML front matter: the fenced YAML split from the body, with its lines kept."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_src.errors import Problems, Source
from site_src.inputs.yaml_lines import LineDict, load

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatterDocument:
    """A Markdown file split into its YAML front matter and its body."""

    meta: LineDict
    body: str
    body_line: int
    """The file line on which the body starts, for messages about the body."""
    readable: bool = True
    """False when the front matter could not be read (the problem is recorded): its keys are unknown,
    so callers check none of them rather than report each as missing."""


def split_front_matter(text: str, source: Source, problems: Problems) -> FrontMatterDocument:
    """Split `---` fenced YAML front matter from a Markdown body; no fence means no front matter."""
    empty = LineDict()
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
        return FrontMatterDocument(empty, "", 1, readable=False)
    yaml_text = text[first_line_end + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    hint = "write key: value lines"
    meta = load(LineDict, yaml_text, source.at(2), problems, "front matter", hint, may_be_empty=True)
    if meta is None:
        return FrontMatterDocument(empty, text[body_start:], body_line, readable=False)
    return FrontMatterDocument(meta, text[body_start:], body_line)
