"""Related papers, computed at build time: TF-IDF cosine over title and abstract (title weighted), up to five
per paper, each with the key terms the two papers share ("related through: rehearsal, prompts").

Every paper keeps only its strongest terms (a sparse vector of at most `TERMS_KEPT` entries), and the
similarities of all pairs come from sparse matrix products in blocks of rows (scipy, in C), so the cost
grows with the number of shared strong terms rather than with the square of the number of papers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .model import Paper, Related
from .topics import stem, topical_text

RELATED_SHOWN = 5
TITLE_WEIGHT = 3
"""A word in the title counts as much as three in the abstract."""
TERMS_KEPT = 40
"""Each paper's strongest terms; the rest add little to a cosine and much to its cost."""
MIN_SIMILARITY = 0.1
"""Below this, two papers share only incidental words and are not shown as related."""
SHARED_SHOWN = 3
BLOCK_CELLS = 4_000_000
"""Rows per block times papers: bounds the memory of one block of similarities."""

_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
STOPWORDS = frozenset(
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


@dataclass(frozen=True)
class _Vectors:
    """Every paper's kept terms as rows of a sparse matrix, with the words to show for them."""

    slugs: list[str]
    matrix: sparse.csr_matrix
    vocabulary: list[str]
    forms: list[dict[str, str]]
    """Per paper, each term stem's first spelling in that paper."""


def _term_counts(paper: Paper, stems: dict[str, str]) -> tuple[Counter[str], dict[str, str]]:
    """A paper's weighted term counts (title words count `TITLE_WEIGHT` times) and how it spells each term."""
    counts: Counter[str] = Counter()
    forms: dict[str, str] = {}
    for text, weight in ((paper.title, TITLE_WEIGHT), (topical_text(paper.abstract), 1)):
        for word, n in Counter(_WORD.findall(text.lower())).items():
            if len(word) < 3 or word in STOPWORDS:
                continue
            term = stems.get(word)
            if term is None:
                term = stems[word] = "-".join(stem(part) for part in word.split("-"))
            counts[term] += n * weight
            forms.setdefault(term, word)
    return counts, forms


def _vectors(papers: Iterable[Paper]) -> _Vectors:
    """TF-IDF vectors (sublinear tf, smoothed idf) keeping each paper's strongest shared terms, unit length."""
    stems: dict[str, str] = {}
    slugs, counts, forms = [], [], []
    for paper in papers:
        paper_counts, paper_forms = _term_counts(paper, stems)
        slugs.append(paper.slug)
        counts.append(paper_counts)
        forms.append(paper_forms)
    spread = Counter(term for paper_counts in counts for term in paper_counts)
    idf = {term: math.log((1 + len(slugs)) / (1 + df)) + 1 for term, df in spread.items() if df > 1}
    index: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, paper_counts in enumerate(counts):
        weights = sorted(
            ((-(1 + math.log(n)) * idf[term], term) for term, n in paper_counts.items() if term in idf),
        )[:TERMS_KEPT]
        norm = math.sqrt(sum(w * w for w, _ in weights)) or 1.0
        for weight, term in weights:
            rows.append(row)
            cols.append(index.setdefault(term, len(index)))
            values.append(-weight / norm)
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(slugs), len(index)), dtype=np.float64)
    matrix.sort_indices()
    return _Vectors(slugs, matrix, list(index), forms)


def _shared_terms(vectors: _Vectors, a: int, b: int) -> tuple[str, ...]:
    """The terms that contribute most to the similarity of papers a and b, spelled as paper a spells them."""
    row_a, row_b = vectors.matrix.getrow(a), vectors.matrix.getrow(b)
    weights_b = dict(zip(row_b.indices.tolist(), row_b.data.tolist(), strict=True))
    products = sorted(
        (-weight * weights_b[col], vectors.vocabulary[col])
        for col, weight in zip(row_a.indices.tolist(), row_a.data.tolist(), strict=True)
        if col in weights_b
    )
    return tuple(vectors.forms[a][term] for _, term in products[:SHARED_SHOWN])


def related_papers(papers: Mapping[str, Paper]) -> dict[str, tuple[Related, ...]]:
    """Up to `RELATED_SHOWN` related papers for every paper, most similar first (ties in slug order)."""
    ordered = [papers[slug] for slug in sorted(papers)]
    if len(ordered) < 2:
        return {}
    vectors = _vectors(ordered)
    transposed = vectors.matrix.T.tocsc()
    block = max(1, BLOCK_CELLS // len(ordered))
    found: dict[str, tuple[Related, ...]] = {}
    for start in range(0, len(ordered), block):
        similarities = (vectors.matrix[start : start + block] @ transposed).tocsr()
        for offset in range(similarities.shape[0]):
            row = start + offset
            span = slice(similarities.indptr[offset], similarities.indptr[offset + 1])
            cols, values = similarities.indices[span], np.round(similarities.data[span], 9)
            keep = (cols != row) & (values >= MIN_SIMILARITY)
            cols, values = cols[keep], values[keep]
            best = np.lexsort((cols, -values))[:RELATED_SHOWN]
            found[vectors.slugs[row]] = tuple(
                Related(vectors.slugs[col], float(value), _shared_terms(vectors, row, col))
                for col, value in zip(cols[best].tolist(), values[best].tolist(), strict=True)
            )
    return found
