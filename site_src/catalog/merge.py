"""Digests into a catalog: one paper per identity, slugs, topics and the curator's notes applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from site_src.catalog.model import (
    Appearance,
    Catalog,
    Digest,
    DigestFile,
    Entry,
    Metadata,
    Note,
    Paper,
    Topic,
    TopicAssignment,
    identity,
)
from site_src.catalog.topics import Classifier
from site_src.errors import Problems, did_you_mean
from site_src.markup import code_links
from site_src.pages.urls import SlugClaim, assign_slugs

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Listing:
    """One entry with the digest it came from."""

    digest: DigestFile
    position: int
    entry: Entry


def _check_unique_dates(digests: Sequence[DigestFile], problems: Problems) -> list[DigestFile]:
    """One digest per day: two files for one date would fight over one page."""
    by_date: dict[object, DigestFile] = {}
    for digest in sorted(digests, key=lambda d: (d.date, d.source)):
        if digest.date in by_date:
            problems.error(
                digest.source,
                f"a second digest for {digest.date.isoformat()} (also {by_date[digest.date].source.path})",
                "merge the two files or correct the date",
            )
            continue
        by_date[digest.date] = digest
    return list(by_date.values())


def paper_keys(digests: Iterable[DigestFile]) -> Callable[[Entry], str]:
    """Each entry's paper: by arXiv identifier where any listing gives one (so a retitled or
    mistyped listing of the same paper is still the same paper, and a listing without an
    identifier joins one with it under the same title), else by normalised title."""
    by_title: dict[str, str] = {}
    for digest in sorted(digests, key=lambda d: d.date):
        for entry in digest.entries:
            if entry.meta.arxiv:
                by_title.setdefault(identity(entry.title), entry.meta.arxiv)

    def key(entry: Entry) -> str:
        arxiv = entry.meta.arxiv or by_title.get(identity(entry.title))
        return f"arxiv:{arxiv}" if arxiv else f"title:{identity(entry.title)}"

    return key


def _group_listings(digests: Iterable[DigestFile], key: Callable[[Entry], str]) -> dict[str, list[_Listing]]:
    """Every listing of every paper, grouped by identity, oldest digest first."""
    groups: dict[str, list[_Listing]] = defaultdict(list)
    for digest in sorted(digests, key=lambda d: d.date):
        for position, entry in enumerate(digest.entries, start=1):
            groups[key(entry)].append(_Listing(digest, position, entry))
    return groups


def _warn_retitled(listings: Sequence[_Listing], problems: Problems) -> None:
    """Listings of one arXiv paper under different titles: the newest title is kept."""
    latest = listings[-1]
    for earlier in listings[:-1]:
        if identity(earlier.entry.title) != identity(latest.entry.title):
            problems.warn(
                latest.entry.source,
                f"arXiv {latest.entry.meta.arxiv or earlier.entry.meta.arxiv} is listed as "
                f'"{earlier.entry.title}" in the {earlier.digest.date.isoformat()} digest ({earlier.entry.source})',
                "the newest title is used; make the titles equal to silence this",
            )
            return


def _newest(listings: Sequence[_Listing], field: str, empty: _T) -> _T:
    """The newest non-empty value of an entry field: a later digest corrects an earlier one."""
    return next((value for item in reversed(listings) if (value := getattr(item.entry, field))), empty)


def _newest_code(listings: Sequence[_Listing]) -> tuple[str, ...]:
    """The code links of the newest listing that gives any."""
    return next((item.entry.meta.code for item in reversed(listings) if item.entry.meta.code), ())


def _warn_changed_abstract(listings: Sequence[_Listing], problems: Problems) -> None:
    latest = listings[-1]
    for earlier in listings[:-1]:
        if earlier.entry.abstract != latest.entry.abstract:
            problems.warn(
                latest.entry.source,
                f"the abstract differs from the one in the {earlier.digest.date.isoformat()} digest "
                f"({earlier.entry.source})",
                "the latest abstract is used; make them equal to silence this",
            )
            return


def _apply_notes(notes: Iterable[Note], slugs: set[str], problems: Problems) -> dict[str, Note]:
    """Notes by paper slug; a note whose file name is no paper's slug is an error."""
    found: dict[str, Note] = {}
    for note in notes:
        if note.slug not in slugs:
            problems.error(
                note.source,
                f'no paper has the slug "{note.slug}"',
                f"rename the note to <paper-slug>.md; {did_you_mean(note.slug, slugs)}",
            )
            continue
        found[note.slug] = note
    return found


ClassifyAll = Callable[[Sequence[tuple[str, str]]], list[tuple[TopicAssignment, ...]]]
"""Topics for many (title, abstract) pairs at once: the classifier, maybe in parallel and remembered."""


