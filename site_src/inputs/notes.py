"""The curator's per-paper notes: `content/notes/<paper-slug>.md`, front matter plus Markdown."""

from __future__ import annotations

from collections.abc import Collection

from site_src.catalog.model import Note
from site_src.catalog.topics import MAX_TOPICS, check_topics
from site_src.errors import Problems
from site_src.inputs.digest import ENTRY_SCHEMA
from site_src.inputs.reader import TextFile
from site_src.inputs.yamldoc import Field, read_fields, split_front_matter

NOTE_SCHEMA: dict[str, Field] = {
    "topics": Field("list", f"1 to {MAX_TOPICS} topic slugs that replace the automatic ones"),
    "hidden": Field("bool", "true leaves the paper out of the site"),
    "code": ENTRY_SCHEMA["code"],
    "url": ENTRY_SCHEMA["url"],
    "arxiv": ENTRY_SCHEMA["arxiv"],
}


def parse_note(file: TextFile, topic_slugs: Collection[str], problems: Problems) -> Note:
    """Read one note; its file name (without .md) is the slug of the paper it is about."""
    document = split_front_matter(file.text, file.source, problems)
    values = read_fields(document.meta, NOTE_SCHEMA, file.source, "the note", problems)
    topics: tuple[str, ...] | None = None
    if "topics" in values:
        at = file.source.at(document.meta.line_of("topics"))
        topics = check_topics(values["topics"], topic_slugs, at, problems)
    return Note(
        slug=file.stem,
        source=file.source,
        body=document.body.strip(),
        topics=topics,
        hidden=values.get("hidden", False),
        code=values.get("code", ()),
        url=values.get("url", ""),
        arxiv=values.get("arxiv", ""),
    )
