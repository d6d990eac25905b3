"""The build cache is data: a JSON file that is read back whole or not at all, and never run.

Anyone who can change the repository's folder (a pull request) can change a cache file beside an
output folder; the worst it may cost is a cold build, announced by one warning naming the file.
"""

from __future__ import annotations

import base64
import json
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from site_src.build import keys
from site_src.build.builder import BuildReport, build, load_cache
from site_src.build.cache import BuildCache, cache_folder
from site_src.build.gather import load_catalog
from site_src.catalog import epoch, merge
from site_src.catalog.model import TopicAssignment, identity, text_hash
from site_src.catalog.topics import Classifier
from site_src.cli import main
from site_src.errors import BuildError
from site_src.inputs.reader import display_path
from site_src.inputs.settings import ROOT, BuildOptions
from site_src.markup import code_links
from site_src.pages.urls import SLUG_MAX, slug_for
from site_src.search import files as search_files
from site_src.search import lunrindex
from site_src.search.files import FIELDS
from site_src.serve.server import PREVIEW_DIR

from .golden import GOLDEN, files_of
from .helpers import ABSTRACT, SHIPPED_CONTENT, text_digest

CACHE_NAME = "build.json"
MEMO_NAME = "memos.jsonl"


class _CreatesFile:
    """A pickle that creates a file when it is unpickled: proof that the cache was run as code."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Callable[[Path], None], tuple[Path]]:
        return Path.touch, (self.path,)


def _options(tmp_path: Path) -> BuildOptions:
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(GOLDEN / "basic/content", content)
    return BuildOptions(content_dir=content, out_dir=tmp_path / "public", base_url="https://x.org/")


def _not_a_no_op(options: BuildOptions) -> None:
    """Change an input without changing the site: a blank line more at the end of a digest."""
    digest = min((options.content_dir / "digests").iterdir())
    digest.write_text(digest.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def _cache_file(options: BuildOptions) -> Path:
    return cache_folder(options.out_dir) / CACHE_NAME


def _assert_cold_with_one_warning(report: BuildReport, options: BuildOptions) -> None:
    assert report.rendered == report.pages
    assert [(w.source.path, w.warning) for w in report.warnings] == [(display_path(_cache_file(options)), True)]
    assert "the build cache was ignored" in report.warnings[0].message


def test_a_pickle_put_in_the_cache_folder_is_never_run(tmp_path: Path) -> None:
    options = _options(tmp_path)
    build(options)
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_CreatesFile(marker))
    for name in (CACHE_NAME, "build.pickle"):  # today's file, and the file of the pickled format before it
        (cache_folder(options.out_dir) / name).write_bytes(payload)
    report = build(options)
    assert not marker.exists()
    _assert_cold_with_one_warning(report, options)
    assert not (cache_folder(options.out_dir) / "build.pickle").exists()


def test_a_truncated_cache_gives_a_cold_build_and_one_warning_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = _options(tmp_path)
    build(options)
    expected = files_of(options.out_dir)
    for saved in cache_folder(options.out_dir).iterdir():
        saved.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    arguments = ["build", "--content", str(options.content_dir), "--out", str(options.out_dir)]
    assert main([*arguments, "--base-url", options.base_url, "--strict"]) == 0  # a cache is no input: not an error
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [
        f"{display_path(_cache_file(options))}: warning: the build cache was ignored "
        "(not valid JSON: truncated or corrupt); everything is built again"
    ]
    assert files_of(options.out_dir) == expected
    assert build(options).rendered == 0  # the cache was written again, whole


def _with_format(saved: dict[str, object]) -> None:
    saved["format"] = 1


def _with_text_size(saved: dict[str, object]) -> None:
    files = saved["files"]
    assert isinstance(files, dict)
    files["index.html"][1] = "1234"


def _with_path_outside(saved: dict[str, object]) -> None:
    groups = saved["groups"]
    assert isinstance(groups, dict)
    groups["search"][1].append("../../outside.txt")


def _moved(field: str, path: str) -> Callable[[dict[str, object]], None]:
    """A damage: the home page's record among `field` ("files" or "pages") put under `path`."""

    def damage(saved: dict[str, object]) -> None:
        records = saved[field]
        assert isinstance(records, dict)
        records[path] = records.pop("index.html")

    damage.__name__ = f"_with_{field}_at_{path}"
    return damage


def _store_chunk(key: str, path: str) -> Callable[[dict[str, object]], None]:
    """A damage: a search store chunk remembered at `path` by `key`."""

    def damage(saved: dict[str, object]) -> None:
        memos = saved["memos"]
        assert isinstance(memos, dict)
        memos["searchstore"]["last"][key] = path

    damage.__name__ = f"_with_store_chunk_{key[:4]}_at_{path}"
    return damage


