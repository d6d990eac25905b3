"""Problems found in the curator's inputs, and the one format they are reported in.

Library code never prints or exits: it records problems on a `Problems` collector, and the
pipeline raises `BuildError` once a stage is done, so that one run reports every problem.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple[str | int, ...]:
    """A sort key that puts "[2]" before "[10]": digit runs compare as numbers."""
    return tuple(int(part) if index % 2 else part for index, part in enumerate(_DIGITS.split(text)))


@functools.total_ordering
@dataclass(frozen=True)
class Source:
    """A place in an input file; every parsed value and every problem points back to one."""

    path: str
    """The file as the curator would type it (relative to the working folder when inside it)."""
    line: int = 0
    """1-based line number, or 0 when the problem concerns the whole file."""
    place: str = ""
    """Where in a JSON document, which keeps no lines: a path such as `[3].paper.authors[1].name`
    (indexes count from 0, as jq's do), shown instead of the line."""

    def at(self, line: int) -> Source:
        """The same file at another line."""
        return Source(self.path, line)

    def at_place(self, place: str) -> Source:
        """The same file at a place in its JSON."""
        return Source(self.path, place=place)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Source):
            return NotImplemented
        return (self.path, self.line, _natural(self.place)) < (other.path, other.line, _natural(other.place))

    def __str__(self) -> str:
        if self.place:
            return f"{self.path}: {self.place}"
        return f"{self.path}:{self.line}" if self.line else self.path


_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x85\u2028\u2029]\s*")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the inputs: where, what, and how to fix it."""

    source: Source
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        text = f"{self.source}: {kind}{self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
        return _LINE_BREAKS.sub(" ", text)  # one problem, one line, whatever a quoted value holds


@dataclass
class Problems:
    """Collects problems across a stage so that they are all reported in one run."""

    items: list[Problem] = field(default_factory=list)

    def error(self, source: Source, message: str, hint: str = "") -> None:
        """Record a problem that stops the build."""
        self.items.append(Problem(source, message, hint))

    def warn(self, source: Source, message: str, hint: str = "") -> None:
        """Record a problem that the build survives (fatal under --strict)."""
        self.items.append(Problem(source, message, hint, warning=True))

    def extend(self, other: Problems) -> None:
        """Take over another collector's problems."""
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the build."""
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that the build survives."""
        return [p for p in self.items if p.warning]

    def raise_if_errors(self, strict: bool = False) -> None:
        """End the stage: abort with every error found so far, if any (with `strict`, warnings too, as errors)."""
        if self.errors:
            raise BuildError(self.items)
        if strict and self.warnings:
            raise BuildError([Problem(p.source, p.message, p.hint) for p in self.warnings])

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class BuildError(Exception):
    """The inputs cannot be built; carries every problem found, in file and line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


LISTED_IN_FULL = 8
"""Choices a hint lists in full when none is close (every schema's keys); past this, the closest 3."""


def did_you_mean(name: str, choices: Collection[str], none_close: str = "") -> str:
    """A hint naming the closest valid choices: up to 3 close ones; else all of a few, or, of many
    (a note's slug is one of thousands: listing them all would bury the message), `none_close` if
    given, else the 3 nearest."""
    ordered = sorted(choices)
    close = difflib.get_close_matches(name, ordered, n=3, cutoff=0.6)
    if close:
        return f"did you mean {_listed(close, 'or')}?"
    if not ordered:
        return "there is nothing to choose from yet"
    if len(ordered) <= LISTED_IN_FULL:
        return f"expected one of: {', '.join(ordered)}"
    if none_close:
        return none_close
    nearest = difflib.get_close_matches(name, ordered, n=3, cutoff=0.0)
    return f"the closest of {len(ordered)} are {_listed(nearest, 'and')}"


def _listed(names: list[str], conjunction: str) -> str:
    """Quoted names in a sentence: "a", "b" and "c"."""
    quoted = [f'"{name}"' for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"
