"""The topic taxonomy, `content/topics.yaml`, and the curator's choice of topics for a paper."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from site_src.catalog.model import MAX_TOPICS, Topic
from site_src.errors import Problems, Source, did_you_mean
from site_src.inputs.reader import TextFile
from site_src.inputs.schema import key, read_keys
from site_src.inputs.yaml_lines import LineDict, LineList, load

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


def check_topics(
    topics: tuple[str, ...], known: Collection[str], source: Source, problems: Problems
) -> tuple[str, ...]:
    """The curator's topic choice, keeping known slugs; unknown ones get the closest valid slug."""
    for slug in topics:
        if slug not in known:
            problems.error(source, f'unknown topic "{slug}"', did_you_mean(slug, known))
    if len(topics) > MAX_TOPICS:
        problems.error(source, f"{len(topics)} topics given", f"choose at most {MAX_TOPICS}")
    return tuple(slug for slug in topics if slug in known)[:MAX_TOPICS]


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
