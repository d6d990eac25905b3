"""Pure functions mapped over many items in forked worker processes, when that pays.

Forked workers share the parent's memory (the catalog, the classifier, the vectors) without
copying it; only the items' results travel back. Small inputs, single-core machines and processes
running other threads (the preview server: forking a threaded process is not safe) map in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

_TASK: Callable[[Any], Any] | None = None
"""The function being mapped, set just before forking so that workers inherit it (closures can't be pickled)."""


def worker_count() -> int:
    """Worker processes to use: one per core, none in a process with other threads running."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return cores if forkable and threading.active_count() == 1 else 1


def _run(items: Sequence[Any]) -> list[Any]:
    assert _TASK is not None, "workers are forked by fork_map"
    return [_TASK(item) for item in items]


def fork_map(
    function: Callable[[_Item], _Result], items: Sequence[_Item], chunk: int = 256, at_least: int = 2000
) -> list[_Result]:
    """`[function(item) for item in items]`, in worker processes when there are at least `at_least` items."""
    workers = worker_count()
    if workers == 1 or len(items) < at_least:
        return [function(item) for item in items]
    global _TASK
    _TASK = function
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
            return [result for results in pool.imap(_run, chunks) for result in results]
    finally:
        _TASK = None
