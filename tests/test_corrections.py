"""Corrections: `updated` and a correction note change the entry's update date and nothing of
its identity (ID, publication date, position)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import ATOM, atom, atom_ids, build, entry_id, json_feed, make_site, rss_ids, write

ORIGINAL = (
    "---\ntitle: Zinsen steigen\ndate: 2025-10-01T08:00\n---\n"
    "Die EZB erhöht den Leitzins auf 3 Prozent.\n"
)
CORRECTED = (
    "---\ntitle: Zinsen steigen\ndate: 2025-10-01T08:00\nupdated: 2025-10-02T09:30\n"
    "correction: In einer früheren Fassung stand 4 Prozent.\n---\n"
    "Die EZB erhöht den Leitzins auf 3 Prozent.\n"
)


def site_with(tmp_path: Path, text: str) -> Path:
    root = make_site(tmp_path)
    write(root, "2025-09-30-aelter.txt", "date 2025-09-30 Älter\n\nEin Absatz.\n")
    write(root, "2025-10-01-zinsen.md", text)
    write(root, "2025-10-03-neuer.txt", "date 2025-10-03 Neuer\n\nEin Absatz.\n")
    assert build(root) == 0
    return root


def atom_entry(root: Path) -> dict[str, str]:
    feed = atom(root / "public" / "atom.xml")
    entry = next(
        e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == entry_id("zinsen")
    )
    return {
        name: entry.findtext(f"{ATOM}{name}")
        for name in ("id", "published", "updated", "title", "content")
    }


def test_a_correction_changes_updated_and_nothing_of_the_identity(tmp_path: Path) -> None:
    before = site_with(tmp_path / "before", ORIGINAL)
    after = site_with(tmp_path / "after", CORRECTED)
    old, new = atom_entry(before), atom_entry(after)
    assert (old["id"], old["published"], old["title"]) == (
        new["id"],
        new["published"],
        new["title"],
    )
    assert old["updated"] == "2025-10-01T08:00:00+02:00"
    assert new["updated"] == "2025-10-02T09:30:00+02:00"
    for root in (before, after):
        assert atom_ids(atom(root / "public" / "atom.xml")) == [
            entry_id("neuer"),
            entry_id("zinsen"),
            entry_id("aelter"),
        ]
        assert rss_ids(atom(root / "public" / "rss.xml"))[1] == entry_id("zinsen")
    old_item = atom(before / "public" / "rss.xml").find("channel").findall("item")[1]
    new_item = atom(after / "public" / "rss.xml").find("channel").findall("item")[1]
    assert old_item.findtext("pubDate") == new_item.findtext("pubDate")
    assert old_item.findtext("guid") == new_item.findtext("guid")
    old_json = json_feed(before / "public" / "feed.json")["items"][1]
    new_json = json_feed(after / "public" / "feed.json")["items"][1]
    assert old_json["date_published"] == new_json["date_published"]
    assert "date_modified" not in old_json
    assert new_json["date_modified"] == "2025-10-02T09:30:00+02:00"
    assert {k: v for k, v in new_json.items() if k not in ("date_modified", "content_html")} == {
        k: v for k, v in old_json.items() if k != "content_html"
    }


def test_the_feed_updated_follows_the_correction(tmp_path: Path) -> None:
    root = site_with(tmp_path, CORRECTED)
    assert (
        atom(root / "public" / "atom.xml").findtext(f"{ATOM}updated") == "2025-10-03T00:00:00+02:00"
    )  # the newer article still wins
    write(root, "2025-10-01-zinsen.md", CORRECTED.replace("2025-10-02T09:30", "2025-10-05T10:00"))
    assert build(root) == 0
    assert (
        atom(root / "public" / "atom.xml").findtext(f"{ATOM}updated") == "2025-10-05T10:00:00+02:00"
    )


def test_the_correction_note_opens_the_feed_content_and_shows_on_the_page(tmp_path: Path) -> None:
    root = site_with(tmp_path, CORRECTED)
    note = "<p><strong>Korrektur:</strong> In einer früheren Fassung stand 4 Prozent.</p>\n"
    assert atom_entry(root)["content"].startswith(note)
    assert json_feed(root / "public" / "feed.json")["items"][1]["content_html"].startswith(note)
    item = atom(root / "public" / "rss.xml").find("channel").findall("item")[1]
    encoded = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert encoded.startswith(note)
    page = (root / "public" / "zinsen" / "index.html").read_text(encoding="utf-8")
    assert '<aside class="correction" role="note">' in page
    assert "In einer früheren Fassung stand 4 Prozent." in page
    assert '<time datetime="2025-10-02T09:30:00+02:00">' in page


def test_plain_text_header_lines_give_updated_and_correction(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(
        root,
        "2025-10-01-zinsen.txt",
        "date 2025-10-01T08:00 Zinsen steigen\nupdated 2. Oktober 2025, 09:30 Uhr\n"
        "correction In einer früheren Fassung stand 4 Prozent.\n\n"
        "Die EZB erhöht den Leitzins auf 3 Prozent.\n",
    )
    assert build(root) == 0
    item = json_feed(root / "public" / "feed.json")["items"][0]
    assert item["date_modified"] == "2025-10-02T09:30:00+02:00"
    assert item["summary"] == "Die EZB erhöht den Leitzins auf 3 Prozent."
    assert item["content_html"] == (
        "<p><strong>Korrektur:</strong> In einer früheren Fassung stand 4 Prozent.</p>\n"
        "<p>Die EZB erhöht den Leitzins auf 3 Prozent.</p>\n"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "a.md",
            "---\ntitle: A\ndate: 2025-10-01\ncorrection: Falsch.\n---\nText.\n",
            ":4: a correction needs an `updated:` date",
        ),
        (
            "b.txt",
            "date 2025-10-01 B\ncorrection Falsch.\n\nText.\n",
            ":2: a correction needs an `updated <DATE>` line",
        ),
        ("c.txt", "date 2025-10-01 C\nupdated gestern\n\nText.\n", ":2: 'updated': "),
        (
            "d.txt",
            "date 2025-10-01 D\nupdated 2025-10-02\nupdated 2025-10-03\n\nText.\n",
            ":3: `updated` is given twice (first on line 2)",
        ),
    ],
)
def test_broken_corrections_are_errors_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str
) -> None:
    root = make_site(tmp_path)
    path = write(root, name, text)
    assert build(root) == 1
    assert f"{path}{message}" in capsys.readouterr().err


def test_a_body_line_starting_like_a_header_after_a_blank_line_stays_body(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(root, "a.txt", "date 2025-10-01 A\n\nupdated 2025 war das Jahr der Zinswende.\n")
    assert build(root) == 0
    item = json_feed(root / "public" / "feed.json")["items"][0]
    assert item["summary"] == "updated 2025 war das Jahr der Zinswende."
    assert "date_modified" not in item
