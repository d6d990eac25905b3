"""The automatic assignment of topics to papers: TF-IDF over each topic's profile, with the words behind it."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from site_src.catalog.model import MAX_TOPICS, Topic, TopicAssignment
from site_src.catalog.terms import DESCRIPTION_TERM, GLUE_WORDS, topical_text, words

Phrase = tuple[str, ...]


def count_phrases(tokens: Sequence[str], by_first_word: Mapping[str, Sequence[Phrase]]) -> Counter[Phrase]:
    """How often each phrase occurs in `tokens`, reading left to right and taking the longest phrase at
    each place: "direct preference optimization" counts once, not also as "optimization"."""
    counts: Counter[Phrase] = Counter()
    start, end, candidates_at = 0, len(tokens), by_first_word.get
    while start < end:
        for phrase in candidates_at(tokens[start], ()):
            length = len(phrase)
            if length == 1 or tuple(tokens[start : start + length]) == phrase:
                counts[phrase] += 1
                start += length
                break
        else:
            start += 1
    return counts


@dataclass(frozen=True)
class Tuning:
    """The classifier's numbers; tests/test_topic_quality.py checks them on digests they were not tuned on."""

    title_weight: float = 4.0
    """A phrase in the title says more about the paper than the same phrase in the abstract."""
    max_hits: int = 3
    """More mentions of one phrase in the abstract stop adding evidence."""
    description_weight: float = 0.25
    """A word of a topic's name or description is weaker evidence than one of its keywords."""
    min_share: float = 0.35
    """A second or third topic needs at least this share of the strongest topic's score..."""
    min_score: float = 3.0
    """...and at least this much evidence of its own."""


@dataclass(frozen=True)
class Classifier:
    """Each topic's profile (its keywords, name and description) as weighted phrases, prepared once.

    A paper's score for a topic is a TF-IDF dot product: each profile phrase found in the paper counts
    by where it was found (title or abstract, mentions capped), times its weight in the profile (keyword,
    longer keyword, description word), times its rarity among the topics (a phrase in one profile only
    weighs 1, one shared by several topics less). Assignment is a pure function of the taxonomy and the
    paper's title and abstract.
    """

    topics: tuple[Topic, ...]
    weights: dict[Phrase, tuple[tuple[int, float], ...]]
    """Per phrase, the topics (by index) whose profile holds it and its weight there."""
    by_first_word: dict[str, tuple[Phrase, ...]]
    """Every profile phrase by its first word, longest first."""
    labels: dict[Phrase, str]
    """How reasons show each phrase: the keyword as the curator wrote it, or the description's word."""
    tuning: Tuning = Tuning()

    @classmethod
    def for_topics(cls, topics: Iterable[Topic], tuning: Tuning = Tuning()) -> Classifier:
        """Prepare the profiles of a taxonomy."""
        topics = tuple(topics)
        profiles: list[dict[Phrase, float]] = []
        labels: dict[Phrase, str] = {}
        for topic in topics:
            profile: dict[Phrase, float] = {}
            for term in DESCRIPTION_TERM.findall(f"{topic.name} {topic.description}".lower()):
                phrase = tuple(words(term))
                if phrase and term not in GLUE_WORDS:
                    profile[phrase] = tuning.description_weight
                    labels.setdefault(phrase, term)
            for keyword in topic.keywords:
                phrase = tuple(words(keyword))
                if phrase:
                    profile[phrase] = 1.0 + 0.5 * (len(phrase) - 1)
                    labels[phrase] = keyword.lower()
            profiles.append(profile)
        spread = Counter(phrase for profile in profiles for phrase in profile)
        most = math.log(1 + len(topics))
        weights: dict[Phrase, list[tuple[int, float]]] = {}
        for index, profile in enumerate(profiles):
            for phrase, weight in profile.items():
                rarity = math.log(1 + len(topics) / spread[phrase]) / most
                weights.setdefault(phrase, []).append((index, weight * rarity))
        by_first_word: dict[str, list[Phrase]] = {}
        for phrase in sorted(weights, key=lambda p: (-len(p), p)):
            by_first_word.setdefault(phrase[0], []).append(phrase)
        return cls(
            topics,
            {phrase: tuple(entries) for phrase, entries in weights.items()},
            {word: tuple(phrases) for word, phrases in by_first_word.items()},
            labels,
            tuning,
        )

    def scores(self, title: str, abstract: str) -> list[tuple[float, int, tuple[str, ...]]]:
        """Every topic's score, index and deciding phrases (strongest first), best topic first."""
        in_title = count_phrases(words(title), self.by_first_word)
        in_abstract = count_phrases(words(topical_text(abstract)), self.by_first_word)
        evidence: list[dict[str, float]] = [{} for _ in self.topics]
        for phrase in in_title.keys() | in_abstract.keys():
            hits = self.tuning.title_weight * min(in_title[phrase], 1) + min(in_abstract[phrase], self.tuning.max_hits)
            for index, weight in self.weights[phrase]:
                evidence[index][self.labels[phrase]] = hits * weight
        scored = []
        for index, found in enumerate(evidence):
            reasons = tuple(sorted(found, key=lambda k: (-found[k], k)))
            scored.append((round(sum(found.values()), 2), index, reasons))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return scored

    def assign(self, title: str, abstract: str) -> tuple[TopicAssignment, ...]:
        """The paper's 1-3 strongest topics, each with its score and the phrases behind it; a paper with no
        evidence at all gets the taxonomy's first topic with a score of 0 (the topics table shows it)."""
        scored = self.scores(title, abstract)
        best = scored[0][0]
        chosen = [scored[0]] + [
            s for s in scored[1:MAX_TOPICS] if s[0] >= self.tuning.min_score and s[0] >= self.tuning.min_share * best
        ]
        return tuple(TopicAssignment(self.topics[index].slug, score, reasons) for score, index, reasons in chosen)
