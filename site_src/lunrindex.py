"""A lunr index built in one pass and written in lunr's serialized format, whole or in pieces.

The whole index is the one lunr.py builds from the same documents (same terms, term numbers,
BM25 weights and JSON, byte for byte: tests/test_search_index.py), only faster: lunr's pipeline
runs once per distinct word instead of once per occurrence, postings live in flat arrays, and
the JSON is written directly. A piece (some of the fields, a range of terms) is itself a valid
lunr index carrying the whole index's weights, so the browser loads only the pieces a query
needs, queries each with lunr.js, and adds the scores up.
"""

from __future__ import annotations

import json
import math
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .analysis import term_of, words

LUNR_VERSION = "2.3.9"
"""The lunr.js release the serialized format is for (the one lunr.py 0.8 targets)."""
K1, B = 1.2, 0.75
"""lunr's BM25 parameters (its defaults)."""


@dataclass(frozen=True)
class Field:
    """An indexed field and its weight (lunr's field boost)."""

    name: str
    boost: int = 1


@dataclass(frozen=True)
class Document:
    """What is indexed of one document: its ref and one text per field, in the fields' order."""

    ref: str
    texts: tuple[str, ...]


@dataclass
class _Postings:
    """Who has each term in one field: per term, the documents in order, how often each has it,
    and the word number of every occurrence (lunr's `index` metadata)."""

    docs: dict[int, array[int]] = field(default_factory=dict)
    counts: dict[int, array[int]] = field(default_factory=dict)
    positions: dict[int, array[int]] = field(default_factory=dict)

    def add(self, doc: int, where: dict[int, list[int]]) -> None:
        """Record where one document has each of its terms (documents arrive in order)."""
        for term, places in where.items():
            docs = self.docs.get(term)
            if docs is None:
                docs = self.docs[term] = array("i")
                self.counts[term], self.positions[term] = array("i"), array("i")
            docs.append(doc)
            self.counts[term].append(len(places))
            self.positions[term].extend(places)


@dataclass
class LunrIndex:
    """An index ready to be written: terms, postings and the numbers BM25 needs."""

    fields: tuple[Field, ...]
    positions: bool
    """Whether postings carry word positions (lunr's `index` metadata, for phrase queries)."""
    refs: list[str] = field(default_factory=list)
    term_ids: dict[str, int] = field(default_factory=dict)
    """Each term's number: the order in which documents first used it, as lunr numbers them."""
    postings: list[_Postings] = field(default_factory=list)
    """One per field."""
    vectors: list[tuple[array[int], array[int]]] = field(default_factory=list)
    """Per (document, field), document-major: term numbers in first-use order and their counts."""

    def length(self, slot: int) -> int:
        """How many terms a (document, field) has, stop words excluded."""
        return sum(self.vectors[slot][1])


class _TermNumbers:
    """Each distinct word's term number (-1 for a stop word): lunr's pipeline runs once per word."""

    def __init__(self, term_ids: dict[str, int]) -> None:
        self.term_ids = term_ids
        self.known: dict[str, int] = {}

    def of(self, text: str) -> list[int]:
        """The term number of every word of a text, in order."""
        known = self.known
        found = words(text)
        numbers = [known.get(word, -2) for word in found]
        if -2 in numbers:  # words seen for the first time, numbered in order of use as lunr does
            for place, word in enumerate(found):
                if numbers[place] == -2:
                    if word not in known:
                        term = term_of(word)
                        known[word] = -1 if term is None else self.term_ids.setdefault(term, len(self.term_ids))
                    numbers[place] = known[word]
        return numbers


def build(documents: Iterable[Document], fields: Sequence[Field], positions: bool = False) -> LunrIndex:
    """Index documents in the order given, as lunr's builder does."""
    index = LunrIndex(tuple(fields), positions, postings=[_Postings() for _ in fields])
    numbers = _TermNumbers(index.term_ids)
    for doc, document in enumerate(documents):
        index.refs.append(document.ref)
        for postings, text in zip(index.postings, document.texts, strict=True):
            where: defaultdict[int, list[int]] = defaultdict(list)
            for position, term in enumerate(numbers.of(text)):
                where[term].append(position)
            where.pop(-1, None)  # stop words
            postings.add(doc, where)
            index.vectors.append((array("i", where), array("i", map(len, where.values()))))
    return index


def weights(index: LunrIndex) -> list[list[tuple[int, float]]]:
    """Per (document, field), document-major: BM25 weight of each term, sorted by term number,
    computed exactly as lunr.py computes them (same operations in the same order, 3 decimals)."""
    count, width = len(index.refs), len(index.fields)
    lengths = [index.length(slot) for slot in range(len(index.vectors))]
    averages = [sum(lengths[f::width]) / count if count else 0.0 for f in range(width)]
    frequency = [0] * len(index.term_ids)
    for postings in index.postings:
        for term, docs in postings.docs.items():
            frequency[term] += len(docs)  # lunr counts a document once per field it has the term in
    idf = [math.log(1 + abs((count - n + 0.5) / (n + 0.5))) for n in frequency]
    saturation = [(K1 + 1) * tf for tf in range(max((max(c, default=0) for _, c in index.vectors), default=0) + 1)]
    result = []
    for slot, (terms, counts) in enumerate(index.vectors):
        f = slot % width
        scale = K1 * (1 - B + B * (lengths[slot] / averages[f]))
        boost = index.fields[f].boost
        pairs = [
            (t, round(idf[t] * saturation[tf] / (scale + tf) * boost, 3)) for t, tf in zip(terms, counts, strict=True)
        ]
        pairs.sort()
        result.append(pairs)
    return result


