"""Forked workers die with their build: a killed build leaves no process behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from feedgen_app.workers import fork_pool, map_shared


def _pid(_: int) -> int:
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_pool_workers_exit_when_their_parent_is_killed() -> None:
    read_end, write_end = os.pipe()
    parent = os.fork()
    if parent == 0:  # the "build": start a pool, report its workers, then wait to be killed
        os.close(read_end)
        pool = fork_pool(2)
        pids = sorted(set(pool.map(_pid, range(40))))
        os.write(write_end, (",".join(map(str, pids)) + "\n").encode())
        time.sleep(60)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        workers = [int(pid) for pid in reader.readline().strip().split(",")]
    assert workers and all(_alive(pid) for pid in workers)
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


def _slow_square(number: int) -> tuple[int, int]:
    time.sleep(0.02)
    return number * number, os.getpid()


def test_the_build_process_works_beside_its_workers_and_results_keep_their_order() -> None:
    with fork_pool(1) as pool:
        results = list(
            map_shared(
                pool,
                _slow_square,
                lambda number: number,
                lambda number: (number * number, os.getpid()),
                range(30),
                2,
            )
        )
    assert [square for square, _ in results] == [n * n for n in range(30)]
    workers = {pid for _, pid in results}
    assert os.getpid() in workers  # this process took items while the pool was busy
    assert len(workers) == 2  # and the forked worker took the others
