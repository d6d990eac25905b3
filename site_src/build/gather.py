"""Every input parsed (again only where its bytes changed), then merged into the catalog.

The pure parsers (`digest`, `notes`, `topics`, `pages`) see one file at a time; this module runs
them over everything `content` read, remembers their results by content hash in the build cache,
and collects every problem of every file before the build stops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from site_src.build.cache import BuildCache
from site_src.build.keys import input_key, parse_context, taxonomy_key
from site_src.build.parallel import fork_map, halved_map
from site_src.catalog.merge import CatalogMemo, build_catalog, check_unique_dates
from site_src.catalog.model import Catalog, DigestFile, Entry, Note, Topic, TopicAssignment
from site_src.catalog.topics import Classifier
from site_src.errors import Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.digest import date_from_file_name, parse_digest
from site_src.inputs.hand_pages import HandWritten, parse_page
from site_src.inputs.notes import parse_note
from site_src.inputs.settings import BuildOptions, SiteSettings, parse_settings, with_overrides
from site_src.inputs.taxonomy import parse_taxonomy

_T = TypeVar("_T")


@dataclass(frozen=True)
class Parsed:
    """Every input, parsed and checked on its own."""

    settings: SiteSettings
    topics: tuple[Topic, ...]
    taxonomy: str
    """A fingerprint of the taxonomy file: classifications are remembered per taxonomy."""
    digests: list[DigestFile]
    notes: list[Note]
    hand_written: list[HandWritten]
    digest_keys: dict[str, str]
    """Each digest file's parse key, by its path: what a paper page is made from (`page_deps`)."""


PARSE_APART_FROM = 24
"""Digests to parse from which half of them are parsed in a side process (a cold build's: 0.3 s
for the 135 digests of 10k papers, while the other core had nothing to do)."""


def _found(parse: Callable[[Problems], _T]) -> tuple[_T, list[Problem]]:
    """A parse result and the problems it found."""
    found = Problems()
    return parse(found), found.items


def _remembered(cache: BuildCache, namespace: str, key: str, parse: Callable[[Problems], _T], problems: Problems) -> _T:
    """A parse result and the problems it found, computed once per distinct input."""
    result, found = cache.memo(namespace, key, lambda: _found(parse))
    problems.items.extend(found)
    return result


def _digest_found(year: int | None, slugs: set[str], file: reader.TextFile) -> tuple[DigestFile | None, list[Problem]]:
    """One digest parsed, and the problems found in it."""
    return _found(partial(parse_digest, file, year, slugs))


def _parsed_digests(
    cache: BuildCache, files: Sequence[reader.TextFile], keys: dict[str, str], year: int | None, slugs: set[str]
) -> dict[str, tuple[DigestFile | None, list[Problem]]]:
    """The digests the cache does not remember parsed, with their problems, by path: half of them in
    a side process when there are many (`PARSE_APART_FROM`)."""
    new = [file for file in files if cache.peek("digest", keys[file.source.path]) is None]
    parsed = halved_map(partial(_digest_found, year, slugs), new, PARSE_APART_FROM)
    return {file.source.path: found for file, found in zip(new, parsed, strict=True)}


def parse_inputs(
    options: BuildOptions, problems: Problems, cache: BuildCache, inputs: reader.Inputs | None = None
) -> Parsed:
    """Read every input (unless given: `add` adds the digest it is about to save) and parse the ones
    that changed, recording every problem.

    Raises BuildError when a digest has errors, an input cannot be read (a digest, maybe), or the
    taxonomy has no topic: the catalog is made from the digests, and one left out would have notes
    about its papers told they name no paper.
    Problems of the settings, the taxonomy (whose topics with problems stand in, see
    `parse_taxonomy`), notes and pages wait for the catalog, which checks a note's slug and merges
    the digests, so that one run reports everything (a typo in site.yaml hid every problem of the
    notes and digests)."""
    start = len(problems.errors)
    inputs = reader.load(options.content_dir, problems) if inputs is None else inputs
    settings_source = inputs.settings.source if inputs.settings else Source("content/site.yaml")
    unread = len(problems.errors) - start  # files that could not be read (a digest among them, maybe)
    settings = parse_settings(inputs.settings.text if inputs.settings else None, settings_source, problems)
    settings = with_overrides(settings, options)
    topics = parse_taxonomy(inputs.topics, problems) if inputs.topics else ()
    slugs = {t.slug for t in topics}
    context = parse_context(settings.year, slugs)
    key = cache.input_keys.key if cache.input_keys is not None else input_key
    errors_before = len(problems.errors)
    digest_keys = {f.source.path: key(context, f) for f in inputs.digests}
    parsed = _parsed_digests(cache, inputs.digests, digest_keys, settings.year, slugs)
    digests = []
    for f in inputs.digests:
        result, found = cache.memo("digest", digest_keys[f.source.path], partial(parsed.__getitem__, f.source.path))
        problems.items.extend(found)
        if result:
            digests.append(result)
    # a taxonomy without one topic that stands (an error of its own) leaves papers nothing to have
    catalog_inputs_failed = unread or len(problems.errors) > errors_before or not topics
    notes = [_remembered(cache, "note", key(context, f), partial(parse_note, f, slugs), problems) for f in inputs.notes]
    hand_written = [p for f in inputs.pages if (p := parse_page(f, problems))]
    if catalog_inputs_failed:  # the catalog's check of one digest a day, which it does not reach
        read = {digest.source.path for digest in digests}
        named = (  # a digest that could not be read, by the date its name gives
            DigestFile(given.date, (), file.source)
            for file in inputs.digests
            if file.source.path not in read and (given := date_from_file_name(file, Problems()))
        )
        check_unique_dates([*digests, *named], problems)
        problems.raise_if_errors()
    taxonomy = taxonomy_key(inputs.topics.text if inputs.topics else "")
    return Parsed(settings, topics, taxonomy, digests, notes, hand_written, digest_keys)