@dataclass(frozen=True)
class Piece:
    """Part of an index: some of its fields, and the terms from `first` on (up to the next piece's)."""

    group: str
    number: int
    fields: tuple[str, ...]
    first: str
    data: bytes


def _json(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class _Writer:
    """Writes postings and vectors as lunr's JSON (what json.dumps with sorted keys would write)."""

    index: LunrIndex
    table: list[list[tuple[int, float]]]
    refs: list[str] = field(default_factory=list)
    """Each document's ref as JSON."""
    rank: list[int] | None = None
    """Each document's place among the refs in string order, when that is not the documents' order."""

    def __post_init__(self) -> None:
        self.refs = [_json(ref) for ref in self.index.refs]
        ordered = sorted(range(len(self.refs)), key=self.index.refs.__getitem__)
        if ordered != list(range(len(ordered))):
            self.rank = [0] * len(ordered)
            for place, doc in enumerate(ordered):
                self.rank[doc] = place

    def posting(self, f: int, term: int) -> str:
        """The documents that have a term in one field, by ref (sorted), with word positions if kept."""
        postings = self.index.postings[f]
        docs = postings.docs.get(term)
        if docs is None:
            return ""
        refs = self.refs
        if self.index.positions:
            places = list(map(str, postings.positions[term]))
            entries, start = [], 0
            for doc, count in zip(docs, postings.counts[term], strict=True):
                entries.append(f'{refs[doc]}:{{"index":[{",".join(places[start : start + count])}]}}')
                start += count
        else:
            entries = [f"{refs[doc]}:{{}}" for doc in docs]
        if self.rank is not None:
            rank = self.rank
            entries = [entry for _, entry in sorted(zip([rank[doc] for doc in docs], entries, strict=True))]
        return ",".join(entries)

    def vector(self, key: str, pairs: Iterable[tuple[int, float]]) -> str:
        """One (document, field) vector: [term, weight, term, weight, ...]."""
        return f"[{key},[{','.join(f'{term},{weight!r}' for term, weight in pairs)}]]"


def _boundaries(index: LunrIndex, terms: list[str], chosen: list[int], max_postings: int | None) -> list[str]:
    """The first term of each piece: consecutive terms, each piece holding at most about
    `max_postings` postings of the chosen fields (one piece when None)."""
    firsts = [terms[0]] if terms else [""]
    if max_postings is None:
        return firsts
    held = 0
    for term in terms:
        size = sum(len(index.postings[f].docs.get(index.term_ids[term], ())) for f in chosen)
        if held and held + size > max_postings:
            firsts.append(term)
            held = 0
        held += size
    return firsts


def _write(vectors: list[str], names: list[str], postings: list[str]) -> bytes:
    """lunr's serialized index: compact JSON, keys sorted."""
    fields = ",".join(_json(n) for n in names)
    return (
        f'{{"fieldVectors":[{",".join(vectors)}],"fields":[{fields}],"invertedIndex":[{",".join(postings)}],'
        f'"pipeline":["stemmer"],"version":"{LUNR_VERSION}"}}'
    ).encode()


def _group_pieces(
    writer: _Writer, group: str, names: Sequence[str], max_postings: int | None, keep_empty: bool
) -> list[Piece]:
    """One group of fields cut into pieces by term ranges, written in one pass over the index."""
    index = writer.index
    width = len(index.fields)
    chosen = [f for f, fld in enumerate(index.fields) if fld.name in names]
    ids = index.term_ids
    terms = sorted(t for t in ids if keep_empty or any(ids[t] in index.postings[f].docs for f in chosen))
    firsts = _boundaries(index, terms, chosen, max_postings)
    piece_of = [0] * len(ids)
    for term in terms:
        piece_of[ids[term]] = bisect_right(firsts, term) - 1
    vectors: list[list[str]] = [[] for _ in firsts]
    for doc, ref in enumerate(index.refs):
        for f in chosen:
            key = _json(f"{index.fields[f].name}/{ref}")
            pairs = writer.table[doc * width + f]
            if len(firsts) == 1:
                if pairs or keep_empty:
                    vectors[0].append(writer.vector(key, pairs))
                continue
            parts: dict[int, list[tuple[int, float]]] = {}
            for pair in pairs:
                parts.setdefault(piece_of[pair[0]], []).append(pair)
            for number, part in parts.items():
                vectors[number].append(writer.vector(key, part))
    by_name = sorted(chosen, key=lambda f: index.fields[f].name)
    postings: list[list[str]] = [[] for _ in firsts]
    for term in terms:
        term_id = ids[term]
        parts_text = [f'"_index":{term_id}']
        parts_text += [f"{_json(index.fields[f].name)}:{{{writer.posting(f, term_id)}}}" for f in by_name]
        postings[piece_of[term_id]].append(f"[{_json(term)},{{{','.join(parts_text)}}}]")
    field_names = [index.fields[f].name for f in chosen]
    return [
        Piece(group, number, tuple(field_names), first, _write(vectors[number], field_names, postings[number]))
        for number, first in enumerate(firsts)
    ]


def serialize(index: LunrIndex) -> bytes:
    """The whole index as lunr.py's `Index.serialize` dumps it (compact JSON, keys sorted)."""
    names = [f.name for f in index.fields]
    return _group_pieces(_Writer(index, weights(index)), "all", names, None, keep_empty=True)[0].data


def split(index: LunrIndex, groups: dict[str, tuple[str, ...]], max_postings: int) -> list[Piece]:
    """The index as pieces: per group of fields, consecutive term ranges of at most about
    `max_postings` postings each; vectors and terms a piece would hold empty are left out."""
    writer = _Writer(index, weights(index))
    return [p for group, names in groups.items() for p in _group_pieces(writer, group, names, max_postings, False)]
