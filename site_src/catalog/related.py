"""Related papers, computed at build time: TF-IDF cosine over title and abstract (title weighted), up to five
per paper, each with the key terms the two papers share ("related through: rehearsal, prompts").

Every paper keeps only its strongest terms (a sparse vector of at most `TERMS_KEPT` entries), and the
similarities of all pairs come from sparse matrix products in blocks of rows (scipy, in C) whose best
five per row one numpy sort picks, so no Python loop runs over pairs of papers. Equal similarities
(rounded to nine decimals) are listed in slug order.

Corpus statistics (how many papers have a term, how many papers there are, which papers a common
term links) come from an *epoch* (`catalog/epoch.py`): the papers first listed before the month of
the newest digest. A paper's vector then depends only on its own text and the epoch, so a new
digest in the same month leaves every other vector as it was, and changes only its own papers'
lists and those of the older papers whose top five a new paper enters (`relate` with the last
result). A term no epoch paper has (new this month) weighs as a term one epoch paper has. The
result is the same whether computed whole or in part: terms are numbered alphabetically and every
sum runs in that order, so a similarity has the same bits either way.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import platform
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np
from scipy import sparse

from site_src.build.parallel import fork_map
from site_src.catalog.model import EpochTerms, Paper, Related, RelatedState, TermVectors
from site_src.catalog.terms import RELATED_WORD, related_term, topical_text

RELATED_SHOWN = 5
TITLE_WEIGHT = 3
"""A word in the title counts as much as three in the abstract."""
TERMS_KEPT = 40
"""Each paper's strongest terms; the rest add little to a cosine and much to its cost."""
MIN_SIMILARITY = 0.1
"""Below this, two papers share only incidental words and are not shown as related."""
DECIMALS = 9
"""Similarities are rounded to this many decimals before they are compared (so that one has the same
bits however it was computed, whole or in part)."""
SHARED_SHOWN = 3
POSTINGS_KEPT = 1000
"""Each term links only the papers it weighs most in (as much as in its `POSTINGS_KEPT`-th epoch paper or
more): a term shared by thousands of papers says little about any two of them, and would make the
products grow with the square of the corpus."""
REDO_SHARE = 4
"""When more than one paper in this many must be listed again, everything is computed again."""
BLOCK_CELLS = 4_000_000
"""Rows per block times papers: bounds the memory of one block of similarities."""


@dataclass(frozen=True)
class _Vectors:
    """Every paper's kept terms as rows of a sparse matrix (columns in alphabetical order of terms), the
    same rows with each term only where it weighs enough to link (`linking`), the words, and the
    epoch's statistics they were weighed with."""

    slugs: list[str]
    matrix: sparse.csr_matrix
    linking: sparse.csr_matrix
    vocabulary: list[str]
    epoch: EpochTerms

    @cached_property
    def linked(self) -> sparse.csr_matrix:
        """`linking` transposed: its terms as rows, the right-hand side of every product."""
        return self.linking.T.tocsr()

    def kept(self) -> TermVectors:
        """The vectors to remember, with only the terms some row keeps (the same whether computed
        whole or in part)."""
        used = np.unique(self.matrix.indices)
        return TermVectors(
            vocabulary=tuple(self.vocabulary[column] for column in used.tolist()),
            indptr=self.matrix.indptr.astype("<i8").tobytes(),
            indices=np.searchsorted(used, self.matrix.indices).astype("<i4").tobytes(),
            data=self.matrix.data.astype("<f8").tobytes(),
            epoch=self.epoch,
        )


def term_counts(title: str, abstract: str) -> dict[str, int]:
    """A paper's weighted term counts: title words count `TITLE_WEIGHT` times."""
    counts = Counter(map(related_term, RELATED_WORD.findall(topical_text(abstract).lower())))
    for term in map(related_term, RELATED_WORD.findall(title.lower())):
        counts[term] += TITLE_WEIGHT
    counts.pop("", None)
    return counts


TermCounter = Callable[[Sequence[Paper]], list[dict[str, int]]]
"""Gives each paper's `term_counts`, in order (a test's may count what it is asked for)."""


def count_terms(papers: Sequence[Paper]) -> list[dict[str, int]]:
    """Every paper's `term_counts`, in worker processes when there are many."""
    return fork_map(lambda i: term_counts(papers[i].title, papers[i].abstract), range(len(papers)), chunk=500)


