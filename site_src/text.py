"""Plain-text helpers shared by the parsers, the pages and the messages."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """One line of text: control characters removed (XML forbids them), whitespace collapsed."""
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """The start of a text, cut at a word boundary, with an ellipsis when anything was cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return f"{cut}…"
