"""The topic taxonomy (`content/topics.yaml`) and the automatic assignment of topics to papers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from .content import TextFile
from .errors import Problems, Source
from .model import Topic, TopicAssignment
from .yamldoc import Field, LineDict, LineList, did_you_mean, load, read_fields

MAX_TOPICS = 3
TITLE_WEIGHT = 3.0
"""A keyword in the title says more about the paper than the same keyword in the abstract."""
MIN_SCORE = 2.0
"""A second or third topic needs at least this much evidence..."""
MIN_SHARE = 0.35
"""...and at least this share of the strongest topic's score."""
MAX_HITS = 3
"""More mentions of one keyword stop adding evidence."""

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""Use with fullmatch."""


def _check_slug(value: str) -> str:
    return "" if SLUG_PATTERN.fullmatch(value) else f'"{value}" is not a slug (lower-case letters, digits, hyphens)'


TOPIC_SCHEMA: dict[str, Field] = {
    "slug": Field("text", "the topic's address, e.g. continual-learning", required=True, check=_check_slug),
    "name": Field("text", "how pages show the topic, e.g. Continual Learning", required=True),
    "description": Field("text", "one line shown on the topic page", required=True),
    "keywords": Field("list", "words and phrases that signal the topic", required=True),
}


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
    """Read topics.yaml: a list of topics, each with slug, name, description and keywords."""
    data = load(file.text, file.source.at(1), problems)
    if data is None:
        return ()
    if not isinstance(data, LineList) or not data:
        problems.error(file.source.at(1), "the taxonomy must be a list of topics", "start each topic with - slug:")
        return ()
    topics: list[Topic] = []
    for item, line in zip(data, data.item_lines, strict=True):
        at = file.source.at(line)
        if not isinstance(item, LineDict):
            problems.error(at, "each topic must be a mapping", "give slug:, name:, description: and keywords:")
            continue
        values = read_fields(item, TOPIC_SCHEMA, file.source, "the topic", problems)
        if len(values) < len(TOPIC_SCHEMA):
            continue
        clash = next((t for t in topics if t.slug == values["slug"]), None)
        if clash is not None:
            problems.error(
                at,
                f'topic "{values["slug"]}" is defined twice (first at line {clash.source.line})',
                "give each topic its own slug",
            )
            continue
        topics.append(
            Topic(
                slug=values["slug"],
                name=values["name"],
                description=values["description"],
                keywords=values["keywords"],
                source=at,
            )
        )
    return tuple(topics)


_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """Plural to singular, crudely but symmetrically: keywords and texts go through the same rule."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case word stems of a text, in order."""
    return [_stem(w) for w in _WORD.findall(text.lower())]


Phrase = tuple[str, ...]


def count_phrases(tokens: Sequence[str], by_first_word: dict[str, list[Phrase]]) -> Counter[Phrase]:
    """How often each phrase occurs in `tokens`: one pass, looking only at phrases that can start here."""
    counts: Counter[Phrase] = Counter()
    for start, token in enumerate(tokens):
        for phrase in by_first_word.get(token, ()):
            if len(phrase) == 1 or tuple(tokens[start : start + len(phrase)]) == phrase:
                counts[phrase] += 1
    return counts


@dataclass(frozen=True)
class Classifier:
    """Keyword evidence for each topic, prepared once for the whole catalog."""

    topics: tuple[Topic, ...]
    phrases: tuple[tuple[Phrase, ...], ...]
    """Per topic, its keywords as word-stem tuples."""
    by_first_word: dict[str, list[Phrase]]
    """Every keyword phrase, by its first word."""
    profiles: tuple[frozenset[str], ...]
    """Per topic, the stems of its name and description: the fallback when no keyword matches."""

    @classmethod
    def for_topics(cls, topics: Iterable[Topic]) -> Classifier:
        """Prepare the keyword phrases of a taxonomy."""
        topics = tuple(topics)
        phrases = tuple(tuple(tuple(words(k)) for k in t.keywords if words(k)) for t in topics)
        by_first_word: dict[str, list[Phrase]] = {}
        for phrase in sorted({p for topic_phrases in phrases for p in topic_phrases}):
            by_first_word.setdefault(phrase[0], []).append(phrase)
        profiles = tuple(frozenset(words(f"{t.name} {t.description}")) for t in topics)
        return cls(topics, phrases, by_first_word, profiles)

    def assign(self, title: str, abstract: str) -> tuple[TopicAssignment, ...]:
        """The paper's 1-3 strongest topics, each with its score and the keywords behind it."""
        title_words, abstract_words = words(title), words(abstract)
        in_title = count_phrases(title_words, self.by_first_word)
        in_abstract = count_phrases(abstract_words, self.by_first_word)
        scored = []
        for index, (topic, phrases) in enumerate(zip(self.topics, self.phrases, strict=True)):
            evidence: dict[str, float] = {}
            for phrase in phrases:
                weight = 1.0 + 0.5 * (len(phrase) - 1)
                hits = TITLE_WEIGHT * min(in_title[phrase], 1) + min(in_abstract[phrase], MAX_HITS)
                if hits:
                    evidence[" ".join(phrase)] = weight * hits
            score = round(sum(evidence.values()), 2)
            reasons = tuple(sorted(evidence, key=lambda k: (-evidence[k], k)))
            scored.append((score, -index, topic.slug, reasons))
        scored.sort(reverse=True)
        best = scored[0][0]
        if best == 0:
            return (self._closest_by_description(title_words + abstract_words),)
        chosen = [s for s in scored[:MAX_TOPICS] if s is scored[0] or (s[0] >= MIN_SCORE and s[0] >= MIN_SHARE * best)]
        return tuple(TopicAssignment(slug, score, reasons) for score, _, slug, reasons in chosen)

    def _closest_by_description(self, paper_words: list[str]) -> TopicAssignment:
        """With no keyword at all, the topic whose description shares most words with the paper."""
        present = set(paper_words)
        overlaps = [(len(present & profile), -i) for i, profile in enumerate(self.profiles)]
        overlap, negative_index = max(overlaps)
        topic = self.topics[-negative_index]
        shared = tuple(sorted(present & self.profiles[-negative_index]))
        return TopicAssignment(topic.slug, float(overlap), shared)
