"""Golden files: each scenario under tests/cases builds to exactly its expected/ tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import main

SCENARIOS = sorted(p.name for p in CASES.iterdir() if (p / "content").is_dir())


def build_case(case: Path, out: Path) -> None:
    code = main(["build", "--content", str(case / "content"), "--config",
                 str(case / "feed.yaml"), "--out", str(out), "--now", FIXED_NOW])
    assert code == 0


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", SCENARIOS)
def test_build_matches_golden_files(name: str, tmp_path: Path, update_goldens: bool) -> None:
    case = CASES / name
    out = tmp_path / "public"
    build_case(case, out)
    expected = case / "expected"
    if update_goldens:
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(out, expected)
    actual, wanted = tree(out), tree(expected)
    assert sorted(actual) == sorted(wanted)
    for name_, data in actual.items():
        assert data.decode("utf-8") == wanted[name_].decode("utf-8"), name_
