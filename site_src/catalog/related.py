"""Related papers, computed at build time: TF-IDF cosine over title and abstract (title weighted), up to five
per paper, each with the key terms the two papers share ("related through: rehearsal, prompts").

Every paper keeps only its strongest terms (a sparse vector of at most `TERMS_KEPT` entries), and the
similarities of all pairs come from sparse matrix products in blocks of rows (scipy, in C) whose best
five per row one numpy sort picks, so no Python loop runs over pairs of papers. Equal similarities
(rounded to nine decimals) are listed in slug order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from site_src.build.parallel import fork_map
from site_src.catalog.model import Paper, Related
from site_src.catalog.terms import RELATED_WORD, related_term, topical_text

RELATED_SHOWN = 5
TITLE_WEIGHT = 3
"""A word in the title counts as much as three in the abstract."""
TERMS_KEPT = 40
"""Each paper's strongest terms; the rest add little to a cosine and much to its cost."""
MIN_SIMILARITY = 0.1
"""Below this, two papers share only incidental words and are not shown as related."""
SHARED_SHOWN = 3
POSTINGS_KEPT = 1000
"""Each term links at most the papers it weighs most in: a term shared by thousands of papers says little
about any two of them, and would make the products grow with the square of the corpus."""
BLOCK_CELLS = 4_000_000
"""Rows per block times papers: bounds the memory of one block of similarities."""


@dataclass(frozen=True)
class _Vectors:
    """Every paper's kept terms as rows of a sparse matrix, with the words to show for them."""

    slugs: list[str]
    matrix: sparse.csr_matrix
    vocabulary: list[str]


def term_counts(title: str, abstract: str) -> dict[str, int]:
    """A paper's weighted term counts: title words count `TITLE_WEIGHT` times."""
    counts = Counter(map(related_term, RELATED_WORD.findall(topical_text(abstract).lower())))
    for term in map(related_term, RELATED_WORD.findall(title.lower())):
        counts[term] += TITLE_WEIGHT
    counts.pop("", None)
    return counts


TermCounter = Callable[[Sequence[Paper]], list[dict[str, int]]]
"""Gives each paper's `term_counts`, in order (the build's remembers them per paper between builds)."""


def count_terms(papers: Sequence[Paper]) -> list[dict[str, int]]:
    """Every paper's `term_counts`, in worker processes when there are many."""
    return fork_map(lambda i: term_counts(papers[i].title, papers[i].abstract), range(len(papers)), chunk=500)


def _top_per_row(rows: np.ndarray, keys: tuple[np.ndarray, ...], count: int) -> np.ndarray:
    """Positions of each row's first `count` entries when sorted by row, then by `keys` (last key first)."""
    order = np.lexsort((*keys, rows))
    sorted_rows = rows[order]
    place = np.arange(len(order)) - np.searchsorted(sorted_rows, sorted_rows, side="left")
    return order[place < count]


def _vectors(papers: Sequence[Paper], counter: TermCounter) -> _Vectors:
    """TF-IDF vectors (sublinear tf, smoothed idf) keeping each paper's strongest shared terms, unit length.

    Each paper's counts become arrays as soon as they are made, and the weighting is done on the
    arrays: at 50k papers, per-paper dictionaries took a gigabyte and most of the stage's time."""
    index: dict[str, int] = {}
    row_parts, col_parts, tf_parts = [], [], []
    for row, counts in enumerate(counter(papers)):
        col_parts.append(np.fromiter((index.setdefault(t, len(index)) for t in counts), np.int64, len(counts)))
        tf_parts.append(np.fromiter(counts.values(), np.float64, len(counts)))
        row_parts.append(np.full(len(counts), row, np.int64))
    vocabulary = list(index)
    row_of, col_of, tf_of = (np.concatenate(parts) for parts in (row_parts, col_parts, tf_parts))
    df = np.bincount(col_of, minlength=len(vocabulary))
    idf = np.log((1 + len(papers)) / (1 + df)) + 1
    shared = df[col_of] > 1
    row_of, col_of, weight = row_of[shared], col_of[shared], (1 + np.log(tf_of[shared])) * idf[col_of[shared]]
    alphabetical = np.argsort(np.argsort(np.array(vocabulary, dtype=object)))  # ties: the term first in A-Z
    kept = _top_per_row(row_of, (alphabetical[col_of], -weight), TERMS_KEPT)
    row_of, col_of, weight = row_of[kept], col_of[kept], weight[kept]
    norms = np.sqrt(np.bincount(row_of, weights=weight * weight, minlength=len(papers)))
    values = weight / np.where(norms > 0, norms, 1.0)[row_of]
    matrix = sparse.csr_matrix((values, (row_of, col_of)), shape=(len(papers), len(vocabulary)), dtype=np.float64)
    matrix.sort_indices()
    return _Vectors([p.slug for p in papers], matrix, vocabulary)


