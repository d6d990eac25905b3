"""`python build.py topics`: the curator sees each paper's topics, scores and the words that decided them."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_src.cli import main

from .helpers import text_digest, write_content

PAPERS = [
    (
        "Rehearsal-Free Continual Learning with Prompts",
        "We study catastrophic forgetting when a model learns a sequence of tasks, and replace rehearsal "
        "of old data with learned prompts. Experiments on class-incremental benchmarks show less forgetting.",
    ),
    ("Symbolic Music Generation", "We generate piano music with a melody and chords from a short MIDI prompt."),
    ("Untitled Thing", "Nothing that any topic would recognise is said in these few plain lines, as it happens."),
]


def test_topics_table_shows_topics_scores_and_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = write_content(tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", PAPERS)})
    assert main(["topics", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    header, first, *rest = out.splitlines()
    assert header.split() == ["Paper", "Topic", "Score", "Decided", "by"]
    assert first.startswith("Rehearsal-Free Continual Learning with Prompts")
    assert "Continual Learning" in first
    assert "continual learning" in first and "rehearsal" in first
    assert float(first.split("Continual Learning", 2)[2].split()[0]) > 0
    assert any("no evidence at all" in line for line in rest), "a paper with no evidence says so"
    assert rest[-1].startswith("3 papers. Papers per topic: Continual Learning 2,"), "the fallback is the first topic"


def test_topics_table_filters_by_topic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = write_content(tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", PAPERS)})
    assert main(["topics", "--content", str(content), "--topic", "music"]) == 0
    out = capsys.readouterr().out
    assert "Symbolic Music Generation" in out
    assert "Rehearsal-Free" not in out and "Untitled Thing" not in out


def test_an_unknown_topic_is_an_error_that_suggests_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_content(tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", PAPERS)})
    assert main(["topics", "--content", "content", "--topic", "musik"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        '--topic: no topic in content/topics.yaml has the slug "musik" (did you mean "music"?)',
        "No topics table: 1 error.",
    ]