def _chosen_topics(listings: Sequence[_Listing], note: Note | None) -> tuple[TopicAssignment, ...]:
    """The curator's choice of topics, if any: a note's first, then the newest digest's."""
    chosen = (note.topics if note else None) or _newest(listings, "topics", ())
    return tuple(TopicAssignment(slug, 0.0, manual=True) for slug in chosen)


def _classifier_of(topics: Sequence[Topic]) -> ClassifyAll:
    """The plain classifier, one paper after the other."""
    classifier = Classifier.for_topics(topics)
    return lambda pairs: [classifier.assign(title, abstract) for title, abstract in pairs]


def _paper(
    key: str, slug: str, listings: Sequence[_Listing], note: Note | None, topics: tuple[TopicAssignment, ...]
) -> Paper:
    """One paper from all its listings: the newest title and abstract, the note's word over the digest's."""
    latest = listings[-1].entry
    note = note or Note(slug=slug, source=latest.source, body="")
    meta = Metadata()
    for listing in listings:  # oldest first: a later digest corrects an earlier one
        meta = listing.entry.meta.over(meta)
    meta = note.meta.over(meta)
    meta = replace(
        meta, code=tuple(dict.fromkeys([*note.meta.code, *_newest_code(listings), *code_links(latest.abstract)]))
    )
    return Paper(
        key=key,
        slug=slug,
        title=latest.title,
        abstract=latest.abstract,
        appearances=tuple(Appearance(item.digest.date, item.position) for item in listings),
        topics=topics,
        meta=meta,
        note="\n\n".join(text for text in (_newest(listings, "note", ""), note.body) if text),
        hidden=note.hidden,
    )


class Same(Generic[_T]):
    """An object compared by identity, hashed by address (which it keeps taken while it holds it): the
    parse results of unchanged files are the same objects from build to build, and comparing them
    field by field cost the preview a fifth of a second at 50k papers."""

    __slots__ = ("value",)

    def __init__(self, value: _T) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value


PaperInputs = tuple[
    str, str, tuple[tuple[object, int, Same[Entry]], ...], Same[Note | None], Same[tuple[TopicAssignment, ...]]
]
"""Everything `_paper` makes a paper from: its identity, slug, listings (digest date, position, entry),
note and topics, the parsed objects by identity."""
MadePapers = dict[PaperInputs, Paper]


def build_catalog(
    digest_files: Sequence[DigestFile],
    topics: Sequence[Topic],
    notes: Iterable[Note],
    problems: Problems,
    classify_all: ClassifyAll | None = None,
    made: MadePapers | None = None,
) -> Catalog:
    """Merge digests into papers (deduplicated across days) and apply topics and notes. `made` holds the
    papers of the last catalog made in this process by what they were made from, and is replaced by
    this one's: the preview makes the catalog at every save, mostly of the same papers."""
    digests = _check_unique_dates(digest_files, problems)
    key_of = paper_keys(digests)
    groups = _group_listings(digests, key_of)
    # the first title a paper was listed under names it: its address never changes
    slugs = assign_slugs(SlugClaim(key, items[0].entry.title, items[0].digest.date) for key, items in groups.items())
    notes_by_slug = _apply_notes(notes, set(slugs.values()), problems)
    classify_all = classify_all or _classifier_of(topics)
    chosen = {key: _chosen_topics(listings, notes_by_slug.get(slugs[key])) for key, listings in groups.items()}
    automatic = [key for key in groups if not chosen[key]]
    latest = [(groups[key][-1].entry.title, groups[key][-1].entry.abstract) for key in automatic]
    chosen.update(zip(automatic, classify_all(latest), strict=True))
    papers: dict[str, Paper] = {}
    now: MadePapers = {}
    for key, listings in groups.items():
        _warn_changed_abstract(listings, problems)
        _warn_retitled(listings, problems)
        slug, note = slugs[key], notes_by_slug.get(slugs[key])
        inputs = (
            key,
            slug,
            tuple((item.digest.date, item.position, Same(item.entry)) for item in listings),
            Same(note),
            Same(chosen[key]),
        )
        paper = made.get(inputs) if made else None
        if paper is None:
            paper = _paper(key, slug, listings, note, chosen[key])
        papers[slug] = now[inputs] = paper
    if made is not None:
        made.clear()
        made.update(now)
    visible = {slug: papers[slug] for slug in sorted(papers) if not papers[slug].hidden}
    return Catalog(
        papers=visible,
        digests=tuple(
            Digest(
                date=d.date,
                slugs=tuple(s for s in (slugs[key_of(e)] for e in d.entries) if s in visible),
                source=d.source,
                title=d.title,
                note=d.note,
            )
            for d in sorted(digests, key=lambda d: d.date, reverse=True)
        ),
        topics=tuple(topics),
    )