def _shared_terms(vectors: _Vectors, a: int, b: int) -> tuple[str, ...]:
    """The terms that contribute most to the similarity of papers a and b."""
    matrix = vectors.matrix
    start_a, end_a, start_b, end_b = matrix.indptr[a], matrix.indptr[a + 1], matrix.indptr[b], matrix.indptr[b + 1]
    row_b = dict(zip(matrix.indices[start_b:end_b].tolist(), matrix.data[start_b:end_b].tolist(), strict=True))
    products = sorted(
        (-weight * row_b[col], vectors.vocabulary[col])
        for col, weight in zip(matrix.indices[start_a:end_a].tolist(), matrix.data[start_a:end_a].tolist(), strict=True)
        if col in row_b
    )
    return tuple(term for _, term in products[:SHARED_SHOWN])


def _best_per_row(similarities: sparse.csr_matrix, first_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, similarity) of each row's best `RELATED_SHOWN` others above `MIN_SIMILARITY`, sorted by
    row, then similarity (rounded to nine decimals) downwards, then column: one sort, no loop over rows."""
    rows = np.repeat(np.arange(similarities.shape[0]), np.diff(similarities.indptr))
    cols, values = similarities.indices, np.round(similarities.data, 9)
    keep = (values >= MIN_SIMILARITY) & (cols != rows + first_row)
    rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    starts = np.searchsorted(rows, rows, side="left")
    top = np.arange(len(rows)) - starts < RELATED_SHOWN
    return rows[top] + first_row, cols[top], values[top]


def _strongest_postings(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The matrix with each term (column) kept only in the `POSTINGS_KEPT` papers it weighs most in."""
    by_term = matrix.tocsc()
    cols = np.repeat(np.arange(by_term.shape[1]), np.diff(by_term.indptr))
    order = np.lexsort((by_term.indices, -by_term.data, cols))
    cols, rows, values = cols[order], by_term.indices[order], by_term.data[order]
    keep = np.arange(len(cols)) - np.searchsorted(cols, cols, side="left") < POSTINGS_KEPT
    return sparse.csr_matrix((values[keep], (rows[keep], cols[keep])), shape=matrix.shape)


def related_papers(papers: Mapping[str, Paper], counter: TermCounter = count_terms) -> dict[str, tuple[Related, ...]]:
    """Up to `RELATED_SHOWN` related papers for every paper, most similar first."""
    ordered = [papers[slug] for slug in sorted(papers)]
    vectors = _vectors(ordered, counter)
    pruned = _strongest_postings(vectors.matrix)
    transposed = pruned.T.tocsr()
    block = max(1, BLOCK_CELLS // max(1, len(ordered)))

    def best_of_block(start: int) -> list[tuple[int, Related]]:
        similarities = pruned[start : start + block] @ transposed
        best = zip(*(a.tolist() for a in _best_per_row(similarities, start)), strict=True)
        return [(row, Related(vectors.slugs[col], value, _shared_terms(vectors, row, col))) for row, col, value in best]

    found: dict[str, list[Related]] = {paper.slug: [] for paper in ordered}
    for rows in fork_map(best_of_block, range(0, len(ordered), block), chunk=1, at_least=4):
        for row, related in rows:
            found[vectors.slugs[row]].append(related)
    return {slug: tuple(items) for slug, items in found.items()}
