"""Front matter written by the build reads back as the same data, with the same types."""

from __future__ import annotations

import datetime

import yaml
from hypothesis import given
from hypothesis import strategies as st

from site_src.errors import Problems, Source
from site_src.inputs.front_matter import split_front_matter
from site_src.pages.yaml_writer import dump, join_front_matter

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1))
    | st.text()
)
KEYS = st.text(min_size=1, max_size=12)
DATA = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=20
)


@given(st.dictionaries(KEYS, DATA, max_size=6))
def test_front_matter_round_trips(meta: dict[str, object]) -> None:
    assert yaml.safe_load(dump(meta) or "{}") == meta


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), st.text(), max_size=4), st.text())
def test_markdown_page_splits_back_into_front_matter_and_body(meta: dict[str, str], body: str) -> None:
    problems = Problems()
    document = split_front_matter(join_front_matter(meta, body), Source("page.md"), problems)
    assert not problems.errors
    assert dict(document.meta) == meta
    assert document.body.rstrip("\n") == body.rstrip("\n") or not body.strip()
