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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
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
        docs, counts, positions = self.docs, self.counts, self.positions
        for term, places in where.items():
            if term in docs:
                docs[term].append(doc)
                counts[term].append(len(places))
                positions[term].extend(places)
            else:
                docs[term], counts[term], positions[term] = (
                    array("i", (doc,)),
                    array("i", (len(places),)),
                    array("i", places),
                )


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
    """Per (document, field), document-major: term numbers (ascending) and their counts."""

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
            terms = sorted(where)
            index.vectors.append((array("i", terms), array("i", [len(where[t]) for t in terms])))
    return index


class _Weights:
    """BM25 weights of the terms of each (document, field), computed exactly as lunr.py computes
    them: the same operations in the same order, rounded to 3 decimals."""

    def __init__(self, index: LunrIndex) -> None:
        count, width = len(index.refs), len(index.fields)
        self.index, self.width = index, width
        self.lengths = [index.length(slot) for slot in range(len(index.vectors))]
        self.averages = [sum(self.lengths[f::width]) / count if count else 0.0 for f in range(width)]
        frequency = [0] * len(index.term_ids)
        for postings in index.postings:
            for term, docs in postings.docs.items():
                frequency[term] += len(docs)  # lunr counts a document once per field it has the term in
        self.idf = [math.log(1 + abs((count - n + 0.5) / (n + 0.5))) for n in frequency]
        most = max((max(counts, default=0) for _, counts in index.vectors), default=0)
        self.saturation = [(K1 + 1) * tf for tf in range(most + 1)]

    def of(self, slot: int) -> list[float]:
        """The weights of one (document, field), in the order of its terms in `index.vectors`."""
        terms, counts = self.index.vectors[slot]
        f = slot % self.width
        scale = K1 * (1 - B + B * (self.lengths[slot] / self.averages[f]))
        boost, idf, saturation = self.index.fields[f].boost, self.idf, self.saturation
        return [round(idf[t] * saturation[tf] / (scale + tf) * boost, 3) for t, tf in zip(terms, counts, strict=True)]


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


