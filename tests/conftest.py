"""Fixtures shared by the whole suite: the shipped digests, built once per session."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_src.build.builder import BuildReport
from site_src.build.page_deps import CHECK_ENV

from .helpers import SHIPPED_CONTENT, build_into

os.environ[CHECK_ENV] = "1"  # every paper page kept without its outline is keyed all the same: a missed input fails


@dataclass(frozen=True)
class BuiltSite:
    """A site built into a temporary folder."""

    out: Path
    report: BuildReport


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The three shipped sample digests, built as the README's commands build them."""
    out = tmp_path_factory.mktemp("sample") / "public"
    return BuiltSite(out, build_into(SHIPPED_CONTENT, out))
