"""The topic taxonomy, `content/topics.yaml`, and the curator's choice of topics for a paper."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from site_src.catalog.model import MAX_TOPICS, Topic
from site_src.catalog.terms import plain_words, words
from site_src.errors import Problems, Source, did_you_mean
from site_src.inputs.reader import TextFile
from site_src.inputs.schema import key, read_keys
from site_src.inputs.yaml_lines import LineDict, LineList, load
from site_src.markup import quoted

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015/_.,:;'\u2019()\"]+")
"""What may stand between a keyword's words without changing what it matches."""

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""Use with fullmatch."""


def _check_slug(value: str) -> str:
    return "" if SLUG_PATTERN.fullmatch(value) else f'"{value}" is not a slug (lower-case letters, digits, hyphens)'


@dataclass(frozen=True, kw_only=True)
class TopicKeys:
    """One topic of `content/topics.yaml`."""

    slug: str = key("text", "the topic's address, e.g. continual-learning", required=True, check=_check_slug)
    name: str = key("text", "how pages show the topic, e.g. Continual Learning", required=True)
    description: str = key("text", "one line shown on the topic page", required=True)
    keywords: tuple[str, ...] = key("list", "words and phrases that signal the topic", required=True)


def item_lines(mapping: LineDict, name: str) -> tuple[int, ...]:
    """The line of each item of a list value (none for a single text): where a repeat is."""
    value = mapping.get(name)
    return tuple(value.item_lines) if isinstance(value, LineList) else ()


def check_topics(
    topics: tuple[str, ...], known: Collection[str], source: Source, problems: Problems, lines: Sequence[int] = ()
) -> tuple[str, ...]:
    """The curator's topic choice, keeping known slugs, each once; unknown ones get the closest valid
    slug, and a repeat is an error (the paper showed the topic twice, and was counted twice on its
    page and in topics.json). `source` is the `topics:` line; `lines`, when given, each item's."""
    first: dict[str, int] = {}
    for place, slug in enumerate(topics):
        line = lines[place] if len(lines) == len(topics) else source.line
        if slug in first:
            earlier = f" (first at line {first[slug]})" if first[slug] != line else ""
            problems.error(source.at(line), f'topic "{slug}" is given twice{earlier}', "delete the repeat")
            continue
        first[slug] = line
        if slug not in known:
            problems.error(source.at(line), f'unknown topic "{slug}"', did_you_mean(slug, known))
    if len(first) > MAX_TOPICS:
        problems.error(source, f"{len(first)} topics given", f"choose at most {MAX_TOPICS}")
    return tuple(slug for slug in first if slug in known)[:MAX_TOPICS]


def _check_keywords(keywords: tuple[str, ...], source: Source, lines: Sequence[int], problems: Problems) -> None:
    """Keywords that match other than as written: warnings, as the topic still matches on the rest
    (and on its name and description). A topic none of whose keywords has a letter or digit is an
    error, as `keywords: []` is: only its name and description, weak evidence, would be left to it."""
    if not any(plain_words(keyword) for keyword in keywords):
        hint = "give it words papers use, in letters a-z and digits"
        problems.error(source, "no keyword of the topic has letters or digits: none can match a paper", hint)
        return
    spell = "spell it in plain letters as papers do"
    first: dict[tuple[str, ...], tuple[int, int]] = {}  # each phrase's first keyword (its place) and line
    for place, keyword in enumerate(keywords):
        at = source.at(lines[place]) if len(lines) == len(keywords) else source
        matched = " ".join(plain_words(keyword))
        if not matched:
            problems.warn(
                at, f"keyword {quoted(keyword)} has no letters or digits: it matches nothing", f"delete it, or {spell}"
            )
            continue
        as_written = _SEPARATORS.sub(" ", keyword.lower()).strip()
        if matched != as_written:
            hint = f"only letters a-z and digits are matched, other characters are dropped: {spell}, or delete it"
            problems.warn(at, f'keyword {quoted(keyword)} is matched as "{matched}"', hint)
        earlier_place, line = first.setdefault(tuple(words(keyword)), (place, at.line))
        if earlier_place == place:
            continue
        earlier = keywords[earlier_place]
        elsewhere = line != at.line  # a flow list's keywords are all on one line
        if earlier.lower() == keyword.lower():
            first_at = f" (first at line {line})" if elsewhere else ""
            problems.warn(at, f"keyword {quoted(keyword)} is given twice{first_at}", "delete the repeat")
            continue
        alike = all(" ".join(plain_words(k)) == _SEPARATORS.sub(" ", k.lower()).strip() for k in (earlier, keyword))
        hint = "delete one of them" + (
            ": hyphens and spaces match alike, and so do singular and plural" if alike else ""
        )
        problems.warn(
            at,
            f"keyword {quoted(keyword)} matches what {quoted(earlier)}{f' (line {line})' if elsewhere else ''} matches",
            hint,
        )


def parse_taxonomy(file: TextFile, problems: Problems) -> tuple[Topic, ...]:
    """Read topics.yaml: a list of topics, each with slug, name, description and keywords. A topic
    with problems (reported) but a slug stands in with what it has, so that the rest of the site is
    still checked against every slug the file names: notes choosing it are not told it is unknown."""
    hint = "start each topic with - slug:, then name:, description: and keywords:"
    data = load(LineList, file.text, file.source.at(1), problems, "the taxonomy", hint)
    if data is None:
        return ()
    topics: list[Topic] = []
    # each slug's first topic: its place in the list (two may share a line, [{…}, {…}]) and its line
    first: dict[str, tuple[int, int]] = {}
    for place, (item, line) in enumerate(zip(data, data.item_lines, strict=True)):
        at = file.source.at(line)
        if not isinstance(item, LineDict):
            problems.error(at, "each topic must be a mapping", "give slug:, name:, description: and keywords:")
            continue
        values = read_keys(item, TopicKeys, file.source, "the topic", problems)
        if "slug" in values:  # told even when either topic has other problems: one run tells everything
            first_place, first_line = first.setdefault(values["slug"], (place, line))
            if first_place != place:
                message = f'topic "{values["slug"]}" is defined twice (first at line {first_line})'
                problems.error(at, message, "give each topic its own slug")
                continue
        if "keywords" in values:
            _check_keywords(values["keywords"], at.at(item.line_of("keywords")), item_lines(item, "keywords"), problems)
        if "slug" not in values:
            continue
        topics.append(
            Topic(
                slug=values["slug"],
                name=values.get("name", values["slug"]),
                description=values.get("description", ""),
                keywords=values.get("keywords", ()),
                source=at,
            )
        )
    return tuple(topics)
