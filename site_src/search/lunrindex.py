"""A lunr index built in one pass and written in lunr's serialized format, whole or in pieces.

The whole index is the one lunr.py builds from the same documents (same terms, term numbers,
BM25 weights and JSON, byte for byte: tests/test_search_index.py), only faster: lunr's pipeline
runs once per distinct word instead of once per occurrence, postings and vectors are sorted out of
flat arrays of term numbers by numpy, weights are computed on whole arrays, and
the JSON is written directly. A piece (some of the fields, a range of terms) is itself a valid
lunr index carrying the whole index's weights, so the browser loads only the pieces a query
needs, queries each with lunr.js, and adds the scores up. An index may also be weighed by another
index's statistics (`split`): the month's papers by those of the papers before it.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from site_src.search.analysis import term_of, words, words_and_compounds
from site_src.search.kept import STOP, Analysis, Statistics

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


def analysis_key(document: Document) -> str:
    """What a document's `Analysis` is made from: its texts (not its ref)."""
    return hashlib.blake2b("\0".join(document.texts).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class _FieldIndex:
    """One field, as flat arrays: who has each term (postings, term-major, documents ascending,
    with the word number of every occurrence: lunr's `index` metadata) and what each document
    has (its vector, document-major, terms ascending). 16 bytes per (term, document) pair."""

    term_starts: np.ndarray
    """Term t's postings are [term_starts[t], term_starts[t + 1])."""
    docs: np.ndarray
    """Each posting's document."""
    position_starts: np.ndarray
    """Posting e's word numbers are positions[position_starts[e]:position_starts[e + 1]]."""
    positions: np.ndarray
    doc_starts: np.ndarray
    """Document d's vector entries are [doc_starts[d], doc_starts[d + 1])."""
    vector_terms: np.ndarray
    vector_counts: np.ndarray
    """How often the document has the term."""
    lengths: np.ndarray
    """How many terms each document has in the field, stop words excluded."""

    def vector_docs(self) -> np.ndarray:
        """Each vector entry's document."""
        return np.repeat(np.arange(len(self.doc_starts) - 1, dtype=np.int32), np.diff(self.doc_starts))


def _runs(keys: np.ndarray, count: int) -> np.ndarray:
    """Where each key's run starts in `keys` (sorted), for keys 0..count-1, plus the end."""
    return np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=count)))).astype(np.int64)


