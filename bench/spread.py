"""A figure measured several times, as the benchmark reports it: the median with the range, because
on this shared machine one run says little and the range shows how much the noise moved it."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def number(value: float) -> str:
    """Three significant digits, whole numbers from 100 on (0.221, 4.21, 46.2, 246, 1437): enough
    for figures that vary by several percent from run to run."""
    if not math.isfinite(value) or abs(value) >= 99.5:
        return f"{value:.0f}"
    rounded = float(f"{value:.3g}")  # first, so that 9.996 shows as 10.0, not 10.00
    if rounded == 0:
        return "0"
    return f"{rounded:.{2 - math.floor(math.log10(abs(rounded)))}f}"


@dataclass(frozen=True)
class Spread:
    """Median, lowest and highest of a figure's runs."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        """The spread of some runs (at least one)."""
        found = sorted(values)
        return cls(statistics.median(found), found[0], found[-1], len(found))

    def show(self, unit: str = " s") -> str:
        """`46.2 s (44.0–63.1)`, the style of docs/speed.md."""
        return f"{number(self.median)}{unit} ({number(self.low)}–{number(self.high)})"


def pipe_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown pipe table, ready to paste into docs/speed.md."""
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
