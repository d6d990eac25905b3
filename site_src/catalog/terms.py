"""Words into terms for topics and related papers: one singular rule (`stem`) and one rule for what
part of an abstract is topical, so that a topic's keywords and a paper's words meet.

Two stop-word lists, on purpose: topic profiles drop only `GLUE_WORDS` (a description's "model" or
"task" may be what a topic is about), while related papers also drop `COMMON_WORDS`, the research
vocabulary every abstract shares ("improve", "results"), which would otherwise relate everything.

The search index does not use these: its terms must equal what lunr.js makes of a query in the
browser (Porter stems, lunr's stop words; see `search/analysis.py`), and Porter stems ("diffus")
would read badly where readers see these terms: a topic's "why" and "related through".
"""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"[a-z0-9]+")
DESCRIPTION_TERM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A word of a description; hyphenated words such as fine-tuning stay one term."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LINK = re.compile(r"https?://|www\.|github\.com", re.IGNORECASE)
GLUE_WORDS = frozenset(
    "a about an and are as at before by came for from how in into is it "  # noqa: SIM905 - words read best as words
    "its of on or other over that the their them they this to what which with without".split()
)
"""Glue words of the topic descriptions, which say nothing about a topic."""


@functools.lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Plural to singular, crudely but symmetrically: keywords and texts go through the same rule.

    Remembered: a corpus repeats few distinct words millions of times."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case word stems of a text, in order."""
    return [stem(w) for w in plain_words(text)]


def plain_words(text: str) -> list[str]:
    """The lower-case words `words` finds in a text, before `stem`: what of a keyword is matched
    ("C++" is "c", "naïve" is "na ve"; "---" is nothing)."""
    return _WORD.findall(text.lower())


def topical_text(abstract: str) -> str:
    """The abstract without its sentences that hold links: "Our code is available at https://..." is
    about where to find the code, not about what the paper studies."""
    lowered = abstract.lower()
    if "://" not in lowered and "www." not in lowered and "github.com" not in lowered:  # most abstracts
        return abstract
    return " ".join(s for s in _SENTENCE_END.split(abstract) if not _LINK.search(s))


RELATED_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
COMMON_WORDS = frozenset(
    "ability able about above achieve achieved achieves achieving across additional additionally address "  # noqa: SIM905 - words read best as words
    "addresses addressing after again against aim aims all allow allows already also alternative "
    "although among an analyze analyzed and another any applied apply applying approach approaches "
    "appropriate are area areas around aspect aspects available based because been before being below "
    "better between beyond both bring brings but called can case cases certain challenge challenges "
    "challenging clear clearly close closer common commonly comparable compared comparison competitive "
    "comprehensive conduct conducted consider considered consistently contrast contribute contributes "
    "contribution contributions could critical critically current currently demonstrate demonstrated "
    "demonstrates demonstrating depend depends describe described design designed despite detailed "
    "develop developed different difficult directly discuss does doing due during each easily effect "
    "effective effectively effects efficacy efforts either empirical empirically enable enables ensure "
    "especially essential establish etc evaluate evaluated evaluation evaluations even every evidence "
    "example examples existing explore explored explores exploring extensive extensively fact factor "
    "factors far few find finding findings finds first focus focuses following for found four from fully "
    "further furthermore general generally given good great greatly has have having help helps here high "
    "higher highly hope how however idea identify important improve improved improvement improvements "
    "improves improving include includes including increase increasing indeed instead interesting into "
    "introduce introduced introduces investigate investigated investigates issue issues its itself just "
    "key known lack large largely larger last lead leading leads learn learned learns least less level "
    "levels like likely limited literature little long low lower main mainly make makes making manner "
    "many may method methods might more moreover most mostly much must need needs new not notably novel "
    "now number numerous observe observed obtain obtained off offer offers often once one only onto "
    "order other others our ours out outperform outperforms over overall own paper papers particular "
    "particularly per perform performance performs possible potential potentially practical practice "
    "present previous previously primarily prior problem problems process promising property propose "
    "proposed provide provides providing quality question questions range rather recent recently reduce "
    "reduced reduces related relatively remain remains report reported require required requires "
    "research respectively result results reveal reveals same second seek seen serve set sets setting "
    "settings several shall should show showing shown shows significant significantly similar similarly "
    "simple simply since single small so solution solutions some specific specifically standard state "
    "still strong stronger studied studies study substantial substantially successful such suggest "
    "suggests superior support system systems take takes task tasks technique techniques term terms than "
    "that the their them then there these they this those three through thus time times together total "
    "towards traditional true two type types typically under understand understanding unique until upon "
    "use used uses using variety various varying version versus very via view was way ways well were "
    "what when where whereas whether which while who whose why wide widely will with within without work "
    "works would yet yield yields you your ".split()
)
"""English glue words and the boilerplate of abstracts ("we propose a novel approach")."""


@functools.lru_cache(maxsize=1 << 18)
def related_term(word: str) -> str:
    """The term a word counts for ("" for glue words): its parts' singulars, joined by hyphens."""
    if len(word) <= 2 or word in COMMON_WORDS:
        return ""
    return "-".join(stem(part) for part in word.split("-"))
