"""Pure functions mapped over many items in forked worker processes, when that pays; and the cycle
collector paused for work that makes millions of objects.

Forked workers share the parent's memory (the catalog, the classifier, the vectors) without
copying it; only the items' results travel back. Small inputs, single-core machines and processes
running other threads (the preview server: forking a threaded process is not safe) map in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import multiprocessing.pool
import multiprocessing.process
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

_TASK: Callable[[Any], Any] | None = None
"""The function being mapped, set just before forking so that workers inherit it (closures can't be pickled)."""


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def side_work_forks() -> bool:
    """Whether a `SideWork` that runs apart is forked here, rather than spawned (and sent its arguments)."""
    return threading.active_count() == 1


def worker_count() -> int:
    """Forked worker processes to use: one per core, none in a process with other threads running."""
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return _cores() if forkable and threading.active_count() == 1 else 1


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
    frozen_for_fork()
    try:
        with forked_pool(workers) as pool:
            chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
            return [result for results in pool.imap(_run, chunks) for result in results]
    finally:
        _TASK = None


def halved_map(function: Callable[[_Item], _Result], items: Sequence[_Item], at_least: int) -> list[_Result]:
    """`[function(item) for item in items]`, the second half in a side process while this one maps the
    first, when there are at least `at_least` items: for work too short to pay for a pool, whose
    results are few enough to send back (see `SideWork`, which decides where it runs)."""
    if len(items) < at_least:
        return [function(item) for item in items]
    middle = len(items) // 2
    with SideWork(_mapped, function, items[middle:], fork_only=True) as rest:
        first = [function(item) for item in items[:middle]]
        return [*first, *rest.result()]


def _mapped(function: Callable[[_Item], _Result], items: Sequence[_Item]) -> list[_Result]:
    return [function(item) for item in items]


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl+C held back from this thread while it forks processes (and from the threads it starts
    meanwhile, which inherit that: a pool forks its replacement workers from one of them); delivered
    once the block ends. A process forked while not yet ignoring it (`ignore_interrupts`) raised it,
    printed a traceback, and died; its pool forked another in its place, which could outlive the
    interrupted build waiting for work, holding the terminal's output open (the build never
    seemed to end). A process forked while it is held starts with it held, and ignores it from
    there on."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def forked_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers that leave Ctrl+C to this process (forked with it held back)."""
    with interrupts_held():
        return multiprocessing.get_context("fork").Pool(workers, initializer=ignore_interrupts)


def ignore_interrupts() -> None:
    """In a worker or side process: Ctrl+C is the build's to handle (its pools and side processes are
    ended with it); raised here too, each process printed its traceback over the terminal."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _side(connection: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the side process: run the task and send back ("ok", result) or ("error", exception)."""
    ignore_interrupts()
    try:
        outcome: tuple[str, Any] = ("ok", function(*args))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the build, which raises it
        outcome = ("error", error)
    connection.send(outcome)
    connection.close()


class SideWork(Generic[_Result]):
    """One task run in another process from the moment the block is entered, while this process goes
    on with other stages. Forked where that is safe; spawned (a fresh interpreter, the arguments
    pickled) in a process that runs threads, like the preview server; in-process on one core, or
    when the task is `cheap`. A bare process and a pipe, not a pool: a pool's three helper threads
    would make the build process "threaded", and its pages would render in-process (`worker_count`)."""

    def __init__(
        self, function: Callable[..., _Result], *args: Any, cheap: bool = False, fork_only: bool = False
    ) -> None:
        """`fork_only`: a task whose arguments are too large to pickle runs in-process where it
        cannot be forked."""
        self.function, self.args, self.cheap, self.fork_only = function, args, cheap, fork_only
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None

    def __enter__(self) -> SideWork[_Result]:
        forked = side_work_forks()
        if _cores() > 1 and not self.cheap and (forked or not self.fork_only):
            if forked:
                frozen_for_fork()
            context = multiprocessing.get_context("fork") if forked else multiprocessing.get_context("spawn")
            self._connection, theirs = context.Pipe(duplex=False)
            self._process = context.Process(target=_side, args=(theirs, self.function, self.args), daemon=True)
            with interrupts_held():
                self._process.start()
            theirs.close()
        return self

    def result(self) -> _Result:
        """The task's result (waiting for the other process, or running the task here); raises what the
        task raised."""
        if self._connection is None:
            return self.function(*self.args)
        try:
            kind, value = self._connection.recv()
        except EOFError:
            raise RuntimeError("the side process ended without a result") from None
        if kind == "error":
            raise value
        result: _Result = value
        return result

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            assert self._connection is not None
            self._connection.close()


def frozen_for_fork() -> None:
    """Move every object that exists now out of the cycle collector's sight before forking: a worker's
    collection would otherwise write to every object's header and so copy the parent's whole heap
    into each worker (at 50k papers, the build's peak memory went from 1.4 to 2.3 GB when two
    workers and the search process ran together). The parent's own objects stay frozen: they live
    until the build ends anyway. Then the memory freed so far is given back (`release_free_memory`)."""
    gc.freeze()
    release_free_memory()


def release_free_memory() -> None:
    """Give the pages of freed heap memory back to the system (glibc's `malloc_trim`; nothing elsewhere).

    glibc keeps freed memory, and after large arrays are freed it keeps more (its threshold for
    giving big blocks their own mapping rises): at 50k papers 300 MB of the parent's 930 MB after the
    related stage was free. Kept, those pages would stay counted in the parent for the whole build."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, looked up once (None elsewhere)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None
    return trim


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off meanwhile: building the search index or reading and writing the
    build cache makes millions of small containers and no cycles, and each collection would walk
    them all again (15 % of the index's time at 50k papers; it doubled the cache's at 10k)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
