"""What a build keeps of the search index for the next one: the epoch's pieces and the statistics
they were weighed by, and the month's papers' words. Plain data, without numpy: the build cache
decodes it before anything heavy is imported (see `build/memos.py`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statistics:
    """What BM25 weighs terms by: how many documents there are, how many have each term (a document
    counted once per field it has the term in, as lunr counts), and each field's mean length."""

    count: int
    frequency: dict[str, int]
    averages: tuple[float, ...]


@dataclass(frozen=True)
class EpochPieces:
    """The index pieces of the epoch's papers (those first listed before the newest digest's month,
    `catalog/epoch.py`), made once a month, and their statistics, which weigh the month's papers too."""

    statistics: Statistics
    pieces: tuple[tuple[str, str, str], ...]
    """Each piece's group, first term and file, in order."""


Analysis = tuple[str, ...]
"""A document's texts as terms, two per field: the term of each of its words, and of each of its
hyphenated compounds joined, space-separated (`STOP` for a stop word): what indexing it needs of
the texts, read from them once (`lunrindex.build` with `analysed`)."""
STOP = "-"
"""A stop word's place in an `Analysis` (no term has a hyphen)."""