def _field_index(numbers: array[int], lengths: array[int], documents: int, terms: int) -> _FieldIndex:
    """A field's postings and vectors from the term number of every word of every document (in
    document order, -1 for stop words) and each document's word count: two stable sorts, no loop."""
    per_doc = np.array(lengths, dtype=np.int32)
    word_terms = np.frombuffer(numbers, dtype=np.int32) if numbers else np.zeros(0, np.int32)
    kept = np.flatnonzero(word_terms >= 0).astype(np.int32)  # word numbers across the field, stop words out
    word_terms = word_terms[kept]
    word_docs = np.repeat(np.arange(documents, dtype=np.int32), per_doc)[kept]
    word_positions = kept - (np.cumsum(per_doc, dtype=np.int32) - per_doc)[word_docs]
    del kept
    order = np.argsort(word_terms, kind="stable")  # by term, then document, then position
    word_terms, word_docs = word_terms[order], word_docs[order]
    positions = word_positions[order]
    del order, word_positions
    new_entry = np.ones(len(word_terms), dtype=bool)
    new_entry[1:] = (word_terms[1:] != word_terms[:-1]) | (word_docs[1:] != word_docs[:-1])
    position_starts = np.append(np.flatnonzero(new_entry), len(word_terms)).astype(np.int32)
    lengths_kept = np.bincount(word_docs, minlength=documents)
    entry_terms, entry_docs = word_terms[new_entry], word_docs[new_entry]
    del word_terms, word_docs, new_entry
    by_doc = np.argsort(entry_docs, kind="stable")  # by document, then term
    return _FieldIndex(
        term_starts=_runs(entry_terms, terms),
        docs=entry_docs,
        position_starts=position_starts,
        positions=positions,
        doc_starts=_runs(entry_docs, documents),
        vector_terms=entry_terms[by_doc],
        vector_counts=np.diff(position_starts)[by_doc],
        lengths=lengths_kept,
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
    by_field: list[_FieldIndex] = field(default_factory=list)
    """One per field."""
    analyses: dict[str, Analysis] = field(default_factory=dict)
    """Each document's words as terms, by `analysis_key` (only when built with `analysed`)."""


class _TermTexts(dict[str, str]):
    """Each word's term as an `Analysis` writes it, found when first asked for."""

    def __missing__(self, word: str) -> str:
        term = self[word] = term_of(word) or STOP
        return term


class _TermNumbers:
    """Each distinct word's term number (-1 for a stop word): lunr's pipeline runs once per word.

    A hyphenated compound joined (pre-training → pretraining) is indexed after the text's words
    when its term is one that papers write as a word (`written`): "pretraining" and "pre-training"
    then find the same papers, while a compound nobody writes joined (training-free) adds no term
    that a word typed as a beginning ("training") would match as well as its part."""

    def __init__(self, term_ids: dict[str, int], written: Collection[str]) -> None:
        self.term_ids = term_ids
        self.written = written
        self.known: dict[str, int] = {}
        self.term_texts = _TermTexts()
        """Each word's term, remembered: lunr's pipeline is the slow part."""

    def term(self, word: str) -> str | None:
        """A word's term (None for a stop word)."""
        term = self.term_texts[word]
        return None if term == STOP else term

    def of(self, text: str) -> list[int]:
        """The term number of every word of a text, in order, then of its compounds written joined."""
        known = self.known
        found, compounds = words_and_compounds(text)
        if compounds:
            found += [c for c in compounds if self.term(c) in self.written]
        numbers: list[int | None] = list(map(known.get, found))
        if None in numbers:  # words seen for the first time, numbered in order of use as lunr does
            for place, word in enumerate(found):
                if numbers[place] is None:
                    if word not in known:
                        term = self.term(word)
                        known[word] = -1 if term is None else self.term_ids.setdefault(term, len(self.term_ids))
                    numbers[place] = known[word]
        return cast(list[int], numbers)  # every None was just replaced

    def analysis(self, texts: Sequence[str]) -> Analysis:
        """A document's `Analysis`: its texts' words and compounds, each as its term."""
        parts, term = [], self.term_texts.__getitem__
        for text in texts:
            found, compounds = words_and_compounds(text)
            parts += [" ".join(map(term, found)), " ".join(map(term, compounds))]
        return tuple(parts)

    def of_analysed(self, terms: str, compounds: str) -> list[int]:
        """`of`, for a text analysed before: the term number of every term, then of its compounds'
        terms that are `written`."""
        known = self.known
        found = terms.split()
        if compounds:
            found += [term for term in compounds.split() if term in self.written]
        numbers: list[int | None] = list(map(known.get, found))
        if None in numbers:
            for place, term in enumerate(found):
                if numbers[place] is None:
                    numbers[place] = known[term] = self.term_ids.setdefault(term, len(self.term_ids))
        return cast(list[int], numbers)


def _known(analysed: Mapping[str, Analysis], key: str, fields: int) -> Analysis | None:
    """A document's remembered analysis, if it has one of these fields (a cache holds what it was given)."""
    found = analysed.get(key)
    return found if found is not None and len(found) == 2 * fields else None


def written_terms(documents: Iterable[Document], numbers: _TermNumbers | None = None) -> set[str]:
    """The terms of the documents' own words (`_TermNumbers`: a compound is indexed joined only
    when its term is among them)."""
    numbers = numbers or _TermNumbers({}, ())
    written: set[str] = set()
    for document in documents:
        for text in document.texts:
            written.update(words(text))
    return {term for word in written if (term := numbers.term(word)) is not None}


def build(
    documents: Sequence[Document],
    fields: Sequence[Field],
    positions: bool = False,
    also_written: Collection[str] = (),
    analysed: Mapping[str, Analysis] | None = None,
) -> LunrIndex:
    """Index documents in the order given, as lunr's builder does: each word's term number is found
    in document order (which numbers the terms as lunr does); postings and vectors are then sorted
    out of the flat lists of numbers, a field at a time. Compounds are indexed joined where their
    term is written as a word in these documents or is among `also_written` (the epoch's terms, for
    the month's part of the index).

    Given `analysed` (the last build's `analyses`, by `analysis_key`), the documents' words are
    read from there, and only the others' are found and stemmed; the index then holds every
    document's `analyses`, for the next build. The month's papers are indexed so every day, and
    reading and stemming their words again was most of the search's time in a day's build; the
    epoch's are not (kept, they would hold every word of the archive in memory at once)."""
    index = LunrIndex(tuple(fields), positions)
    numbers = _TermNumbers(index.term_ids, ())
    if analysed is None:
        numbers.written = written_terms(documents, numbers) | set(also_written)
        numbered: Iterator[Iterator[list[int]]] = (map(numbers.of, document.texts) for document in documents)
    else:
        keys = [analysis_key(document) for document in documents]
        index.analyses = {
            key: _known(analysed, key, len(fields)) or numbers.analysis(d.texts)
            for key, d in zip(keys, documents, strict=True)
        }
        written = set(also_written)
        for analysis in index.analyses.values():
            written.update(*(terms.split() for terms in analysis[::2]))
        written.discard(STOP)
        numbers.written, numbers.known = written, {STOP: -1}
        numbered = (map(numbers.of_analysed, a[::2], a[1::2]) for a in map(index.analyses.__getitem__, keys))
    all_numbers = [array("i") for _ in fields]
    all_lengths = [array("i") for _ in fields]
    for document, of_texts in zip(documents, numbered, strict=True):
        index.refs.append(document.ref)
        for found, lengths, of_text in zip(all_numbers, all_lengths, of_texts, strict=True):
            found.extend(of_text)
            lengths.append(len(of_text))
    for f in range(len(fields)):
        index.by_field.append(_field_index(all_numbers[f], all_lengths[f], len(index.refs), len(index.term_ids)))
        all_numbers[f] = all_lengths[f] = array("i")  # freed as soon as the field is sorted out
    return index


def statistics_of(index: LunrIndex) -> Statistics:
    """An index's own statistics, as lunr computes them."""
    frequency = _frequency(index).tolist()
    count = len(index.refs)
    averages = tuple(int(f.lengths.sum()) / count if count else 0.0 for f in index.by_field)
    return Statistics(count, {term: frequency[number] for term, number in index.term_ids.items()}, averages)


def _frequency(index: LunrIndex) -> np.ndarray:
    """How many documents have each term (by term number), once per field."""
    frequency = np.zeros(len(index.term_ids), dtype=np.int64)
    for by_field in index.by_field:
        frequency += np.diff(by_field.term_starts)
    return frequency


class _Weights:
    """BM25 weights of vector entries, computed as lunr.py computes them: the same floating-point
    operations in the same order (on arrays), so rounding them gives the same digits. Given
    `statistics` (another index's), terms are weighed by those instead of the index's own: a term
    they do not know weighs as one no document has."""

    def __init__(self, index: LunrIndex, statistics: Statistics | None = None) -> None:
        self.width = len(index.fields)
        if statistics is None:
            count, frequency = len(index.refs), _frequency(index).tolist()
            averages = [int(f.lengths.sum()) / count if count else 0.0 for f in index.by_field]
        else:
            count, averages = statistics.count, list(statistics.averages)
            frequency = [0] * len(index.term_ids)
            for term, number in index.term_ids.items():
                frequency[number] = statistics.frequency.get(term, 0)
        self.idf = np.array([math.log(1 + abs((count - n + 0.5) / (n + 0.5))) for n in frequency])
        self.scales = np.zeros((self.width, len(index.refs)))
        """Per field and document, the length normalisation."""
        for f, by_field in enumerate(index.by_field):
            if averages[f]:
                self.scales[f] = K1 * (1 - B + B * (by_field.lengths / averages[f]))
        self.boosts = np.array([float(f.boost) for f in index.fields])

    def of(self, slots: np.ndarray, terms: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The unrounded weights of some vector entries: (document, field) slots, terms, counts."""
        docs, fields = np.divmod(slots, self.width)
        tf = counts.astype(np.float64)
        weights: np.ndarray = self.idf[terms] * ((K1 + 1) * tf) / (self.scales[fields, docs] + tf) * self.boosts[fields]
        return weights


@dataclass(frozen=True)
class Piece:
    """Part of an index: some of its fields, and the terms from `first` on (up to the next piece's)."""

    group: str
    number: int
    fields: tuple[str, ...]
    first: str
    data: bytes


def _json(value: str) -> str:
    """A JSON string: most are terms and refs, letters and digits, which need only the quotes."""
    return f'"{value}"' if value.isascii() and value.isalnum() else json.dumps(value, ensure_ascii=False)


class _Writer:
    """Writes postings and vectors as lunr's JSON (what json.dumps with sorted keys would write)."""

    def __init__(self, index: LunrIndex, statistics: Statistics | None = None) -> None:
        self.index = index
        self.weights = _Weights(index, statistics)
        self.refs = [_json(ref) for ref in index.refs]
        self.heads = [ref + ':{"index":[' for ref in self.refs]
        """Each document's posting up to its positions."""
        longest = max((int(f.positions.max()) for f in index.by_field if len(f.positions)), default=0)
        self.numbers = [str(n) for n in range(longest + 1)]
        """Word positions as text."""
        self.last_numbers = [f"{n}]}}" for n in self.numbers]
        """Word positions as text, closing a posting."""
        self.comma_numbers = [f"{n}," for n in self.numbers]
        self.term_numbers = [str(n) for n in range(len(index.term_ids))]
        self.key_tails = [ref[1:] for ref in self.refs]
        """What follows "field/ in a (document, field)'s key."""
        self.rank: list[int] | None = None
        """Each document's place among the refs in string order, when that is not the documents' order."""
        ordered = sorted(range(len(self.refs)), key=index.refs.__getitem__)
        if ordered != list(range(len(ordered))):
            self.rank = [0] * len(ordered)
            for place, doc in enumerate(ordered):
                self.rank[doc] = place

    def posting(self, f: int, term: int) -> str:
        """The documents that have a term in one field, by ref (sorted), with word positions if kept."""
        by_field = self.index.by_field[f]
        start, end = int(by_field.term_starts[term]), int(by_field.term_starts[term + 1])
        if start == end:
            return ""
        docs = by_field.docs[start:end].tolist()
        if self.index.positions:
            heads = self.heads
            first, last = int(by_field.position_starts[start]), int(by_field.position_starts[end])
            places = by_field.positions[first:last].tolist()
            if len(places) == len(docs):  # each document has the term once: the common case
                closed = map(self.last_numbers.__getitem__, places)
                entries = list(map(str.__add__, map(heads.__getitem__, docs), closed))
            else:  # positions joined by commas, each document's last one closing its posting
                bounds = (by_field.position_starts[start : end + 1] - first).tolist()
                texts = list(map(self.comma_numbers.__getitem__, places))
                for at in bounds[1:]:
                    texts[at - 1] = self.last_numbers[places[at - 1]]
                runs = zip(docs, bounds, bounds[1:], strict=False)
                entries = [heads[doc] + "".join(texts[a:b]) for doc, a, b in runs]
        else:
            refs = self.refs
            entries = [refs[doc] + ":{}" for doc in docs]
        if self.rank is not None:
            rank = self.rank
            entries = [entry for _, entry in sorted(zip([rank[doc] for doc in docs], entries, strict=True))]
        return ",".join(entries)

    def key(self, f: int, doc: int) -> str:
        """A (document, field)'s name in lunr's JSON: "field/ref" (field names need no escaping)."""
        return '"' + self.index.fields[f].name + "/" + self.key_tails[doc]

    def group(self, group: str, names: Sequence[str], max_postings: int | None, keep_empty: bool) -> Iterator[Piece]:
        """One group of fields cut into pieces by term ranges. The vector entries of the group's
        fields are sorted by piece, then by (document, field) as lunr lists them, once; each piece's
        JSON is then written and handed on before the next is."""
        index, width = self.index, len(self.index.fields)
        chosen = [f for f, fld in enumerate(index.fields) if fld.name in names]
        ids = index.term_ids
        sizes = sum((np.diff(index.by_field[f].term_starts) for f in chosen), np.zeros(len(ids), np.int64))
        size_of = sizes.tolist()
        terms = sorted(t for t in ids if keep_empty or size_of[ids[t]])
        firsts = _boundaries(terms, [size_of[ids[t]] for t in terms], max_postings)
        piece_of = np.zeros(len(ids), dtype=np.int32)
        for term in terms:
            piece_of[ids[term]] = bisect_right(firsts, term) - 1
        fields = [index.by_field[f] for f in chosen]
        slots = _joined([field.vector_docs() * width + f for f, field in zip(chosen, fields, strict=True)])
        entry_terms = _joined([field.vector_terms for field in fields])
        entry_counts = _joined([field.vector_counts for field in fields])
        pieces = piece_of[entry_terms]
        # by piece, then slot (document, then field), terms in order within a slot; one field's
        # entries are in slot order already
        order = np.argsort(pieces, kind="stable") if len(chosen) == 1 else np.lexsort((slots, pieces))
        piece_starts = _runs(pieces, len(firsts)).tolist()
        del pieces
        field_names = [index.fields[f].name for f in chosen]
        every_slot = [doc * width + f for doc in range(len(index.refs)) for f in chosen] if keep_empty else []
        start = 0
        for number, first in enumerate(firsts):
            end = bisect_left(terms, firsts[number + 1]) if number + 1 < len(firsts) else len(terms)
            postings = self._postings(terms[start:end], chosen)
            start = end
            mine = order[piece_starts[number] : piece_starts[number + 1]]
            weights = self.weights.of(slots[mine], entry_terms[mine], entry_counts[mine])
            vectors = self._vectors(slots[mine], entry_terms[mine], weights)
            if every_slot and len(firsts) == 1:
                vectors = self._with_empty(vectors, every_slot)
            data = _write([text for _, text in vectors], field_names, postings)
            yield Piece(group, number, tuple(field_names), first, data)

    def _postings(self, terms: list[str], chosen: list[int]) -> list[str]:
        """The inverted index entries of some terms in some fields: [term, {"_index": n, field: {...}}]."""
        fields, ids = self.index.fields, self.index.term_ids
        by_name = sorted(chosen, key=lambda f: fields[f].name)
        postings = []
        for term in terms:
            term_id = ids[term]
            parts = [f'"_index":{term_id}']
            parts += [f"{_json(fields[f].name)}:{{{self.posting(f, term_id)}}}" for f in by_name]
            postings.append(f"[{_json(term)},{{{','.join(parts)}}}]")
        return postings

    def _vectors(self, slots: np.ndarray, terms: np.ndarray, weights: np.ndarray) -> list[tuple[int, str]]:
        """Each (document, field) of some entries (sorted by slot) with its entries as lunr writes
        them: [key, [term, weight, ...]], weights rounded to 3 decimals."""
        if not len(slots):
            return []
        width = len(self.index.fields)
        pairs = list(map(str.__add__, map(self.term_numbers.__getitem__, terms.tolist()), _weight_texts(weights)))
        starts = np.flatnonzero(np.diff(slots)) + 1
        firsts = slots[np.concatenate(([0], starts))].tolist()
        prefixes = ['"' + f.name + "/" for f in self.index.fields]
        tails = self.key_tails
        vectors = []
        for start, end, slot in zip([0, *starts.tolist()], [*starts.tolist(), len(pairs)], firsts, strict=True):
            doc, f = divmod(slot, width)
            vectors.append((slot, f"[{prefixes[f]}{tails[doc]},[{','.join(pairs[start:end])}]]"))
        return vectors

    def _with_empty(self, vectors: list[tuple[int, str]], every_slot: list[int]) -> list[tuple[int, str]]:
        """`vectors` with the (document, field)s that have no terms listed too, as lunr.py lists them."""
        width, have = len(self.index.fields), dict(vectors)
        return [(s, have.get(s) or f"[{self.key(s % width, s // width)},[]]") for s in every_slot]


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    """Arrays end to end (one array as it is: no copy)."""
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _weight_texts(weights: np.ndarray) -> list[str]:
    """Each weight as lunr.py writes it, after a comma: `repr(round(weight, 3))`.

    numpy's rounding (to the nearest thousandth, then divided by 1000) gives Python's exact
    decimal rounding everywhere except within rounding error of a half, where Python's is used;
    each distinct value is then written once (1.2 million weights at 10k papers, few distinct)."""
    thousandths = weights * 1000
    nearest = np.rint(thousandths)
    near_half = np.abs(np.abs(thousandths - nearest) - 0.5) < 1e-6
    rounded = nearest / 1000
    if near_half.any():
        rounded[near_half] = [round(weight, 3) for weight in weights[near_half].tolist()]
    values, inverse = np.unique(rounded, return_inverse=True)
    texts = ["," + repr(value) for value in values.tolist()]
    return list(map(texts.__getitem__, inverse.tolist()))


def _boundaries(terms: list[str], sizes: list[int], max_postings: int | None) -> list[str]:
    """The first term of each piece: consecutive terms, each piece holding at most about
    `max_postings` postings of the chosen fields (one piece when None)."""
    firsts = [terms[0]] if terms else [""]
    if max_postings is None:
        return firsts
    held = 0
    for term, size in zip(terms, sizes, strict=True):
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


def split(
    index: LunrIndex, groups: dict[str, tuple[str, ...]], max_postings: int, statistics: Statistics | None = None
) -> Iterator[Piece]:
    """The index as pieces, one at a time: per group of fields, consecutive term ranges of at most
    about `max_postings` postings each; vectors and terms a piece would hold empty are left out.
    Weighed by the index's own statistics, or by `statistics` when given."""
    writer = _Writer(index, statistics)
    for group, names in groups.items():
        yield from writer.group(group, names, max_postings, keep_empty=False)
