"""A build's entry: `build()` decides whether there is anything to do, cheaply, and only then runs
the stages (`pipeline`), importing them then: a build with nothing new (the curator's most common
one) never loads numpy, scipy, Jinja or lunr, which took half of its 1 s at 10,000 papers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from site_src.build import output
from site_src.build.cache import MEMO_FILE, BuildCache, cache_file
from site_src.build.memos import LastBuild
from site_src.build.unchanged import Hashed, hash_inputs, unchanged_build
from site_src.errors import Problem
from site_src.inputs import reader
from site_src.inputs.settings import NODE_MODULES_DIR, ROOT, BuildOptions

Progress = Callable[[str, int, int], None]
"""Told, as a build goes, the stage it is in and how many of how many items are done (0 of 0 for a
stage that does not count)."""


@dataclass
class Timings:
    """Wall time per stage, in the order the stages ran."""

    seconds: dict[str, float] = field(default_factory=dict)
    progress: Progress | None = None
    _open: set[str] = field(default_factory=set)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time one stage (a stage opened again inside itself is told to `progress`, not counted twice)."""
        if self.progress is not None:
            self.progress(name, 0, 0)
        if name in self._open:
            yield
            return
        self._open.add(name)
        self.seconds.setdefault(name, 0.0)  # listed in the order the stages began
        start = time.perf_counter()
        try:
            yield
        finally:
            self._open.discard(name)
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def add(self, name: str, seconds: float) -> None:
        """Count time measured elsewhere (summed over the render workers: CPU seconds, not wall time)."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())


@dataclass(frozen=True)
class BuildReport:
    """What a build or check did, for the summary line."""

    digests: int
    papers: int
    topics: int
    pages: int
    files: int
    rendered: int
    """Pages rendered this time (the others were unchanged since the last build)."""
    written: int
    """Files written this time (0 for a check, or for a build with nothing new)."""
    seconds: float
    timings: Timings
    warnings: tuple[Problem, ...]

    def summary(self, verb: str = "Built") -> str:
        """One line: "Built 3 digests, 144 papers, 15 topics, 170 pages in 1.42 s; 12 files changed"."""
        line = (
            f"{verb} {self.digests} digests, {self.papers} papers, {self.topics} topics, "
            f"{self.pages} pages in {self.seconds:.2f} s"
        )
        return f"{line}; {self.written} files changed" if verb == "Built" else line


def load_cache(options: BuildOptions) -> BuildCache:
    """The cache of the output folder's last build (empty when there is none or it cannot be used);
    its memos are read when a build first needs them."""
    file = cache_file(options.out_dir)
    memo_file = file.with_name(MEMO_FILE)
    memos = lambda: (reader.read_cache(memo_file), reader.display_path(memo_file))  # noqa: E731
    return BuildCache.from_bytes(reader.read_cache(file), reader.display_path(file), memos)


def _unchanged_report(last: LastBuild, cache: BuildCache, seconds: float, timings: Timings) -> BuildReport:
    """A no-op build's report: the last build's counts and warnings, nothing rendered or written."""
    pages, files = last.pages, len(cache.files)
    return BuildReport(last.digests, last.papers, last.topics, pages, files, 0, 0, seconds, timings, last.warnings)


def build(
    options: BuildOptions, write: bool = True, cache: BuildCache | None = None, progress: Progress | None = None
) -> BuildReport:
    """Build the site, redoing only what changed since the last build of the same output folder;
    nothing is written unless every stage succeeds (`write=False` only checks)."""
    start = time.perf_counter()
    timings = Timings(progress=progress)
    if write:
        output.check_output_folder(
            options.out_dir, [options.content_dir, options.templates_dir, ROOT, NODE_MODULES_DIR]
        )
    cache = cache if cache is not None else load_cache(options)
    inputs = Hashed("")
    if write:
        with timings.stage("inputs"):
            inputs = hash_inputs(options, cache)
            last = unchanged_build(options, cache, inputs.key)
        if last is not None:
            return _unchanged_report(last, cache, time.perf_counter() - start, timings)
    from site_src.build.pipeline import STAGES, BuildRun  # only now: see the module's docstring

    run = BuildRun(options, write, cache, timings, inputs)
    try:
        for name, stage in STAGES:
            with run.timings.stage(name):
                stage(run)
    finally:
        run.close()
    return run.report(time.perf_counter() - start)
