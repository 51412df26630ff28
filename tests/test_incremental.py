"""Incremental builds: the build cache never changes the output, and unchanged files stay put."""

from __future__ import annotations

import inspect
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import CASES, FIXED_NOW
from feedgen_app import pipeline
from feedgen_app.cache import store
from feedgen_app.cache.store import (
    INDEX,
    decode_article,
    decode_record,
    digest_blob,
    encode_article,
    encode_record,
    open_index,
    read_article_keys,
)
from feedgen_app.commands.cli import main
from feedgen_app.model import Article, ArticleRecord, make_record
from feedgen_app.pipeline import BuildProgress, BuildRequest, parse_articles, run_build
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import find_article_files, read_article
from feedgen_app.reading.dates import parse_date

LATER_NOW = "2030-06-01T00:00:00+02:00"
T = TypeVar("T")
PARAGRAPH = (
    "Die Preise für Strom und Gas sinken „deutlich“, sagen Ökonominnen in München; "
    "Verbraucher spüren das erst im Frühjahr."
)


def make_corpus(root: Path, count: int = 12) -> Path:
    """The markdown scenario (draft, scheduled, English, updated) plus `count` more articles."""
    shutil.copytree(CASES / "markdown", root, ignore=shutil.ignore_patterns("expected"))
    for index in range(count):
        day = 1 + index % 28
        if index % 2:
            text = (
                f'---\ntitle: "Meldung {index}: Löhne steigen"\ndate: 2025-09-{day:02d}'
                f"T0{index % 9}:15\ntags: [Wirtschaft]\n---\n{PARAGRAPH}\n\n"
                f"## Was sich ändert\n\n„Wir prüfen das“, sagte die Sprecherin {index}.\n"
            )
            (root / "content" / f"2025-09-{day:02d}-meldung-{index}.md").write_text(
                text, encoding="utf-8"
            )
        else:
            text = (
                f"date {day}.08.2025 Nachricht {index} über Zölle\n\n{PARAGRAPH}\n"
                f"Was Verbraucher wissen müssen\nZweiter Absatz {index}: „Zitat“ folgt.\n"
            )
            (root / "content" / f"2025-08-{day:02d}-nachricht-{index}.txt").write_text(
                text, encoding="utf-8"
            )
    return root


def build(root: Path, out: Path, cache_dir: Path, now: str = FIXED_NOW) -> None:
    assert run(root, out, cache_dir, now) == 0


