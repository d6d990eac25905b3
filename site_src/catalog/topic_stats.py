"""What topic pages show besides their papers: papers per digest (for the chart) and the topics that co-occur."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from site_src.catalog.model import Catalog

CHART_DIGESTS = 30
"""The chart shows this many newest digests; older ones are on the digests page."""


def papers_per_digest(catalog: Catalog) -> dict[str, dict[datetime.date, int]]:
    """Per topic, how many papers of each digest have it (every digest is listed, zero included), oldest first."""
    counts: dict[str, dict[datetime.date, int]] = {t.slug: {} for t in catalog.topics}
    for digest in reversed(catalog.digests):
        found = Counter(slug for paper in digest.slugs for slug in catalog.papers[paper].topic_slugs)
        for topic, per_day in counts.items():
            per_day[digest.date] = found[topic]
    return counts


def cooccurring(catalog: Catalog) -> dict[str, list[tuple[str, int]]]:
    """Per topic, the other topics its papers also have, with how many papers share both, most first."""
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in catalog.papers.values():
        for topic in paper.topic_slugs:
            pairs[topic].update(other for other in paper.topic_slugs if other != topic)
    order = {t.slug: index for index, t in enumerate(catalog.topics)}
    return {t.slug: sorted(pairs[t.slug].items(), key=lambda item: (-item[1], order[item[0]])) for t in catalog.topics}
