"""Static assets (CSS, icons, scripts) under fingerprinted names, so browsers may cache them forever."""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass

from site_src.build.output import OutputFile

ASSETS_FOLDER = "assets/"


@dataclass(frozen=True)
class Asset:
    """A static file and the fingerprinted path it is published at."""

    name: str
    """How templates ask for it, e.g. "style.css"."""
    path: str
    """Site path, e.g. "assets/style.3f2a9c1b7e.css"."""
    data: bytes


def fingerprinted(name: str, data: bytes) -> Asset:
    """`name` with a content hash before its extension: a changed file gets a new address."""
    stem, extension = posixpath.splitext(name)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return Asset(name, f"{ASSETS_FOLDER}{stem}.{digest}{extension}", data)


def fingerprint_all(files: dict[str, bytes]) -> dict[str, Asset]:
    """Every static file, fingerprinted, by name."""
    return {name: fingerprinted(name, data) for name, data in sorted(files.items())}


def asset_files(assets: dict[str, Asset]) -> list[OutputFile]:
    """The assets as output files."""
    return [OutputFile(a.path, a.data) for a in assets.values()]
