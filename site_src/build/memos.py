"""How each kind of remembered result is kept in the build cache file: plain JSON values.

A cache file is data that anyone who can edit the repository's folder could have written, so it is
never unpickled or evaluated: each memo namespace has an explicit encoder and decoder, and the
decoders check the type of every value they read. Anything unexpected raises `CacheFormatError`,
and the build then starts from an empty cache. Records that a cache holds by the thousand (topic
assignments) are JSON arrays; those it holds by the ten thousand (related papers, the related
stage's vectors) are arrays of numbers in base64, with the strings they point into; documents
(digests, notes, problems) are objects.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from site_src.build.page_deps import PageDeps
from site_src.build.paper_texts import PaperTexts
from site_src.catalog.model import (
    NO_METADATA,
    DigestFile,
    Entry,
    EpochTerms,
    Metadata,
    Note,
    Related,
    RelatedState,
    TermVectors,
    TopicAssignment,
    known,
)
from site_src.errors import Problem, Source
from site_src.pages.urls import SLUG_MAX
from site_src.search.kept import Analysis, EpochPieces, Statistics

_T = TypeVar("_T")


class CacheFormatError(ValueError):
    """A cache file, or a value in it, that is not what this version writes."""


def text(value: object) -> str:
    """A JSON string."""
    if type(value) is not str:
        raise CacheFormatError(f"expected a string, found {type(value).__name__}")
    return value


def integer(value: object) -> int:
    """A JSON integer (not a boolean)."""
    if type(value) is not int:
        raise CacheFormatError(f"expected an integer, found {type(value).__name__}")
    return value


def number(value: object) -> float:
    """A JSON number, kept as the int or float it was written as (the pages print it as it was)."""
    if type(value) not in (int, float):
        raise CacheFormatError(f"expected a number, found {type(value).__name__}")
    return value  # type: ignore[return-value]


def flag(value: object) -> bool:
    """A JSON boolean."""
    if type(value) is not bool:
        raise CacheFormatError(f"expected true or false, found {type(value).__name__}")
    return value


def array(value: object, size: int | None = None) -> list[Any]:
    """A JSON array (of `size` items, when given)."""
    if type(value) is not list or (size is not None and len(value) != size):
        raise CacheFormatError(f"expected an array of {size or 'any number of'} items")
    return value


def mapping(value: object) -> dict[str, Any]:
    """A JSON object."""
    if type(value) is not dict:
        raise CacheFormatError(f"expected an object, found {type(value).__name__}")
    return value


def texts(value: object) -> tuple[str, ...]:
    """A JSON array of strings, as a tuple."""
    if type(value) is not list or not _all_strings(value):
        raise CacheFormatError("expected an array of strings")
    return tuple(value)


def _all_strings(items: list[Any]) -> bool:
    """Whether every item is a string: joining them checks that in C (a generator over the items took
    a tenth of reading the memos, which hold a few strings per paper many times over)."""
    try:
        "".join(items)
    except TypeError:
        return False
    return True


def _source(source: Source) -> list[object]:
    return [source.path, source.line]


def _read_source(value: object) -> Source:
    path, line = array(value, 2)
    return Source(text(path), integer(line))


def _problem(problem: Problem) -> dict[str, object]:
    return {
        "source": _source(problem.source),
        "message": problem.message,
        "hint": problem.hint,
        "warning": problem.warning,
    }


def _read_problem(value: object) -> Problem:
    fields = mapping(value)
    return Problem(
        _read_source(fields["source"]), text(fields["message"]), text(fields["hint"]), flag(fields["warning"])
    )


def _metadata(meta: Metadata) -> dict[str, object]:
    return {
        "arxiv": meta.arxiv,
        "arxiv_version": meta.arxiv_version,
        "authors": list(meta.authors),
        "published": meta.published,
        "url": meta.url,
        "code": list(meta.code),
        "project": meta.project,
    }


_NO_METADATA_JSON = _metadata(NO_METADATA)


def _read_metadata(value: object) -> Metadata:
    """An entry's metadata; the one empty record for the many entries that have none (a pasted page's
    give none: at 10k papers, 11,000 records made and checked at every build)."""
    if value == _NO_METADATA_JSON:
        return NO_METADATA
    fields = mapping(value)
    return Metadata(
        arxiv=text(fields["arxiv"]),
        arxiv_version=text(fields["arxiv_version"]),
        authors=texts(fields["authors"]),
        published=text(fields["published"]),
        url=text(fields["url"]),
        code=texts(fields["code"]),
        project=text(fields["project"]),
    )


def _entry(entry: Entry) -> dict[str, object]:
    return {
        "title": entry.title,
        "abstract": entry.abstract,
        "source": _source(entry.source),
        "meta": _metadata(entry.meta),
        "note": entry.note,
        "topics": list(entry.topics),
        "text_hash": entry.text_hash,
        "identity": entry.identity,
        "abstract_code": list(entry.abstract_code),
    }


def _read_entry(value: object) -> Entry:
    fields = mapping(value)
    entry = Entry(
        title=text(fields["title"]),
        abstract=text(fields["abstract"]),
        source=_read_source(fields["source"]),
        meta=_read_metadata(fields["meta"]),
        note=text(fields["note"]),
        topics=texts(fields["topics"]),
    )
    hashed, code = _text_hash(fields["text_hash"]), texts(fields["abstract_code"])
    known(entry, text_hash=hashed, identity=text(fields["identity"]), abstract_code=code)
    return entry


_TEXT_HASH = re.compile(r"[0-9a-f]{32}")


def _text_hash(value: object) -> str:
    """A `text_hash` read back: 32 hexadecimal digits, trusted to be its entry's (a cache edited to give
    one entry another's hash gives it that one's topics and vector, as editing a parsed digest's text
    gives the site that text: the cache is data that is checked, not proof against a careful edit)."""
    if not _TEXT_HASH.fullmatch(hashed := text(value)):
        raise CacheFormatError(f"not a text hash: {hashed!r}")
    return hashed


def _digest(digest: DigestFile) -> dict[str, object]:
    return {
        "date": digest.date.isoformat(),
        "entries": [_entry(entry) for entry in digest.entries],
        "source": _source(digest.source),
        "title": digest.title,
        "note": digest.note,
        "date_line": digest.date_line,
    }


def _read_digest(value: object) -> DigestFile:
    fields = mapping(value)
    try:
        date = datetime.date.fromisoformat(text(fields["date"]))
    except ValueError as error:
        raise CacheFormatError(str(error)) from None
    return DigestFile(
        date=date,
        entries=tuple(_read_entry(entry) for entry in array(fields["entries"])),
        source=_read_source(fields["source"]),
        title=text(fields["title"]),
        note=text(fields["note"]),
        date_line=integer(fields["date_line"]),
    )


def _note(note: Note) -> dict[str, object]:
    return {
        "slug": note.slug,
        "source": _source(note.source),
        "body": note.body,
        "topics": None if note.topics is None else list(note.topics),
        "hidden": note.hidden,
        "meta": _metadata(note.meta),
    }


def _read_note(value: object) -> Note:
    fields = mapping(value)
    return Note(
        slug=text(fields["slug"]),
        source=_read_source(fields["source"]),
        body=text(fields["body"]),
        topics=None if fields["topics"] is None else texts(fields["topics"]),
        hidden=flag(fields["hidden"]),
        meta=_read_metadata(fields["meta"]),
    )


ParsedDigest = tuple[DigestFile | None, list[Problem]]
ParsedNote = tuple[Note, list[Problem]]


@dataclass(frozen=True)
class LastBuild:
    """What a build reported, kept with the hash of its inputs for a no-op build to report again."""

    digests: int
    papers: int
    topics: int
    pages: int
    warnings: tuple[Problem, ...]


def last_build_json(last: LastBuild) -> dict[str, object]:
    counts = [last.digests, last.papers, last.topics, last.pages]
    return {"counts": counts, "warnings": [_problem(p) for p in last.warnings]}


def read_last_build(value: object) -> LastBuild:
    fields = mapping(value)
    digests, papers, topics, pages = map(integer, array(fields["counts"], 4))
    return LastBuild(digests, papers, topics, pages, tuple(map(_read_problem, array(fields["warnings"]))))


def _parsed_digest(parsed: ParsedDigest) -> dict[str, object]:
    digest, problems = parsed
    return {"digest": None if digest is None else _digest(digest), "problems": list(map(_problem, problems))}


def _read_parsed_digest(value: object) -> ParsedDigest:
    fields = mapping(value)
    digest = None if fields["digest"] is None else _read_digest(fields["digest"])
    return digest, [_read_problem(p) for p in array(fields["problems"])]


def _parsed_note(parsed: ParsedNote) -> dict[str, object]:
    note, problems = parsed
    return {"note": _note(note), "problems": list(map(_problem, problems))}


def _read_parsed_note(value: object) -> ParsedNote:
    fields = mapping(value)
    return _read_note(fields["note"]), [_read_problem(p) for p in array(fields["problems"])]


def _assignments(topics: tuple[TopicAssignment, ...]) -> list[object]:
    return [[t.slug, t.score, list(t.reasons), t.manual] for t in topics]


def _read_assignments(value: object) -> tuple[TopicAssignment, ...]:
    read = []
    for item in array(value):
        slug, score, reasons, manual = array(item, 4)
        read.append(TopicAssignment(text(slug), number(score), texts(reasons), flag(manual)))
    return tuple(read)


def _assignments_by_text(assigned: dict[str, tuple[TopicAssignment, ...]]) -> dict[str, object]:
    return {hashed: _assignments(topics) for hashed, topics in assigned.items()}


def _read_assignments_by_text(value: object) -> dict[str, tuple[TopicAssignment, ...]]:
    """Papers' topics by their text's hash (`gather.TOPICS_MEMO`)."""
    return {_text_hash(hashed): _read_assignments(topics) for hashed, topics in mapping(value).items()}


def _related(related: dict[str, tuple[Related, ...]]) -> dict[str, object]:
    """Every paper's related papers as arrays (`_read_related`): five per paper as JSON arrays were
    half of the memos' decoding time of a day's build at 10k papers, and most of their encoding."""
    papers = list(related)
    place = {slug: number for number, slug in enumerate(papers)}
    items = [item for others in related.values() for item in others]
    terms = sorted({term for item in items for term in item.terms})
    term_place = {term: number for number, term in enumerate(terms)}
    return {
        "papers": papers,
        "counts": _b64([len(others) for others in related.values()], "<u2"),
        "others": _b64([place[item.slug] for item in items], "<i4"),
        "similarities": _b64([item.similarity for item in items], "<f8"),
        "sizes": _b64([len(item.terms) for item in items], "<u2"),
        "terms": terms,
        "term_ids": _b64([term_place[term] for item in items for term in item.terms], "<i4"),
    }


def _b64(values: list[Any], dtype: str) -> str:
    import numpy as np  # here: see `_read_term_vectors`

    return base64.b64encode(np.array(values, dtype).tobytes()).decode()


def _read_array(value: object, dtype: str) -> Any:
    """A numpy array from base64 text, of whole items of `dtype`."""
    import numpy as np  # here: see `_read_term_vectors`

    data, kind = _read_bytes(value), np.dtype(dtype)
    if len(data) % kind.itemsize:
        raise CacheFormatError(f"an array of {kind} cut short")
    return np.frombuffer(data, kind)


def _read_related(value: object) -> dict[str, tuple[Related, ...]]:
    """Every paper's related papers (`_related`): each one a place among the papers, with how alike
    (a finite number) and through which terms (places among the terms), all checked in range."""
    import numpy as np  # here: see `_read_term_vectors`

    fields = mapping(value)
    papers, terms = texts(fields["papers"]), texts(fields["terms"])
    counts, others, similarities, sizes, term_ids = (
        _read_array(fields[name], dtype)
        for name, dtype in [
            ("counts", "<u2"),
            ("others", "<i4"),
            ("similarities", "<f8"),
            ("sizes", "<u2"),
            ("term_ids", "<i4"),
        ]
    )
    if (
        len(counts) != len(papers)
        or int(counts.sum()) != len(others)
        or len(similarities) != len(others)
        or len(sizes) != len(others)
        or int(sizes.sum()) != len(term_ids)
        or (len(others) and (others.min() < 0 or others.max() >= len(papers)))
        or (len(term_ids) and (term_ids.min() < 0 or term_ids.max() >= len(terms)))
        or not np.isfinite(similarities).all()  # NaN would order no list
    ):
        raise CacheFormatError("related papers of other sizes than their papers, or out of range")
    other_slugs = [papers[number] for number in others.tolist()]
    words = [terms[number] for number in term_ids.tolist()]
    alike, shared = similarities.tolist(), sizes.tolist()
    read, start, word = {}, 0, 0
    for slug, count in zip(papers, counts.tolist(), strict=True):
        listed = []
        for number in range(start, start + count):
            end = word + shared[number]
            listed.append(Related(other_slugs[number], alike[number], tuple(words[word:end])))
            word = end
        read[slug] = tuple(listed)
        start += count
    return read


def _related_state(state: RelatedState) -> dict[str, object]:
    return {
        "stats": state.stats,
        "made_from": state.made_from,
        "related": _related(state.related),
        "vectors": _term_vectors(state.vectors),
    }


def _read_related_state(value: object) -> RelatedState:
    fields = mapping(value)
    made_from = {slug: text(made) for slug, made in mapping(fields["made_from"]).items()}
    related = _read_related(fields["related"])
    if related.keys() != made_from.keys():
        raise CacheFormatError("related papers for other papers than they were made from")
    vectors = _read_term_vectors(fields["vectors"], len(made_from))
    return RelatedState(text(fields["stats"]), made_from, related, vectors)


def _term_vectors(vectors: TermVectors) -> dict[str, object]:
    epoch = vectors.epoch
    return {
        "vocabulary": list(vectors.vocabulary),
        "indptr": base64.b64encode(vectors.indptr).decode(),
        "indices": base64.b64encode(vectors.indices).decode(),
        "data": base64.b64encode(vectors.data).decode(),
        "papers": epoch.papers,
        "frequency": epoch.frequency,
        "floor": epoch.floor,
    }


def _read_bytes(value: object) -> bytes:
    """Base64 text, decoded."""
    try:
        return base64.b64decode(text(value), validate=True)
    except ValueError as error:
        raise CacheFormatError(f"not base64: {error}") from None


def _read_term_vectors(value: object, rows: int) -> TermVectors:
    """Vectors for `rows` papers, checked as the related stage relies on them: every row's columns in
    range and in increasing order, every weight finite."""
    import numpy as np  # here: a build with nothing new reads no memo, and importing numpy costs it 0.1 s

    fields = mapping(value)
    vocabulary = texts(fields["vocabulary"])
    indptr, indices, data = (_read_bytes(fields[name]) for name in ("indptr", "indices", "data"))
    if len(indptr) != 8 * (rows + 1) or len(indices) % 4 or len(data) != 2 * len(indices):
        raise CacheFormatError("vectors of another size than the papers they were made from")
    starts, columns, weights = np.frombuffer(indptr, "<i8"), np.frombuffer(indices, "<i4"), np.frombuffer(data, "<f8")
    steps = np.diff(columns.astype(np.int64))
    row_starts = starts[1:-1][(starts[1:-1] > 0) & (starts[1:-1] < len(columns))] - 1
    steps[row_starts] = 1  # a row may start below the previous one's last column
    if (
        starts[0] != 0
        or starts[-1] != len(columns)
        or np.any(np.diff(starts) < 0)
        or (len(columns) and (columns.min() < 0 or columns.max() >= len(vocabulary)))
        or np.any(steps <= 0)
        or not np.isfinite(weights).all()
        or any(a >= b for a, b in itertools.pairwise(vocabulary))
    ):
        raise CacheFormatError("vectors out of order or out of range")
    papers, frequency = integer(fields["papers"]), _read_counts(fields["frequency"])
    floor = {term: float(number(weight)) for term, weight in mapping(fields["floor"]).items()}
    if not 0 <= papers < 2**53 or not all(0 < count <= papers for count in frequency.values()):
        raise CacheFormatError("term frequencies out of range")
    if not all(0 < weight <= 1 for weight in floor.values()):  # unit vectors' weights (NaN fails too)
        raise CacheFormatError("linking weights out of range")
    return TermVectors(vocabulary, indptr, indices, data, EpochTerms(papers, frequency, floor))


def _read_counts(value: object) -> dict[str, int]:
    counts = mapping(value)
    if not all(type(count) is int for count in counts.values()):
        raise CacheFormatError("expected integer counts")
    return counts


def _epoch_pieces(value: EpochPieces) -> dict[str, object]:
    statistics = value.statistics
    return {
        "averages": list(statistics.averages),
        "count": statistics.count,
        "frequency": statistics.frequency,
        "pieces": [list(piece) for piece in value.pieces],
    }


def _read_epoch_pieces(value: object) -> EpochPieces:
    fields = mapping(value)
    averages = tuple(float(number(average)) for average in array(fields["averages"]))
    statistics = Statistics(integer(fields["count"]), _read_counts(fields["frequency"]), averages)
    pieces = tuple((text(g), text(first), text(path)) for g, first, path in map(_triple, array(fields["pieces"])))
    return EpochPieces(statistics, pieces)


_TERMS = re.compile(r"(?:(?:[a-z0-9]+|-)(?: (?:[a-z0-9]+|-))*)?")
"""What an `Analysis` holds: terms (letters and digits) and stop words' places (`STOP`), one space apart."""


