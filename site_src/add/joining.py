"""The new digest among the others: what the next build will say about it, said before it is saved.

A digest can be right on its own and still fail the site: a paper it lists was listed before with
another abstract or title (warnings, which CI's `--strict` build refuses), or a file of another
name gives the same day (an error), or a note now about a paper that another note is about too.
So `add` reads the other inputs as a build does, and groups the listings with the new file and
without it: what names it, or comes only with it, is said, and so is a paper whose address it
changes, or drops when it replaces a day (`--force`). Neither topics nor papers are made: nothing
here depends on them (at 50k papers they took 1.7 of 4.6 s, topics unclassified).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from site_src.build.cache import BuildCache
from site_src.build.gather import Parsed, parse_inputs
from site_src.catalog.merge import CatalogMemo, check_listings
from site_src.catalog.model import DigestFile, add_arxiv_titles, paper_keys
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.digest import parse_digest
from site_src.inputs.reader import TextFile, display_path
from site_src.inputs.settings import BuildOptions

DROPPED_SHOWN = 5
"""Addresses named in the warning about dropped papers; a day replaced by a short page drops dozens."""


def problems_joining(content_dir: Path, new: TextFile) -> list[Problem]:
    """The problems a build would find about `new` (a digest not yet saved, named as it will be)
    among the other inputs under `content_dir`: those located in it or naming it, and those that come
    only with it; and the papers whose address it changes. Problems the other files have already are
    theirs: when they stop the catalog from being made, a warning says it was not checked."""
    found = reader.load(content_dir, Problems())  # what cannot be read is the build's to report
    others = tuple(file for file in found.digests if file.source.path != new.source.path)  # --force replaces it
    inputs = replace(found, digests=(*others, new))
    try:
        parsed = parse_inputs(BuildOptions(content_dir=content_dir), Problems(), BuildCache.empty(), inputs)
    except BuildError as error:
        errors = sum(not p.warning for p in error.problems)
        where = Source(display_path(content_dir))
        message = f"not checked against the other digests and notes: they have {errors} error{'s' * (errors != 1)}"
        return [Problem(where, message, "run build.py check to see them", warning=True)]
    replaced = _replaced(found, new.source.path, parsed)
    before_digests = [digest for digest in parsed.digests if digest.source.path != new.source.path] + replaced
    memo = CatalogMemo()  # both checks name the papers: each title slugified once
    merged, before = Problems(), Problems()
    slugs = check_listings(parsed.digests, parsed.notes, merged, memo)
    slugs_before = check_listings(before_digests, parsed.notes, before, memo)
    # what comes with the new digest: the problems that name it or are located in it, and those the
    # site did not have without it (a listing's warning located in the digest listing the paper last,
    # a note's, a repeat's; the hint aside: a note about no paper is told of other slugs than before)
    known = {(p.source, p.message) for p in before}
    said = [p for p in merged if names(p, new.source.path) or (p.source, p.message) not in known]
    if replaced:  # a paper the new version lists again under another title is moved, not dropped
        slugs = _with_relisted(slugs, replaced[0], next(d for d in parsed.digests if d.source.path == new.source.path))
    gone = _gone(slugs_before, slugs)
    said = [_note_of_a_dropped_paper(p, gone, new.source) for p in said]
    return said + _moved(slugs_before, slugs, new.source) + _dropped(gone, new.source)


def _note_of_a_dropped_paper(problem: Problem, gone: Collection[str], new: Source) -> Problem:
    """A note about a paper the new version of the day drops, told so: the build's own words ("no
    paper has the slug …, rename the note", with a look-alike slug) would not fix it."""
    slug = PurePosixPath(problem.source.path).stem
    if slug not in gone or not problem.message.startswith(f'no paper has the slug "{slug}"'):
        return problem
    return Problem(
        problem.source,
        f"is about /papers/{slug}/, which {new.path} drops",
        "delete the note, or keep the paper in the page",
    )


