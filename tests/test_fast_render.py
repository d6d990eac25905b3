"""The preview's fast render: whichever pages the tabs show, each is the page a full build makes."""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

from site_src.build.builder import build, load_cache
from site_src.inputs.settings import BuildOptions
from site_src.pages.assets import ASSETS_FOLDER
from site_src.serve.fast_render import fast_render

from .helpers import SHIPPED_CONTENT


def test_the_fast_render_of_any_page_is_the_page_the_full_build_made_and_nothing_else(tmp_path: Path) -> None:
    """Every page of the shipped site asked for alone (the pages of tabs are found from their
    paths): its HTML and the files made with it are the built files, and no other page is rendered."""
    content = shutil.copytree(SHIPPED_CONTENT, tmp_path / "content")
    options = BuildOptions(content_dir=content, out_dir=tmp_path / "public")
    build(options)
    cache = load_cache(options)
    out = options.out_dir
    pages = sorted(
        str(file.relative_to(out)) for file in out.rglob("*.html") if not file.is_relative_to(out / ASSETS_FOLDER)
    )
    assert len(pages) > 100
    for path in pages:
        files = fast_render(options, cache, {path})
        made = {name: data for name, data in files.items() if not name.startswith(ASSETS_FOLDER)}
        assert path in made
        for name, data in made.items():  # the page and the files made with it (Markdown twin, BibTeX)
            assert posixpath.dirname(name) == posixpath.dirname(path), (path, name)
            assert data == (out / name).read_bytes(), (path, name)
