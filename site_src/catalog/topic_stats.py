"""Figures about topics: papers per digest (the topic page's chart), the topics that co-occur, and the
table of `python build.py topics` (every paper, its topics and scores, and the words behind them)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from site_src.catalog.model import Catalog, Paper, TopicAssignment
from site_src.errors import BuildError, Problem, Source, did_you_mean
from site_src.markup import shorten

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


TITLE_WIDTH = 56
TOPIC_WIDTH = 32
REASONS_SHOWN = 5


def _why(assignment: TopicAssignment) -> str:
    """The words that decided a topic, as the table shows them."""
    if assignment.manual:
        return "chosen by the curator"
    if not assignment.reasons:
        return "no evidence at all: the first topic (give this paper topics in a note)"
    return ", ".join(assignment.reasons[:REASONS_SHOWN])


def topic_rows(catalog: Catalog, papers: Iterable[Paper]) -> list[tuple[str, str, str, str]]:
    """(title, topic, score, why) rows: the title on each paper's first row only."""
    rows = []
    for paper in papers:
        for index, assignment in enumerate(paper.topics):
            title = shorten(paper.title, TITLE_WIDTH) if index == 0 else ""
            score = "" if assignment.manual else f"{assignment.score:.1f}"
            rows.append((title, catalog.topic(assignment.slug).name, score, _why(assignment)))
    return rows


def _check_topic(catalog: Catalog, slug: str) -> None:
    """A topic asked for by slug must be one of the taxonomy's: else an error with the closest."""
    slugs = [t.slug for t in catalog.topics]
    if slug not in slugs:
        taxonomy = catalog.topics[0].source.path if catalog.topics else "topics.yaml"
        message = f'no topic in {taxonomy} has the slug "{slug}"'
        raise BuildError([Problem(Source("--topic"), message, did_you_mean(slug, slugs))])


def topic_table(catalog: Catalog, only_topic: str | None = None) -> str:
    """The table, then each topic's paper count; `only_topic` keeps the papers that have that topic
    (raises BuildError when there is no such topic)."""
    if only_topic is not None:
        _check_topic(catalog, only_topic)
    papers = [p for p in catalog.papers.values() if only_topic is None or only_topic in p.topic_slugs]
    header = ("Paper", "Topic", "Score", "Decided by")
    lines = [
        f"{title:<{TITLE_WIDTH}}  {topic:<{TOPIC_WIDTH}}  {score:>6}  {why}".rstrip()
        for title, topic, score, why in [header, *topic_rows(catalog, papers)]
    ]
    counts = ", ".join(f"{catalog.topic(slug).name} {n}" for slug, n in catalog.topic_counts.items())
    lines += ["", f"{len(papers)} papers. Papers per topic: {counts}."]
    return "\n".join(lines) + "\n"