def _with_file_size_a_flag(saved: dict[str, object]) -> None:
    files = saved["files"]
    assert isinstance(files, dict)
    files["index.html"][1] = True


def _with_page_key_a_number(saved: dict[str, object]) -> None:
    pages = saved["pages"]
    assert isinstance(pages, dict)
    pages["index.html"] = 5


def _with_lost_last_build(saved: dict[str, object]) -> None:
    saved["last"] = ["0" * 64, {"counts": [1, 2, 3], "warnings": []}]


def _with_foreign_memo(saved: dict[str, object]) -> None:
    memos = saved["memos"]
    assert isinstance(memos, dict)
    memos["pickled"] = {"key": "gASVAAAAAAAAAAAu"}


def _with_numeric_title(saved: dict[str, object]) -> None:
    memos = saved["memos"]
    assert isinstance(memos, dict)
    parsed = next(iter(memos["digest"].values()))
    parsed["digest"]["entries"][0]["title"] = 42


def _with_text_hash_not_a_hash(saved: dict[str, Any]) -> None:
    parsed = next(iter(saved["memos"]["digest"].values()))
    parsed["digest"]["entries"][0]["text_hash"] = "<b>not a hash</b>"


def _with_abstract_code_not_text(saved: dict[str, Any]) -> None:
    parsed = next(iter(saved["memos"]["digest"].values()))
    parsed["digest"]["entries"][0]["abstract_code"] = [7]


def _with_topics_under_no_text_hash(saved: dict[str, Any]) -> None:
    assigned = next(iter(saved["memos"]["topics"].values()))
    assigned["not a hash"] = assigned.popitem()[1]


def _remembered_slugs(saved: dict[str, Any]) -> dict[str, str]:
    slugs: dict[str, str] = saved["memos"]["slugs"]["last"]
    return slugs


def _with_slug_out_of_the_folder(saved: dict[str, Any]) -> None:
    slugs = _remembered_slugs(saved)
    slugs[next(iter(slugs))] = "../../outside"


def _with_slug_too_long(saved: dict[str, Any]) -> None:
    slugs = _remembered_slugs(saved)
    slugs[next(iter(slugs))] = "a" * 81


def _with_paper_texts_cut_short(saved: dict[str, Any]) -> None:
    saved["memos"]["papertexts"]["last"]["json_lengths"].pop()


def _changed_related(saved: dict[str, Any], name: str, dtype: str, change: Callable[[np.ndarray], np.ndarray]) -> None:
    """One of the arrays of the remembered related papers, decoded, changed, and encoded again."""
    related = saved["memos"]["related"]["last"]["related"]
    values = np.frombuffer(base64.b64decode(related[name]), dtype).copy()
    related[name] = base64.b64encode(change(values).astype(dtype).tobytes()).decode()


def _with_related_similarity_not_a_number(saved: dict[str, Any]) -> None:
    _changed_related(saved, "similarities", "<f8", lambda alike: np.concatenate([[np.nan], alike[1:]]))


def _with_related_paper_out_of_range(saved: dict[str, Any]) -> None:
    _changed_related(saved, "others", "<i4", lambda others: np.concatenate([[-1], others[1:]]))  # no wrapping round


def _with_related_term_out_of_range(saved: dict[str, Any]) -> None:
    _changed_related(saved, "term_ids", "<i4", lambda terms: np.concatenate([[-1], terms[1:]]))


def _with_related_counts_cut_short(saved: dict[str, Any]) -> None:
    _changed_related(saved, "counts", "<u2", lambda counts: counts[:-1])


def _with_related_terms_not_text(saved: dict[str, Any]) -> None:
    saved["memos"]["related"]["last"]["related"]["terms"][0] = 7


def _vectors(saved: dict[str, Any]) -> dict[str, Any]:
    """The related stage's remembered vectors (`TermVectors`), as JSON."""
    vectors: dict[str, Any] = saved["memos"]["related"]["last"]["vectors"]
    return vectors


def _changed_array(saved: dict[str, Any], name: str, dtype: str, change: Callable[[np.ndarray], np.ndarray]) -> None:
    """One of the vectors' arrays, decoded, changed, and encoded again."""
    vectors = _vectors(saved)
    values = np.frombuffer(base64.b64decode(vectors[name]), dtype).copy()
    vectors[name] = base64.b64encode(change(values).astype(dtype).tobytes()).decode()


def _with_vector_column_out_of_range(saved: dict[str, Any]) -> None:
    size = len(_vectors(saved)["vocabulary"])
    _changed_array(saved, "indices", "<i4", lambda columns: np.where(columns == columns.max(), size, columns))


def _with_vector_columns_out_of_order(saved: dict[str, Any]) -> None:
    _changed_array(saved, "indices", "<i4", lambda columns: np.concatenate([columns[1::-1], columns[2:]]))


