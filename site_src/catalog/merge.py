"""Digests into a catalog: one paper per identity, slugs, topics and the curator's notes applied."""

from __future__ import annotations

import datetime
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple, TypeVar

from site_src.catalog.model import (
    NO_METADATA,
    Appearance,
    Catalog,
    Digest,
    DigestFile,
    Entry,
    Note,
    Paper,
    Topic,
    TopicAssignment,
    add_arxiv_titles,
    known,
    paper_keys,
)
from site_src.catalog.topics import Classifier
from site_src.errors import Problem, Problems, did_you_mean
from site_src.inputs.paper_keys import ARXIV_ID, canonical_arxiv
from site_src.markup import distinct_links, link_place
from site_src.pages.urls import SlugClaim, assign_slugs, slug_for

_T = TypeVar("_T")


class _Listing(NamedTuple):
    """One entry with the digest it came from (a tuple: the catalog makes one per entry)."""

    digest: DigestFile
    position: int
    entry: Entry


def check_unique_dates(digests: Sequence[DigestFile], problems: Problems) -> list[DigestFile]:
    """One digest per day: two files for one date would fight over one page. Of two, the one that
    comes later in `digests` is told: the build gives the digests in order of their names (those
    it could not read after the others), and `add` gives the digest it is adding last (it blamed
    the other file when that one's name sorted later)."""
    by_date: dict[object, DigestFile] = {}
    for digest in sorted(digests, key=lambda d: d.date):
        if digest.date in by_date:
            problems.error(
                digest.source.at(digest.date_line),
                f"a second digest for {digest.date.isoformat()} (also {by_date[digest.date].source.path})",
                "merge the two files or correct the date",
            )
            continue
        by_date[digest.date] = digest
    return list(by_date.values())


def arxiv_by_title(digests: Iterable[DigestFile]) -> dict[str, str]:
    """Each normalised title listed with an arXiv identifier, with the first identifier it was listed with."""
    by_title: dict[str, str] = {}
    for digest in sorted(digests, key=lambda d: d.date):
        add_arxiv_titles(by_title, digest.entries)
    return by_title


_Grouping = tuple[dict[str, list[_Listing]], dict[datetime.date, list[str]], dict[datetime.date, list[Problem]]]
"""Every listing grouped by paper, oldest digest first; each digest's papers in its order; and each
digest's repeats (problems)."""


def _keyed(digest: DigestFile, key: Callable[[Entry], str]) -> tuple[list[tuple[str, Entry]], list[Problem]]:
    """A digest's entries with their papers, in order, but for an entry of a paper listed earlier in
    the digest: the parser drops repeats by the digest's own identifiers, and the catalog knows more
    (another day's identifier for a title, a note's), which may make two entries one paper."""
    kept: dict[str, Entry] = {}
    repeats = Problems()
    for entry in digest.entries:
        paper = key(entry)
        first = kept.setdefault(paper, entry)
        if first is not entry:
            repeats.warn(
                entry.source,
                f'paper "{entry.title}" is "{first.title}" ({first.source}) under another title: '
                f"{paper.replace('arxiv:', 'arXiv ')}",
                "only the first listing is used; delete the repeat or correct its arXiv identifier",
            )
    return list(kept.items()), repeats.items


def _group_listings(digests: Iterable[DigestFile], key: Callable[[Entry], str]) -> _Grouping:
    """Every listing of every paper, grouped by identity, oldest digest first; each digest's papers'
    identities in its order; each digest's repeats."""
    groups: dict[str, list[_Listing]] = defaultdict(list)
    keys_by_digest: dict[datetime.date, list[str]] = {}
    repeats: dict[datetime.date, list[Problem]] = {}
    for digest in sorted(digests, key=lambda d: d.date):
        entries, repeats[digest.date] = _keyed(digest, key)
        keys_by_digest[digest.date] = [paper for paper, _ in entries]
        for position, (paper, entry) in enumerate(entries, start=1):
            groups[paper].append(_Listing(digest, position, entry))
    return dict(groups), keys_by_digest, repeats


