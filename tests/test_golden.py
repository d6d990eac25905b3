"""Whole-site behaviour: each tests/golden/<case>/content builds to exactly tests/golden/<case>/expected.

When output changes on purpose, run `make golden` and review the diff of expected/ in the commit.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from .golden import GOLDEN, build_golden, files_of

CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASES)
def test_site_matches_expected_tree(name: str, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_golden(GOLDEN / name, out)
    built, expected = files_of(out), files_of(GOLDEN / name / "expected")
    assert sorted(built) == sorted(expected), "files added or missing; run `make golden` and review"
    changed = [path for path in expected if built[path] != expected[path]]
    if changed:
        first = changed[0]
        diff = difflib.unified_diff(
            expected[first].decode("utf-8", "replace").splitlines(),
            built[first].decode("utf-8", "replace").splitlines(),
            f"expected/{first}",
            f"built/{first}",
            lineterm="",
        )
        pytest.fail(f"{len(changed)} files differ, first {first}:\n" + "\n".join(list(diff)[:60]))


def test_a_large_site_s_order_of_stages_makes_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From `MEMORY_FIRST_FROM` papers the build orders its stages for memory (search awaited, data
    files made and term counts settled before the page workers fork, workers that give memory back):
    the same bytes, cold, and warm after a digest is added (the warm build reads the settled memos)."""
    from site_src.build import parallel, pipeline, workers

    monkeypatch.setattr(pipeline, "MEMORY_FIRST_FROM", 0)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)  # the golden site is small: fork its page workers anyway
    monkeypatch.setattr(workers, "CHUNK", 7)
    monkeypatch.setattr(workers, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    day_before = tmp_path / "day-before"
    shutil.copytree(GOLDEN / "basic" / "content", day_before / "content")
    (day_before / "content" / "digests" / "2025-07-01.yaml").unlink()
    out = tmp_path / "public"
    build_golden(day_before, out)
    assert files_of(out) == files_of(_clean(day_before, tmp_path / "clean"))
    build_golden(GOLDEN / "basic", out)
    assert files_of(out) == files_of(GOLDEN / "basic" / "expected")


def _clean(case: Path, out: Path) -> Path:
    """A case built from nothing, in the usual order of stages."""
    with pytest.MonkeyPatch.context() as patch:
        from site_src.build import pipeline

        patch.setattr(pipeline, "MEMORY_FIRST_FROM", 10**9)
        build_golden(case, out)
    return out
