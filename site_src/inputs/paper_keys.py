"""What the curator may say about a paper, in a YAML digest entry or in a note's front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_src.inputs.schema import check_urls, key

_ARXIV_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def _check_arxiv(value: str) -> str:
    return "" if _ARXIV_ID.fullmatch(value) else f'"{value}" is not an arXiv identifier like 2306.12345'


@dataclass(frozen=True, kw_only=True)
class PaperKeys:
    """Links and identifiers of a paper; a note's values win over a digest's."""

    url: str = key("url", "a page for the paper", default="")
    arxiv: str = key("text", "the arXiv identifier, e.g. 2306.12345", default="", check=_check_arxiv)
    code: tuple[str, ...] = key("list", "links to the paper's code", default=(), check=check_urls)
