"""Byte-identical output across processes, TZ, LC_ALL and PYTHONHASHSEED."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW, missing_tool


def german_locale() -> str:
    names = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout
    for candidate in ("de_DE.UTF-8", "de_DE.utf8"):
        if candidate.lower() in names.lower().split():
            return candidate
    missing_tool("no de_DE.UTF-8 locale installed (locale-gen de_DE.UTF-8)")


def build_in_subprocess(
    case: Path, out: Path, env_extra: dict[str, str], options: list[str] | None = None
) -> dict[str, bytes]:
    env = {**os.environ, **env_extra}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "feedgen_app",
            "build",
            "--content",
            str(case / "content"),
            "--config",
            str(case / "feed.yaml"),
            "--out",
            str(out),
            "--now",
            FIXED_NOW,
            "--cache-dir",
            str(out.parent / f"{out.name}-index"),
            *(options or []),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["seed", "markdown"])
def test_builds_are_byte_identical_under_other_tz_locale_and_hash_seed(
    name: str, tmp_path: Path
) -> None:
    case = CASES / name
    first = build_in_subprocess(
        case, tmp_path / "a", {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"}
    )
    second = build_in_subprocess(
        case,
        tmp_path / "b",
        {"TZ": "America/Los_Angeles", "LC_ALL": german_locale(), "PYTHONHASHSEED": "4242"},
    )
    assert first == second
    if name == "seed":  # English day and month names even under a German locale
        assert b"<pubDate>Wed, 08 Oct 2025 00:00:00 +0200</pubDate>" in second["rss.xml"]


def many_articles_case(tmp_path: Path) -> Path:
    """The "depth" scenario with 120 more articles: several render jobs and archive months."""
    case = tmp_path / "case"
    (case / "content").mkdir(parents=True)
    (case / "feed.yaml").write_bytes((CASES / "depth" / "feed.yaml").read_bytes())
    for source in (CASES / "depth" / "content").rglob("*"):
        if source.is_file():
            target = case / "content" / source.relative_to(CASES / "depth" / "content")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    for number in range(120):  # enough for several render jobs and archive months
        day = 1 + number % 28
        (case / "content" / f"2025-{1 + number % 9:02d}-{day:02d}-meldung-{number}.txt").write_text(
            f"date 2025-{1 + number % 9:02d}-{day:02d}T0{number % 9}:30 Meldung {number}\n"
            f"tags Wirtschaft, Thema {number % 4}\n\nEin Absatz über Märkte {number}.\n",
            encoding="utf-8",
        )
    return case


def test_builds_are_byte_identical_with_and_without_worker_processes(tmp_path: Path) -> None:
    """`--jobs 2` parses and renders in forked workers that write their own files; the site
    is the same as one built in a single process."""
    case = many_articles_case(tmp_path)
    serial = build_in_subprocess(case, tmp_path / "serial", {}, ["--jobs", "1"])
    pooled = build_in_subprocess(case, tmp_path / "pooled", {}, ["--jobs", "2"])
    assert len(serial) > 200 and any(name.startswith("archive/") for name in serial)
    assert serial == pooled


def test_workers_forked_for_a_rebuild_build_what_one_process_builds(tmp_path: Path) -> None:
    """A first build forks its workers before it reads anything; a rebuild whose articles the
    index knows forks them only for the stage that needs them. After a change of feed.yaml
    every article is parsed again and every file rendered again, into the tree of the site
    before (the workers replace its files): the result is still the site one process builds."""
    case = many_articles_case(tmp_path)
    config = case / "feed.yaml"
    titles = ["Wirtschaft kompakt", "Wirtschaft am Morgen", "Wirtschaft heute"]
    for old, new in itertools.pairwise(titles):  # the second build leaves the first behind
        build_in_subprocess(case, tmp_path / "pooled", {}, ["--jobs", "2"])
        config.write_text(config.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    serial = build_in_subprocess(case, tmp_path / "serial", {}, ["--jobs", "1"])
    pooled = build_in_subprocess(case, tmp_path / "pooled", {}, ["--jobs", "2"])
    assert b"Wirtschaft heute" in serial["index.html"]
    assert serial == pooled