def run(root: Path, out: Path, cache_dir: Path, now: str = FIXED_NOW) -> int:
    """`feedgen-app build` of `root` into `out`; its exit code."""
    return main(
        [
            "build",
            "--content",
            str(root / "content"),
            "--config",
            str(root / "feed.yaml"),
            "--out",
            str(out),
            "--cache-dir",
            str(cache_dir),
            "--now",
            now,
        ]
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, inode) of the folder itself and of everything below it."""
    found = {".": (root.stat().st_mtime_ns, root.stat().st_ino)}
    for path in root.rglob("*"):
        info = path.stat()
        found[path.relative_to(root).as_posix()] = (info.st_mtime_ns, info.st_ino)
    return found


def assert_same_as_cold(root: Path, out: Path, scratch: Path, now: str = FIXED_NOW) -> None:
    """`out` equals a build of the same state with no cache and no previous output."""
    cold = scratch / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.rmtree(scratch / "cold-cache", ignore_errors=True)
    build(root, cold, scratch / "cold-cache", now)
    actual, wanted = tree(out), tree(cold)
    assert sorted(actual) == sorted(wanted)
    for name, data in actual.items():
        assert data == wanted[name], name


# -- the operations a sequence is made of -----------------------------------------------------


def plain_article(root: Path) -> Path:
    """The first published plain-text article of the corpus, renamed or not (a sequence may
    have renamed every `nachricht` file by now)."""
    content = root / "content"
    return sorted([*content.glob("*nachricht*.txt"), *content.glob("*umbenannt*.txt")])[0]


def edit_article(root: Path, step: int) -> None:
    path = plain_article(root)
    path.write_text(
        path.read_text(encoding="utf-8") + f"Nachtrag {step}: „bestätigt“.\n", encoding="utf-8"
    )


def add_article(root: Path, step: int) -> None:
    text = (
        f'---\ntitle: "Neu {step}: Brücken und Straßen"\ndate: 2025-12-{1 + step:02d}'
        f"\n---\n{PARAGRAPH} ({step})\n"
    )
    (root / "content" / f"2025-12-{1 + step:02d}-neu-{step}.md").write_text(text, encoding="utf-8")


def delete_article(root: Path, step: int) -> None:
    candidates = sorted((root / "content").glob("*meldung*.md"))
    if candidates:
        candidates[step % len(candidates)].unlink()


def rename_article(root: Path, step: int) -> None:
    candidates = sorted((root / "content").glob("*nachricht*.txt"))
    if candidates:
        path = candidates[-1]
        path.rename(path.with_name(f"2025-08-01-umbenannt-{step}.txt"))


def change_config(root: Path, step: int) -> None:
    config = root / "feed.yaml"
    lines = [
        line
        for line in config.read_text(encoding="utf-8").splitlines()
        if not line.startswith("subtitle:")
    ]
    lines.append(f'subtitle: "Ausgabe {step} – Märkte und Löhne"')
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def touch_article(root: Path, step: int) -> None:
    """A new modification time, the same bytes: nothing to rebuild."""
    path = sorted((root / "content").glob("*.md"))[0]
    stamp = path.stat().st_mtime_ns + 10**9 * (step + 1)
    os.utime(path, ns=(stamp, stamp))


def retitle_article(root: Path, step: int) -> None:
    """A new title: the neighbours' pages, the index, feeds and archives show it."""
    path = plain_article(root)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].rstrip("\n") + f" (neu {step})\n"
    path.write_text("".join(lines), encoding="utf-8")


OPERATIONS: dict[str, Callable[[Path, int], None]] = {
    "edit": edit_article,
    "add": add_article,
    "delete": delete_article,
    "rename": rename_article,
    "config": change_config,
    "touch": touch_article,
    "retitle": retitle_article,
}


def run_sequence(root: Path, scratch: Path, steps: list[str]) -> None:
    out, cache_dir = scratch / "public", scratch / "cache"
    build(root, out, cache_dir)
    assert_same_as_cold(root, out, scratch)
    for number, name in enumerate(steps):
        OPERATIONS[name](root, number)
        build(root, out, cache_dir)
        assert_same_as_cold(root, out, scratch)


@pytest.mark.parametrize(
    "steps",
    [
        ["edit", "add", "delete", "rename", "config"],
        ["config", "edit", "edit", "touch", "add"],
        ["rename", "delete", "add", "add", "config"],
        ["retitle", "edit", "retitle", "delete", "add"],
    ],
)
def test_every_step_of_a_sequence_builds_what_a_cold_build_builds(
    tmp_path: Path, steps: list[str]
) -> None:
    run_sequence(make_corpus(tmp_path / "site"), tmp_path, steps)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(OPERATIONS)), min_size=1, max_size=4))
