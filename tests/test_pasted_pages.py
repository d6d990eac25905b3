"""Pasted trending pages: the cases in tests/cases/pasted_pages.yaml."""

from __future__ import annotations

import pytest

from site_src.errors import Problems, Source
from site_src.inputs.digest import parse_text_digest
from site_src.inputs.reader import TextFile

from .helpers import expand, load_cases

CASES = load_cases("pasted_pages.yaml")


@pytest.mark.parametrize("case", CASES, ids=[str(c["name"]) for c in CASES])
def test_pasted_page(case: dict[str, object]) -> None:
    problems = Problems()
    digest = parse_text_digest(TextFile(Source("2025-06-26.txt"), expand(str(case["text"]))), None, problems)
    assert ([e.title for e in digest.entries] if digest else []) == case["titles"]
    assert [str(p) for p in sorted(problems)] == case["problems"]
