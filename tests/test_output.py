"""Bad input never costs data: a failed build leaves the previous site exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_src.build.cache import CACHE_FILE, MEMO_FILE, cache_folder
from site_src.errors import BuildError

from .golden import files_of
from .helpers import ABSTRACT, build_into, text_digest, write_content


def _site(tmp_path: Path) -> tuple[Path, Path]:
    content = write_content(
        tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", [("Music Transformer", ABSTRACT)])}
    )
    out = tmp_path / "public"
    build_into(content, out)
    return content, out


def test_failed_build_leaves_previous_site_intact(tmp_path: Path) -> None:
    content, out = _site(tmp_path)
    before = files_of(out)
    (content / "digests/2025-06-27.txt").write_text("Jun 27\n\nA title without an abstract\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build_into(content, out)
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public-cache", "content", "public"]  # no staging


def test_successful_rebuild_replaces_the_site_whole(tmp_path: Path) -> None:
    content, out = _site(tmp_path)
    (out / "stale.html").write_text("left over", encoding="utf-8")
    (content / "digests/2025-06-27.txt").write_text(
        text_digest("Jun 27", [("Pointer Networks", ABSTRACT)]), encoding="utf-8"
    )
    build_into(content, out)
    assert not (out / "stale.html").exists()
    assert (out / "papers/pointer-networks/index.html").is_file()
    # the site before, kept for the next warm build to start from; no staging folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public-cache", ".public-previous", "content", "public"]


def test_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    content, _ = _site(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(BuildError, match="not a Paper Digest build"):
        build_into(content, precious)
    with pytest.raises(BuildError, match="would replace"):
        build_into(content, content.parent)
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "years of work"


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    digest = text_digest("Jun 26", [("Music Transformer", ABSTRACT), ("Music Transformer", ABSTRACT)])
    content = write_content(tmp_path, {"digests/2025-06-26.txt": digest})
    report = build_into(content, tmp_path / "public")
    assert [p.message for p in report.warnings] == [
        'paper "Music Transformer" is listed twice in this digest (first at line 11)'
    ]
    with pytest.raises(BuildError, match="listed twice"):
        build_into(content, tmp_path / "strict", strict=True)
    assert not (tmp_path / "strict").exists()
    assert list(cache_folder(tmp_path / "strict").glob("*")) == []


def test_a_strict_build_that_fails_leaves_the_cache_as_it_was(tmp_path: Path) -> None:
    """--strict stops a build after its pages are rendered, before its memos are written: the cache
    folder keeps the last build's files, and nothing else."""
    content = write_content(
        tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", [("Music Transformer", ABSTRACT)])}
    )
    out = tmp_path / "public"
    build_into(content, out)
    cache = {path.name: path.read_bytes() for path in cache_folder(out).iterdir()}
    twice = text_digest("Jun 27", [("Pointer Networks", ABSTRACT), ("Pointer Networks", ABSTRACT)])
    (content / "digests/2025-06-27.txt").write_text(twice, encoding="utf-8")
    with pytest.raises(BuildError, match="listed twice"):
        build_into(content, out, strict=True)
    assert {path.name: path.read_bytes() for path in cache_folder(out).iterdir()} == cache


def _day(content: Path, day: int, title: str) -> None:
    (content / "digests").mkdir(exist_ok=True)
    (content / f"digests/2025-06-{day}.txt").write_text(
        text_digest(f"Jun {day}", [(title, ABSTRACT)]), encoding="utf-8"
    )


def test_a_file_system_that_lists_made_up_inodes_still_gets_every_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FUSE mounts without `use_ino` list one made-up inode number for every file: a warm build then
    checks each kept file of the site it completes with stat, and the page the last build changed
    (a digest's link to the next day) is not published in its version of two builds ago."""
    from site_src.build import output

    real = output.present_files
    monkeypatch.setattr(output, "present_files", lambda folder: dict.fromkeys(real(folder), 0xFFFFFFFF))
    content = write_content(tmp_path, {})
    out = tmp_path / "public"
    for day, title in [(26, "Music Transformer"), (27, "Pointer Networks"), (28, "Deep Sets"), (29, "Set Transformer")]:
        _day(content, day, title)
        build_into(content, out)
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")


def _memos_in_a_side_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds write their memos in a side process, as a large site's do, even on one core."""
    from site_src.build import parallel, pipeline

    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "SIDE_PROCESS_FROM", 0)


def _build_while_the_memos_fail(content: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build whose memos cannot be written, as on a full disk: it says so, its site published."""
    from site_src.build import pipeline

    def disk_full(*arguments: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "_write_memos", disk_full)
        with pytest.raises(OSError, match="No space left"):
            build_into(content, out)


def test_memos_that_fail_after_the_site_is_published_keep_its_records_and_the_last_memos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memos are written (here, by a side process) while the site is published: if that fails
    (a full disk), the build says so, the new site stays, the cache records it beside the last memos
    (still right: each says what it was made from), and the next build is right too."""
    _memos_in_a_side_process(monkeypatch)
    content = write_content(tmp_path, {})
    out = tmp_path / "public"
    _day(content, 26, "Music Transformer")
    build_into(content, out)
    memos = (cache_folder(out) / MEMO_FILE).read_bytes()
    _day(content, 27, "Pointer Networks")
    _build_while_the_memos_fail(content, out, monkeypatch)
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")
    assert sorted(p.name for p in cache_folder(out).iterdir()) == [CACHE_FILE, MEMO_FILE]
    assert (cache_folder(out) / MEMO_FILE).read_bytes() == memos
    assert build_into(content, out).rendered == 0  # what the failed build published is known
    _day(content, 28, "Deep Sets")
    build_into(content, out)
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")


def test_pages_are_never_kept_by_a_record_of_inputs_they_were_not_made_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the memos failed, the cache held the new pages beside the last memos, among them the
    record of what the paper pages had been made from before: a paper changed back to that record
    kept the failed build's page (here, with a note deleted since)."""
    _memos_in_a_side_process(monkeypatch)
    content = write_content(tmp_path, {})
    out = tmp_path / "public"
    _day(content, 26, "Music Transformer")
    build_into(content, out)
    note = content / "notes/music-transformer.md"
    note.parent.mkdir(exist_ok=True)
    note.write_text("A note that is there for one build.\n", encoding="utf-8")
    _build_while_the_memos_fail(content, out, monkeypatch)
    note.unlink()
    build_into(content, out)
    build_into(content, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")
