"""The new digest among the others: what the next build will say about it, said before it is saved.

A digest can be right on its own and still fail the site: a paper it lists was listed before with
another abstract or title (warnings, which CI's `--strict` build refuses), or a file of another
name gives the same day (an error), or a note now about a paper that another note is about too.
So `add` reads the other inputs as a build does, merges them with the new file, and keeps what
names it, and what comes only with it. Neither topics nor papers are made: nothing here
depends on them (at 50k papers they took 1.7 of 4.6 s, topics unclassified).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from site_src.build.cache import BuildCache
from site_src.build.gather import parse_inputs
from site_src.catalog.merge import check_listings
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.reader import TextFile, display_path
from site_src.inputs.settings import BuildOptions


def problems_joining(content_dir: Path, new: TextFile) -> list[Problem]:
    """The problems a build would find about `new` (a digest not yet saved, named as it will be)
    among the other inputs under `content_dir`: those located in it or naming it, those of the papers
    it lists, and the notes' that come with it. Problems the other files have already are theirs:
    when they stop the catalog from being made, a warning says it was not checked."""
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
    merged = Problems()
    slugs = check_listings(parsed.digests, parsed.notes, merged, about=new.source.path)
    digests = {digest.source.path for digest in parsed.digests}
    # the listings' warnings are those of the papers it lists (located in whichever digest lists them
    # last); an error of the digests (a day given twice) counts when it names the new file
    about_it = [
        p
        for p in merged
        if (p.warning and p.source.path in digests) or p.source.path == new.source.path or new.source.path in p.message
    ]
    in_notes = [p for p in merged if p.source.path not in digests]
    dated = {digest.source.path: digest.date for digest in parsed.digests}
    backfilled = new.source.path in dated and any(day > dated[new.source.path] for day in dated.values())
    if not in_notes and not backfilled:
        return about_it
    # checked without it: a note's problem (two notes about a paper the new listing joins) counts when
    # it comes with the new digest (the hint aside: a note about no paper is told of other slugs than
    # before); and a digest older than others may take a paper's address (the first listed is named first)
    before = Problems()
    slugs_before = check_listings([d for d in parsed.digests if d.source.path != new.source.path], parsed.notes, before)
    known = {(p.source, p.message) for p in before}
    return [
        *about_it,
        *(p for p in in_notes if (p.source, p.message) not in known),
        *_moved(slugs_before, slugs, new.source),
    ]


def _moved(before: Mapping[str, str], after: Mapping[str, str], new: Source) -> list[Problem]:
    """A warning for each paper whose address the new digest changes: its papers, listed earlier, are
    named first, so one may take the address of a paper with a title alike; or its identifiers may
    join two papers, whose later address goes."""
    owners = {slug: identity for identity, slug in before.items()}
    moved = []
    for identity, slug in before.items():
        now = after.get(identity, slug)
        if now == slug:
            continue
        if owners.get(now, identity) not in after:  # the paper that had the address is this one now
            message = f"joins the paper at /papers/{slug}/ with the one at /papers/{now}/, where both now are"
            hint = f"the published address /papers/{slug}/ breaks"
        else:
            message = (
                f"gives /papers/{slug}/ to one of its papers, listed earlier: the paper there moves to /papers/{now}/"
            )
            hint = f"a published address breaks, and notes/{slug}.md, if there is one, is about the other paper then"
        moved.append(Problem(new, message, hint, warning=True))
    return moved