class _Writer:
    """Writes postings and vectors as lunr's JSON (what json.dumps with sorted keys would write)."""

    def __init__(self, index: LunrIndex) -> None:
        self.index = index
        self.weights = _Weights(index)
        self.refs = [_json(ref) for ref in index.refs]
        self.heads = [ref + ':{"index":[' for ref in self.refs]
        """Each document's posting up to its positions."""
        longest = max((max(p, default=0) for ps in index.postings for p in ps.positions.values()), default=0)
        self.numbers = [str(n) for n in range(longest + 1)]
        """Word positions as text."""
        self.rank: list[int] | None = None
        """Each document's place among the refs in string order, when that is not the documents' order."""
        ordered = sorted(range(len(self.refs)), key=index.refs.__getitem__)
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
        if self.index.positions:
            heads, numbers = self.heads, self.numbers
            places = [numbers[p] for p in postings.positions[term]]
            if len(places) == len(docs):  # each document has the term once: the common case
                entries = [heads[doc] + place + "]}" for doc, place in zip(docs, places, strict=True)]
            else:
                entries, start = [], 0
                for doc, count in zip(docs, postings.counts[term], strict=True):
                    entries.append(heads[doc] + ",".join(places[start : start + count]) + "]}")
                    start += count
        else:
            refs = self.refs
            entries = [refs[doc] + ":{}" for doc in docs]
        if self.rank is not None:
            rank = self.rank
            entries = [entry for _, entry in sorted(zip([rank[doc] for doc in docs], entries, strict=True))]
        return ",".join(entries)

    def key(self, slot: int) -> str:
        """A (document, field)'s name in lunr's JSON: "field/ref" (field names need no escaping)."""
        width = len(self.index.fields)
        return '"' + self.index.fields[slot % width].name + "/" + self.refs[slot // width][1:]

    def group(self, group: str, names: Sequence[str], max_postings: int | None, keep_empty: bool) -> Iterator[Piece]:
        """One group of fields cut into pieces by term ranges. Each (document, field)'s weights
        are computed once and parked, as numbers, with the piece their term falls in; each
        piece's JSON is then written and handed on before the next is."""
        index, width = self.index, len(self.index.fields)
        chosen = [f for f, fld in enumerate(index.fields) if fld.name in names]
        ids = index.term_ids
        terms = sorted(t for t in ids if keep_empty or any(ids[t] in index.postings[f].docs for f in chosen))
        firsts = _boundaries(index, terms, chosen, max_postings)
        piece_of = [0] * len(ids)
        for term in terms:
            piece_of[ids[term]] = bisect_right(firsts, term) - 1
        parked = [_Parked() for _ in firsts]
        for doc in range(len(index.refs)):
            for f in chosen:
                slot = doc * width + f
                ours = index.vectors[slot][0]
                values = self.weights.of(slot)
                if len(firsts) == 1:
                    if values or keep_empty:
                        parked[0].add(slot, ours, values)
                    continue
                runs: dict[int, tuple[list[int], list[float]]] = {}
                for term_id, value in zip(ours, values, strict=True):
                    run = runs.get(piece_of[term_id])
                    if run is None:
                        run = runs[piece_of[term_id]] = ([], [])
                    run[0].append(term_id)
                    run[1].append(value)
                for number, (run_terms, run_values) in runs.items():
                    parked[number].add(slot, run_terms, run_values)
        by_name = sorted(chosen, key=lambda f: index.fields[f].name)
        field_names = [index.fields[f].name for f in chosen]
        start = 0
        for number, first in enumerate(firsts):
            end = bisect_left(terms, firsts[number + 1]) if number + 1 < len(firsts) else len(terms)
            postings = []
            for term in terms[start:end]:
                term_id = ids[term]
                parts = [f'"_index":{term_id}']
                parts += [f"{_json(index.fields[f].name)}:{{{self.posting(f, term_id)}}}" for f in by_name]
                postings.append(f"[{_json(term)},{{{','.join(parts)}}}]")
            start = end
            vectors = [f"[{self.key(slot)},[{pairs}]]" for slot, pairs in parked[number].vectors()]
            parked[number] = _Parked()
            yield Piece(group, number, tuple(field_names), first, _write(vectors, field_names, postings))


@dataclass
class _Parked:
    """The vector entries of one piece, as numbers until the piece is written: per (document,
    field) in order, where its run of (term, weight) pairs starts."""

    slots: array[int] = field(default_factory=lambda: array("i"))
    starts: array[int] = field(default_factory=lambda: array("i"))
    terms: array[int] = field(default_factory=lambda: array("i"))
    weights: array[float] = field(default_factory=lambda: array("d"))

    def add(self, slot: int, terms: Iterable[int], weights: Iterable[float]) -> None:
        """Park one (document, field)'s entries that fall in this piece."""
        self.slots.append(slot)
        self.starts.append(len(self.terms))
        self.terms.extend(terms)
        self.weights.extend(weights)

    def vectors(self) -> Iterator[tuple[int, str]]:
        """Each parked (document, field) with its entries as lunr writes them: "term,weight,..."."""
        ends = [*self.starts[1:], len(self.terms)]
        for slot, start, end in zip(self.slots, self.starts, ends, strict=True):
            pairs = zip(self.terms[start:end], self.weights[start:end], strict=True)
            yield slot, ",".join(f"{term},{weight!r}" for term, weight in pairs)


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


def serialize(index: LunrIndex) -> bytes:
    """The whole index as lunr.py's `Index.serialize` dumps it (compact JSON, keys sorted)."""
    names = [f.name for f in index.fields]
    return next(_Writer(index).group("all", names, None, keep_empty=True)).data


def split(index: LunrIndex, groups: dict[str, tuple[str, ...]], max_postings: int) -> Iterator[Piece]:
    """The index as pieces, one at a time: per group of fields, consecutive term ranges of at most
    about `max_postings` postings each; vectors and terms a piece would hold empty are left out."""
    writer = _Writer(index)
    for group, names in groups.items():
        yield from writer.group(group, names, max_postings, keep_empty=False)
