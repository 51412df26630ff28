"""Golden files: each scenario under tests/cases builds to exactly its expected/ tree, less the
files every build copies verbatim from the package's static/ folder (compared once, with the
package's own files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW, REPO
from feedgen_app.commands.cli import main

SCENARIOS = sorted(p.name for p in CASES.iterdir() if (p / "content").is_dir())
PACKAGE_STATIC = REPO / "feedgen_app" / "static"
PACKAGE_COPIES = {
    "static/style.css": "style.css",
    "static/abonnieren.js": "abonnieren.js",
    "embed.js": "embed.js",
}
"""Path in every built site -> the file in the package's static/ folder it is a copy of (a
site's own static/ folder may not replace them). They are not in the golden trees, so an edit
of the stylesheet touches no golden."""


def build_case(case: Path, out: Path) -> None:
    code = main(
        [
            "build",
            "--content",
            str(case / "content"),
            "--config",
            str(case / "feed.yaml"),
            "--out",
            str(out),
            "--now",
            FIXED_NOW,
        ]
    )
    assert code == 0


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_golden(out: Path, expected: Path) -> None:
    """`out` as the golden tree `expected`: every file but the package's copies."""
    shutil.rmtree(expected, ignore_errors=True)
    shutil.copytree(out, expected)
    for path in PACKAGE_COPIES:
        (expected / path).unlink()
    for folder in sorted(expected.rglob("*"), reverse=True):  # deepest first
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


@pytest.mark.parametrize("name", SCENARIOS)
def test_build_matches_golden_files(name: str, tmp_path: Path, update_goldens: bool) -> None:
    case = CASES / name
    out = tmp_path / "public"
    build_case(case, out)
    expected = case / "expected"
    if update_goldens:
        write_golden(out, expected)
    actual, wanted = tree(out), tree(expected)
    assert set(PACKAGE_COPIES) <= set(actual)  # their bytes: the test below
    actual = {path: data for path, data in actual.items() if path not in PACKAGE_COPIES}
    assert sorted(actual) == sorted(wanted)
    for name_, data in actual.items():
        assert data.decode("utf-8") == wanted[name_].decode("utf-8"), name_


def test_a_build_copies_the_package_static_files_byte_for_byte(tmp_path: Path) -> None:
    assert sorted(p.name for p in PACKAGE_STATIC.iterdir()) == sorted(PACKAGE_COPIES.values())
    out = tmp_path / "public"
    build_case(CASES / "seed", out)
    for path, name in PACKAGE_COPIES.items():
        assert (out / path).read_bytes() == (PACKAGE_STATIC / name).read_bytes(), path
