"""Scheduled publishing: a future-dated article appears exactly when a build runs at its date."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from feedgen_app.commands.cli import main

FEED_YAML = """\
title: "Wirtschaft kompakt"
base_url: "https://example.github.io/nachrichten/"
author: "Redaktion"
id_authority: "example.github.io,2025"
"""
PAST = "date 2026-02-20T08:00 Frühere Meldung\nDiese Meldung ist längst erschienen.\n"
# 06:00 Berlin on 1 March 2026 is 05:00 UTC (winter time).
EMBARGOED = (
    "date 2026-03-01T06:00 Sperrfrist bis sechs Uhr\n"
    "Diese Meldung steht unter Sperrfrist bis 6 Uhr.\n"
)
SLUG = "sperrfrist"
ENTRY_ID = f"tag:example.github.io,2025:{SLUG}"
ENTRY_URL = f"https://example.github.io/nachrichten/{SLUG}/"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "feed.yaml").write_text(FEED_YAML, encoding="utf-8")
    (tmp_path / "content" / "2026-02-20-frueher.txt").write_text(PAST, encoding="utf-8")
    (tmp_path / "content" / f"{SLUG}.txt").write_text(EMBARGOED, encoding="utf-8")
    return tmp_path


def build_at(site: Path, now: str) -> tuple[Path, dict[str, object]]:
    out, summary = site / "public", site / "summary.json"
    code = main(
        [
            "build",
            "--content",
            str(site / "content"),
            "--config",
            str(site / "feed.yaml"),
            "--out",
            str(out),
            "--now",
            now,
            "--summary",
            str(summary),
        ]
    )
    assert code == 0
    return out, json.loads(summary.read_text(encoding="utf-8"))


def published_ids(out: Path) -> dict[str, set[str]]:
    """The entry IDs (feeds) and article links (index) each published document carries."""
    json_feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    index = (out / "index.html").read_text(encoding="utf-8")
    return {
        "atom": {e.id for e in feedparser.parse(out / "atom.xml").entries},
        "rss": {e.id for e in feedparser.parse(out / "rss.xml").entries},
        "json": {item["id"] for item in json_feed["items"]},
        "index": {SLUG} if f'href="{ENTRY_URL}"' in index or f'href="{SLUG}/"' in index else set(),
    }


def test_a_build_before_the_date_leaves_the_article_out_everywhere(site: Path) -> None:
    out, summary = build_at(site, "2026-03-01T05:59")
    ids = published_ids(out)
    assert ENTRY_ID not in ids["atom"] | ids["rss"] | ids["json"]
    assert ids["index"] == set()
    assert len(ids["atom"]) == len(ids["rss"]) == len(ids["json"]) == 1  # the earlier one
    assert not (out / SLUG).exists()
    assert summary["published"] == 1
    assert summary["next_due"] == "2026-03-01T06:00:00+01:00"
    assert summary["scheduled"] == [
        {
            "slug": SLUG,
            "title": "Sperrfrist bis sechs Uhr",
            "source": str(site / "content" / f"{SLUG}.txt"),
            "due": "2026-03-01T06:00:00+01:00",
        }
    ]


def test_a_build_at_the_date_publishes_it_in_all_three_feeds_and_the_index(site: Path) -> None:
    out, summary = build_at(site, "2026-03-01T06:00")
    ids = published_ids(out)
    for feed in ("atom", "rss", "json"):
        assert ENTRY_ID in ids[feed], feed
    assert ids["index"] == {SLUG}
    assert (out / SLUG / "index.html").is_file()
    assert summary["published"] == 2
    assert summary["scheduled"] == []
    assert summary["next_due"] is None


def test_now_in_utc_is_compared_as_an_instant(site: Path) -> None:
    out, _ = build_at(site, "2026-03-01T04:59:59+00:00")  # 05:59:59 in Berlin
    assert ENTRY_ID not in published_ids(out)["atom"]
    out, _ = build_at(site, "2026-03-01T05:00:00+00:00")  # 06:00 in Berlin
    assert ENTRY_ID in published_ids(out)["atom"]


@pytest.mark.german
def test_the_build_line_names_the_next_due_time(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_at(site, "2026-03-01T05:59")
    out = capsys.readouterr().out
    assert out.startswith("1 Artikel veröffentlicht, 1 geplant")
    assert "1. März 2026, 06:00 Uhr" in out  # the next due time, however the line words it


def test_publishing_a_scheduled_article_changes_the_site_hash(site: Path) -> None:
    out, before = build_at(site, "2026-03-01T05:59")
    assert (out / "site-hash.txt").read_text(encoding="ascii") == f"{before['site_hash']}\n"
    _, again = build_at(site, "2026-03-01T05:59:30")  # later, but nothing new is due
    _, after = build_at(site, "2026-03-01T06:00")
    assert again["site_hash"] == before["site_hash"]
    assert after["site_hash"] != before["site_hash"]


def test_drafts_are_neither_published_nor_scheduled(site: Path) -> None:
    (site / "content" / "entwurf.md").write_text(
        "---\ntitle: Entwurf\ndate: 2026-03-02\ndraft: true\n---\nNoch nicht fertig.\n",
        encoding="utf-8",
    )
    out, summary = build_at(site, "2026-03-05T00:00")
    assert summary["published"] == 2
    assert summary["scheduled"] == []
    assert not (out / "entwurf").exists()
