"""Forked process pools for parsing and rendering, whose workers die with their parent."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from feedgen_app.libc import die_with_parent

if TYPE_CHECKING:  # imported when a pool starts: a build without workers does without them
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
H = TypeVar("H")
R = TypeVar("R")


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes that are killed when the build process dies.

    Without this, a build killed with SIGKILL (the case the atomic publishing is built for)
    would leave its idle workers waiting forever for work that never comes.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when its parent exits (prctl PR_SET_PDEATHSIG)."""
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class Helpers:
    """`processes` processes working on one stage: this one and `processes - 1` forked
    workers, which live as long as the `with` block (one pool can serve several stages).

    The workers are forked on entry, with every object of this process frozen for their
    collector (`gc.freeze`). Forking before the build's memory grows keeps them small: a
    page of memory is shared with a worker only until either side writes to it, and what
    this process allocates after the fork was never shared. Each job therefore brings what it
    needs (pickled), never what the worker would find in memory inherited later."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Helpers:
        if self.processes > 1:
            gc.freeze()
            try:
                self.pool = fork_pool(self.processes - 1)
                self.pool.submit(os.getpid).result()  # a pool forks all its workers at once
            finally:
                gc.unfreeze()
        return self

    def __exit__(self, kind: object, _value: object, _traceback: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=kind is not None)
            self.pool = None

    def map(
        self,
        remote: Callable[[H], R],
        hand: Callable[[T], H],
        local: Callable[[T], R],
        items: Iterable[T],
    ) -> Iterator[R]:
        """The results of every item, in order (see `map_shared`); all here without workers."""
        if self.pool is None:
            return map(local, items)
        return map_shared(self.pool, remote, hand, local, items, 2 * (self.processes - 1))


@contextlib.contextmanager
def helpers_for(given: Helpers | None, processes: int) -> Iterator[Helpers]:
    """`given` when the build started its workers early, else `processes` started now."""
    if given is not None:
        yield given
        return
    with Helpers(processes) as started:
        yield started


def map_shared(
    pool: ProcessPoolExecutor,
    remote: Callable[[H], R],
    hand: Callable[[T], H],
    local: Callable[[T], R],
    items: Iterable[T],
    window: int,
) -> Iterator[R]:
    """`pool.map`, with this process working too, and no more than `window` items in flight
    in the pool: results that the caller is slow to take (parsed articles being stored) do
    not pile up there. Whenever `window` items are in flight, this process takes the next
    item itself (`local(item)`) instead of waiting; the pool gets `remote(hand(item))`
    (`remote` is pickled by name, `hand(item)` by value). So N processes work with N - 1
    forked, and none sits idle. Results are yielded in the items' order."""
    pending: deque[Future[R] | tuple[R]] = deque()
    for item in items:
        while pending and _is_done(pending[0]):
            yield _result_of(pending.popleft())
        busy = sum(1 for entry in pending if not isinstance(entry, tuple) and not entry.done())
        if busy >= window:
            pending.append((local(item),))
        else:
            pending.append(pool.submit(remote, hand(item)))
    while pending:
        yield _result_of(pending.popleft())


def _is_done(entry: Future[R] | tuple[R]) -> bool:
    return isinstance(entry, tuple) or entry.done()


def _result_of(entry: Future[R] | tuple[R]) -> R:
    return entry[0] if isinstance(entry, tuple) else entry.result()
