"""The curator's per-paper notes: `content/notes/<paper-slug>.md`, front matter plus Markdown."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from site_src.catalog.model import MAX_TOPICS, Note
from site_src.errors import Problems
from site_src.inputs.curator_markdown import check_markdown
from site_src.inputs.front_matter import split_front_matter
from site_src.inputs.paper_keys import PaperKeys, metadata_of
from site_src.inputs.reader import TextFile
from site_src.inputs.schema import key, read_keys
from site_src.inputs.taxonomy import check_topics, item_lines


@dataclass(frozen=True, kw_only=True)
class NoteKeys(PaperKeys):
    """The front matter of a note."""

    topics: tuple[str, ...] = key("list", f"1 to {MAX_TOPICS} topic slugs that replace the automatic ones", default=())
    hidden: bool = key("bool", "true leaves the paper out of the site", default=False)


def parse_note(file: TextFile, topic_slugs: Collection[str], problems: Problems) -> Note:
    """Read one note; its file name (without .md) is the slug of the paper it is about."""
    document = split_front_matter(file.text, file.source, problems)
    values = read_keys(document.meta, NoteKeys, file.source, "the note", problems)
    check_markdown(document.body, file.source, document.body_line, problems)
    topics: tuple[str, ...] | None = None
    if "topics" in values:
        at = file.source.at(document.meta.line_of("topics"))
        topics = check_topics(values["topics"], topic_slugs, at, problems, item_lines(document.meta, "topics"))
    return Note(
        slug=file.stem,
        source=file.source,
        body=document.body.strip(),
        topics=topics,
        hidden=values.get("hidden", False),
        meta=metadata_of(values),
    )
