"""The palette's text contrast (WCAG 2 AA, 4.5:1), light and dark, read from style.css's custom properties.

axe-core checks what Chromium renders (tests/browser/test_quality_gates.py), but a browser never
tells a page how a visited link looks (getComputedStyle reports the unvisited colour), so axe cannot
see `--link-visited`; nor does it see a pair the sample pages happen not to show. This checks every
pair of text colour and background the stylesheet can put together."""

from __future__ import annotations

import re

import pytest

from site_src.inputs.settings import TEMPLATES_DIR

STYLE = TEMPLATES_DIR / "static" / "style.css"
TEXTS = ["--fg", "--fg-soft", "--link", "--link-visited"]
BACKGROUNDS = ["--bg", "--bg-soft", "--mark"]
"""Any text colour may sit on any background: search results mark matched words in linked titles
and in snippets (`mark` keeps the colour of its text)."""
PAIRS = [(text, background) for text in TEXTS for background in BACKGROUNDS] + [("--chip-fg", "--chip-bg")]


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))


def palettes() -> dict[str, dict[str, str]]:
    """The colours of each scheme: the light :root, and the dark one overriding it."""
    css = STYLE.read_text(encoding="utf-8")
    light = re.search(r"^:root\s*\{(.*?)\}", css, re.S | re.M)
    dark = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", css, re.S)
    assert light and dark
    colours = custom_properties(light[1])
    return {"light": colours, "dark": {**colours, **custom_properties(dark[1])}}


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#8ab4ff", "#6b5512") == pytest.approx(3.43, abs=0.01)  # the old dark highlight


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_reads_on_every_background(scheme: str) -> None:
    colours = palettes()[scheme]
    assert set(TEXTS + BACKGROUNDS) <= colours.keys()
    low = {
        f"{text} on {background}": round(contrast(colours[text], colours[background]), 2)
        for text, background in PAIRS
        if contrast(colours[text], colours[background]) < 4.5
    }
    assert low == {}
