"""The curator's Markdown (notes, a digest's note, hand-written pages) checked for what only its
published twin would carry: the pages render it safely, but `index.md` holds it as written."""

from __future__ import annotations

from site_src.errors import Problems, Source
from site_src.markup import markdown_problems


def check_markdown(text: str, source: Source, first_line: int, problems: Problems) -> None:
    """Every problem `markdown_problems` finds in `text`, which starts at `first_line` of `source`'s
    file, as an error at its own line."""
    for offset, message, hint in markdown_problems(text):
        problems.error(source.at(first_line + offset), message, hint)