def _read_analyses(value: object) -> dict[str, Analysis]:
    """The month's papers' words as terms (`SearchFiles.month_words`), each checked to be terms: the
    search index would hold anything else as a term."""
    analyses = {key: texts(analysis) for key, analysis in mapping(value).items()}
    if not all(_TERMS.fullmatch(text) for analysis in analyses.values() for text in analysis):
        raise CacheFormatError("search terms that are not words of a-z and 0-9, one space apart")
    return analyses


_STORE_CHUNK = re.compile(r"assets/search/papers([0-9]+)\.[0-9a-f]{10}\.json")
_CHUNK_KEY = re.compile(r"[0-9a-f]{32}")


def _read_store_chunks(value: object) -> dict[str, str]:
    """The search store chunks' paths by what they were made from (`SearchFiles.chunk_paths`), each a
    chunk's path: a build only keeps one that the last build wrote and is still as it was."""
    chunks = {text(key): text(path) for key, path in mapping(value).items()}
    if not all(_CHUNK_KEY.fullmatch(key) and _STORE_CHUNK.fullmatch(path) for key, path in chunks.items()):
        raise CacheFormatError("a search store chunk that is not a chunk's path under a hash")
    return chunks


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _read_plain_slugs(value: object) -> dict[str, str]:
    """Titles and their slugs, each slug checked to have the shape `slug_for` gives (it names a
    folder; whether it is its title's own is not known without slugifying the title again, and two
    papers given one slug make the catalog slugify every title: `CatalogMemo.slugs_for`)."""
    slugs = {text(title): text(slug) for title, slug in mapping(value).items()}
    if not all(len(slug) <= SLUG_MAX and _SLUG.fullmatch(slug) for slug in slugs.values()):
        raise CacheFormatError(f"a slug that is longer than {SLUG_MAX} or not words of a-z and 0-9 joined by hyphens")
    return slugs


