"""Messages that stay short and exact at any size: the cases in tests/cases/messages.yaml."""

from __future__ import annotations

import pytest
import yaml

from site_src.errors import did_you_mean
from site_src.inputs.schema import check_url

from .helpers import CASES

DATA = yaml.safe_load((CASES / "messages.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", DATA["urls"], ids=[c["value"] for c in DATA["urls"]])
def test_web_addresses(case: dict[str, str]) -> None:
    assert check_url(case["value"]) == case["problem"]


@pytest.mark.parametrize("case", DATA["suggestions"], ids=[c["given"] for c in DATA["suggestions"]])
def test_suggestions(case: dict[str, object]) -> None:
    choices = case["choices"]
    assert isinstance(choices, list)
    assert did_you_mean(str(case["given"]), choices) == case["hint"]
