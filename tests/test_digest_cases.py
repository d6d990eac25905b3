"""The digest parser against the cases in tests/cases/digests.yaml."""

from __future__ import annotations

import datetime
from dataclasses import asdict

import pytest

from site_src.errors import Problems, Source
from site_src.inputs.digest import parse_digest
from site_src.inputs.reader import TextFile, decode

from .helpers import expand, load_cases

CASES = load_cases("digests.yaml")


@pytest.mark.parametrize("case", CASES, ids=[str(c["name"]) for c in CASES])
def test_digest_case(case: dict[str, object]) -> None:
    if "bytes" in case:
        data = expand(str(case["bytes"])).encode("latin-1")
    else:
        data = expand(str(case["text"])).encode("utf-8")
    problems = Problems()
    source = Source(str(case["file"]))
    text = decode(data, source, problems)
    digest = None
    if text is not None:
        year = case.get("year")
        topics = case.get("topics", [])
        assert isinstance(topics, list)
        digest = parse_digest(TextFile(source, text), year if isinstance(year, int) else None, topics, problems)

    assert [str(p) for p in sorted(problems)] == case["problems"]
    titles = [e.title for e in digest.entries] if digest else []
    if digest is None and not problems.errors:
        pytest.fail("no digest and no error")
    if "date" in case:
        assert digest is not None
        assert digest.date == case["date"]
        assert isinstance(case["date"], datetime.date)
    # Papers around a broken block still parse, with their pairing intact.
    assert titles == case["titles"]
    if "meta" in case:
        assert digest is not None
        assert [
            {**asdict(e.meta), "authors": list(e.meta.authors), "code": list(e.meta.code)} for e in digest.entries
        ] == [
            {"url": "", **m}
            for m in case["meta"]  # type: ignore[attr-defined]
        ]