def _stats_key(ordered: Sequence[Paper], in_epoch: np.ndarray, made_from: Mapping[str, str]) -> str:
    """A hash of the epoch's papers, of the constants that weigh terms and of the processor features
    numpy computes with: its logarithm may differ in the last bit from one to another, and vectors
    remembered on one machine (a cache CI restores) must not be mixed with vectors weighed on another."""
    constants = f"{TITLE_WEIGHT} {TERMS_KEPT} {POSTINGS_KEPT} {MIN_SIMILARITY} {platform.machine()} {_cpu_features()}"
    epoch = (made_from[p.slug] for p, kept in zip(ordered, in_epoch.tolist(), strict=True) if kept)
    return hashlib.sha256("\0".join([constants, *epoch]).encode()).hexdigest()


@functools.cache
def _cpu_features() -> str:
    """The processor features numpy found and uses (its SIMD code paths), or "" where it does not say."""
    try:  # numpy's own record of them: there is no public equivalent
        umath = importlib.import_module("numpy._core._multiarray_umath")
    except ImportError:
        return ""
    features: dict[str, bool] = getattr(umath, "__cpu_features__", {})
    return " ".join(sorted(name for name, found in features.items() if found))


def _top_per_row(rows: np.ndarray, key: np.ndarray, count: int) -> np.ndarray:
    """Positions of each row's first `count` entries when sorted by row, then by `key`, entries of equal
    key in the order given (the sort is stable: given in column order, ties go to the column first in
    A-Z, as a third key did, at a third less of the sort's time)."""
    order = np.lexsort((key, rows))
    sorted_rows = rows[order]
    place = np.arange(len(order)) - np.searchsorted(sorted_rows, sorted_rows, side="left")
    return order[place < count]


Entries = tuple[list[str], np.ndarray, np.ndarray, np.ndarray]
"""A vocabulary in alphabetical order and (row, column, value) arrays sorted by row and column."""


def _entries(counts: Sequence[dict[str, int]]) -> Entries:
    """Papers' term counts as (row, column, count) arrays, columns numbering the terms alphabetically.

    The counts go straight into three flat arrays (no per-paper array: 20,000 numpy calls took half
    the stage's time at 10k papers), and the weighting is done on the arrays: at 50k papers,
    per-paper dictionaries of weights took a gigabyte and most of the stage's time."""
    vocabulary = sorted({term for paper in counts for term in paper})
    index = {term: column for column, term in enumerate(vocabulary)}
    sizes = np.fromiter(map(len, counts), np.int64, len(counts))
    total = int(sizes.sum())
    col_of = np.fromiter(map(index.__getitem__, chain.from_iterable(counts)), np.int64, total)
    tf_of = np.fromiter(chain.from_iterable(map(dict.values, counts)), np.float64, total)
    row_of = np.repeat(np.arange(len(counts), dtype=np.int64), sizes)
    order = np.argsort(row_of * len(vocabulary) + col_of)  # one key, each (row, column) once: faster than lexsort
    return vocabulary, row_of[order], col_of[order], tf_of[order]


def _weighed(counted: Entries, frequency: np.ndarray, epoch_papers: int, rows: int) -> sparse.csr_matrix:
    """TF-IDF vectors (sublinear tf, smoothed idf from the epoch's `frequency` of each column's term)
    keeping each paper's strongest terms that an epoch paper shares or no epoch paper has, unit
    length. Every operation is element by element or summed along a row in column order, so a row
    has the same bits whichever other rows are weighed with it (`_updated` relies on it)."""
    vocabulary, row_of, col_of, tf_of = counted
    idf = np.log((1 + epoch_papers) / (1 + np.maximum(frequency, 1))) + 1
    shared = (frequency[col_of] > 1) | (frequency[col_of] == 0)
    row_of, col_of, weight = row_of[shared], col_of[shared], (1 + np.log(tf_of[shared])) * idf[col_of[shared]]
    kept = np.sort(_top_per_row(row_of, -weight, TERMS_KEPT))  # in column order: ties to the term first in A-Z
    row_of, col_of, weight = row_of[kept], col_of[kept], weight[kept]
    norms = np.sqrt(np.bincount(row_of, weights=weight * weight, minlength=rows))
    values = weight / np.where(norms > 0, norms, 1.0)[row_of]
    matrix = sparse.csr_matrix((values, (row_of, col_of)), shape=(rows, len(vocabulary)), dtype=np.float64)
    matrix.sort_indices()
    return matrix


