"""Words and search terms: the text analysis the index is built with, mirrored by the browser's.

lunr.js analyses queries in the browser and this module analyses titles and abstracts at build
time; a word is findable only if both sides turn it into the same term. `words` is mirrored in
`templates/static/search-query.js` (`words`), and the terms come from lunr's own
pipeline (trimmer, stop words, Porter stemmer) with lunr.py's stemmer corrected to stem as
lunr.js does. tests/test_search_parity.py runs both sides on the whole corpus vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

_MARKS = re.compile("[\u0300-\u036f]")
_POSSESSIVE = re.compile("['\u2019]s(?![a-z0-9])")
_APOSTROPHES = re.compile("['\u2019]")
_WORD = re.compile("[a-z0-9]+")
_COMPOUND = re.compile("(?<![a-z0-9])[a-z0-9]+(?:-[a-z0-9]+)+")
"""Words joined by hyphens (pre-training, state-of-the-art); the lookbehind only saves trying each
word's every letter (search-query.js's pattern, without it, finds the same). Mirrored there."""
_PLUS_PLUS = re.compile(r"(?<=[a-z0-9])\+\+")
_SHARP = re.compile(r"(?<![a-z0-9])([cf])#")
"""C++ and C# are words of their own (cpp, csharp): read as "c", they were every author's initial C."""
LETTERS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
"""Latin letters that NFKD leaves whole (they are not a letter and an accent), as their usual ASCII
spelling: Søren → soren, Łukasz → lukasz, Straße → strasse. Mirrored in search-query.js."""
_LETTER_TABLE = str.maketrans(LETTERS)
GREEK = (
    *("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"),
    *("nu", "xi", "omicron", "pi", "rho", "sigma", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"),
)
"""The names of the Greek letters α to ω (U+03B1–U+03C9, final ς among them). A Greek letter on its
own, as mathematics and model names use them, is spelt by its name, as their ASCII spellings do:
β-VAE → beta vae, μP → mup (muP), Q(λ) → q lambda; "beta vae" finds β-VAE, and so does "β-VAE".
Letters in a run (a Greek word) separate words, as other scripts do. Mirrored in search-query.js."""
_GREEK_RUN = re.compile("[\u03b1-\u03c9]+")
_DASHES = re.compile("[\u2010\u2011\u2013]")
"""The hyphen, the non-breaking hyphen and the en dash that word processors put for "-": a compound
written with one (pre–training) is one (`words_and_compounds`). Mirrored in search-query.js."""


def words(text: str) -> list[str]:
    """A text as lower-case ASCII words: accents dropped, possessives and apostrophes removed,
    C++ and C# spelt cpp and csharp, every other character a separator (Tweedie's → tweedie,
    don't → dont, GPT-4o → gpt 4o, naïve → naive, Zoë → zoe, Łukasz → lukasz, β-VAE → beta vae,
    μP → mup; letters without an ASCII form, such as a Greek word or CJK, separate words)."""
    return _WORD.findall(_folded(text))


def words_and_compounds(text: str) -> tuple[list[str], list[str]]:
    """A text's `words`, and each hyphenated compound of it joined (pre-training → pretraining,
    GPT-4o → gpt4o): the index holds a compound joined too where papers also write it so
    (`lunrindex.build`), so that "pretraining" and "pre-training" find the same papers; the
    browser asks for a compound joined first (search-query.js `words(text, true)`)."""
    folded = _folded(text)
    if "-" not in folded:
        return _WORD.findall(folded), []
    hyphenated = [part for part in folded.split() if "-" in part]  # no compound spans a space: 3x faster
    return _WORD.findall(folded), [c.replace("-", "") for part in hyphenated for c in _COMPOUND.findall(part)]


def _folded(text: str) -> str:
    """A text lower-cased, folded to ASCII and spelt as `words` reads it, its separators still in it."""
    if text.isascii():
        folded = text.lower()
    else:
        folded = _MARKS.sub("", unicodedata.normalize("NFKD", text).lower()).translate(_LETTER_TABLE)
        folded = _DASHES.sub("-", _GREEK_RUN.sub(_greek_name, folded))
    if "'" in folded or "\u2019" in folded:  # most texts have none: two passes saved
        folded = _APOSTROPHES.sub("", _POSSESSIVE.sub("", folded))
    if "+" in folded or "#" in folded:
        folded = _SHARP.sub(r"\1sharp", _PLUS_PLUS.sub("pp", folded))
    return folded


def _greek_name(run: re.Match[str]) -> str:
    """A lone Greek letter's name; a run of them (a Greek word) as it is, a separator."""
    letters = run.group()
    return GREEK[ord(letters) - 0x3B1] if len(letters) == 1 else letters


class _LunrJsStemmer(PorterStemmer):  # type: ignore[misc]  # lunr.py ships no type hints
    """lunr.py's Porter stemmer, stemming as lunr.js does."""

    b: str
    """The word being stemmed (lunr.py's names: b the buffer, k its last letter, j the stem's end)."""
    j: int
    k: int
    k0: int

    def step1c(self) -> None:
        """A final y becomes i only after a consonant that is not the word's first letter.

        lunr.py follows Porter's reference code (after any vowel: key → kei, deploy → deploi);
        lunr.js, which stems every query, does not, so terms built the reference way are never
        asked for."""
        if self.ends("y") and self.j > self.k0 and self.b[self.j] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]


_stemmer = _LunrJsStemmer()


def stemmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """The pipeline function: lunr.js's stemming, for lunr.py's pipeline."""
    return token.update(_stemmer.stem)


PIPELINE: tuple[Callable[..., Token | None], ...] = (trimmer, stop_word_filter, stemmer)
"""What lunr.js's builder runs on every word (lunr's default pipeline), in order."""


def term_of(word: str) -> str | None:
    """The index term of one word (None for a stop word): lunr's pipeline, run once."""
    token: Token | None = Token(word)
    for step in PIPELINE:
        token = step(token)
        if token is None:
            return None
    return str(token)