PLAIN_SLUGS_MEMO = "slugs"
"""The papers' titles with their plain slugs (`CatalogMemo.plain_slugs`), remembered whole: slugify
is slow, and a day adds a few titles."""


TOPICS_MEMO = "topics"
"""Papers' topics under one taxonomy, by their text's hash (`model.text_hash`), kept in a memo per
digest file (the key: `topics_key`) for the papers classified while their newest listing was in it:
not a memo per paper (at 10k papers, reading 10,000 memos cost a day's build 0.06 s), nor one for
all (which a day's digest changed, so that it was encoded again whole). A text is classified once
under a taxonomy, whichever digest lists it later; the memos of the digest files there are now are
kept (those of files edited or removed go, their papers' topics moved to the current files')."""


def topics_key(taxonomy: str, digest: str) -> str:
    """Where the topics of one digest file's papers are remembered: the taxonomy and the file (their
    `taxonomy_key` and `input_key`: hashes, put side by side rather than hashed again)."""
    return f"{taxonomy[:32]}{digest[:32]}"


Assigned = dict[str, tuple[TopicAssignment, ...]]
"""Papers' topics by their text's hash."""


def _remember_topics(cache: BuildCache, key: str, last: Assigned, new: Assigned) -> None:
    """One digest file's memo of topics, with `new` ones added (as it was read if there are none)."""
    if not last and not new:
        return
    if new.keys() <= last.keys():
        cache.memo(TOPICS_MEMO, key, lambda: last)  # not encoded again
    else:
        cache.update(TOPICS_MEMO, key, lambda _: {**last, **new})


def make_catalog(parsed: Parsed, problems: Problems, cache: BuildCache) -> Catalog:
    """Papers merged across digests, with their topics (classified in parallel, remembered by text)
    and their titles' slugs (remembered together)."""
    classifier = Classifier.for_topics(parsed.topics)

    def classify_all(entries: Sequence[Entry]) -> list[tuple[TopicAssignment, ...]]:
        files = {path: topics_key(parsed.taxonomy, key) for path, key in parsed.digest_keys.items()}
        taxonomy = topics_key(parsed.taxonomy, "")  # what every key under this taxonomy begins with
        same_taxonomy = {key: last for key, last in cache.peek_all(TOPICS_MEMO).items() if key.startswith(taxonomy)}
        known: Assigned = {hashed: topics for last in same_taxonomy.values() for hashed, topics in last.items()}
        missing = list({e.text_hash: e for e in entries if e.text_hash not in known}.values())
        classified = fork_map(lambda i: classifier.assign(missing[i].title, missing[i].abstract), range(len(missing)))
        known.update(zip((entry.text_hash for entry in missing), classified, strict=True))
        new: dict[str, Assigned] = {}
        for entry in entries:  # (an entry of no digest file read is in one only a cache edited by hand holds)
            key = files.get(entry.source.path, taxonomy)
            new.setdefault(key, {})[entry.text_hash] = known[entry.text_hash]
        for key in {*files.values(), *new}:
            _remember_topics(cache, key, same_taxonomy.get(key, {}), new.get(key, {}))
        return [known[entry.text_hash] for entry in entries]

    remembered = cache.peek(PLAIN_SLUGS_MEMO, "last")
    if cache.catalog is None:
        cache.catalog = CatalogMemo(plain_slugs=remembered or {})
    memo = cache.catalog
    catalog = build_catalog(parsed.digests, parsed.topics, parsed.notes, problems, classify_all, memo)
    problems.raise_if_errors()
    if memo.plain_slugs == remembered:
        cache.memo(PLAIN_SLUGS_MEMO, "last", lambda: remembered)  # kept as it was read: not encoded again
    else:
        cache.update(PLAIN_SLUGS_MEMO, "last", lambda _: memo.plain_slugs)
    return catalog


def load_catalog(options: BuildOptions) -> Catalog:
    """The validated catalog alone, for commands that report on it (`build.py topics`); raises BuildError."""
    cache, problems = BuildCache.empty(), Problems()
    return make_catalog(parse_inputs(options, problems, cache), problems, cache)
