"""What the search tests share: the sample catalog, lunr.py's own index of it, and lunr.js in node."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.stemmer import stemmer as lunr_py_stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.trimmer import trimmer

from site_src.build.gather import load_catalog
from site_src.catalog.model import Catalog
from site_src.inputs.settings import BuildOptions
from site_src.pages.api import dump_json
from site_src.search import analysis
from site_src.search.lunrindex import Document, Field, written_terms

from .helpers import SHIPPED_CONTENT

NODE_SIDE = Path(__file__).parent / "js" / "lunr_side.js"
NODE = shutil.which("node")

Pipeline.register_function(analysis.stemmer, "stemmer-lunrjs")


def sample_catalog() -> Catalog:
    """The shipped digests as a catalog."""
    return load_catalog(BuildOptions(content_dir=SHIPPED_CONTENT))


def reference_index(documents: Sequence[Document], fields: Sequence[Field], positions: bool) -> bytes:
    """The documents indexed by lunr.py itself: its builder, its pipeline (with the stemming
    corrected as in site_src/analysis.py) and its serializer, fed the same words."""
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, analysis.stemmer)
    builder.search_pipeline.add(lunr_py_stemmer)
    builder.ref("ref")
    for field in fields:
        builder.field(field.name, boost=field.boost)
    builder.metadata_whitelist = ["index"] if positions else []
    written = written_terms(documents)  # a compound is indexed joined where papers write it so

    def indexed(text: str) -> str:
        found, compounds = analysis.words_and_compounds(text)
        return " ".join(found + [c for c in compounds if analysis.term_of(c) in written])

    for document in documents:
        builder.add(
            {"ref": document.ref, **{f.name: indexed(text) for f, text in zip(fields, document.texts, strict=True)}}
        )
    return dump_json(builder.build().serialize())


def node(request: dict[str, Any]) -> Any:
    """Ask lunr.js and the browser's search code, in node (tests/js/lunr_side.js)."""
    if NODE is None:
        pytest.skip("node not installed")
    result = subprocess.run(
        [NODE, str(NODE_SIDE)], input=json.dumps(request), capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)