def _floor(matrix: sparse.csr_matrix, in_epoch: np.ndarray) -> np.ndarray:
    """Per column, the weight of its term in its `POSTINGS_KEPT`-th epoch paper (0 for terms fewer epoch
    papers have)."""
    by_term = matrix[np.flatnonzero(in_epoch)].tocsc()
    cols = np.repeat(np.arange(by_term.shape[1]), np.diff(by_term.indptr))
    order = np.lexsort((-by_term.data, cols))
    cols, values = cols[order], by_term.data[order]
    rank = np.arange(len(cols)) - np.searchsorted(cols, cols, side="left")
    floor = np.zeros(matrix.shape[1])
    floor[cols[rank == POSTINGS_KEPT - 1]] = values[rank == POSTINGS_KEPT - 1]
    return floor


def _linking(matrix: sparse.csr_matrix, floor: np.ndarray) -> sparse.csr_matrix:
    """The matrix with each term kept only where it weighs at least its `floor`."""
    coo = matrix.tocoo()
    keep = coo.data >= floor[coo.col]
    linking = sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    linking.sort_indices()
    return linking


def _vectors(papers: Sequence[Paper], counter: TermCounter, in_epoch: np.ndarray) -> _Vectors:
    """Every paper's vector, with statistics from the papers `in_epoch`."""
    counted = _entries(counter(papers))
    vocabulary, row_of, col_of, _ = counted
    frequency = np.bincount(col_of[in_epoch[row_of]], minlength=len(vocabulary))
    epoch_papers = int(in_epoch.sum())
    matrix = _weighed(counted, frequency, epoch_papers, len(papers))
    floor = _floor(matrix, in_epoch)
    epoch = EpochTerms(
        epoch_papers,
        {vocabulary[column]: int(frequency[column]) for column in np.flatnonzero(frequency).tolist()},
        {vocabulary[column]: float(floor[column]) for column in np.flatnonzero(floor).tolist()},
    )
    return _Vectors([p.slug for p in papers], matrix, _linking(matrix, floor), vocabulary, epoch)


def _updated(
    last: TermVectors, last_slugs: Sequence[str], papers: Sequence[Paper], fresh: Collection[str], counter: TermCounter
) -> _Vectors:
    """Every paper's vector, weighed with the epoch statistics of the `last` vectors (rows `last_slugs`):
    only the papers `fresh` (new or changed) are counted and weighed, the others' rows are reused;
    every row the same terms with the same weights, bit for bit, as `_vectors` gives it, its columns
    numbered alphabetically too (the vocabulary may differ: terms of papers gone are kept, terms no
    row keeps are not), so every similarity and `kept()` are the same."""
    epoch = last.epoch
    new = [p for p in papers if p.slug in fresh]
    counted = _entries(counter(new))
    new_terms = counted[0]
    frequency = np.fromiter((epoch.frequency.get(term, 0) for term in new_terms), np.int64, len(new_terms))
    weighed = _weighed(counted, frequency, epoch.papers, len(new))
    vocabulary = sorted({*last.vocabulary, *(new_terms[c] for c in np.unique(weighed.indices).tolist())})
    column = {term: number for number, term in enumerate(vocabulary)}
    old_columns = np.fromiter(map(column.__getitem__, last.vocabulary), np.int64, len(last.vocabulary))
    new_columns = np.fromiter((column.get(term, -1) for term in new_terms), np.int64, len(new_terms))
    shape = (len(last_slugs), len(vocabulary))
    old_indices = old_columns[np.frombuffer(last.indices, "<i4")]
    old = sparse.csr_matrix((np.frombuffer(last.data, "<f8"), old_indices, np.frombuffer(last.indptr, "<i8")), shape)
    weighed = sparse.csr_matrix((weighed.data, new_columns[weighed.indices], weighed.indptr), (len(new), shape[1]))
    last_row = {slug: row for row, slug in enumerate(last_slugs)}
    reused = [p.slug for p in papers if p.slug not in fresh]
    stacked = sparse.vstack([old[[last_row[slug] for slug in reused]], weighed], format="csr")
    place = {slug: row for row, slug in enumerate([*reused, *(p.slug for p in new)])}
    matrix = stacked[[place[p.slug] for p in papers]]
    matrix.sort_indices()
    floor = np.fromiter((epoch.floor.get(term, 0.0) for term in vocabulary), np.float64, len(vocabulary))
    return _Vectors([p.slug for p in papers], matrix, _linking(matrix, floor), vocabulary, epoch)