def _with_vector_weight_not_a_number(saved: dict[str, Any]) -> None:
    _changed_array(saved, "data", "<f8", lambda weights: np.concatenate([[np.nan], weights[1:]]))


def _with_vector_weights_cut_short(saved: dict[str, Any]) -> None:
    _changed_array(saved, "data", "<f8", lambda weights: weights[:-1])


def _with_vectors_not_base64(saved: dict[str, Any]) -> None:
    _vectors(saved)["indptr"] = "not base64!"


def _with_term_frequency_out_of_range(saved: dict[str, Any]) -> None:
    frequency = _vectors(saved)["frequency"]
    frequency[next(iter(frequency))] = 2**70


def _with_linking_weight_not_a_number(saved: dict[str, Any]) -> None:
    _vectors(saved)["floor"]["model"] = float("nan")


def _read_saved(file: Path) -> dict[str, Any]:
    """A cache file as one JSON object; the memo file (a line of JSON each: the format and code,
    then `[namespace, key, value]`) as one too, its memos under "memos" by namespace and key."""
    if file.name != MEMO_NAME:
        saved: dict[str, Any] = json.loads(file.read_bytes())
        return saved
    header, *lines = file.read_bytes().split(b"\n")
    saved = json.loads(header)
    saved["memos"] = {}
    for namespace, key, value in map(json.loads, lines):
        saved["memos"].setdefault(namespace, {})[key] = value
    return saved


def _write_saved(file: Path, saved: dict[str, Any]) -> None:
    """Write what `_read_saved` read, after changes, in the same form."""
    if file.name != MEMO_NAME:
        file.write_text(json.dumps(saved), encoding="utf-8")
        return
    memos = saved.pop("memos")
    lines = [json.dumps(saved, separators=(",", ":"))]
    for namespace, entries in memos.items():
        lines += [json.dumps([namespace, key, value], separators=(",", ":")) for key, value in entries.items()]
    file.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        (CACHE_NAME, _with_format),
        (CACHE_NAME, _with_text_size),
        (CACHE_NAME, _with_path_outside),
        (CACHE_NAME, _moved("files", "../outside.txt")),
        (CACHE_NAME, _with_file_size_a_flag),
        (CACHE_NAME, _moved("pages", "/tmp/index.html")),  # absolute
        (CACHE_NAME, _moved("pages", "topics//index.html")),  # under an empty name
        (CACHE_NAME, _moved("pages", "topics/../../index.html")),  # under a dot name
        (CACHE_NAME, _with_page_key_a_number),
        (CACHE_NAME, _with_lost_last_build),
        (MEMO_NAME, _with_format),
        (MEMO_NAME, _with_foreign_memo),
        (MEMO_NAME, _with_numeric_title),
        (MEMO_NAME, _with_text_hash_not_a_hash),
        (MEMO_NAME, _with_topics_under_no_text_hash),
        (MEMO_NAME, _with_abstract_code_not_text),
        (MEMO_NAME, _with_vector_column_out_of_range),
        (MEMO_NAME, _with_vector_columns_out_of_order),
        (MEMO_NAME, _with_vector_weight_not_a_number),
        (MEMO_NAME, _with_vector_weights_cut_short),
        (MEMO_NAME, _with_vectors_not_base64),
        (MEMO_NAME, _with_term_frequency_out_of_range),
        (MEMO_NAME, _with_linking_weight_not_a_number),
        (MEMO_NAME, _with_related_similarity_not_a_number),
        (MEMO_NAME, _with_related_paper_out_of_range),
        (MEMO_NAME, _with_related_term_out_of_range),
        (MEMO_NAME, _with_related_counts_cut_short),
        (MEMO_NAME, _with_related_terms_not_text),
        (MEMO_NAME, _with_slug_out_of_the_folder),
        (MEMO_NAME, _with_slug_too_long),
        (MEMO_NAME, _with_paper_texts_cut_short),
        (MEMO_NAME, _store_chunk("0" * 32, "assets/search/topic-music.0123456789.json")),  # not a chunk
        (MEMO_NAME, _store_chunk("0" * 31, "assets/search/papers0.0123456789.json")),  # not a key
    ],
)
def test_a_cache_edited_by_hand_gives_a_cold_build_of_the_same_site(
    tmp_path: Path, name: str, damage: Callable[[dict[str, object]], None]
) -> None:
    options = _options(tmp_path)
    build(options)
    expected = files_of(options.out_dir)
    file = cache_folder(options.out_dir) / name
    saved = _read_saved(file)
    damage(saved)
    _write_saved(file, saved)
    _assert_rebuilt_cold_without(file, options, expected)


