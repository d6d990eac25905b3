"""Front matter written by the build reads back as the same data, with the same types."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import ClassVar

import yaml
from hypothesis import given
from hypothesis import strategies as st

from site_src.errors import Problems, Source
from site_src.inputs.front_matter import split_front_matter
from site_src.pages.kinds import PageData, yaml_fields
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


@dataclass(frozen=True)
class _Item:
    name: str
    score: float | None = dataclasses.field(default=None, metadata={"omit_none": True})


@dataclass(frozen=True, kw_only=True)
class _Page(PageData):
    kind: ClassVar[str] = "test"
    template: ClassVar[str] = "test.html"
    items: tuple[_Item, ...]
    first: _Item | None
    dates: tuple[datetime.date, ...]
    notes: tuple[_Note, ...]
    """Records that may write no field at all."""
    extra: dict[str, object]


def _plain(value: object) -> object:
    """A record as the mapping of its fields: page data with its kind, an `omit_none` field left out when None."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    plain: dict[str, object] = {"kind": value.kind} if isinstance(value, PageData) else {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if item is not None or not field.metadata.get("omit_none"):
            plain[field.name] = _plain(item)
    return plain


@dataclass(frozen=True)
class _Note:
    text: str | None = dataclasses.field(default=None, metadata={"omit_none": True})


ITEMS = st.builds(_Item, st.text(), st.none() | st.floats(allow_nan=False, allow_infinity=False, width=32))


@given(
    st.builds(
        _Page,
        title=st.text(),
        url=st.text(),
        updated=st.none() | st.dates(),
        items=st.lists(ITEMS, max_size=3).map(tuple),
        first=st.none() | ITEMS,
        dates=st.lists(st.dates(), max_size=2).map(tuple),
        notes=st.lists(st.builds(_Note, st.none() | st.text()), max_size=2).map(tuple),
        extra=st.dictionaries(KEYS, st.text() | st.lists(ITEMS, max_size=2).map(tuple), max_size=2),
    )
)
def test_page_data_is_written_as_the_mapping_of_its_fields(page: _Page) -> None:
    written = join_front_matter(page, "", yaml_fields)
    assert written == join_front_matter(_plain(page), "")
    assert yaml.safe_load(written.split("---\n")[1] or "{}") == _plain(page)
