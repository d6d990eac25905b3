"""Expected outputs that tests compare against, and the one command that refreshes them.

    python -m tests.golden --update     (or: make golden)

rewrites tests/golden/*/expected/ (whole built sites) and tests/invalid/*/expected.txt (the
messages of broken sites). Review the diff before committing it: it is the change in output.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_src.cli import main

from .helpers import SHIPPED_CONTENT

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
INVALID = HERE / "invalid"
GOLDEN_BASE_URL = "https://digest.example.org/"


def with_default_inputs(case: Path, into: Path) -> Path:
    """A copy of a case's content folder, given the shipped taxonomy and settings where it has none."""
    content = into / "content"
    shutil.copytree(case / "content", content, symlinks=True)  # a case may hold broken links
    for name in ("topics.yaml", "site.yaml"):
        if not (content / name).exists():
            shutil.copy(SHIPPED_CONTENT / name, content / name)
    return content


@contextlib.contextmanager
def _working_folder(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def _run(arguments: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(arguments)
    return code, stdout.getvalue(), stderr.getvalue()


def run_invalid_site(case: Path, work: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    """Build a broken site from `work` (so messages name content/...); returns code, stdout, stderr."""
    with_default_inputs(case, work)
    if monkeypatch is not None:
        monkeypatch.chdir(work)
        return _run(["build", "--content", "content", "--out", "public"])
    with _working_folder(work):
        return _run(["build", "--content", "content", "--out", "public"])


def build_golden(case: Path, out: Path) -> None:
    """Build a golden case's content into `out`."""
    code, _, stderr = _run(
        ["build", "--content", str(case / "content"), "--out", str(out), "--base-url", GOLDEN_BASE_URL]
    )
    assert code == 0, stderr


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by relative path, except the build marker."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".paper-digest"
    }


def update() -> None:
    """Rewrite every expected output from the current code."""
    import tempfile

    for case in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        expected = case / "expected"
        shutil.rmtree(expected, ignore_errors=True)
        build_golden(case, expected)
        (expected / ".paper-digest").unlink()
        shutil.rmtree(case / ".expected-cache")  # the build's cache: not part of the expected output
        print(f"refreshed {expected.relative_to(HERE.parent)}")
    for case in sorted(p for p in INVALID.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as work:
            _, _, stderr = run_invalid_site(case, Path(work))
        (case / "expected.txt").write_text(stderr, encoding="utf-8")
        print(f"refreshed {(case / 'expected.txt').relative_to(HERE.parent)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite the expected outputs")
    if parser.parse_args().update:
        update()
    else:
        parser.print_help()
