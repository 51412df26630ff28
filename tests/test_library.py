"""The library interface: `feedgen_app.__all__` is what docs/library.md documents, and its
example runs as printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import feedgen_app
from conftest import REPO

LIBRARY_DOC = REPO / "docs" / "library.md"


def documented_names() -> set[str]:
    """The names in the first column of the doc's table (`a`, `b` per cell)."""
    rows = re.findall(r"^\| ([^|]+) \|", LIBRARY_DOC.read_text(encoding="utf-8"), re.MULTILINE)
    return {name for row in rows for name in re.findall(r"`(\w+)`", row)}


def test_all_names_exactly_what_the_docs_document() -> None:
    assert set(feedgen_app.__all__) == documented_names()
    for name in feedgen_app.__all__:
        assert hasattr(feedgen_app, name), name


def test_the_example_runs_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (example,) = re.findall(
        r"```python\n(.*?)```", LIBRARY_DOC.read_text(encoding="utf-8"), re.DOTALL
    )
    monkeypatch.chdir(tmp_path)
    exec(compile(example, str(LIBRARY_DOC), "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out == "1 Artikel veröffentlicht\n[]\n"
    assert (tmp_path / "beispiel" / "public" / "erste-meldung" / "index.html").is_file()


def test_a_broken_article_raises_and_publishes_nothing(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "feed.yaml").write_text(
        "title: T\nbase_url: https://example.org/\nauthor: R\nid_authority: example.org,2025\n",
        encoding="utf-8",
    )
    (tmp_path / "content" / "kaputt.txt").write_text("kein Datum\n", encoding="utf-8")
    with pytest.raises(feedgen_app.ContentError) as caught:
        feedgen_app.build_site(
            tmp_path / "feed.yaml",
            tmp_path / "content",
            tmp_path / "public",
            cache_dir=tmp_path / "cache",
        )
    assert caught.value.problems[0].startswith(f"{tmp_path / 'content' / 'kaputt.txt'}:1: ")
    assert not (tmp_path / "public").exists()
