"""The repository's copies of shared material stay byte-identical to the shared originals."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, SHARED, VENDORED_VALIDATORS


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("no ../shared beside the repository (e.g. on GitHub's runners)")
    return SHARED


def test_vendored_validators_equal_the_shared_ones(shared: Path) -> None:
    assert files(VENDORED_VALIDATORS) == files(shared / "validators")


def test_bundled_seed_article_is_the_shared_seed_byte_for_byte(shared: Path) -> None:
    bundled = REPO / "content" / "2025-10-08-amazon-mischt-gesundheitswesen-auf.txt"
    assert bundled.read_bytes() == (shared / "seeds" / "000_63c87fada72d764c.txt").read_bytes()
