"""The epoch whose statistics weigh terms for related papers: the papers first listed before the month
of the newest digest.

Related papers depend on corpus statistics (how many papers have each term, how many there are).
Computed from every paper, they change with every digest, and every paper's list with them; fixed
for a month, a new digest changes only the lists it enters, and only the first digest of a new month
recomputes everything. The epoch comes from the digests' dates, never from the clock: a clean build
finds the same epoch and makes the same bytes.
"""

from __future__ import annotations

from site_src.catalog.model import Catalog

EPOCH_MIN = 1000
"""Below this many papers before the newest month, the statistics come from every paper (a young site
recomputes everything, which at its size is quick, rather than weigh terms by a handful of papers)."""


def epoch_of(catalog: Catalog) -> frozenset[str] | None:
    """The slugs of the papers first listed before the first day of the newest digest's month, or None
    (every paper) when there are fewer than `EPOCH_MIN` of them."""
    if not catalog.digests:
        return None
    month = max(digest.date for digest in catalog.digests).replace(day=1)
    before = frozenset(slug for slug, paper in catalog.papers.items() if paper.first_seen < month)
    return before if len(before) >= EPOCH_MIN else None
