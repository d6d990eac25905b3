"""Messages that stay short and exact at any size: the cases in tests/cases/messages.yaml."""

from __future__ import annotations

import pytest
import yaml

from site_src.errors import Problems, Source, did_you_mean
from site_src.inputs.schema import check_url, read_keys
from site_src.inputs.settings import parse_settings
from site_src.inputs.taxonomy import TopicKeys
from site_src.inputs.yaml_lines import LineDict, load

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


def test_a_key_that_is_not_text_is_named_as_the_file_writes_it() -> None:
    """`null:` was 'unknown key "None"', and `[a, b]:` 'unknown key "['a', 'b']"': Python's names."""
    problems = Problems()
    parse_settings("null: 1\n1.5: 2\n[complex, key]: 3\n? {a: [b, c]}\n: 4\n", Source("site.yaml"), problems)
    assert [(p.source.line, p.message.split(" in ")[0]) for p in problems.errors] == [
        (1, 'unknown key "null"'),
        (2, 'unknown key "1.5"'),
        (3, 'unknown key "[complex, key]"'),
        (4, 'unknown key "{a: [b, c]}"'),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n\tb: 2\n", (2, "a tab, which YAML does not allow for indenting")),
        # a tab is allowed inside a quoted value: the quote that ends it early is what is wrong
        ('abstract: "We study\n\tthe "best" model"\n', (2, "invalid YAML: did not find expected key")),
        # YAML breaks lines at U+2028 too; the file does not: the message is the parser's, at the file's line
        ('a: "x\u2028y"\nb: 1\nb: "p\n\tq"\n', (3, 'invalid YAML: duplicate key "b"')),
        ('title: "a\u2028b"\npapers:\n\t- x\n', (3, "a tab, which YAML does not allow for indenting")),
    ],
)
def test_a_tab_is_blamed_only_where_the_parser_stopped_at_one(text: str, expected: tuple[int, str]) -> None:
    problems = Problems()
    load(LineDict, text, Source("x.yaml").at(1), problems, "the file", "write key: value lines")
    assert [(p.source.line, p.message) for p in problems.errors] == [expected]


QUOTE_BOOLEAN = "put text in quotes: YAML reads an unquoted yes, no, on, off, true or false as true/false"
QUOTE_AS_WRITTEN = "put the value in quotes, exactly as written"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an empty item was "must be a list of text", the list's line, whichever item it was
        ("keywords: [music, '', midi]\n", [(1, '"keywords": item 2 is empty', "delete it or write a value")]),
        (
            "keywords:\n  - music\n  -\n  - midi\n  - '  '\n",
            [
                (3, '"keywords": item 2 is empty', "delete it or write a value"),
                (5, '"keywords": item 4 is empty', "delete it or write a value"),
            ],
        ),
        # YAML reads these unquoted values as a number, true/false or a date: say so, and to quote them
        ("name: 123\n", [(1, '"name" must be text, not a number', QUOTE_AS_WRITTEN)]),
        # the hint showed what YAML made of the value ("83"), not what was written
        ("name: 0123\n", [(1, '"name" must be text, not a number', QUOTE_AS_WRITTEN)]),
        ("name: 2025-06-26T10:00:00Z\n", [(1, '"name" must be text, not a date', QUOTE_AS_WRITTEN)]),
        (
            "name: On\n",
            [
                (
                    1,
                    '"name" must be text, not true/false',
                    "how pages show the topic, e.g. Continual Learning; " + QUOTE_BOOLEAN,
                )
            ],
        ),
        ("name: 2025-06-26\n", [(1, '"name" must be text, not a date', QUOTE_AS_WRITTEN)]),
        (
            "keywords: [music, 808, yes]\n",
            [
                (1, '"keywords": item 2 must be text, not a number', QUOTE_AS_WRITTEN),
                (
                    1,
                    '"keywords": item 3 must be text, not true/false',
                    "words and phrases that signal the topic; " + QUOTE_BOOLEAN,
                ),
            ],
        ),
    ],
)
def test_a_value_that_is_not_text_says_why(text: str, expected: list[tuple[int, str, str]]) -> None:
    problems = Problems()
    mapping = load(LineDict, f"slug: s\ndescription: d\n{text}", Source("t.yaml").at(1), problems, "x", "y")
    assert mapping is not None
    read_keys(mapping, TopicKeys, Source("t.yaml"), "the topic", problems)
    got = [(p.source.line - 2, p.message, p.hint) for p in problems.errors if "has no" not in p.message]
    assert got == expected