def _assert_rebuilt_cold_without(file: Path, options: BuildOptions, expected: dict[str, bytes]) -> None:
    """The next build ignores the damaged cache `file` with one warning naming it, renders every page
    and makes the site `expected`. A blank line more ends a digest: the site stays the same, but the
    build is no longer a no-op (which reads no memos), so it must read the damaged file."""
    _not_a_no_op(options)
    report = build(options)
    assert report.rendered == report.pages
    assert [(w.source.path, w.warning) for w in report.warnings] == [(display_path(file), True)]
    assert "the build cache was ignored" in report.warnings[0].message
    assert files_of(options.out_dir) == expected


def _memo_file_cut_mid_line(memos: bytes) -> bytes:
    return memos[: len(memos) - 5]


def _memo_file_with_a_stray_line(memos: bytes) -> bytes:
    first, rest = memos.split(b"\n", 1)
    return first + b"\nnot a memo\n" + rest


def _memo_file_with_a_blank_line(memos: bytes) -> bytes:
    return memos.replace(b"\n", b"\n\n", 2).replace(b"\n\n", b"\n", 1)


def _memo_file_ending_in_a_newline(memos: bytes) -> bytes:
    return memos + b"\n"


def _memo_file_of_its_first_line_and_a_blank_one(memos: bytes) -> bytes:
    return memos.split(b"\n", 1)[0] + b"\n"


def _memo_file_with_a_line_joined_to_the_next(memos: bytes) -> bytes:
    head, first, rest = memos.split(b"\n", 2)
    return head + b"\n" + first + b" " + rest


