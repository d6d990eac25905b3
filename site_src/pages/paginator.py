"""A topic's papers cut into pages, counted from the oldest so that a full page keeps its papers.

The topic's own page holds the newest `PAGE_SIZE` to twice that less one papers; archive pages
1, 2, … hold `PAGE_SIZE` each, page 1 the first ever filed under the topic. A new digest changes
the topic's own page, not its archive, but for the archive page of a paper it lists again (which
keeps its place: `Catalog.papers_by_topic`), whose card shows the new date.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 50
"""Papers per archive page."""


def archive_pages(papers: int) -> int:
    """How many full archive pages a topic with this many papers has."""
    return max(0, papers // PAGE_SIZE - 1)


@dataclass(frozen=True)
class Window:
    """One page of a topic's papers, by their numbers counted from the oldest (1-based)."""

    number: int
    """0 for the topic's own page, 1 and up for its archive pages."""
    first: int
    last: int
    archived: int
    """How many archive pages the topic has."""

    @property
    def own(self) -> bool:
        """The topic's own page (not an archive page)."""
        return self.number == 0

    @property
    def newer(self) -> int | None:
        """The page of the next newer papers: the following archive page, then the own page."""
        if self.own:
            return None
        return self.number + 1 if self.number < self.archived else 0

    @property
    def older(self) -> int | None:
        """The page of the next older papers."""
        older = self.archived if self.own else self.number - 1
        return older or None


def window(papers: int, number: int) -> Window:
    """Page `number` of a topic with this many papers."""
    archived = archive_pages(papers)
    if number == 0:
        return Window(0, archived * PAGE_SIZE + 1, papers, archived)
    return Window(number, (number - 1) * PAGE_SIZE + 1, number * PAGE_SIZE, archived)
