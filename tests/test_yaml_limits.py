"""Any YAML the build reads does a bounded amount of work: an alias bomb ("billion laughs") in a digest,
a note's or a page's front matter, site.yaml or topics.yaml is a located error within seconds.

Run as real processes with a timeout, so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_src.errors import Problems, Source
from site_src.inputs.settings import ROOT
from site_src.inputs.yaml_lines import LineDict, load

from .golden import files_of
from .helpers import ABSTRACT, build_into, text_digest, write_content

DEADLINE = 30.0
"""Seconds a check or build of a few small files may take, on a slow shared machine."""


def alias_bomb(as_list: bool = False) -> str:
    """YAML lines (keys of a mapping, or items of a list) whose last anchor expands to 9**9 (about
    387 million) strings."""
    lines = []
    for previous, name in zip(" abcdefgh", "abcdefghi", strict=True):
        items = ", ".join(["lol" if previous == " " else f"*{previous}"] * 9)
        lines.append(f"{'- ' if as_list else f'{name}: '}&{name} [{items}]")
    return "\n".join(lines) + "\n"


BOMBS = {
    "digests/2025-07-01.yaml": alias_bomb() + "papers: *i\n",
    "notes/music-transformer.md": f"---\n{alias_bomb()}topics: [music]\n---\nA note.\n",
    "pages/about.md": f"---\ntitle: About\n{alias_bomb()}---\nA page.\n",
    "site.yaml": alias_bomb(),
}
"""A bomb in every kind of YAML the build reads (topics.yaml has its own test: a list, not a mapping)."""


def _run(command: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), command, "--content", "content", "--out", "public"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    return result, time.perf_counter() - start


def test_alias_bombs_are_located_errors_within_seconds_and_the_previous_site_stays(tmp_path: Path) -> None:
    digest = text_digest("Jun 26", [("Music Transformer", ABSTRACT)])
    content = write_content(tmp_path, {"digests/2025-06-26.txt": digest})
    build_into(content, tmp_path / "public")
    before = files_of(tmp_path / "public")
    write_content(tmp_path, BOMBS)
    expected = [
        "content/digests/2025-07-01.yaml:6: YAML expands to more than 100000 values "
        "(an alias such as *name repeats a whole part each time it is used; write the values out)",
        "content/notes/music-transformer.md:7: YAML expands to more than 100000 values "
        "(an alias such as *name repeats a whole part each time it is used; write the values out)",
        "content/pages/about.md:8: YAML expands to more than 100000 values "
        "(an alias such as *name repeats a whole part each time it is used; write the values out)",
        "content/site.yaml:6: YAML expands to more than 100000 values "
        "(an alias such as *name repeats a whole part each time it is used; write the values out)",
    ]
    ends = {"check": "Check failed: 4 errors.", "build": "Build failed: 4 errors; nothing was written."}
    for command in ("check", "build"):
        result, seconds = _run(command, tmp_path)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert result.stderr.splitlines() == [*expected, ends[command]]
        assert seconds < DEADLINE
    assert files_of(tmp_path / "public") == before


def test_an_alias_bomb_in_the_taxonomy_is_a_located_error(tmp_path: Path) -> None:
    digest = text_digest("Jun 26", [("Music Transformer", ABSTRACT)])
    write_content(tmp_path, {"digests/2025-06-26.txt": digest, "topics.yaml": alias_bomb(as_list=True)})
    result, _ = _run("check", tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/topics.yaml:6: YAML expands to more than 100000 values "
        "(an alias such as *name repeats a whole part each time it is used; write the values out)"
    )


def test_a_number_too_long_to_read_is_a_located_error(tmp_path: Path) -> None:
    """Python reads no whole number of more than 4,300 digits: the key that holds one is named, at
    its line, as for any value of the wrong kind (it was an unexpected error, with no line)."""
    digest = text_digest("Jun 26", [("Music Transformer", ABSTRACT)])
    huge = "9" * 5000
    paper = f"papers:\n  - title: A Paper\n    abstract: {ABSTRACT}\n    published: {huge}\n"
    write_content(tmp_path, {"digests/2025-06-26.txt": digest, "digests/2025-07-01.yaml": paper})
    write_content(tmp_path, {"site.yaml": f"title: Big\nyear: {huge}\n"}, defaults=False)
    result, _ = _run("check", tmp_path)
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert [line.split(" (", 1)[0] for line in result.stderr.splitlines()] == [
        'content/digests/2025-07-01.yaml:4: "published" must be a date like 2023-06-21 or a year like 2023',
        'content/site.yaml:2: "year" must be a whole number',
        "Check failed: 2 errors.",
    ]


@pytest.mark.parametrize(
    "value", ["!!bool maybe", "!!timestamp 2025-13-45", "!!int ''", "!!float x", "!!map [a]", "!!seq {a: 1}"]
)
def test_an_explicit_yaml_tag_is_a_located_error(value: str) -> None:
    """PyYAML's constructors raise KeyError, TypeError and the like on a tagged value they cannot
    read: the build reported "Unexpected error", with no line and none of the other problems."""
    problems = Problems()
    assert load(LineDict, f"title: Digest\nyear: {value}\n", Source("content/site.yaml", 1), problems, "x", "") is None
    tag = value.split()[0]
    assert [str(p).split(" (")[0] for p in problems] == [f"content/site.yaml:2: YAML tag {tag}"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_lines_are_the_files_whatever_breaks_only_yaml_counts(separator: str) -> None:
    """YAML reads NEL, U+2028 and U+2029 as line breaks, editors do not: every line after one was
    named one too far, past the file's end too."""
    text = f'title: "a{separator}b{separator}c"\ntitel: x\nlist:\n  - one\n  - [unclosed\n'
    problems = Problems()
    assert load(LineDict, text, Source("content/site.yaml", 1), problems, "x", "") is None
    assert [p.source.line for p in problems] == [5]
    problems = Problems()
    value = load(LineDict, text.replace("[unclosed", "two"), Source("content/site.yaml", 1), problems, "x", "")
    assert value is not None and problems.items == []
    assert (value.line_of("titel"), value.line_of("list"), value["list"].item_lines) == (2, 3, [4, 5])
