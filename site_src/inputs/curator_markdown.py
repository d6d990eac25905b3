"""The curator's Markdown (notes, a digest's note, hand-written pages) checked for what only its
published twin would carry: the pages render it safely, but `index.md` holds it as written."""

from __future__ import annotations

from site_src.errors import Problems, Source
from site_src.markup import markdown_problems


def check_markdown(text: str, source: Source, first_line: int, problems: Problems, key: str = "") -> None:
    """Every problem `markdown_problems` finds in `text`, as an error: at its own line when `text`
    is a file's body, starting at `first_line`; at the line of `key` when it is a YAML value (whose
    lines YAML may have joined or indented: its own line cannot be told)."""
    for offset, message, hint in markdown_problems(text):
        if key:
            problems.error(source.at(first_line), f'"{key}" holds {message}', hint)
        else:
            problems.error(source.at(first_line + offset), message, hint)