def _replaced(found: reader.Inputs, path: str, parsed: Parsed) -> list[DigestFile]:
    """The digest `--force` replaces, parsed, so that "before" is the site as it stands: the papers
    only it lists, and the notes about them, were lost without a word (a digest that does not parse
    has its errors told by check; it is then left out, as before)."""
    old = next((file for file in found.digests if file.source.path == path), None)
    if old is None:
        return []
    digest = parse_digest(old, parsed.settings.year, {topic.slug for topic in parsed.topics}, Problems())
    return [digest] if digest is not None else []


def names(problem: Problem, path: str) -> bool:
    """Whether a problem is about the file at `path`: located in it, or naming it as a place, "(path)",
    "(path:line)" or "(also path)" (not merely holding its name, as a title may)."""
    place = rf"\((?:also )?{re.escape(path)}(?::\d+)?\)"
    return problem.source.path == path or re.search(place, problem.message) is not None


def _moved(before: Mapping[int, str], after: Mapping[int, str], new: Source) -> list[Problem]:
    """A warning for each paper the new digest gives another address: one listed earlier may take the
    address of a paper with a title alike (papers are named by their first listing), an id may join
    two papers (one address goes) or give a look-alike title another fingerprint. Both map each
    listed entry, by `id`, to its paper's slug; the other digests' entries are the same objects in both."""
    now_at: dict[str, str] = {}
    for entry, slug in before.items():
        if slug not in now_at and entry in after:  # (not the entries of a day the new digest gives again)
            now_at[slug] = after[entry]
    gathered: dict[str, list[str]] = {}
    for slug, now in now_at.items():
        gathered.setdefault(now, []).append(slug)
    shown = set(after.values())
    moved = []
    for slug, now in now_at.items():
        if now == slug:
            continue
        others = [other for other in gathered[now] if other != slug]
        joined = ""
        if now in others:
            joined = ", joined with the paper there"
        elif others:
            joined = f", joined with the paper at /papers/{others[0]}/"
        where = "another paper" if slug in shown else "no paper"
        moved.append(
            Problem(
                new,
                f"moves the paper at /papers/{slug}/ to /papers/{now}/{joined}",
                f"a published address breaks: /papers/{slug}/ shows {where} then",
                warning=True,
            )
        )
    return moved


def _with_relisted(after: Mapping[int, str], old: DigestFile, new: DigestFile) -> dict[int, str]:
    """`after` with each entry of the replaced digest that the new one lists again (by arXiv
    identifier, or by title: `paper_keys`) mapped to the slug its paper has now, so that a retitled
    paper is said to move."""
    by_title: dict[str, str] = {}
    add_arxiv_titles(by_title, (*old.entries, *new.entries))
    key = paper_keys(by_title)
    now = {key(entry): after[id(entry)] for entry in new.entries if id(entry) in after}
    relisted = dict(after)
    for entry in old.entries:
        if (slug := now.get(key(entry))) is not None:
            relisted[id(entry)] = slug
    return relisted


def _gone(before: Mapping[int, str], after: Mapping[int, str]) -> list[str]:
    """The papers that only the replaced digest listed, by slug (a paper another digest lists too,
    whose address the new one changes, is `_moved`'s)."""
    still_listed = {slug for entry, slug in before.items() if entry in after}
    return sorted(set(before.values()) - set(after.values()) - still_listed)


def _dropped(gone: Sequence[str], new: Source) -> list[Problem]:
    """One warning naming the papers that only the replaced digest listed: their pages go."""
    if not gone:
        return []
    shown = ", ".join(f"/papers/{slug}/" for slug in gone[:DROPPED_SHOWN])
    more = f" and {len(gone) - DROPPED_SHOWN} more" if len(gone) > DROPPED_SHOWN else ""
    papers = f"{len(gone)} paper{'s' * (len(gone) != 1)}"
    return [
        Problem(
            new,
            f"drops {papers} that no other digest lists: {shown}{more}",
            f"{'their addresses break' if len(gone) != 1 else 'its address breaks'}; "
            f"keep {'them' if len(gone) != 1 else 'it'} in the page if left out by mistake",
            warning=True,
        )
    ]
