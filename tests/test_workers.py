"""Forked workers die with their build: a killed build leaves no process behind; what is
handed to them arrives whole."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from feedgen_app.model import ArticleRecord
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


def test_a_record_handed_to_a_worker_arrives_whole_and_leaves_no_copy_of_its_text() -> None:
    record = ArticleRecord(
        source="content/straße-\udcff.txt",  # a file name that is not UTF-8
        slug="strasse",
        title="Zölle „steigen“",
        published=datetime(2025, 10, 8, 6, tzinfo=ZoneInfo("Europe/Berlin")),
        updated=None,
        tags=("Wirtschaft", "Außenhandel"),
        lang="de",
        summary="Die Preise für Strom und Gas sinken, sagen Ökonominnen in München. " * 5,
        entry_id="tag:example.org,2025:strasse",
        draft=False,
        minutes=3,
        digest="0" * 64,
    )
    sizes = [sys.getsizeof(value) for value in (record.title, record.summary, *record.tags)]
    assert pickle.loads(pickle.dumps(record)) == record
    # pickling a str itself would cache a UTF-8 copy in it, held by the build to its end
    assert [sys.getsizeof(v) for v in (record.title, record.summary, *record.tags)] == sizes