@example(["rename", "rename", "edit"])  # every `nachricht` file renamed before the edit
def test_random_sequences_build_what_a_cold_build_builds(steps: list[str]) -> None:
    """Any sequence of operations, e.g. two renames and then an edit of a renamed file."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        run_sequence(make_corpus(scratch / "site", count=4), scratch, steps)


def test_a_scheduled_article_appears_when_its_time_comes(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site", count=2)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    build(root, out, cache_dir, now=LATER_NOW)
    assert_same_as_cold(root, out, tmp_path, now=LATER_NOW)
    assert (out / "geplant" / "index.html").is_file()


# -- writing nothing ----------------------------------------------------------------------------


def test_a_build_with_nothing_changed_writes_no_file(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    before, listing = snapshot(out), sorted(os.listdir(tmp_path))
    build(root, out, cache_dir)
    assert snapshot(out) == before  # same files, same inodes, same mtimes, no swap
    assert sorted(os.listdir(tmp_path)) == listing  # no staging folder left or created


def _same_size_other_bytes(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-1] + (b"x" if data[-1:] != b"x" else b"y"))


def _remove(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("english/index.html", _same_size_other_bytes),  # a page edited in place
        ("tags/wirtschaft/index.html", _same_size_other_bytes),  # two folders down
        ("tags/wirtschaft/index.html", _remove),  # a page gone
    ],
)
def test_a_build_after_the_published_site_was_changed_is_not_called_unchanged(
    tmp_path: Path, name: str, change: Callable[[Path], None]
) -> None:
    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    published = tree(out)
    change(out / name)
    build(root, out, cache_dir)
    assert tree(out) == published


def test_a_file_added_deep_in_the_published_site_is_noticed_by_the_next_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    (out / "tags" / "wirtschaft" / "notiz.txt").write_text("von Hand", encoding="utf-8")
    capsys.readouterr()
    assert run(root, out, cache_dir) == 1  # a real build, which refuses a file it did not write
    assert "tags/wirtschaft/notiz.txt" in capsys.readouterr().err


def test_touching_an_article_without_changing_it_writes_no_file(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    before = snapshot(out)
    touch_article(root, 5)
    build(root, out, cache_dir)
    assert snapshot(out) == before


EDITED_BODY_TOUCHES = {
    "english/index.html",  # its page
    "atom.xml",
    "rss.xml",
    "feed.json",  # the feeds carry every article's content (15 < 50)
    ".feedgen-manifest.json",
    "site-hash.txt",  # they list every file's hash
}
"""What adding a sentence to the body of the corpus' English article must write: nothing else
shows its body (it has no tags, its title and dates stay, the sitemaps list no body)."""
REWRITTEN_ALIKE = {"embed.html"}
"""Written again with the same bytes when an article among the newest five changes its body:
the embed page's output key covers those articles' digests, not only their headlines."""


def edit_english_body(root: Path) -> None:
    path = root / "content" / "2025-11-03-english.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")


def files_of(out: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, inode) of every file below `out` (its folders are new after a swap)."""
    return {name: stat for name, stat in snapshot(out).items() if (out / name).is_file()}


