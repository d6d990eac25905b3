"""Pages that cannot have changed since the last build, found without making their outlines: paper
pages, digest pages and topic archive pages.

Keying a paper page means making its outline (`PageMaker.paper_inputs`: the paper, each digest
that lists it with its neighbours there, its related papers, topics and citation key). At 10k
papers that was 1.5 CPU s of a day's build in the page workers, for about 10,000 pages that are
then kept. What a paper page is made from comes from few places, each compared here with what the
last build recorded, in a fraction of that time:

- the paper: its identity, and each listing's day and place with the key of the digest file that
  gives it (`Parsed.digest_keys`: any change to one of those files changes it, and so does a listing
  joined to the paper or taken from it); what its note gives (note, links, authors, topics);
- each listing digest's title and papers in order (a paper hidden by a note changes a digest's
  list without changing its file), and the titles of its neighbours there;
- its related papers and the terms shown, and their titles;
- its citation key;
- the paper template, the site-wide data and the taxonomy (`context`), where any change means
  every page is keyed again.

A paper whose record, digests and neighbours are all as the last build left them keeps its page
under the last build's key. So does a digest page or a topic's archive page whose record is the
last build's: its template, what it shows besides its papers (`PageMaker.paper_list`), and for each
paper it lists, in order, what the paper is made from but its related papers and citation key
(which lists do not show). Outlining those pages made each page worker make every paper's list
entry again: in a day's build at 10k papers, 0.39 s of the two workers' time went to the 540 such
pages kept, and 0.08 s after. With `CHECK_ENV` set (the tests set it)
such a page is keyed anyway and a different key is an error: a missed input would be a stale page.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from site_src.build.keys import fingerprint
from site_src.catalog.model import Catalog

PAGE_DEPS_MEMO = "pagedeps"
"""The memo namespace of the last build's `PageDeps` (key "last")."""
CHECK_ENV = "PAPER_DIGEST_CHECK_KEPT"
"""Set (to anything): key every page this module keeps, and raise if the key changed."""


@dataclass(frozen=True)
class PageDeps:
    """What the paper pages, digest pages and topic archive pages of one build were made from, in short."""

    context: str
    """The paper template, the site-wide data and the taxonomy."""
    papers: dict[str, str]
    """Each paper's record, by slug: a hash of what its page is made from, then one of its title
    alone (what the pages beside it in a digest, and those it is related to, show of it)."""
    digests: dict[str, str]
    """Each digest's title and list of papers, by its date (ISO)."""
    paper_lists: dict[str, str]
    """Each digest page's and topic archive page's record, by its path."""

    @functools.cached_property
    def name(self) -> str:
        """A hash of the whole record, which the pages made from it are saved with (`BuildCache.page_deps`)."""
        papers = "\n".join(f"{slug} {record}" for slug, record in self.papers.items())
        digests = "\n".join(f"{day} {record}" for day, record in self.digests.items())
        lists = "\n".join(f"{path} {record}" for path, record in self.paper_lists.items())
        return _hash(f"{self.context}\n{papers}\n\n{digests}\n\n{lists}", 16)


def page_deps(
    catalog: Catalog,
    citation_keys: Mapping[str, str],
    keys: Mapping[str, str],
    context: str,
    paper_lists: Mapping[str, tuple[str, Sequence[str]]],
) -> PageDeps:
    """This build's `PageDeps` (`keys`: each digest file's parse key, by its path; `paper_lists`: each
    digest page and topic archive page, by its path, as its template's key with what it shows
    besides its papers, and the slugs of the papers it lists)."""
    by_date = {d.date: keys.get(d.source.path, "") for d in catalog.digests}
    papers, shown = {}, {}
    for slug, paper in catalog.papers.items():
        listed = " ".join(f"{a.date}@{a.position}:{by_date.get(a.date, '')}" for a in paper.appearances)
        related = " ".join(f"{r.slug}:{'|'.join(r.terms)}" for r in catalog.related.get(slug, ()))
        # the topics' scores and reasons come of the title, abstract and taxonomy, which are above
        chosen = " ".join(f"{t.slug}{'*' * t.manual}" for t in paper.topics)
        note, key = paper.note, paper.key  # the curator's texts, told apart by their lengths
        own = f"{len(key)}:{key}|{listed}|{len(note)}:{note}|{vars(paper.meta)!r}|{chosen}|"
        shown[slug] = _hash(own, 8)
        made_from = f"{shown[slug]}|{related}|{citation_keys.get(slug, '')}"  # its own record hashed once
        papers[slug] = f"{_hash(made_from, 12)} {_hash(paper.title, 4)}"
    digests = {d.date.isoformat(): fingerprint(d.title, *d.slugs) for d in catalog.digests}
    records = {
        path: _hash(f"{own}\n{' '.join(f'{slug}:{shown[slug]}' for slug in slugs)}", 12)
        for path, (own, slugs) in paper_lists.items()
    }
    return PageDeps(context, papers, digests, records)


def _hash(text: str, size: int) -> str:
    """A short hash of a text (blake2b: a third faster than `fingerprint` here, 20,000 times a build)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).hexdigest()


def _comparable(now: PageDeps, last: PageDeps | None, pages_made_from: str) -> PageDeps | None:
    """`last`, if it is what the last build's pages were made from (`pages_made_from`) in the same context."""
    if last is None or last.name != pages_made_from or last.context != now.context:
        return None
    return last


def unchanged_papers(now: PageDeps, last: PageDeps | None, pages_made_from: str, catalog: Catalog) -> frozenset[str]:
    """The papers whose page is made from what it was made from in the last build: its own record,
    each digest listing it, its neighbours there and its related papers all the same (none when
    `last` is not what the last build's pages were made from, `pages_made_from`)."""
    last = _comparable(now, last, pages_made_from)
    if last is None:
        return frozenset()
    changed = {slug for slug, record in now.papers.items() if last.papers.get(slug) != record}
    # the papers whose title others show changed, or that are new (a paper gone is in no list now)
    retitled = {slug for slug in changed if last.papers.get(slug, "")[-8:] != now.papers[slug][-8:]}
    changed_days = {day for day, record in now.digests.items() if last.digests.get(day) != record}
    for digest in catalog.digests:  # a paper retitled marks its neighbours, which show its title
        slugs = digest.slugs
        if digest.date.isoformat() in changed_days:
            changed.update(slugs)
            continue
        for i in [i for i, slug in enumerate(slugs) if slug in retitled]:
            changed.update(slugs[max(i - 1, 0) : i + 2])
    related = catalog.related
    return frozenset(
        slug for slug in catalog.papers.keys() - changed if not any(r.slug in retitled for r in related.get(slug, ()))
    )


def unchanged_paper_lists(now: PageDeps, last: PageDeps | None, pages_made_from: str) -> frozenset[str]:
    """The digest pages and topic archive pages (by path) whose record is the last build's."""
    last = _comparable(now, last, pages_made_from)
    if last is None:
        return frozenset()
    return frozenset(path for path, record in now.paper_lists.items() if last.paper_lists.get(path) == record)
