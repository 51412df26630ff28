"""`check --against`: published entry IDs survive renames; deleted entries are reported."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sitekit import atom, atom_ids, build, entry_id, json_feed, json_ids, make_site, rss_ids, write

from feedgen_app.checking.published_ids import PublishedEntry, compare_entries
from feedgen_app.commands.cli import main

OLD_MD = "---\ntitle: Zinsen steigen\ndate: 2025-10-01T08:00\n---\nDie EZB erhöht.\n"
OTHER = "date 2025-10-02 Anderes Thema\n\nEin Absatz.\n"


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A site built once and kept as `old/`: the previously published version."""
    root = make_site(tmp_path / "site")
    write(root, "2025-10-01-zinsen.md", OLD_MD)
    write(root, "2025-10-02-anderes.txt", OTHER)
    assert build(root) == 0
    shutil.copytree(root / "public", tmp_path / "old")
    return root


def check_against(root: Path, previous: str, *extra: str) -> int:
    return main(
        [
            "check",
            str(root / "public"),
            "--against",
            previous,
            "--content",
            str(root / "content"),
            "--config",
            str(root / "feed.yaml"),
            *extra,
        ]
    )


def rename(root: Path, old: str, new: str, text: str) -> Path:
    (root / "content" / old).unlink()
    return write(root, new, text)