def test_an_edit_keeps_the_inodes_and_mtimes_of_unchanged_files(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    before, old_bytes = files_of(out), tree(out)
    edit_english_body(root)
    build(root, out, cache_dir)
    after, new_bytes = files_of(out), tree(out)
    assert sorted(after) == sorted(before)
    assert {name for name in before if new_bytes[name] != old_bytes[name]} == EDITED_BODY_TOUCHES
    written = {name for name in before if after[name] != before[name]}
    assert written - REWRITTEN_ALIKE == EDITED_BODY_TOUCHES
    # everything else is the very same file: the static assets, the other articles' pages
    assert {
        "static/style.css",
        "static/abonnieren.js",
        "embed.js",
        "nachricht-0/index.html",
        "index.html",
    } <= set(before) - written


def test_an_edit_of_a_body_does_not_write_the_embed_page_again(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site", count=2)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    before = files_of(out)["embed.html"]
    edit_english_body(root)
    build(root, out, cache_dir)
    assert files_of(out)["embed.html"] == before


def test_a_changed_output_file_is_written_again(tmp_path: Path) -> None:
    """The cache trusts the output folder only while it is exactly as the build left it."""
    root = make_corpus(tmp_path / "site", count=2)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    (out / "index.html").write_text("verändert", encoding="utf-8")
    build(root, out, cache_dir)
    assert_same_as_cold(root, out, tmp_path)


# -- a cache that cannot be trusted ---------------------------------------------------------


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def other_version(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        (text,) = connection.execute("SELECT value FROM meta WHERE name = 'environment'").fetchone()
        environment = json.loads(text)
        environment["package"] = "0.0.1-other"
        connection.execute(
            "UPDATE meta SET value = ? WHERE name = 'environment'",
            (json.dumps(environment, sort_keys=True),),
        )


def spoil_a_record(path: Path) -> None:
    """One stored record with a flipped byte: its CRC no longer matches."""
    with sqlite3.connect(path) as connection:
        source, blob = connection.execute(
            "SELECT source, record FROM articles WHERE source LIKE '%meldung%' LIMIT 1"
        ).fetchone()
        spoiled = bytearray(blob)
        spoiled[-3] ^= 0xFF
        connection.execute(
            "UPDATE articles SET record = ? WHERE source = ?", (bytes(spoiled), source)
        )


def foreign(path: Path) -> None:
    path.write_bytes(b"\x80\x04\x95 this is somebody else's pickle, never loaded" * 200)


def unreadable(path: Path) -> None:
    """Unreadable even for root: the index is a folder."""
    path.unlink()
    path.mkdir()


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so that spoiling the file spoils
    everything the index holds."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


SPOILERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (truncate, "corrupt"),
    "other version": (other_version, "another version"),
    "corrupt record": (spoil_a_record, "corrupt"),
    "foreign": (foreign, "not a feedgen-app build cache"),
    "unreadable": (unreadable, "cannot read the build cache"),
}


@pytest.mark.parametrize("kind", sorted(SPOILERS))
def test_a_bad_cache_is_ignored_with_a_warning(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_corpus(tmp_path / "site", count=4)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    edit_article(root, 1)  # so that a trusted cache would matter
    checkpoint(cache_dir / INDEX)
    spoil, message = SPOILERS[kind]
    spoil(cache_dir / INDEX)
    capsys.readouterr()
    build(root, out, cache_dir)
    err = capsys.readouterr().err
    assert f"{cache_dir / INDEX}:1: warning:" in err and message in err
    assert_same_as_cold(root, out, tmp_path)
    if kind != "unreadable":
        again = open_index(cache_dir)  # written anew after the build: trusted again
        try:
            assert again.warnings == []
            assert len(read_article_keys(again)) == len(find_article_files(root / "content"))
        finally:
            again.close()


@pytest.mark.german
def test_an_unchanged_build_reads_no_article_and_says_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_corpus(tmp_path / "site", count=3)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    first = capsys.readouterr().out

    def no_reading(*args: object) -> None:
        raise AssertionError("an unchanged build read the articles")

    monkeypatch.setattr(pipeline, "read_content", no_reading)
    build(root, out, cache_dir)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert first.rsplit(",", 1)[0] == captured.out.rsplit(",", 1)[0]  # all but the duration
    assert "1 geplant für 1. Januar 2030" in captured.out


def test_a_cache_from_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_corpus(tmp_path / "site", count=2)
    build(root, tmp_path / "public", tmp_path / "cache")
    monkeypatch.setattr(store, "__version__", "99.0.0")
    loaded = open_index(tmp_path / "cache")
    try:
        assert read_article_keys(loaded) == {} and loaded.last == {}
        assert "another version" in loaded.warnings[0]
    finally:
        loaded.close()


# -- the parse cache and the pool ----------------------------------------------------------


def test_unchanged_articles_are_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_corpus(tmp_path / "site")
    shutil.copytree(CASES / "depth" / "content" / "bilder", root / "content" / "bilder")
    illustrated = root / "content" / "2025-10-01-mit-bild.md"
    illustrated.write_text(
        "---\ntitle: Mit Bild\ndate: 2025-10-01T14:15\n"
        "image: bilder/leitzins.svg\n---\nDer Leitzins.\n",
        encoding="utf-8",
    )
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    parsed = count_calls(monkeypatch, pipeline, "parse_one", "path", Path)
    build(root, out, cache_dir)
    assert sorted(parsed) == find_article_files(root / "content")
    parsed.clear()
    edited = plain_article(root)
    edit_article(root, 1)
    build(root, out, cache_dir)
    # the edited article, and the one with a lead image (it depends on the image too): both
    # read again; no other
    assert sorted(parsed) == sorted([edited, illustrated])


def test_stored_articles_and_records_equal_parsed_ones(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site", count=2)
    site = load_site(root / "feed.yaml")
    for path in find_article_files(root / "content"):
        article = read_article(path, site, root / "content")
        blob = encode_article(article)
        assert decode_article(blob) == article
        assert repr(decode_article(blob)) == repr(article)
        assert encode_article(decode_article(blob)) == blob  # the digest is stable
        record = make_record(article, digest_blob(blob))
        assert decode_record(encode_record(record)) == record


def test_the_process_pool_parses_like_the_serial_path(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "site", count=20)
    site = load_site(root / "feed.yaml")
    paths = find_article_files(root / "content")
    serial = list(parse_articles(paths, site, root / "content", workers=1))
    # The pool forks, which is only safe in a process without other threads; a test run may
    # have some (servers of other tests), so the pool runs in a fresh interpreter.
    script = (
        "import pickle, sys\n"
        "from pathlib import Path\n"
        "from feedgen_app.pipeline import parse_articles\n"
        "from feedgen_app.reading.config import load_site\n"
        "from feedgen_app.reading.content import find_article_files\n"
        "root = Path(sys.argv[1])\n"
        "paths = find_article_files(root / 'content')\n"
        "site = load_site(root / 'feed.yaml')\n"
        "sys.stdout.buffer.write(pickle.dumps("
        "list(parse_articles(paths, site, root / 'content', workers=2))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, check=True
    )
    pooled = pickle.loads(result.stdout)
    assert pooled == serial
    assert any(isinstance(result, tuple) for _, result in serial)  # some parsed, not failed


def test_small_sites_are_parsed_without_a_pool() -> None:
    assert pipeline.choose_workers(pipeline.POOL_MIN_JOBS - 1) == 1


# -- correctness while files change -------------------------------------------------------------


@pytest.mark.parametrize("full", [False, True], ids=["quick", "full"])
def test_an_article_saved_during_a_build_is_published_by_the_next_build(
    tmp_path: Path, full: bool
) -> None:
    """The build reads an article, then the author saves it again while the build still
    runs: the next build must publish the new text (the inputs it compares are the ones it
    read, not the ones on disk when it finished)."""
    root = make_corpus(tmp_path / "site", count=2)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    site = load_site(root / "feed.yaml")
    first = find_article_files(root / "content")[0]
    saved: list[Path] = []

    def save_while_building(done: int, total: int) -> None:
        if not saved:
            first.write_text(
                first.read_text(encoding="utf-8") + "\nNachgereicht während des Builds.\n",
                encoding="utf-8",
            )
            saved.append(first)

    request = BuildRequest(
        content=root / "content",
        out=out,
        cache_dir=cache_dir,
        now=parse_date(FIXED_NOW, site.tz),
        options={},
        full=full,
    )
    run_build(site, request, BuildProgress(articles_read=save_while_building))
    assert saved
    build(root, out, cache_dir)
    assert_same_as_cold(root, out, tmp_path)
    assert any(
        "Nachgereicht während des Builds" in p.read_text(encoding="utf-8")
        for p in out.rglob("index.html")
    )


# -- rendering and checking only what changed -------------------------------------------------


def count_calls(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, parameter: str, kind: type[T]
) -> list[T]:
    """Record the argument `parameter` (a `kind`) of every call of `module.name` from now on."""
    calls: list[T] = []
    real = getattr(module, name)
    signature = inspect.signature(real)

    def counted(*args: object, **kwargs: object) -> object:
        value = signature.bind(*args, **kwargs).arguments[parameter]
        assert isinstance(value, kind), f"{name}({parameter}={value!r})"
        calls.append(value)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_an_edit_renders_and_checks_only_the_outputs_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedgen_app.checking import site as check
    from feedgen_app.rendering import pages

    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    rendered = count_calls(monkeypatch, pages, "render_article", "article", Article)
    checked = count_calls(monkeypatch, check, "gate_document", "name", str)
    assert plain_article(root).name == "2025-08-01-nachricht-0.txt"
    edit_article(root, 1)  # a new paragraph; title and date stay
    build(root, out, cache_dir)
    assert [a.slug for a in rendered] == ["nachricht-0"]  # its neighbours show only its title
    # the three main feeds carry every article's content; the article has no tags, so no tag
    # feed, archive or sitemap changes
    assert sorted(name.removeprefix(f"{out}/") for name in checked) == [
        "atom.xml",
        "feed.json",
        "rss.xml",
    ]
    assert_same_as_cold(root, out, tmp_path)


def test_a_wrong_output_memo_is_not_trusted_beyond_the_published_file(tmp_path: Path) -> None:
    """The memo names a file by its SHA-256; a file that is not the one it names (edited by
    hand) is rendered again, not reused."""
    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    page = out / "nachricht-2" / "index.html"
    page.write_text("von Hand", encoding="utf-8")
    edit_article(root, 3)
    build(root, out, cache_dir)
    assert_same_as_cold(root, out, tmp_path)


def test_the_article_loader_keeps_a_bounded_number_of_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs load more articles than the loader keeps: each gets its own, none is lost."""
    root = make_corpus(tmp_path / "site", count=12)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    monkeypatch.setattr(store, "LOADED_AT_ONCE", 3)
    build(root, out, cache_dir)
    assert_same_as_cold(root, out, tmp_path)


# -- teasers: rendered with their article's page, put together into the list pages ----------


def test_a_new_title_renders_the_teasers_of_the_rendered_pages_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedgen_app.rendering import pages

    root = make_corpus(tmp_path / "site")
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    teasers = count_calls(monkeypatch, pages, "render_teaser", "record", ArticleRecord)
    articles = count_calls(monkeypatch, pages, "render_article", "article", Article)
    retitle_article(root, 1)
    build(root, out, cache_dir)
    # the article and its neighbours (whose pages show its title) are rendered again; the
    # index shows every article, but takes the others' teasers from the index
    assert sorted(r.slug for r in teasers) == sorted(a.slug for a in articles)
    assert "nachricht-0" in [a.slug for a in articles] and len(articles) <= 3
    assert "(neu 1)" in (out / "index.html").read_text(encoding="utf-8")
    assert_same_as_cold(root, out, tmp_path)


def spoil_teasers(path: Path, *, keep_crc: bool) -> None:
    """Every stored teaser says something else: with a wrong CRC, or (`keep_crc`) with a
    right one and a key of another teaser."""
    with sqlite3.connect(path) as connection:
        for source, _key, _blob in connection.execute("SELECT * FROM teasers").fetchall():
            body = b"<li>untergeschoben</li>\n"
            crc = zlib.crc32(body).to_bytes(4, "big") if keep_crc else b"\0\0\0\0"
            connection.execute(
                "UPDATE teasers SET key = ?, html = ? WHERE source = ?",
                ("0" * 64 if keep_crc else _key, crc + body, source),
            )


@pytest.mark.parametrize("keep_crc", [False, True])
def test_a_stored_teaser_is_used_only_under_its_key_and_crc(
    tmp_path: Path, keep_crc: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_corpus(tmp_path / "site", count=4)
    out, cache_dir = tmp_path / "public", tmp_path / "cache"
    build(root, out, cache_dir)
    checkpoint(cache_dir / INDEX)
    spoil_teasers(cache_dir / INDEX, keep_crc=keep_crc)
    retitle_article(root, 1)  # the index is rendered again from the stored teasers
    capsys.readouterr()
    build(root, out, cache_dir)
    err = capsys.readouterr().err
    assert ("corrupt" in err) == (not keep_crc)  # a bad CRC sets the index aside
    assert "untergeschoben" not in (out / "index.html").read_text(encoding="utf-8")
    assert_same_as_cold(root, out, tmp_path)
