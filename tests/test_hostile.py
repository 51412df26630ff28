"""Hostile input: odd file systems, reserved and non-NFC names, duplicate keys, hostile peers.

Each test states what a user sees: a `FILE:LINE` message and exit 1 (content, config) or 2
(usage), never a traceback, never a hang, and `public/` exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sitekit import BASE_URL, atom, atom_ids, build, make_site, write

from feedgen_app.checking.site import check_site
from feedgen_app.commands.cli import main

GOOD = "date 2025-10-08 Titel der Meldung\nDer Vorspann der Meldung.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (its path -> bytes); {} when it does not exist."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def run_cli(root: Path, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`feedgen-app ARGV` in a subprocess (in `root`): a hang fails the test instead of
    blocking the suite."""
    return subprocess.run(
        [sys.executable, "-m", "feedgen_app", *argv],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site")
    write(root, "2025-10-01-erste.txt", GOOD)
    assert build(root) == 0
    return root


# --- slugs that clash with generated paths ------------------------------------------------


@pytest.mark.parametrize("slug", ["archive", "static", "tags", "404", "sitemap"])
def test_a_file_name_giving_a_reserved_slug_is_refused(
    site: Path, slug: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(site / "public")
    path = write(site, f"2025-10-08-{slug}.txt", GOOD)
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:1: slug {slug!r} is reserved" in capsys.readouterr().err
    assert snapshot(site / "public") == before


def test_a_front_matter_slug_that_is_reserved_names_its_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(site, "meldung.md", "---\ntitle: T\ndate: 2025-10-08\nslug: tags\n---\nText.\n")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:4: slug 'tags' is reserved" in capsys.readouterr().err


def test_new_refuses_a_reserved_slug(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(site / "content")
    assert (
        main(
            [
                "new",
                "Schlagwörter",
                "--slug",
                "tags",
                "--content",
                str(site / "content"),
                "--config",
                str(site / "feed.yaml"),
            ]
        )
        == 1
    )
    assert "slug 'tags' is reserved" in capsys.readouterr().err
    assert snapshot(site / "content") == before


# --- Unicode normalisation -------------------------------------------------------------------


def test_an_nfd_file_name_gives_the_same_slug_and_id_as_the_nfc_name(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(root, unicodedata.normalize("NFD", "2025-10-08-grüße.txt"), GOOD)
    assert build(root) == 0
    assert (root / "public" / "gruesse" / "index.html").is_file()
    assert atom_ids(atom(root / "public" / "atom.xml")) == ["tag:example.org,2025:gruesse"]


def test_a_tag_in_nfd_and_nfc_is_one_tag(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    for name, tag in (("a", "Grüße"), ("b", unicodedata.normalize("NFD", "Grüße"))):
        write(
            root,
            f"2025-10-0{'18'[name == 'b']}-{name}.md",
            f"---\ntitle: {name}\ndate: 2025-10-08\ntags: [{tag}]\n---\nText.\n",
        )
    assert build(root) == 0
    assert sorted(p.name for p in (root / "public" / "tags").iterdir() if p.is_dir()) == ["gruesse"]
    assert "Grüße" in (root / "public" / "tags" / "gruesse" / "index.html").read_text("utf-8")


# --- symbolic links ------------------------------------------------------------------------


def test_a_media_link_leaving_the_content_folder_is_refused_and_nothing_published(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = site.parent / "geheim.txt.png"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    link = site / "content" / "bild.png"
    link.symlink_to(secret)
    before = snapshot(site / "public")
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"{link}:1: a symbolic link to {secret}, outside the content folder" in err
    assert snapshot(site / "public") == before
    link.unlink()  # links that stay inside the content folder are followed
    target = write(site, "archiv/2025-10-08-echt.txt", GOOD)
    (site / "content" / "bild.png").write_bytes(b"\x89PNG\r\n")
    (site / "content" / "2025-10-09-verweis.txt").symlink_to(target)
    (site / "content" / "logo.png").symlink_to(site / "content" / "bild.png")
    assert build(site) == 0
    assert (site / "public" / "verweis" / "index.html").is_file()
    assert (site / "public" / "logo.png").read_bytes() == b"\x89PNG\r\n"


def test_a_folder_link_loop_fails_at_once(site: Path) -> None:
    (site / "content" / "schleife").symlink_to(site / "content")
    result = run_cli(site, "build", "--now", "2026-01-01")
    assert result.returncode == 1
    assert "content/schleife:1: a symbolic link to a folder" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_broken_article_link_is_reported(
    site: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    link = site / "content" / "2025-10-08-kaputt.txt"
    link.symlink_to(site / "content" / ("fehlt.txt" if kind == "dangling" else link.name))
    capsys.readouterr()
    assert build(site) == 1
    expected = "a dangling symbolic link" if kind == "dangling" else "a symbolic link that loops"
    assert f"{link}:1: {expected}" in capsys.readouterr().err


# --- FIFOs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["content/2025-10-08-x.txt", "content/y.png", "feed.yaml"])
def test_a_fifo_is_reported_instead_of_blocking_the_build(site: Path, name: str) -> None:
    fifo = site / name
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    before = snapshot(site / "public")
    result = run_cli(site, "build", "--now", "2026-01-01")
    assert result.returncode == 1
    assert f"{name}:1:" in result.stderr and "named pipe (FIFO)" in result.stderr
    assert snapshot(site / "public") == before


# --- duplicate keys -------------------------------------------------------------------------


def test_a_second_date_in_front_matter_names_both_lines(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(site, "m.md", "---\ntitle: T\ndate: 2025-10-08\ndate: 2025-10-09\n---\nText.\n")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:4: key 'date' is given twice (first on line 3)" in capsys.readouterr().err


def test_a_second_title_in_feed_yaml_names_both_lines(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = site / "feed.yaml"
    config.write_text(config.read_text("utf-8") + 'title: "Andere"\n', encoding="utf-8")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{config}:6: key 'title' is given twice (first on line 1)" in capsys.readouterr().err


def test_a_control_character_in_feed_yaml_names_its_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = site / "feed.yaml"
    config.write_text(config.read_text("utf-8") + 'subtitle: "a\x01b"\n', encoding="utf-8")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{config}:6: the text contains U+0001" in capsys.readouterr().err


# --- folders given on the command line -------------------------------------------------------


@pytest.mark.parametrize(
    "option,value",
    [
        ("--out", "content/public"),
        ("--out", "content"),
        ("--cache-dir", "content/.cache"),
        ("--cache-dir", "public/.cache"),
        ("--out", "feed.yaml/public"),
    ],
)
def test_output_or_cache_in_the_wrong_place_is_a_usage_error(
    site: Path, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(site)
    argv = [
        "build",
        "--content",
        "content",
        "--config",
        "feed.yaml",
        "--now",
        "2026-01-01",
        "--out",
        "public",
        option,
        value,
    ]
    with contextlib.chdir(site):
        assert main(argv) == 2
    assert f"error: {option} " in capsys.readouterr().err
    assert snapshot(site) == before


def test_an_output_folder_that_cannot_be_created_is_a_clear_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with contextlib.chdir(site):
        assert main(["build", "--now", "2026-01-01", "--out", "/proc/no-such/public"]) == 1
    assert "/proc/no-such/public:1: cannot create /proc/no-such" in capsys.readouterr().err


def test_an_unwritable_summary_says_the_site_was_published(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(site, "2025-10-08-neu.txt", GOOD)
    with contextlib.chdir(site):
        assert main(["build", "--now", "2026-01-01", "--summary", "fehlt/summary.json"]) == 1
    err = capsys.readouterr().err
    assert "nothing was published" not in err
    assert "the site was published to public, but the build summary could not be" in err
    assert (site / "public" / "neu" / "index.html").is_file()


# --- limits ------------------------------------------------------------------------------------


def test_more_than_50_tags_are_refused_with_the_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tags = ", ".join(f"Schlagwort {n}" for n in range(51))
    path = write(site, "2025-10-08-viele.txt", f"date 2025-10-08 Viele\ntags {tags}\nText.\n")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:2: 51 tags; an article may have at most 50" in capsys.readouterr().err
    path.write_text(f"date 2025-10-08 Viele\ntags {tags.rsplit(', ', 1)[0]}\nText.\n", "utf-8")
    assert build(site) == 0
    assert (site / "public" / "tags" / "schlagwort-49" / "index.html").is_file()


def test_a_tag_too_long_for_a_folder_name_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(site, "2025-10-08-lang.txt", f"date 2025-10-08 Lang\ntags {'a' * 300}\nText.\n")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:2: tag 'aaaa" in capsys.readouterr().err


# --- dates at the ends of the range ------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1.1.0001"])
def test_dates_outside_the_supported_years_are_content_errors(
    site: Path, day: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(site, "2025-10-08-alt.txt", f"date {day} Alt\nText.\n")
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:1: " in capsys.readouterr().err


def test_a_local_mean_time_date_names_the_article_not_the_feed(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(site, "2025-10-08-alt.txt", "date 1890-05-01 Alt\nText.\n")
    capsys.readouterr()
    assert build(site, now="2026-01-01") == 1
    err = capsys.readouterr().err
    assert f"{path}:1: " in err and "atom.xml" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--now", "0001-01-01"],
        ["list", "--now", "0001-01-01"],
        ["new", "Titel", "--date", "0001-01-01"],
        ["build", "--now", "9999-12-31T23:59-14:00"],
    ],
)
def test_a_year_1_date_on_the_command_line_is_a_usage_error(
    site: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with contextlib.chdir(site):
        assert main(argv) == 2
    assert "outside the supported years 1900 to 9998" in capsys.readouterr().err


# --- new -------------------------------------------------------------------------------------


def test_new_with_a_very_long_title_writes_a_short_file_name(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Eine sehr lange Überschrift " * 20
    with contextlib.chdir(site):
        assert main(["new", title, "--date", "2025-10-08"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert len(path.name) <= 100 and (site / path).is_file()
    assert build(site) == 0


def test_new_with_content_pointing_at_a_file_is_an_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with contextlib.chdir(site):
        assert main(["new", "Titel", "--content", "feed.yaml"]) == 1
    assert "the content folder is a file, not a folder" in capsys.readouterr().err


# --- check: hostile documents ----------------------------------------------------------------


def test_check_reports_deeply_nested_json_and_xml(site: Path) -> None:
    public = site / "public"
    (public / "tief.json").write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "x": '
        + "[" * 100_000
        + "]" * 100_000
        + "}",
        encoding="utf-8",
    )
    (public / "tief.xml").write_text("<a>" * 100_000 + "</a>" * 100_000, encoding="utf-8")
    findings = check_site(public)
    assert any(f.startswith(f"{public}/tief.json") for f in findings)
    assert any(f.startswith(f"{public}/tief.xml:1:") and "nested" in f for f in findings)


def test_check_against_a_hostile_deep_feed_is_a_finding(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = site / "live"
    live.mkdir()
    (live / "feed.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with contextlib.chdir(site):
        assert main(["check", "public", "--against", str(live)]) == 1
    assert "not a JSON Feed" in capsys.readouterr().err + capsys.readouterr().out


# --- trigger -------------------------------------------------------------------------------------

TOKEN = "ghp_SECRETtoken1234567890"


@contextlib.contextmanager
def serve_http(status: int, location: str = "") -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A local HTTP server answering every POST with `status` (and `Location`); yields its URL
    and the headers of every request it received."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_trigger_never_follows_a_redirect_with_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with serve_http(204) as (elsewhere, stolen), serve_http(302, elsewhere + "/x") as (api, _):
        assert main(["trigger", "--repo", "o/r", "--api-url", api]) == 1
    assert stolen == []
    captured = capsys.readouterr()
    assert "HTTP 302" in captured.err and "rebuild requested" not in captured.out
    assert TOKEN not in captured.err + captured.out


@pytest.mark.parametrize("status", [200, 202])
def test_trigger_counts_only_204_as_success(
    monkeypatch: pytest.MonkeyPatch, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with serve_http(status) as (api, _):
        assert main(["trigger", "--repo", "o/r", "--api-url", api]) == 1
    assert "nothing was dispatched" in capsys.readouterr().err


@pytest.mark.parametrize("token", [TOKEN + "\nX-Evil: 1", TOKEN + "ä", "ghp_a b"])
def test_a_malformed_token_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", token)
    with serve_http(204) as (api, seen):
        assert main(["trigger", "--repo", "o/r", "--api-url", api]) == 1
    assert seen == []
    captured = capsys.readouterr()
    assert "the token in GITHUB_TOKEN contains" in captured.err
    assert "SECRET" not in captured.err + captured.out


@pytest.mark.parametrize("url", ["not a url", "ftp://x.org", "https://u:p@x.org", "https://"])
def test_a_bad_api_url_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert main(["trigger", "--repo", "o/r", "--api-url", url]) == 2
    assert "--api-url" in capsys.readouterr().err


# --- base_url ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,message",
    [
        ('https://example.org/a\\"b/', "the path holds '\"'"),
        ("https://example.org/a<b/", "the path holds '<'"),
        ("https://nutzer:geheim@example.org/", "user name or password"),
        ("https://example.org:99999/", "the port must be a number"),
    ],
)
def test_a_bad_base_url_names_the_config_line(
    site: Path, url: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = site / "feed.yaml"
    config.write_text(config.read_text("utf-8").replace(BASE_URL, url), encoding="utf-8")
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"{config}:2: 'base_url'" in err and message in err and "atom.xml" not in err


def test_a_non_ascii_host_is_published_in_punycode(site: Path) -> None:
    config = site / "feed.yaml"
    config.write_text(
        config.read_text("utf-8").replace(BASE_URL, "https://straße.de/nachrichten/"),
        encoding="utf-8",
    )
    assert build(site) == 0
    text = (site / "public" / "atom.xml").read_text("utf-8")
    assert "https://xn--strae-oqa.de/nachrichten/" in text and "straße.de" not in text


# --- wording -----------------------------------------------------------------------------------


def test_a_cyrillic_file_name_is_told_what_a_slug_is_made_of(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(site, "Москва.txt", GOOD)
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"{path}:1: " in err and "other scripts are not transliterated" in err


def test_a_doubled_bom_is_named(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content" / "2025-10-08-bom.txt"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD.encode())
    capsys.readouterr()
    assert build(site) == 1
    assert f"{path}:1: the file starts with two byte order marks" in capsys.readouterr().err