def test_a_rename_without_id_fails_with_the_exact_id_to_add(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = rename(published, "2025-10-01-zinsen.md", "2025-10-01-ezb-zinsen.md", OLD_MD)
    assert build(published) == 0
    capsys.readouterr()
    assert check_against(published, str(published.parent / "old")) == 1
    err = capsys.readouterr().out  # findings go to stdout, like every `check` finding
    assert f"{new}:1: entry '{entry_id('ezb-zinsen')}'" in err
    assert f"same title as the published entry '{entry_id('zinsen')}'" in err
    assert f"Add `id: {entry_id('zinsen')}` to its front matter in {new}" in err


def test_with_the_id_the_rename_passes_and_the_id_is_unchanged_in_all_feeds(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = published.parent / "old"
    rename(
        published,
        "2025-10-01-zinsen.md",
        "2025-10-01-ezb-zinsen.md",
        OLD_MD.replace("---\nDie", f"id: {entry_id('zinsen')}\n---\nDie"),
    )
    assert build(published) == 0
    assert check_against(published, str(old)) == 0
    public = published / "public"
    for new_ids, old_ids in (
        (atom_ids(atom(public / "atom.xml")), atom_ids(atom(old / "atom.xml"))),
        (rss_ids(atom(public / "rss.xml")), rss_ids(atom(old / "rss.xml"))),
        (json_ids(json_feed(public / "feed.json")), json_ids(json_feed(old / "feed.json"))),
    ):
        assert new_ids == old_ids == [entry_id("anderes"), entry_id("zinsen")]
    assert (public / "ezb-zinsen" / "index.html").is_file()
    assert json_feed(public / "feed.json")["items"][1]["url"].endswith("/ezb-zinsen/")
    assert "deleted" not in capsys.readouterr().out


def test_a_plain_text_rename_with_a_new_title_is_caught_by_its_date(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = rename(
        published,
        "2025-10-02-anderes.txt",
        "2025-10-02-neu.txt",
        OTHER.replace("Anderes Thema", "Ganz anderer Titel"),
    )
    assert build(published) == 0
    assert check_against(published, str(published.parent / "old")) == 1
    err = capsys.readouterr().out
    assert "same date as the published entry" in err
    assert f"Add a line `id {entry_id('anderes')}` right after its date line in {new}" in err
    write(
        published,
        "2025-10-02-neu.txt",
        OTHER.replace("Anderes Thema\n", f"Ganz anderer Titel\nid {entry_id('anderes')}\n"),
    )
    assert build(published) == 0
    assert check_against(published, str(published.parent / "old")) == 0


def test_deleted_articles_are_reported_not_failed(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (published / "content" / "2025-10-01-zinsen.md").unlink()
    assert build(published) == 0
    capsys.readouterr()
    assert check_against(published, str(published.parent / "old")) == 0
    out = capsys.readouterr().out
    assert (
        f"deleted since then: {entry_id('zinsen')} (\u201cZinsen steigen\u201d, "
        "October 1, 2025)" in out
    )


def test_deleted_accepts_a_lookalike_on_purpose(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rename(
        published,
        "2025-10-02-anderes.txt",
        "2025-10-02-neu.txt",
        OTHER.replace("Anderes Thema", "Neue Meldung"),
    )
    assert build(published) == 0
    old = str(published.parent / "old")
    assert check_against(published, old) == 1
    assert check_against(published, old, "--deleted", entry_id("anderes")) == 0
    assert f"deleted since then: {entry_id('anderes')}" in capsys.readouterr().out


def test_renames_deep_in_the_archives_are_found_through_the_archive_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(tmp_path / "site", feed_limit=2)
    for month in range(1, 10):
        write(
            root,
            f"2025-0{month}-05-m{month}.txt",
            f"date 2025-0{month}-05 Monat {month}\n\nEin Absatz.\n",
        )
    assert build(root) == 0
    shutil.copytree(root / "public", tmp_path / "old")
    rename(
        root,
        "2025-01-05-m1.txt",
        "2025-01-05-januar.txt",
        "date 2025-01-05 Monat 1\n\nEin Absatz.\n",
    )
    assert build(root) == 0
    assert check_against(root, str(tmp_path / "old")) == 1
    assert f"`id {entry_id('m1')}`" in capsys.readouterr().out


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static server on 127.0.0.1 for tmp_path/live, like the published site."""
    folder = tmp_path / "live"
    folder.mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    server.shutdown()
    server.server_close()
    thread.join()


def test_against_a_url_reads_the_live_feeds_and_their_archives(
    tmp_path: Path, live: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, folder = live
    root = make_site(tmp_path / "site", feed_limit=1)
    write(root, "2025-09-01-alt.md", OLD_MD.replace("2025-10-01", "2025-09-01"))
    write(root, "2025-10-02-anderes.txt", OTHER)
    assert build(root) == 0
    shutil.copytree(root / "public", folder, dirs_exist_ok=True)
    rename(
        root,
        "2025-09-01-alt.md",
        "2025-09-01-umbenannt.md",
        OLD_MD.replace("2025-10-01", "2025-09-01"),
    )
    assert build(root) == 0
    assert check_against(root, url) == 1  # the renamed entry is only in an archive document
    assert f"`id: {entry_id('alt')}`" in capsys.readouterr().out


def test_against_a_url_with_nothing_published_yet_passes(
    published: Path, live: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live
    assert check_against(published, url) == 0
    assert "no published feed found; nothing to compare with" in capsys.readouterr().out


def test_an_unreachable_site_is_an_error(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there any more
    assert check_against(published, f"http://127.0.0.1:{port}/") == 1
    assert (
        f"http://127.0.0.1:{port}/feed.json:1: cannot reach the published site"
        in capsys.readouterr().err
    )


def test_a_broken_archive_chain_in_the_published_site_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(tmp_path / "site", feed_limit=1)
    write(root, "2025-09-01-a.txt", "date 2025-09-01 A\n\nText.\n")
    write(root, "2025-10-01-b.txt", "date 2025-10-01 B\n\nText.\n")
    assert build(root) == 0
    shutil.copytree(root / "public", tmp_path / "old")
    (tmp_path / "old" / "archive" / "2025-10.json").unlink()
    assert check_against(root, str(tmp_path / "old")) == 1
    assert (
        "2025-10.json:1: the archive document this site's feeds link to is missing"
        in capsys.readouterr().err
    )


def test_title_matches_win_over_date_matches() -> None:
    def entry(i: str, title: str, day: int) -> PublishedEntry:
        from datetime import datetime

        return PublishedEntry(i, title, datetime(2025, 10, day, tzinfo=UTC), "")

    old = {"a": entry("a", "Alpha", 1)}
    new = {"x": entry("x", "Xylophon", 1), "y": entry("y", "alpha ", 2)}
    report = compare_entries(old, new, {}, set(), where="site/feed.json")
    assert len(report.problems) == 1 and "entry 'y'" in report.problems[0]
    assert report.deleted == ()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a.md": "---\ntitle: A\ndate: 2025-10-01\nid: kein uri\n---\nText.\n"},
            "a.md:4: 'id' must be an absolute URI such as tag:example.org,2025:alter-slug",
        ),
        (
            {"a.txt": "date 2025-10-01 A\nid alt\n\nText.\n"},
            "a.txt:2: 'id' must be an absolute URI",
        ),
        (
            {
                "a.txt": "date 2025-10-01 A\n\nText.\n",
                "b.md": f"---\ntitle: B\ndate: 2025-10-02\nid: {entry_id('a')}\n---\nText.\n",
            },
            f"b.md:1: entry ID '{entry_id('a')}' is already used by ",
        ),
    ],
)
def test_bad_or_duplicate_ids_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], message: str
) -> None:
    root = make_site(tmp_path)
    for name, text in files.items():
        write(root, name, text)
    assert build(root) == 1
    assert f"{root / 'content'}/{message}" in capsys.readouterr().err
