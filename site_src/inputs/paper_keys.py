"""What the curator may say about a paper, in a YAML digest entry or in a note's front matter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from site_src.catalog.model import Metadata
from site_src.inputs.schema import check_urls, key, keys_of
from site_src.markup import clean_text, quoted

_MONTH = r"\d\d(?:0[1-9]|1[0-2])"
ARXIV_ID = re.compile(
    rf"(?:arxiv:)?(?P<id>{_MONTH}\.\d{{4,5}}|[a-z-]+(?:\.[A-Z]{{2}})?/{_MONTH}\d{{3}})(?P<version>v[1-9]\d*)?",
    re.IGNORECASE,
)
"""An arXiv identifier, new (2306.12340) or old (hep-th/9901001, math.GT/0309136) style, its month
a real one, maybe with a version from v1 (written as v2 or V2) and an "arXiv:" prefix; the version
is not part of the paper's identity."""


def canonical_arxiv(identifier: str) -> str:
    """An identifier as arXiv names the paper: an old-style one's archive in lower case and without
    its subject class (math.GT/0309136 and MATH/0309136 are math/0309136), so that one paper
    written two ways is one paper."""
    archive, slash, number = identifier.rpartition("/")
    return f"{archive.split('.')[0].lower()}/{number}" if slash else identifier


def _check_arxiv(value: str) -> str:
    if ARXIV_ID.fullmatch(value):
        return ""
    return f'"{value}" is not an arXiv identifier like 2306.12345 or hep-th/9901001'


def _check_names(names: tuple[str, ...]) -> str:
    return next((f"{quoted(name)} is not a name" for name in names if len(name) > 300 or "\n" in name), "")


@dataclass(frozen=True, kw_only=True)
class PaperKeys:
    """Identifiers, authors and links of a paper; a note's values win over a digest's."""

    arxiv: str = key(
        "text",
        "the arXiv identifier, e.g. 2306.12345 or 2306.12345v2",
        default="",
        check=_check_arxiv,
    )
    authors: tuple[str, ...] = key(
        "list", "the authors' names in order, one per line under authors:", default=(), check=_check_names
    )
    published: str = key("day_or_year", "when the first version appeared: 2023-06-21, or a year", default="")
    url: str = key("url", "a page for the paper", default="")
    code: tuple[str, ...] = key("list", "links to the paper's code", default=(), check=check_urls)
    project: str = key("url", "the paper's project page", default="")


def metadata_of(values: Mapping[str, Any]) -> Metadata:
    """The `PaperKeys` among checked values, as the catalog keeps them (the arXiv version apart)."""
    keys = PaperKeys(**{name: values[name] for name in keys_of(PaperKeys) if name in values})
    found = ARXIV_ID.fullmatch(keys.arxiv) if keys.arxiv else None
    return Metadata(
        arxiv=canonical_arxiv(found["id"]) if found else "",
        arxiv_version=(found["version"] or "").lower() if found else "",
        authors=tuple(name for name in map(clean_text, keys.authors) if name),
        published=keys.published,
        url=keys.url,
        code=keys.code,
        project=keys.project,
    )
