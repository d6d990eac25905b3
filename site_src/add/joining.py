"""The new digest among the others: what the next build will say about it, said before it is saved.

A digest can be right on its own and still fail the site: a paper it lists was listed before with
another abstract or title (warnings, which CI's `--strict` build refuses), or a file of another
name gives the same day (an error), or a note now about a paper that another note is about too.
So `add` reads the other inputs as a build does, merges them with the new file, and keeps what
names it, and what comes only with it. Neither topics nor papers are made: nothing here
depends on them (at 50k papers they took 1.7 of 4.6 s, topics unclassified).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from site_src.build.cache import BuildCache
from site_src.build.gather import parse_inputs
from site_src.catalog.merge import check_listings
from site_src.errors import BuildError, Problem, Problems
from site_src.inputs import reader
from site_src.inputs.reader import TextFile
from site_src.inputs.settings import BuildOptions


def problems_joining(content_dir: Path, new: TextFile) -> list[Problem]:
    """The problems a build would find about `new` (a digest not yet saved, named as it will be)
    among the other inputs under `content_dir`: those located in it or naming it, and the notes'
    that come with it. Problems the other files have already are theirs: when they stop the catalog
    from being made, nothing is said here."""
    ignored = Problems()
    found = reader.load(content_dir, ignored)
    others = tuple(file for file in found.digests if file.source.path != new.source.path)  # --force replaces it
    try:
        parsed = parse_inputs(
            BuildOptions(content_dir=content_dir), ignored, BuildCache.empty(), replace(found, digests=(*others, new))
        )
    except BuildError:
        return []
    merged = Problems()
    check_listings(parsed.digests, parsed.notes, merged)
    about_it = [p for p in merged if p.source.path == new.source.path or new.source.path in p.message]
    digests = {digest.source.path for digest in parsed.digests}
    in_notes = [p for p in merged if p.source.path not in digests]
    if not in_notes:
        return about_it
    # a note's problem (two notes about a paper the new listing joins) counts when it comes with the
    # new digest: told apart from those the site has already, checked without it
    before = Problems()
    check_listings([d for d in parsed.digests if d.source.path != new.source.path], parsed.notes, before)
    return about_it + [p for p in in_notes if p not in set(before)]
