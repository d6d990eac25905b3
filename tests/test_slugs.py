"""Slugs and output paths: the cases in tests/cases/slugs.yaml, and properties of every title."""

from __future__ import annotations

import datetime
import itertools
import posixpath
import re
from urllib.parse import quote_plus, urlencode

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from site_src.catalog.model import identity
from site_src.pages.urls import (
    SlugClaim,
    UnsafePathError,
    assign_slugs,
    checked_output_path,
    paper_path,
    query_quoted,
    query_string,
    short_hash,
    slug_for,
)

from .helpers import CASES

DATA = yaml.safe_load((CASES / "slugs.yaml").read_text(encoding="utf-8"))
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize("case", DATA["slugs"], ids=[c["title"] for c in DATA["slugs"]])
def test_slug_case(case: dict[str, str]) -> None:
    assert slug_for(case["title"]) == case["slug"]


@pytest.mark.parametrize("case", DATA["collisions"], ids=[c["papers"][0]["title"] for c in DATA["collisions"]])
def test_colliding_titles_get_distinct_stable_slugs(case: dict[str, list[dict[str, object]]]) -> None:
    claims = [SlugClaim(identity(str(p["title"])), str(p["title"]), p["first_seen"]) for p in case["papers"]]  # type: ignore[arg-type]
    expected = dict(zip([c.key for c in claims], case["slugs"], strict=True))
    for order in itertools.permutations(claims):
        assert assign_slugs(order) == expected


@given(st.text(max_size=300))
def test_every_title_gives_a_safe_short_slug(title: str) -> None:
    slug = slug_for(title)
    assert SLUG.match(slug)
    assert len(slug) <= 80
    assert checked_output_path(paper_path(slug) + "index.html") == f"papers/{slug}/index.html"


@given(st.lists(st.text(min_size=1, max_size=40), min_size=2, max_size=8, unique_by=identity))
def test_slugs_never_collide(titles: list[str]) -> None:
    day = datetime.date(2025, 6, 26)
    slugs = assign_slugs(SlugClaim(identity(t), t, day) for t in titles)
    assert len(set(slugs.values())) == len(titles)


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "", ".", "a\\..\\b", "a/./b", "a\x00b"])
def test_unsafe_output_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePathError):
        checked_output_path(path)


_WORDS = st.sampled_from(["neural", "a", "of", "Learning", "x" * 45, "Über", "C++", "Tweedie's", "--", "ΔT", "目"])
_TITLES = st.lists(_WORDS, min_size=8, max_size=40).map(" ".join)


@given(_TITLES, st.lists(_WORDS, max_size=3), st.lists(_WORDS, max_size=3))
def test_a_paper_whose_slug_an_older_one_has_gets_its_own_title_cut_shorter_and_a_hash(
    prefix: str, one: list[str], other: list[str]
) -> None:
    # Titles that share their first 80 characters of slug share a plain slug: the younger paper's
    # is its own title's slug cut at 71 characters, and a hash of its identity.
    older, younger = f"{prefix} {' '.join(one)}".strip(), f"{prefix} {' '.join(other)} z".strip()
    assume(slug_for(older) == slug_for(younger) and identity(older) != identity(younger))
    claims = [
        SlugClaim(identity(older), older, datetime.date(2025, 6, 26)),
        SlugClaim(identity(younger), younger, datetime.date(2025, 6, 27)),
    ]
    slugs = assign_slugs(claims)
    assert slugs[identity(older)] == slug_for(older)
    assert slugs[identity(younger)] == f"{slug_for(younger, 71)}-{short_hash(identity(younger))}"


def _normal_or_none(path: str) -> str | None:
    """The rule `checked_output_path` applies, written plainly: the path as `normpath` makes it,
    unless that is empty, absolute, above the folder or not what the path names."""
    normal = posixpath.normpath(path)
    if not path or "\\" in path or "\x00" in path or normal.startswith(("/", "../")) or normal in (".", ".."):
        return None
    return normal if normal == path.rstrip("/") else None


@given(st.lists(st.sampled_from(["a", "b1", ".", "..", "-", "_", ".x", "é", "\\", "\x00", "", "/"]), max_size=8))
def test_every_output_path_is_refused_or_normalised_by_one_rule(parts: list[str]) -> None:
    # Most paths take a shortcut past `normpath` (a cache names 32,000 of them): it must accept
    # exactly what the rule accepts, and give the same path.
    path = "/".join(parts)
    try:
        checked: str | None = checked_output_path(path)
    except UnsafePathError:
        checked = None
    assert checked == _normal_or_none(path)


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=40)), max_size=4))
def test_query_strings_are_urllib_s(pairs: list[tuple[str, str]]) -> None:
    # A paper's COinS and its search links are escaped by a table rather than by urllib (in less than
    # half the time): a reference manager reads the same query string either way.
    assert [query_quoted(value) for _, value in pairs] == [quote_plus(value) for _, value in pairs]
    assert query_string(pairs) == urlencode(pairs)