def _regrouped(
    last: _Grouped, digests: Sequence[DigestFile], by_title: Mapping[str, str], key: Callable[[Entry], str]
) -> _Grouping | None:
    """What `_group_listings` gives, from the last grouping with only the listings of the digests
    that are new objects redone (a save in the preview: at 10k papers, 3 against 20-30 ms). None
    unless the digests keep the same days and `arxiv_by_title` is unchanged (an arXiv identifier
    given to a new title can move listings of unchanged digests). Unchanged papers keep their
    lists of listings, the same objects: the catalog compares them."""
    if len(digests) != len(last.digests) or by_title != last.by_title:
        return None
    before = {d.date: d for d in last.digests}
    changed = {d.date: d for d in digests if before.get(d.date) is not d}
    if not changed.keys() <= before.keys():
        return None
    keys_by_digest = dict(last.keys_by_digest)  # oldest digest first, as `_group_listings` made it
    repeats = dict(last.repeats)
    redone: dict[str, list[_Listing]] = defaultdict(list)
    for date, digest in changed.items():
        redone.update((paper, []) for paper in keys_by_digest[date] if paper not in redone)
        entries, repeats[date] = _keyed(digest, key)
        keys_by_digest[date] = [paper for paper, _ in entries]
        for position, (paper, entry) in enumerate(entries, start=1):
            redone[paper].append(_Listing(digest, position, entry))
    groups: dict[str, list[_Listing]] = {}
    for paper in dict.fromkeys(paper for keys in keys_by_digest.values() for paper in keys):
        if paper not in redone:
            groups[paper] = last.groups[paper]
            continue
        kept = [item for item in last.groups.get(paper, ()) if item.digest.date not in changed]
        groups[paper] = sorted(kept + redone[paper], key=lambda item: item.digest.date)  # stable: one digest's in order
    return groups, keys_by_digest, repeats


