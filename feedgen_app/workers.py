"""Forked process pools for parsing and rendering, whose workers die with their parent."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from feedgen_app.libc import die_with_parent

T = TypeVar("T")
H = TypeVar("H")
R = TypeVar("R")


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes that are killed when the build process dies.

    Without this, a build killed with SIGKILL (the case the atomic publishing is built for)
    would leave its idle workers waiting forever for work that never comes.
    """
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


def map_bounded(
    pool: ProcessPoolExecutor, function: Callable[[T], R], items: Iterable[T], window: int
) -> Iterator[R]:
    """`pool.map`, but with at most `window` items in flight: results are yielded in order as
    they come, and no more work is handed out than the caller has taken back, so results that
    the caller is slow to take (e.g. parsed articles being stored) never pile up in memory."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def map_shared(
    pool: ProcessPoolExecutor,
    remote: Callable[[H], R],
    hand: Callable[[T], H],
    local: Callable[[T], R],
    items: Iterable[T],
    window: int,
) -> Iterator[R]:
    """`map_bounded`, with this process working too: whenever `window` items are in flight in
    the pool, it takes the next item itself (`local(item)`) instead of waiting; the pool gets
    `remote(hand(item))` (`remote` is pickled by name, `hand(item)` by value). So N processes
    work with N - 1 forked, and none sits idle. Results are yielded in the items' order."""
    pending: deque[Future[R] | tuple[R]] = deque()
    for item in items:
        while pending and _is_done(pending[0]):
            yield _result_of(pending.popleft())
        busy = sum(1 for entry in pending if isinstance(entry, Future) and not entry.done())
        if busy >= window:
            pending.append((local(item),))
        else:
            pending.append(pool.submit(remote, hand(item)))
    while pending:
        yield _result_of(pending.popleft())


def _is_done(entry: Future[R] | tuple[R]) -> bool:
    return not isinstance(entry, Future) or entry.done()


def _result_of(entry: Future[R] | tuple[R]) -> R:
    return entry.result() if isinstance(entry, Future) else entry[0]
