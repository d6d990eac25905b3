"""Site settings (`content/site.yaml`) and build options, validated up front, strict about typos."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from site_src.errors import Problems, Source
from site_src.inputs.schema import PLAUSIBLE_YEARS, check_base_url, key, read_keys
from site_src.inputs.yaml_lines import LineDict, load

ROOT = Path(__file__).resolve().parents[2]
"""The project folder: templates and npm packages are found relative to it."""

TEMPLATES_DIR = ROOT / "templates"
NODE_MODULES_DIR = ROOT / "node_modules"


def _check_language(value: str) -> str:
    ok = value.replace("-", "").isalnum() and len(value) <= 35
    return "" if ok else f'"{value}" is not a language tag like "en" or "en-GB"'


def _check_year(value: int) -> str:
    first, last = PLAUSIBLE_YEARS  # the digests' years: one outside would make every digest without a year wrong
    return "" if first <= value <= last else f"{value} is not a year from {first} to {last}"


@dataclass(frozen=True, kw_only=True)
class SiteSettings:
    """What `content/site.yaml` says: each field is a key of the file, and every key is optional."""

    title: str = key("text", "the site's name, shown in every page header and feed", default="Paper Digest")
    description: str = key(
        "text",
        "one sentence shown on the home page and in search results of engines",
        default="Trending machine-learning papers, collected one digest at a time.",
    )
    base_url: str = key(
        "url",
        "the address the site is published at, e.g. https://digest.example.org/",
        default="http://localhost:8000/",
        check=check_base_url,
    )
    """Always ends with a slash."""
    language: str = key("text", "the language of the pages, e.g. en", default="en", check=_check_language)
    author: str = key("text", "who curates the digest, named in feeds", default="Paper Digest")
    year: int | None = key(
        "int", "the year of digests whose file name carries no date (e.g. jun-26.txt)", check=_check_year
    )
    import_api: str = key(
        "url",
        "the Hugging Face API that `build.py add --from-hf` fetches daily papers from",
        default="https://huggingface.co/api/",
        check=check_base_url,
    )
    """Always ends with a slash; tests point it at a local server."""


@dataclass(frozen=True)
class BuildOptions:
    """What the command line says: where to read, where to write, and how strict to be."""

    content_dir: Path = ROOT / "content"
    out_dir: Path = ROOT / "public"
    templates_dir: Path = TEMPLATES_DIR
    """Jinja templates, with the static assets in its static/ folder."""
    base_url: str | None = None
    """Overrides `base_url` from site.yaml (e.g. a deploy preview's address)."""
    strict: bool = False
    """Warnings fail the build."""
    noindex: bool = False
    """Ask search engines to keep out (deploy previews): a robots meta tag and a disallowing robots.txt."""


def normalise_base_url(url: str) -> str:
    """Base URLs end with exactly one slash, so that joining paths never doubles or drops one."""
    return url.rstrip("/") + "/"


def parse_settings(text: str | None, source: Source, problems: Problems) -> SiteSettings:
    """Read site.yaml text (None when the file is absent: every key has a default)."""
    if text is None or not text.strip():
        return SiteSettings()
    data = load(LineDict, text, source.at(1), problems, "site settings", "write key: value lines", may_be_empty=True)
    if data is None:
        return SiteSettings()
    values = read_keys(data, SiteSettings, source, "site settings", problems)
    for name in ("base_url", "import_api"):
        if name in values:
            values[name] = normalise_base_url(values[name])
    return replace(SiteSettings(), **values)


def with_overrides(settings: SiteSettings, options: BuildOptions) -> SiteSettings:
    """Settings after the command line has had its say."""
    if options.base_url:
        return replace(settings, base_url=normalise_base_url(options.base_url))
    return settings