def _warn_retitled(key: str, listings: Sequence[_Listing], problems: Problems) -> None:
    """Listings of one arXiv paper under different titles: the newest title is kept. (Only a paper
    identified by arXiv has titles that differ; its identifier may come from a note or another
    listing, not from these.)"""
    latest = listings[-1]
    for earlier in listings[:-1]:
        if earlier.entry.identity != latest.entry.identity:
            problems.warn(
                latest.entry.source,
                f"arXiv {key.removeprefix('arxiv:')} is listed as "
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


def _note_name_hint(name: str, slugs: Mapping[str, str], noted: Collection[str], noted_arxiv: Mapping[str, str]) -> str:
    """How to name a note that names no paper (`slugs`: paper identity -> slug; `noted`: the slugs
    notes are named by; `noted_arxiv`: the arXiv identifiers notes give, with the note's name):
    after the paper whose arXiv identifier it is named by (its listing's or its note's), or a paper
    whose slug is a typo away (or one of a few); never after papers merely the least unlike it (of
    thousands, those were as good as any)."""
    where = "a note is named by its paper's slug, the end of the paper's address (papers/<slug>/)"
    arxiv = ARXIV_ID.fullmatch(name)  # a file name holds no slash: a new-style identifier
    if arxiv:
        identifier = canonical_arxiv(arxiv["id"])
        slug = slugs.get(f"arxiv:{identifier}")
        if slug is None and identifier in noted_arxiv:
            return (
                f"move its text into {noted_arxiv[identifier]}.md, the paper's note, which gives arXiv {identifier}: "
                f"{where}, not by its arXiv identifier"
            )
        if slug is None:
            return f"neither a digest nor a note gives the arXiv identifier {identifier}; {where}"
        if slug in noted:
            return f"move its text into {slug}.md, the paper's note: {where}, not by its arXiv identifier"
        return f"rename the note to {slug}.md: {where}, not by its arXiv identifier"
    far = f"no paper's slug is close to its name; {where}"
    return f"rename the note to <paper-slug>.md; {did_you_mean(name, slugs.values(), far)}"


def _apply_notes(
    notes: Iterable[Note], slugs: Mapping[str, str], joined: Mapping[str, str], problems: Problems
) -> dict[str, Note]:
    """Notes by paper slug (`slugs`: paper identity -> slug); a note whose file name is no paper's
    slug is an error. A note about a paper its arXiv identifier joined with another (`joined`: its
    slug before -> the paper's) is about the joined paper; two notes about one paper are an error."""
    found: dict[str, Note] = {}
    known = set(slugs.values())
    notes = list(notes)
    noted = {note.slug for note in notes}
    noted_arxiv: dict[str, str] = {}  # each identifier a paper's note gives: the first such note (by name)
    for note in sorted(notes, key=lambda n: n.slug):
        if note.meta.arxiv and joined.get(note.slug, note.slug) in known:
            noted_arxiv.setdefault(note.meta.arxiv, note.slug)
    for note in notes:
        slug = joined.get(note.slug, note.slug)
        if slug not in known:
            problems.error(
                note.source,
                f'no paper has the slug "{note.slug}"',
                _note_name_hint(note.slug, slugs, noted, noted_arxiv),
            )
            continue
        if slug in found:
            problems.error(
                note.source,
                f'a second note about the paper "{slug}" (also {found[slug].source.path}), '
                "whose arXiv identifier joined two papers",
                "merge the two notes into one",
            )
            continue
        found[slug] = note if slug == note.slug else replace(note, slug=slug)
    return found


def _noted_titles(
    groups: Mapping[str, Sequence[_Listing]], slugs: Mapping[str, str], noted: Mapping[str, str]
) -> dict[str, str]:
    """For each paper listed without an arXiv identifier whose note gives one that other listings
    carry, its normalised title with that identifier: grouped again with them, the two are one paper
    (as a listing without an identifier joins one with it under the same title)."""
    keys = {slug: key for key, slug in slugs.items()}
    titles: dict[str, str] = {}
    for slug, arxiv in sorted(noted.items()):
        key = keys.get(slug, "")
        if key.startswith("title:") and f"arxiv:{arxiv}" in groups:
            titles.setdefault(key.removeprefix("title:"), arxiv)
    return titles


def _warn_shared_arxiv(grouped: _Grouped, notes: Mapping[str, Note], problems: Problems) -> None:
    """A note that gives its paper the arXiv identifier of another paper (one listed with it, or
    noted with it before): two pages would show one paper."""
    noted: dict[str, str] = {}
    for slug, note in notes.items():
        arxiv = note.meta.arxiv
        if not arxiv or note.hidden or grouped.identities[slug] == f"arxiv:{arxiv}":
            continue  # (a hidden paper has no page: one page shows the paper)
        other = grouped.slugs.get(f"arxiv:{arxiv}") or noted.get(arxiv)
        if other is None:
            noted[arxiv] = slug
            continue
        problems.warn(
            note.source,
            f'the note gives arXiv {arxiv}, which is the paper "{other}" too: two pages would show one paper',
            f"correct the identifier, or move this note's text to notes/{other}.md and hide this paper (hidden: true)",
        )


ClassifyAll = Callable[[Sequence[Entry]], list[tuple[TopicAssignment, ...]]]
"""Topics for many entries (their title and abstract) at once: the classifier, maybe in parallel and remembered."""


def _chosen_topics(listings: Sequence[_Listing], note: Note | None) -> tuple[TopicAssignment, ...]:
    """The curator's choice of topics, if any: a note's first, then the newest digest's."""
    chosen = (note.topics if note else None) or _newest(listings, "topics", ())
    return tuple(TopicAssignment(slug, 0.0, manual=True) for slug in chosen)


def _classifier_of(topics: Sequence[Topic]) -> ClassifyAll:
    """The plain classifier, one paper after the other."""
    classifier = Classifier.for_topics(topics)
    return lambda entries: [classifier.assign(entry.title, entry.abstract) for entry in entries]


def _paper(
    key: str, slug: str, listings: Sequence[_Listing], note: Note | None, topics: tuple[TopicAssignment, ...]
) -> Paper:
    """One paper from all its listings: the newest title and abstract, the note's word over the digest's."""
    latest = listings[-1].entry
    meta = NO_METADATA
    for listing in listings:  # oldest first: a later digest corrects an earlier one
        meta = listing.entry.meta.over(meta)
    noted = note.meta.code if note else ()
    if note:
        meta = note.meta.over(meta)
    # the paper's own Hugging Face page, which its links list already (`pages.maker.paper_links`)
    own = {link_place(f"https://huggingface.co/papers/{meta.arxiv}")} if meta.arxiv else set()
    code = distinct_links([*noted, *_newest_code(listings), *latest.abstract_code], listed=own)
    if code != meta.code:
        meta = replace(meta, code=code)
    paper = Paper(
        key=key,
        slug=slug,
        title=latest.title,
        abstract=latest.abstract,
        appearances=tuple(Appearance(item.digest.date, item.position) for item in listings),
        topics=topics,
        meta=meta,
        note="\n\n".join(text for text in (_newest(listings, "note", ""), note.body if note else "") if text),
        hidden=note.hidden if note else False,
    )
    known(paper, text_hash=latest.text_hash)  # the same text: hashed once, with its digest
    return paper


class _Made(NamedTuple):
    """A paper as the last catalog made it: its inputs (slug, listings, note), and the warnings
    its listings gave."""

    inputs: tuple[str, list[_Listing], Note | None]
    paper: Paper
    warnings: list[Problem]


@dataclass(frozen=True)
class _Grouped:
    """The digests' listings grouped by paper, and the papers' slugs: what the digest files alone decide."""

    files: tuple[DigestFile, ...]
    """The digest files these were made from (the objects given)."""
    digests: list[DigestFile]
    """The files kept: one per date."""
    problems: list[Problem]
    """What keeping one file per date found."""
    by_title: dict[str, str]
    """`arxiv_by_title` of the digests kept."""
    groups: dict[str, list[_Listing]]
    keys_by_digest: dict[datetime.date, list[str]]
    repeats: dict[datetime.date, list[Problem]]
    """Each digest's entries that the catalog finds to be a paper listed earlier in it."""
    slugs: dict[str, str]
    """Paper identity -> slug."""
    identities: dict[str, str]
    """Slug -> paper identity."""
    noted: dict[str, str]
    """The arXiv identifiers the notes give, by the note's slug."""
    joined: dict[str, str]
    """The slugs two papers had before a note's arXiv identifier joined them -> the joined paper's."""
    plain: _Grouped | None = None
    """When a note joined papers: the grouping without the notes' identifiers (the next save's
    starts from it)."""


@dataclass
class CatalogMemo:
    """What the last catalog made in this process was made from, for the preview, which makes the
    catalog at every save, mostly of the same papers (at 50k papers, 0.95 s each time without it).

    Unchanged files parse to the same objects: when every digest file is the one given last time
    and the taxonomy is the same, the listings are grouped as they were, only the papers whose note
    changed are compared, and the last catalog is kept with them replaced (unless one of them was
    hidden or shown). Otherwise papers are compared with `==`, which stops at identity for unchanged
    files and goes field by field for a changed file's entries, so equal inputs are always
    recognised and anything else makes the paper anew. Updated only once a catalog is made: a
    call that fails leaves the last good one to compare with."""

    topics: tuple[Topic, ...] = ()
    named: list[tuple[list[tuple[str, str, datetime.date]], dict[str, str]]] = field(default_factory=list)
    """The last two claims given `slugs_for`, with their slugs (two: a note that joins papers names
    the papers twice, before and after the join)."""
    grouped: _Grouped | None = None
    notes: dict[str, Note] = field(default_factory=dict)
    """The notes of the last catalog, by slug."""
    papers: dict[str, _Made] = field(default_factory=dict)
    """Paper identity -> how it was made (an automatic paper's topics follow from its inputs and
    `topics`: none is reused under another taxonomy)."""
    catalog: Catalog | None = None
    """The last catalog."""
    plain_slugs: dict[str, str] = field(default_factory=dict)
    """The papers' titles, each with its `slug_for`: given by the build cache, which remembers them
    from build to build (slugify took a sixth of a daily build's catalog at 10k papers)."""

    def slugs_for(self, claims: list[tuple[str, str, datetime.date]]) -> dict[str, str]:
        """`assign_slugs` for (identity, first title, first seen) claims, again only when they changed."""
        found = next((slugs for named, slugs in self.named if named == claims), None)
        if found is None:
            known = dict(self.plain_slugs)

            def plain(title: str) -> str:
                slug = known.get(title)
                if slug is None:
                    slug = known[title] = slug_for(title)
                return slug

            slugs = assign_slugs((SlugClaim(*claim) for claim in claims), plain)
            if len(set(slugs.values())) < len(slugs):  # a remembered slug that is no title's own (edited)
                known = {}
                slugs = assign_slugs((SlugClaim(*claim) for claim in claims), plain)
            self.named, found = [(claims, slugs), *self.named[:1]], slugs
            self.plain_slugs = {title: known[title] for _, title, _ in claims}  # only the titles in use
        return found

    def grouped_for(self, digest_files: Sequence[DigestFile], noted: dict[str, str]) -> _Grouped:
        """The listings grouped and named: the last ones when every digest file is the object given
        last time and the notes give the same arXiv identifiers (`noted`, by the note's slug)."""
        last = self.grouped
        if (
            last
            and len(last.files) == len(digest_files)
            and all(map(operator.is_, digest_files, last.files))
            and last.noted == noted
        ):
            return last
        found = Problems()
        digests = check_unique_dates(digest_files, found)
        files = tuple(digest_files)
        plain = self._grouped(
            last.plain or last if last else None, files, digests, found, arxiv_by_title(digests), noted
        )
        noted_titles = _noted_titles(plain.groups, plain.slugs, noted)
        if not noted_titles:
            return plain
        by_title = {**plain.by_title, **noted_titles}  # no title in both: those noted had no identifier
        grouped = self._grouped(last if last and last.plain else None, files, digests, found, by_title, noted)
        joined = {
            plain.slugs[key]: grouped.slugs[f"arxiv:{arxiv}"]
            for title, arxiv in noted_titles.items()
            for key in (f"title:{title}", f"arxiv:{arxiv}")  # either may have given the paper its address
        }
        return replace(grouped, joined=joined, plain=plain)

    def _grouped(
        self,
        last: _Grouped | None,
        files: tuple[DigestFile, ...],
        digests: list[DigestFile],
        found: Problems,
        by_title: dict[str, str],
        noted: dict[str, str],
    ) -> _Grouped:
        """The listings grouped by `by_title`'s rule and named; from `last` (grouped by the same kind
        of rule: with or without the notes' identifiers) where only some digests changed."""
        key_of = paper_keys(by_title)
        grouping = _regrouped(last, digests, by_title, key_of) if last else None
        groups, keys_by_digest, repeats = grouping or _group_listings(digests, key_of)
        slugs = self._named(groups)
        identities = {slug: key for key, slug in slugs.items()}
        problems = [*found.items, *(p for found in repeats.values() for p in found)]
        return _Grouped(
            files, digests, problems, by_title, groups, keys_by_digest, repeats, slugs, identities, noted, {}
        )

    def _named(self, groups: Mapping[str, Sequence[_Listing]]) -> dict[str, str]:
        """The papers' slugs: the first title a paper was listed under names it (a title arriving later
        leaves its address as it is)."""
        return self.slugs_for([(key, items[0].entry.title, items[0].digest.date) for key, items in groups.items()])

    def maybe_changed(self, grouped: _Grouped, notes: dict[str, Note], topics: tuple[Topic, ...]) -> Iterable[str]:
        """The identities of the papers whose inputs may differ from those the last catalog made them
        from: all, unless the listings and the taxonomy are the last ones, when only those with another note."""
        if grouped is not self.grouped or topics != self.topics:
            return grouped.groups
        changed = {slug for slug in notes.keys() | self.notes.keys() if notes.get(slug) is not self.notes.get(slug)}
        return [grouped.identities[slug] for slug in sorted(changed)]


def _listing_warnings(key: str, listings: Sequence[_Listing], problems: Problems) -> None:
    """What one paper's listings disagree about."""
    _warn_changed_abstract(listings, problems)
    _warn_retitled(key, listings, problems)


def _made(key: str, inputs: tuple[str, list[_Listing], Note | None], topics: tuple[TopicAssignment, ...]) -> _Made:
    """A paper made from its inputs, with the warnings its listings give."""
    slug, listings, note = inputs
    warnings = Problems()
    _listing_warnings(key, listings, warnings)
    return _Made(inputs, _paper(key, slug, listings, note, topics), warnings.items)


def _grouped_with_notes(
    memo: CatalogMemo, digest_files: Sequence[DigestFile], notes: Sequence[Note], problems: Problems
) -> tuple[_Grouped, dict[str, Note]]:
    """The listings grouped, and the notes by the slug of their paper, with the problems of both."""
    grouped = memo.grouped_for(digest_files, {note.slug: note.meta.arxiv for note in notes if note.meta.arxiv})
    problems.items.extend(grouped.problems)
    notes_by_slug = _apply_notes(notes, grouped.slugs, grouped.joined, problems)
    _warn_shared_arxiv(grouped, notes_by_slug, problems)
    return grouped, notes_by_slug


def _warn_all_hidden(grouped: _Grouped, notes: Mapping[str, Note], problems: Problems) -> None:
    """A digest every paper of which is hidden: the home page said "Latest digest: 0 papers"."""
    for digest in grouped.digests:
        slugs = [grouped.slugs[key] for key in grouped.keys_by_digest[digest.date]]
        if slugs and all((note := notes.get(slug)) is not None and note.hidden for slug in slugs):
            problems.warn(
                digest.source.at(digest.date_line),  # the file alone when its name gives the date
                "every paper of the digest is hidden (hidden: true in its note): the digest shows 0 papers",
                "show one of its papers, or delete the digest",
            )


def check_listings(
    digest_files: Sequence[DigestFile], notes: Sequence[Note], problems: Problems, memo: CatalogMemo | None = None
) -> dict[int, str]:
    """Every problem `build_catalog` finds with these digests and notes, without making the papers
    (for `add`, which checks a new digest among the others: at 50k papers, making them took 1.7 s).
    Returns the slug of each listed entry's paper, by the entry's `id` (`memo`: one shared by several
    calls, which then slugify each title once)."""
    grouped, notes_by_slug = _grouped_with_notes(memo or CatalogMemo(), digest_files, notes, problems)
    for key, listings in grouped.groups.items():
        _listing_warnings(key, listings, problems)
    _warn_all_hidden(grouped, notes_by_slug, problems)
    key_of = paper_keys(grouped.by_title)  # an entry dropped as a repeat: the paper it repeats
    return {id(entry): grouped.slugs[key_of(entry)] for digest in grouped.digests for entry in digest.entries}


def build_catalog(
    digest_files: Sequence[DigestFile],
    topics: Sequence[Topic],
    notes: Iterable[Note],
    problems: Problems,
    classify_all: ClassifyAll | None = None,
    memo: CatalogMemo | None = None,
) -> Catalog:
    """Merge digests into papers (deduplicated across days) and apply topics and notes. `memo` is what
    the last catalog made in this process was made from, and is updated to this one's."""
    memo = memo if memo is not None else CatalogMemo()
    grouped, notes_by_slug = _grouped_with_notes(memo, digest_files, list(notes), problems)
    groups, slugs = grouped.groups, grouped.slugs
    topics = tuple(topics)
    known = memo.papers if memo.topics == topics else {}
    candidates = memo.maybe_changed(grouped, notes_by_slug, topics)
    inputs = {key: (slugs[key], groups[key], notes_by_slug.get(slugs[key])) for key in candidates}
    fresh = [key for key, now in inputs.items() if (old := known.get(key)) is None or old.inputs != now]
    chosen = {key: _chosen_topics(groups[key], inputs[key][2]) for key in fresh}
    automatic = [key for key in fresh if not chosen[key]]
    latest = [groups[key][-1].entry for key in automatic]
    chosen.update(zip(automatic, (classify_all or _classifier_of(topics))(latest), strict=True))
    made = {key: _made(key, inputs[key], chosen[key]) if key in chosen else known[key] for key in groups}
    for item in made.values():
        problems.items.extend(item.warnings)
    last = memo.catalog if grouped is memo.grouped and topics == memo.topics else None
    if last is not None and all(
        (old := known.get(key)) and old.paper.hidden == made[key].paper.hidden for key in fresh
    ):
        # the same papers shown in the same digests: the last catalog, with the papers made anew
        visible = dict(last.papers)
        visible.update((paper.slug, paper) for paper in (made[key].paper for key in fresh) if not paper.hidden)
        catalog = Catalog(papers=visible, digests=last.digests, topics=topics)
    else:
        catalog = _catalog(grouped, made, topics)
    memo.topics, memo.grouped, memo.notes, memo.papers, memo.catalog = topics, grouped, notes_by_slug, made, catalog
    _warn_all_hidden(grouped, notes_by_slug, problems)
    return catalog


def _catalog(grouped: _Grouped, made: dict[str, _Made], topics: tuple[Topic, ...]) -> Catalog:
    """The catalog of the papers made: those not hidden, by slug, and the digests listing them, newest first."""
    papers = {item.paper.slug: item.paper for item in made.values()}
    visible = {slug: papers[slug] for slug in sorted(papers) if not papers[slug].hidden}
    slugs = grouped.slugs
    return Catalog(
        papers=visible,
        digests=tuple(
            Digest(
                date=d.date,
                slugs=tuple(s for s in (slugs[key] for key in grouped.keys_by_digest[d.date]) if s in visible),
                source=d.source,
                title=d.title,
                note=d.note,
            )
            for d in sorted(grouped.digests, key=lambda d: d.date, reverse=True)
        ),
        topics=topics,
    )