@pytest.mark.parametrize(
    "damage",
    [
        _memo_file_cut_mid_line,
        _memo_file_with_a_stray_line,
        _memo_file_with_a_blank_line,
        _memo_file_ending_in_a_newline,
        _memo_file_of_its_first_line_and_a_blank_one,
        _memo_file_with_a_line_joined_to_the_next,
    ],
)
def test_a_memo_file_whose_lines_are_not_whole_memos_gives_a_cold_build_of_the_same_site(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    # The memos are found in the file's bytes, line by line: a line that is not a whole memo (cut by a
    # full disk, edited by hand) must be refused, never skipped, wherever it is.
    options = _options(tmp_path)
    build(options)
    expected = files_of(options.out_dir)
    file = cache_folder(options.out_dir) / MEMO_NAME
    file.write_bytes(damage(file.read_bytes()))
    _assert_rebuilt_cold_without(file, options, expected)


def test_a_cache_kept_between_builds_remembers_only_what_the_last_build_used(tmp_path: Path) -> None:
    # The preview keeps one cache for a whole session: a version of a digest saved and then changed
    # must leave memory and the memo file once no build uses it (each one stayed until the preview
    # stopped, and was written into the memo file at every save).
    options = _options(tmp_path)
    cache = load_cache(options)
    build(options, cache=cache)
    digests = sorted((options.content_dir / "digests").iterdir())
    for blank_lines in range(1, 4):
        digests[0].write_text(digests[0].read_text(encoding="utf-8") + "\n" * blank_lines, encoding="utf-8")
        build(options, cache=cache)
    assert len([key for key in cache.memos if key.startswith("digest:")]) == len(digests)
    assert len([key for key in cache.memo_json if key.startswith("digest:")]) <= len(digests)
    read_back = load_cache(options)
    read_back.load_memos()
    assert len([key for key in read_back.memos if key.startswith("digest:")]) == len(digests)


NAMESPACES = {"digest", "note", "topics", "related", "slugs", "pagedeps", "papertexts", "searchstore"}
"""What a build of the test site remembers."""


def test_a_warm_build_reads_back_exactly_what_the_cold_one_remembered(tmp_path: Path) -> None:
    options = _options(tmp_path)
    remembered = load_cache(options)
    cold = build(options, cache=remembered)
    read_back = load_cache(options)
    read_back.load_memos()
    assert read_back.notice is None
    assert {key.split(":")[0] for key in read_back.memos} == NAMESPACES
    assert read_back.memos == {key: remembered.peek(*key.split(":", 1)) for key in remembered.memos}
    assert (read_back.pages, read_back.groups, read_back.files, read_back.last) == (
        remembered.pages,
        remembered.groups,
        remembered.files,
        remembered.last,
    )
    warm = build(options)
    assert (cold.rendered, warm.rendered, warm.written, warm.warnings) == (cold.pages, 0, 0, ())


def test_a_warm_build_remembers_the_results_it_replaced_not_the_ones_it_read(tmp_path: Path) -> None:
    # Results read from the memo file are written back as they were read; one that a build
    # replaces (the related papers, made from the last ones) must be written anew.
    options = _options(tmp_path)
    build(options)
    before = load_cache(options)
    before.load_memos()
    (options.content_dir / "digests/2025-07-02.txt").write_text(
        text_digest("Jul 2", [("Pointer Networks", ABSTRACT), ("Music Transformer", ABSTRACT)]), encoding="utf-8"
    )
    warm = load_cache(options)
    build(options, cache=warm)
    read_back = load_cache(options)
    read_back.load_memos()
    assert read_back.peek("related", "last") != before.peek("related", "last")
    assert read_back.memos == {key: warm.memos[key] for key in read_back.memos}
    assert {key.split(":")[0] for key in read_back.memos} == NAMESPACES


def test_a_process_that_builds_again_encodes_each_result_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The preview keeps its cache between builds and saves it after each: a result it encoded for
    # one save is written again as those bytes, not encoded again (at 10k papers, 0.2 s a save).
    from site_src.build import memos

    options = _options(tmp_path)
    cache = load_cache(options)
    build(options, cache=cache)
    encoded: list[str] = []

    def counted(namespace: str, real: memos.Codec[object]) -> memos.Codec[object]:
        def encode(value: object) -> object:
            encoded.append(namespace)
            return real.encode(value)

        return memos.Codec(encode, real.decode)

    for namespace in ("digest", "slugs"):
        monkeypatch.setitem(memos.CODECS, namespace, counted(namespace, memos.CODECS[namespace]))
    digest = sorted((options.content_dir / "digests").iterdir())[-1]
    digest.write_text(digest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(options, cache=cache)
    assert encoded == ["digest"], "the digest saved again; no other, nor the titles' slugs (the same)"


def test_entries_read_back_carry_the_hash_identity_and_code_links_of_their_own_text(tmp_path: Path) -> None:
    # A parsed digest is remembered with each entry's text hash, title identity and code links,
    # which a build then uses without looking at the text again (merging papers, topics, related
    # papers, search and feed keys): they must be those of the entry they are read back with.
    shutil.copytree(ROOT / "content", tmp_path / "content")  # the shipped digests: abstracts with code links
    options = _options(tmp_path)
    build(options)
    cache = load_cache(options)
    cache.load_memos()
    entries = [entry for digest, _ in cache.peek_all("digest").values() if digest for entry in digest.entries]
    assert len(entries) > 100 and any(entry.__dict__["abstract_code"] for entry in entries)
    for entry in entries:
        read = (entry.__dict__["text_hash"], entry.__dict__["identity"], entry.__dict__["abstract_code"])
        assert read == (text_hash(entry.title, entry.abstract), identity(entry.title), code_links(entry.abstract))


def test_a_build_in_a_new_process_slugifies_only_titles_the_last_one_did_not_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = _options(tmp_path)
    build(options)
    listed = [("A Closer Look at Rehearsal-Free Continual Learning", ABSTRACT), ("A New Title", ABSTRACT)]
    (options.content_dir / "digests/2025-07-02.txt").write_text(text_digest("Jul 2", listed), encoding="utf-8")
    slugified: list[str] = []

    def counted(title: str, max_length: int = SLUG_MAX) -> str:
        slugified.append(title)
        return slug_for(title, max_length)

    monkeypatch.setattr(merge, "slug_for", counted)
    build(options, cache=load_cache(options))  # a new process's cache: nothing in memory
    assert slugified == ["A New Title"]
    assert (options.out_dir / "papers/a-new-title/index.html").is_file()


def test_a_text_is_classified_once_whichever_digest_lists_it_and_whichever_process_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Topics are remembered by the paper's text under the taxonomy: only a text never classified is
    # classified, in a new process (a day's digest against ten thousand papers), when a trending
    # page lists a paper again, when an older digest is edited, and after a preview's builds, which
    # classify only the papers that changed but must leave every paper's topics remembered.
    options = _options(tmp_path)
    build(options)
    digests = options.content_dir / "digests"
    classified: list[str] = []
    assign = Classifier.assign

    def counted(self: Classifier, title: str, abstract: str) -> tuple[TopicAssignment, ...]:
        classified.append(title)
        return assign(self, title, abstract)

    monkeypatch.setattr(Classifier, "assign", counted)

    def day(name: str, titles: list[str], cache: BuildCache | None = None) -> list[str]:
        (digests / f"{name}.txt").write_text(text_digest(name, [(t, ABSTRACT) for t in titles]), encoding="utf-8")
        classified.clear()
        build(options, cache=cache or load_cache(options))  # by default a new process's cache
        return list(classified)

    assert day("2025-07-02", ["A New Title"]) == ["A New Title"]
    assert "continual-learning" in (options.out_dir / "papers/a-new-title/index.md").read_text(encoding="utf-8")
    assert day("2025-07-03", ["A New Title"]) == []  # listed again
    assert day("2025-07-02", ["A New Title", "Another New Title"]) == ["Another New Title"]  # edited
    preview = load_cache(options)
    assert day("2025-07-03", ["A New Title", "A Third Title"], preview) == ["A Third Title"]
    assert day("2025-07-04", ["A Fourth Title"], preview) == ["A Fourth Title"]  # the preview's next save
    _not_a_no_op(options)
    classified.clear()
    build(options, cache=load_cache(options))
    assert classified == []


def _site_with_an_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BuildOptions:
    """The shipped site, built, its papers before June the epoch: the search index of June's papers,
    the month's, is made again at every new digest of June."""
    monkeypatch.setattr(epoch, "EPOCH_MIN", 10)
    shutil.copytree(SHIPPED_CONTENT, tmp_path / "content")
    options = BuildOptions(content_dir=tmp_path / "content", out_dir=tmp_path / "public")
    build(options)
    return options


def _a_day_of_june(options: BuildOptions) -> None:
    listed = [("A Brand New Paper on Replay", ABSTRACT), ("Another New Paper on Sparse Attention", ABSTRACT)]
    (options.content_dir / "digests/2025-06-28.txt").write_text(text_digest("Jun 28", listed), encoding="utf-8")


def test_the_month_s_papers_words_are_found_once_and_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Finding and stemming the words of the month's papers again was most of the search's time in a
    # day's build: a new process finds those of the new digest's papers only, and indexes them alike,
    # even after a build that kept the search files whole (an edit to a page: it must keep the words).
    options = _site_with_an_epoch(tmp_path, monkeypatch)
    about = options.content_dir / "pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(options, cache=load_cache(options))
    analysed: list[str] = []
    find = lunrindex.words_and_compounds

    def counted(text: str) -> tuple[list[str], list[str]]:
        analysed.append(text)
        return find(text)

    monkeypatch.setattr(lunrindex, "words_and_compounds", counted)
    _a_day_of_june(options)
    build(options, cache=load_cache(options))
    titles = {"A Brand New Paper on Replay", "Another New Paper on Sparse Attention"}
    assert len(analysed) == 2 * len(FIELDS) and titles < set(analysed)
    clean = replace(options, out_dir=tmp_path / "clean")
    build(clean)
    assert files_of(options.out_dir) == files_of(clean.out_dir)


@pytest.mark.parametrize("terms", ['<img src=x onerror="alert(1)">', "pre-training a-b -", "two  spaces"])
def test_month_words_edited_by_hand_give_a_cold_build_of_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terms: str
) -> None:
    # Terms read from the cache go into the search index as they are: anything but terms (words of
    # a-z and 0-9, or a stop word's "-", one space apart) is refused.
    options = _site_with_an_epoch(tmp_path, monkeypatch)
    expected = files_of(options.out_dir)
    file = cache_folder(options.out_dir) / MEMO_NAME
    saved = _read_saved(file)
    (words,) = saved["memos"]["searchwords"].values()
    first = next(iter(words.values()))
    first[0] = terms
    _write_saved(file, saved)
    _assert_rebuilt_cold_without(file, options, expected)


def test_month_words_of_other_fields_are_found_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Terms for fewer fields than the index has (a cache of other code, or edited) were a crash.
    options = _site_with_an_epoch(tmp_path, monkeypatch)
    file = cache_folder(options.out_dir) / MEMO_NAME
    saved = _read_saved(file)
    (words,) = saved["memos"]["searchwords"].values()
    for key in words:
        words[key] = words[key][:2]
    _write_saved(file, saved)
    _a_day_of_june(options)
    report = build(options)
    clean = replace(options, out_dir=tmp_path / "clean")
    build(clean)
    assert report.warnings == ()
    assert files_of(options.out_dir) == files_of(clean.out_dir)


def test_an_entry_remembered_from_no_digest_file_read_gives_the_site_of_a_clean_build(tmp_path: Path) -> None:
    # An entry's place (where its title is) is only told in messages, and now also files its topics
    # with its digest's: a cache edited to place it in a file the build did not read must not stop it.
    options = _options(tmp_path)
    build(options)
    expected = files_of(options.out_dir)
    file = cache_folder(options.out_dir) / MEMO_NAME
    saved = _read_saved(file)
    for parsed in saved["memos"]["digest"].values():
        for entry in parsed["digest"]["entries"]:
            entry["source"][0] = "digests/elsewhere.txt"
    _write_saved(file, saved)
    _not_a_no_op(options)
    report = build(options)
    assert report.warnings == ()
    assert files_of(options.out_dir) == expected


def test_a_remembered_slug_that_two_papers_would_share_gives_the_site_of_a_clean_build(tmp_path: Path) -> None:
    # Two titles that slugify alike: the newer paper's slug ends in a hash. A slug memo edited to give
    # a third title that slug would have two papers share one page.
    options = _options(tmp_path)
    listed = [("Café Nets", ABSTRACT), ("Cafe Nets", ABSTRACT), ("Tea Nets", ABSTRACT)]
    (options.content_dir / "digests/2025-07-02.txt").write_text(text_digest("Jul 2", listed), encoding="utf-8")
    build(options)
    expected = files_of(options.out_dir)
    hashed = [path for path in expected if path.startswith("papers/cafe-nets-") and path.endswith("/index.html")]
    assert len(hashed) == 1
    file = cache_folder(options.out_dir) / MEMO_NAME
    saved = _read_saved(file)
    _remembered_slugs(saved)["Tea Nets"] = hashed[0].split("/")[1]
    _write_saved(file, saved)
    _not_a_no_op(options)  # the memos are read
    build(options)
    assert files_of(options.out_dir) == expected


def test_memos_a_killed_build_was_writing_are_removed_by_the_next(tmp_path: Path) -> None:
    options = _options(tmp_path)
    build(options)
    dead = subprocess.Popen(["true"])  # for a process id no process has now
    dead.wait()
    left = cache_folder(options.out_dir) / f".{MEMO_NAME}-{dead.pid}-x1y2z3"
    left.write_bytes(b"half a memo file")
    _not_a_no_op(options)  # memos are written
    build(options)
    assert sorted(p.name for p in cache_folder(options.out_dir).iterdir()) == [CACHE_NAME, MEMO_NAME]


def test_a_parse_that_failed_unexpectedly_does_not_stop_the_next_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The preview keeps one cache for the day: a parser that raised (a bug, memory) once must not
    # leave a result behind that the cache then tries to save at every later build.
    from site_src.build import gather

    options = _options(tmp_path)
    cache = load_cache(options)
    build(options, cache=cache)
    digest = sorted((options.content_dir / "digests").iterdir())[-1]
    text = digest.read_text(encoding="utf-8")
    digest.write_text(text + "\n", encoding="utf-8")

    def broken(*arguments: object, **keywords: object) -> None:
        raise RecursionError("a parser bug")

    with monkeypatch.context() as patch:
        patch.setattr(gather, "parse_digest", broken)
        with pytest.raises(RecursionError):
            build(options, cache=cache)
    digest.write_text(text + "\n\n", encoding="utf-8")  # the curator saves again
    assert build(options, cache=cache).papers > 0


def _git(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False)


def test_git_ignores_the_cache_beside_every_output_folder_and_tracks_none() -> None:
    if shutil.which("git") is None or _git("rev-parse").returncode != 0:
        pytest.skip("not a git work tree")
    outputs = [BuildOptions().out_dir, PREVIEW_DIR, GOLDEN / "basic/expected", ROOT / "bench/out/site-10000"]
    for out in outputs:
        cache = cache_folder(out) / CACHE_NAME
        assert _git("check-ignore", "-q", str(cache.relative_to(ROOT))).returncode == 0, cache
    tracked = _git("ls-files").stdout.splitlines()
    assert [path for path in tracked if any(part.endswith("-cache") for part in Path(path).parts)] == []


def test_related_papers_remembered_cut_mid_number_say_so(tmp_path: Path) -> None:
    """An array of the related papers cut short between two numbers' bytes is named as such in the
    warning, not taken for bad JSON."""
    options = _options(tmp_path)
    build(options)
    file = cache_folder(options.out_dir) / MEMO_NAME
    saved = _read_saved(file)
    related = saved["memos"]["related"]["last"]["related"]
    data = base64.b64decode(related["similarities"])
    related["similarities"] = base64.b64encode(data[:-3]).decode()
    _write_saved(file, saved)
    _not_a_no_op(options)  # the memos are read
    report = build(options)
    assert "an array of float64 cut short" in report.warnings[0].message


def test_a_failed_build_of_the_preview_leaves_no_page_kept_stale(tmp_path: Path) -> None:
    """The preview keeps its cache between builds. One that failed after recording what its paper
    pages were made from (here, a digest template that fails to render) left that record beside the
    pages of the build before it: the next build kept a paper page edited meanwhile, without the edit."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    options = replace(_options(tmp_path), templates_dir=templates)
    cache = load_cache(options)
    build(options, cache=cache)
    note = next((options.content_dir / "notes").iterdir())
    note.write_text(note.read_text(encoding="utf-8") + "\nA remark made during the failed build.\n", encoding="utf-8")
    digest_template = templates / "digest.html"
    working = digest_template.read_text(encoding="utf-8")
    digest_template.write_text(working.replace("{% block main %}", "{% block main %}{{ 1 // 0 }}", 1), encoding="utf-8")
    with pytest.raises(BuildError):
        build(options, cache=cache)
    digest_template.write_text(working, encoding="utf-8")
    build(options, cache=cache)
    build(replace(options, out_dir=tmp_path / "clean"))
    assert files_of(options.out_dir) == files_of(tmp_path / "clean")


def _with_a_length_moved(saved: dict[str, Any], data: bytes) -> None:
    """The first entry's end moved back to a comma inside it (the number and sum of lengths kept)."""
    lengths = saved["memos"]["papertexts"]["last"]["json_lengths"]
    moved = lengths[0] - (data.rindex(b",", 1, 1 + lengths[0]) - 1)
    lengths[0] -= moved
    lengths[1] += moved


def _with_two_papers_swapped(saved: dict[str, Any], data: bytes) -> None:
    texts = saved["memos"]["papertexts"]["last"]
    for field in ("papers", "records", "bibtex"):
        texts[field][0], texts[field][-1] = texts[field][-1], texts[field][0]


def _with_two_bibtex_entries_swapped(saved: dict[str, Any], data: bytes) -> None:
    bibtex = saved["memos"]["papertexts"]["last"]["bibtex"]
    bibtex[0], bibtex[-1] = bibtex[-1], bibtex[0]


@pytest.mark.parametrize("damage", [_with_a_length_moved, _with_two_papers_swapped, _with_two_bibtex_entries_swapped])
def test_paper_texts_remembered_out_of_place_give_the_site_of_a_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[dict[str, Any], bytes], None]
) -> None:
    """The papers' entries of papers.json and BibTeX are kept by what the memo says of them (each
    paper's record, its BibTeX, where its JSON entry is in the last papers.json), which anyone
    could edit: an entry it puts in the wrong place is made again, not copied (the check that
    makes every kept entry again is off, as in a curator's build)."""
    monkeypatch.delenv("PAPER_DIGEST_CHECK_KEPT")
    options = _options(tmp_path)
    build(options)
    file = cache_folder(options.out_dir) / MEMO_NAME
    saved = _read_saved(file)
    slugs = saved["memos"]["papertexts"]["last"]["papers"][:]
    damage(saved, (options.out_dir / "api/papers.json").read_bytes())
    _write_saved(file, saved)
    (options.content_dir / f"notes/{slugs[1]}.md").write_text("Changed.\n", encoding="utf-8")  # another paper
    build(options)
    clean = replace(options, out_dir=tmp_path / "clean")
    build(clean)
    assert files_of(options.out_dir) == files_of(clean.out_dir)