def _row_entries(matrix: sparse.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored entries of the given rows as (position in `rows`, column, value) arrays."""
    starts = matrix.indptr[rows]
    counts = matrix.indptr[rows + 1] - starts
    offsets = np.cumsum(counts) - counts
    places = np.arange(int(counts.sum())) - np.repeat(offsets - starts, counts)
    return np.repeat(np.arange(len(rows)), counts), matrix.indices[places], matrix.data[places]


def _shared_terms(vectors: _Vectors, rows: np.ndarray, cols: np.ndarray) -> list[tuple[str, ...]]:
    """For each pair of papers (rows[i], cols[i]), the terms that contribute most to their similarity,
    strongest first, equal ones in alphabetical order (columns are numbered alphabetically). All
    pairs at once, in array operations: one at a time in Python, 50,000 pairs took 0.37 s at 10k."""
    pair_a, col_a, weight_a = _row_entries(vectors.matrix, rows)
    pair_b, col_b, weight_b = _row_entries(vectors.matrix, cols)
    width = vectors.matrix.shape[1]
    _, in_a, in_b = np.intersect1d(
        pair_a * width + col_a, pair_b * width + col_b, assume_unique=True, return_indices=True
    )
    pair, col, product = pair_a[in_a], col_a[in_a], weight_a[in_a] * weight_b[in_b]
    top = _top_per_row(pair, -product, SHARED_SHOWN)  # by pair and column, as intersect1d sorts them
    shared: list[list[str]] = [[] for _ in range(len(rows))]
    for index, column in zip(pair[top].tolist(), col[top].tolist(), strict=True):
        shared[index].append(vectors.vocabulary[column])
    return [tuple(terms) for terms in shared]


def _similar(similarities: sparse.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, similarity) of every pair above `MIN_SIMILARITY` (rounded to nine decimals) in a
    block of similarities whose rows are the papers `rows`, but each paper with itself. Only the
    products that may round to it are rounded and given their row: at 10k papers, 4 % of them."""
    maybe = np.flatnonzero(similarities.data >= MIN_SIMILARITY - _ROUNDED_UP)
    own = rows[np.searchsorted(similarities.indptr, maybe, side="right") - 1]
    cols, values = similarities.indices[maybe], np.round(similarities.data[maybe], DECIMALS)
    keep = (values >= MIN_SIMILARITY) & (cols != own)
    return own[keep], cols[keep], values[keep]


_ROUNDED_UP = 10.0**-DECIMALS
"""More than rounding to `DECIMALS` adds to any product (half of this, with the float error)."""


def _best(found: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's best `RELATED_SHOWN` pairs, sorted by row, then similarity downwards, then column:
    one sort, no loop over rows."""
    rows, cols, values = found
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    top = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left") < RELATED_SHOWN
    return rows[top], cols[top], values[top]


def _listed(vectors: _Vectors, rows: Sequence[int]) -> dict[str, tuple[Related, ...]]:
    """The related papers of the papers `rows`, computed whole, in blocks (in worker processes)."""
    transposed = vectors.linked
    block = max(1, BLOCK_CELLS // max(1, len(vectors.slugs)))
    chosen = np.asarray(rows, dtype=np.int64)

    def best_of_block(start: int) -> list[tuple[int, Related]]:
        part = chosen[start : start + block]
        rows, cols, values = _best(_similar(vectors.linking[part] @ transposed, part))
        shared = _shared_terms(vectors, rows, cols)
        best = zip(rows.tolist(), cols.tolist(), values.tolist(), shared, strict=True)
        return [(row, Related(vectors.slugs[col], value, terms)) for row, col, value, terms in best]

    found: dict[str, list[Related]] = {vectors.slugs[row]: [] for row in rows}
    for pairs in fork_map(best_of_block, range(0, len(chosen), block), chunk=1, at_least=4):
        for row, item in pairs:
            found[vectors.slugs[row]].append(item)
    return {slug: tuple(items) for slug, items in found.items()}


def _entered(
    vectors: _Vectors, new: Sequence[int], kept: Mapping[str, tuple[Related, ...]]
) -> dict[str, list[Related]]:
    """For each paper of `kept` (by slug, with its list), the papers `new` alike enough to enter its top
    five: similarities are symmetric, and computed with the same sums either way. In blocks of rows;
    pairs below a kept list's fifth similarity are dropped before any Python object is made."""
    kept_rows = np.zeros(len(vectors.slugs), dtype=bool)
    floor = np.full(len(vectors.slugs), MIN_SIMILARITY)
    row_of = {slug: row for row, slug in enumerate(vectors.slugs)}
    for slug, items in kept.items():
        kept_rows[row_of[slug]] = True
        if len(items) == RELATED_SHOWN:
            floor[row_of[slug]] = items[-1].similarity  # a tie may still enter, by slug
    transposed = vectors.linked
    block = max(1, BLOCK_CELLS // max(1, len(vectors.slugs)))
    chosen = np.asarray(new, dtype=np.int64)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(chosen), block):
        part = chosen[start : start + block]
        rows, cols, values = _similar(vectors.linking[part] @ transposed, part)
        keep = kept_rows[cols] & (values >= floor[cols])
        found.append((cols[keep], rows[keep], values[keep]))  # by the kept paper, then the new one
    if not found:
        return {}
    rows, cols, values = _best(tuple(np.concatenate(parts) for parts in zip(*found, strict=True)))  # type: ignore[arg-type]
    entering: dict[str, list[Related]] = {}
    shared = _shared_terms(vectors, rows, cols)
    for row, col, value, terms in zip(rows.tolist(), cols.tolist(), values.tolist(), shared, strict=True):
        entering.setdefault(vectors.slugs[row], []).append(Related(vectors.slugs[col], value, terms))
    return entering


def relate(
    papers: Mapping[str, Paper],
    counter: TermCounter = count_terms,
    epoch: Collection[str] | None = None,
    last: RelatedState | None = None,
) -> RelatedState:
    """Up to `RELATED_SHOWN` related papers for every paper, most similar first, with statistics from the
    papers `epoch` (all papers when None). Given the `last` result computed with the same statistics,
    only the new and changed papers are counted and weighed, and only the lists they can alter are
    computed again: those of the new and changed papers and of the papers that listed one (or one
    that is gone); the others gain the new papers alike enough to enter their top five."""
    ordered = [papers[slug] for slug in sorted(papers)]
    in_epoch = np.array([epoch is None or p.slug in epoch for p in ordered], dtype=bool)
    made_from = {p.slug: p.text_hash for p in ordered}  # what its vector is made from (with the epoch)
    stats = _stats_key(ordered, in_epoch, made_from)
    if last is None or last.stats != stats:
        vectors = _vectors(ordered, counter, in_epoch)
        return RelatedState(stats, made_from, _listed(vectors, range(len(ordered))), vectors.kept())
    changed = {slug for slug, text in made_from.items() if last.made_from.get(slug) != text}
    vectors = _updated(last.vectors, sorted(last.made_from), ordered, changed, counter)
    position = {slug: row for row, slug in enumerate(vectors.slugs)}
    stale = {slug for slug, text in last.made_from.items() if made_from.get(slug) != text}  # changed or gone
    redo = changed | {
        slug
        for slug, items in (last.related.items() if stale else ())
        if slug in made_from and not stale.isdisjoint([r.slug for r in items])
    }
    if len(redo) * REDO_SHARE > len(ordered):
        return RelatedState(stats, made_from, _listed(vectors, range(len(ordered))), vectors.kept())
    related = {slug: items for slug, items in last.related.items() if slug in made_from and slug not in redo}
    new_rows = sorted(position[slug] for slug in changed)
    for slug, entering in _entered(vectors, new_rows, related).items():
        merged = sorted([*related[slug], *entering], key=lambda r: (-r.similarity, r.slug))
        related[slug] = tuple(merged[:RELATED_SHOWN])
    related.update(_listed(vectors, sorted(position[slug] for slug in redo)))
    return RelatedState(stats, made_from, dict(sorted(related.items())), vectors.kept())


def related_papers(papers: Mapping[str, Paper], counter: TermCounter = count_terms) -> dict[str, tuple[Related, ...]]:
    """Up to `RELATED_SHOWN` related papers for every paper, with statistics from all of them."""
    return relate(papers, counter).related
