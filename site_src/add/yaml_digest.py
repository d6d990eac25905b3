"""A YAML digest written for the curator to read, edit and diff: per paper its title, its abstract as
a literal block (one line per paragraph), then its metadata, in a fixed order.

Text is written plain where the digest loader reads it back unchanged, and double-quoted (with
escapes) where it would not: a colon and space, a leading indicator (`-`, `*`, `&`, `[`, a quote…), words such as
`yes` or `null`, numbers, dates, and characters YAML refuses or folds. What is written parses back
with `parse_yaml_digest` to the same entries (tests/test_import.py checks hostile ones).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from site_src.catalog.model import Entry
from site_src.inputs.yaml_lines import reads_as_text
from site_src.pages.yaml_writer import yaml_quoted

_NOT_PLAIN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|: |:$| #")
"""What a plain scalar cannot hold: characters YAML refuses, folds or breaks lines at, a mapping's
`: `, a comment's ` #`."""

_NOT_IN_BLOCK = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\n\n\n|^\n|\n$|^ |\n ")
"""What a literal block cannot hold as it is: the same characters (line feeds apart), runs of blank
lines, blank lines at either end, and lines that start with a space (they would set the indentation)."""


_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""Characters that mean something other than text at the start of a plain scalar (and the empty
text, which reads as null)."""


def scalar(text: str) -> str:
    """One line of text as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    plain = text[:1] not in _INDICATORS and text == text.strip() and not _NOT_PLAIN.search(text) and reads_as_text(text)
    return text if plain else yaml_quoted(text)


def _block(key: str, text: str, indent: str) -> list[str]:
    """`key: |-` and the text's lines below it, or one quoted line when a block cannot hold the text."""
    if not text or _NOT_IN_BLOCK.search(text):
        return [f"{indent}{key}: {scalar(text)}"]
    return [f"{indent}{key}: |-", *(f"{indent}  {line}" if line else "" for line in text.split("\n"))]


def _list(key: str, items: Sequence[str], indent: str) -> list[str]:
    """One item as a scalar (the loader accepts one text as a list), several as a block list."""
    if len(items) == 1:
        return [f"{indent}{key}: {scalar(items[0])}"]
    return [f"{indent}{key}:", *(f"{indent}  - {scalar(item)}" for item in items)]


def _paper(entry: Entry) -> list[str]:
    meta, indent = entry.meta, "    "
    lines = [f"  - title: {scalar(entry.title)}", *_block("abstract", entry.abstract, indent)]
    if meta.arxiv:
        lines.append(f"{indent}arxiv: {scalar(meta.arxiv + meta.arxiv_version)}")
    if meta.authors:
        lines += [f"{indent}authors:", *(f"{indent}  - {scalar(name)}" for name in meta.authors)]
    if meta.published:
        lines.append(f"{indent}published: {meta.published}")
    if meta.url:
        lines.append(f"{indent}url: {scalar(meta.url)}")
    if meta.code:
        lines += _list("code", meta.code, indent)
    if meta.project:
        lines.append(f"{indent}project: {scalar(meta.project)}")
    if entry.note:
        lines += _block("note", entry.note, indent)
    if entry.topics:
        lines += _list("topics", entry.topics, indent)
    return lines


def digest_yaml(day: datetime.date, entries: Sequence[Entry], comment: str = "") -> str:
    """A YAML digest of the day's entries, in their order, with an optional comment on top."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    lines += [f"date: {day.isoformat()}", "papers:"]
    for entry in entries:
        lines += _paper(entry)
    return "".join(f"{line}\n" for line in lines)