def test_the_libraries_versions_are_those_python_imports(tmp_path: Path) -> None:
    import importlib.metadata

    installed = keys.installed_versions()
    for name in keys.LIBRARIES:
        try:
            expected: str | None = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            expected = None
        assert installed.get(name.lower().replace("_", "-")) == expected, name


def test_a_library_upgraded_gives_a_cold_build_of_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a library makes ends up in the site (Jinja's whitespace, a stemmer's terms): a build after
    # an upgrade must not keep anything the old version made. Here a newer Jinja comes first on the path.
    options = _options(tmp_path)
    build(options)
    expected = files_of(options.out_dir)
    assert build(options).rendered == 0
    newer = tmp_path / "newer"
    (newer / "jinja2-99.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(newer), *sys.path])
    _not_a_no_op(options)
    report = build(options)
    assert report.rendered == report.pages
    assert files_of(options.out_dir) == expected


def test_a_new_digest_makes_only_the_search_store_chunks_of_papers_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store (what a result shows of each paper) was made whole at every build: a new digest's
    # papers take the last numbers, and a paper listed again shows one date more. The other chunks
    # are kept; the site is the one a clean build makes.
    shutil.copytree(SHIPPED_CONTENT, tmp_path / "content")
    options = BuildOptions(content_dir=tmp_path / "content", out_dir=tmp_path / "public")
    build(options)
    made: list[list[str]] = []
    make = search_files._store_chunk

    def counted(catalog: object, papers: list[Any]) -> bytes:
        made.append([p.title for p in papers])
        return make(catalog, papers)  # type: ignore[arg-type]

    monkeypatch.setattr(search_files, "_store_chunk", counted)
    first_paper = search_files.search_order(load_catalog(options))[0]
    listed = [("A Brand New Paper on Replay", ABSTRACT), (first_paper.title, first_paper.abstract)]
    (options.content_dir / "digests/2025-06-28.txt").write_text(text_digest("Jun 28", listed), encoding="utf-8")
    build(options, cache=load_cache(options))
    chunks = (len(search_files.search_order(load_catalog(options))) + 19) // 20
    assert [first_paper.title in titles for titles in made] == [True, False]  # its own, and the last
    assert "A Brand New Paper on Replay" in made[-1] and len(made) < chunks
    clean = replace(options, out_dir=tmp_path / "clean")
    build(clean)
    assert files_of(options.out_dir) == files_of(clean.out_dir)