def _page_deps(deps: PageDeps) -> dict[str, object]:
    return {"context": deps.context, "papers": deps.papers, "digests": deps.digests, "paper_lists": deps.paper_lists}


def _read_page_deps(value: object) -> PageDeps:
    """What the last build's pages were made from (`page_deps`): records by slug, by day and by path."""
    fields = mapping(value)

    def records(of: object) -> dict[str, str]:
        return {text(name): text(record) for name, record in mapping(of).items()}

    papers, digests, lists = (records(fields[name]) for name in ("papers", "digests", "paper_lists"))
    return PageDeps(text(fields["context"]), papers, digests, lists)


def _paper_texts(texts: PaperTexts) -> dict[str, object]:
    return {
        "context": texts.context,
        "papers": list(texts.records),
        "records": list(texts.records.values()),
        "bibtex": [texts.bibtex[slug] for slug in texts.records],
        "json_sha": texts.json_sha,
        "json_lengths": list(texts.json_lengths),
    }


def _read_paper_texts(value: object) -> PaperTexts:
    """The papers' entries as the last build made them (`paper_texts`): one record, BibTeX entry
    and papers.json entry length per paper (each entry at least `{}`)."""
    fields = mapping(value)
    papers, records, bibtex = texts(fields["papers"]), texts(fields["records"]), texts(fields["bibtex"])
    lengths = array(fields["json_lengths"])
    if not len(papers) == len(records) == len(bibtex) == len(lengths) == len(set(papers)):
        raise CacheFormatError("paper texts of other numbers than their papers")
    if not all(type(length) is int and length >= 2 for length in lengths):
        raise CacheFormatError("a papers.json entry's length that is not a whole number of at least 2")
    return PaperTexts(
        text(fields["context"]),
        dict(zip(papers, records, strict=True)),
        dict(zip(papers, bibtex, strict=True)),
        text(fields["json_sha"]),
        tuple(lengths),
    )


def _triple(value: object) -> list[Any]:
    return array(value, 3)


@dataclass(frozen=True)
class Codec(Generic[_T]):
    """How the values of one memo namespace become JSON and back."""

    encode: Callable[[_T], object]
    decode: Callable[[object], _T]


CODECS: dict[str, Codec[Any]] = {
    "digest": Codec(_parsed_digest, _read_parsed_digest),
    "note": Codec(_parsed_note, _read_parsed_note),
    "topics": Codec(_assignments_by_text, _read_assignments_by_text),
    "related": Codec(_related_state, _read_related_state),
    "searchepoch": Codec(_epoch_pieces, _read_epoch_pieces),
    "searchwords": Codec(dict, _read_analyses),
    "searchstore": Codec(dict, _read_store_chunks),
    "slugs": Codec(dict, _read_plain_slugs),
    "pagedeps": Codec(_page_deps, _read_page_deps),
    "papertexts": Codec(_paper_texts, _read_paper_texts),
}
"""Every namespace the build remembers results in (see `BuildCache.memo`)."""
