"""`serve`: a real server in a subprocess on a free loopback port, and its path and header rules."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import main
from feedgen_app.commands.serve import (
    inject_preview,
    is_not_modified,
    media_type,
    next_last_modified,
    resolve_site_path,
)

START_TIMEOUT = 60.0
REBUILD_DEADLINE = 2.0  # the promise: an edit is served rebuilt within two seconds
_SCRIPT = Path(sys.executable).with_name("feedgen-app")
FEEDGEN_APP = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "feedgen_app"]
"""The installed `feedgen-app` console script beside this Python (else `python -m`)."""
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@dataclass
class Preview:
    """A running `feedgen-app serve` subprocess and what it printed."""

    process: subprocess.Popen[str]
    site: Path
    url: str = ""
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    readers: list[threading.Thread] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    def get(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request with `path` sent exactly as given (no normalisation)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return body.decode("utf-8")

    def stop(self) -> int:
        """Stop the server by its PID (SIGTERM, as `kill PID` does) and return its exit code."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            for reader in self.readers:
                reader.join(timeout=5)
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def copy_site(target: Path) -> Path:
    shutil.copytree(CASES / "markdown", target, ignore=shutil.ignore_patterns("expected"))
    return target


def start_preview(site: Path, *extra: str) -> Preview:
    """Start `feedgen-app serve --port 0` (a free port) and wait for its address."""
    argv = [
        *FEEDGEN_APP,
        "serve",
        "--content",
        str(site / "content"),
        "--config",
        str(site / "feed.yaml"),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--now",
        FIXED_NOW,
        *extra,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(
        argv,
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    preview = Preview(process=process, site=site)
    assert process.stdout is not None and process.stderr is not None

    def pump(stream: object, sink: list[str], lines: queue.Queue[str] | None) -> None:
        for line in stream:  # type: ignore[attr-defined]
            sink.append(line)
            if lines is not None:
                lines.put(line)

    preview.readers = [
        threading.Thread(
            target=pump, args=(process.stdout, preview.stdout, preview.lines), daemon=True
        ),
        threading.Thread(target=pump, args=(process.stderr, preview.stderr, None), daemon=True),
    ]
    for reader in preview.readers:
        reader.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not preview.url:
        try:
            line = preview.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            preview.stop()
            pytest.fail(f"serve did not start: {preview.stdout} {preview.stderr}")
        match = re.match(r"Preview: (http://127\.0\.0\.1:\d+/)", line)
        if match:
            preview.url = match.group(1)
    return preview


def wait_for(preview: Preview, path: str, predicate: Callable[[str], bool], deadline: float) -> str:
    """Poll `path` until predicate(body) holds or `deadline` (monotonic) passes; the last body."""
    while True:
        body = preview.get(path)[2].decode("utf-8")
        if predicate(body):
            return body
        if time.monotonic() > deadline:
            return body
        time.sleep(0.05)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One server for the read-only tests (the markdown case plus a media file)."""
    site = copy_site(tmp_path_factory.mktemp("serve") / "site")
    (site / "content" / "grafik.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    running = start_preview(site)
    yield running
    assert running.stop() == 0


@pytest.fixture
def own_preview(tmp_path: Path) -> Iterator[Preview]:
    """A server of its own, for tests that change the content."""
    running = start_preview(copy_site(tmp_path / "site"))
    yield running
    assert running.stop() == 0, running.stderr


# --- the real host's behaviour -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/zeitumstellung/", "text/html; charset=utf-8"),
        ("/atom.xml", "application/atom+xml"),
        ("/rss.xml", "application/rss+xml"),
        ("/feed.json", "application/feed+json"),
        ("/grafik.png", "image/png"),
    ],
)
def test_serve_sends_the_right_media_types(preview: Preview, path: str, media: str) -> None:
    status, headers, body = preview.get(path)
    assert status == 200
    assert headers["Content-Type"] == media
    assert int(headers["Content-Length"]) == len(body)


@pytest.mark.parametrize("path", ["/atom.xml", "/rss.xml", "/feed.json"])
def test_feeds_allow_cross_origin_reads(preview: Preview, path: str) -> None:
    _, headers, _ = preview.get(path, {"Origin": "https://andere-seite.example"})
    assert headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/atom.xml", "/feed.json", "/zeitumstellung/"])
def test_if_none_match_with_the_current_etag_gives_304(preview: Preview, path: str) -> None:
    status, headers, _ = preview.get(path)
    etag = headers["ETag"]
    assert status == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag)
    status, again, body = preview.get(path, {"If-None-Match": etag})
    assert (status, body, again["ETag"]) == (304, b"", etag)
    status, _, _ = preview.get(path, {"If-None-Match": f'W/"0000", {etag}'})
    assert status == 304
    status, _, body = preview.get(path, {"If-None-Match": '"0000"'})
    assert status == 200 and body


def test_if_modified_since_gives_304_until_the_file_changes(preview: Preview) -> None:
    _, headers, _ = preview.get("/rss.xml")
    last_modified = headers["Last-Modified"]
    assert parsedate_to_datetime(last_modified).tzinfo is not None
    status, _, body = preview.get("/rss.xml", {"If-Modified-Since": last_modified})
    assert (status, body) == (304, b"")
    earlier = formatdate(parsedate_to_datetime(last_modified).timestamp() - 86400, usegmt=True)
    status, _, body = preview.get("/rss.xml", {"If-Modified-Since": earlier})
    assert status == 200 and body.startswith(b"<?xml")
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)
    status, _, _ = preview.get(
        "/rss.xml", {"If-None-Match": '"0000"', "If-Modified-Since": last_modified}
    )
    assert status == 200


@pytest.mark.parametrize(
    "path", ["/gibt-es-nicht.html", "/gibt-es-nicht/", "/atom.xml/x", "/__feedgen__/gibt-es-nicht"]
)
def test_missing_files_are_404(preview: Preview, path: str) -> None:
    status, headers, _ = preview.get(path)
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "/../feed.yaml",
        "/../../../../../../../../../../etc/passwd",
        "/zeitumstellung/../../../../../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/zeitumstellung%2findex.html",
        "/zeitumstellung%2Findex.html",
        "/..\\..\\..\\..\\..\\..\\..\\..\\etc\\passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/.feedgen-manifest.json",
        "//etc/passwd",
        "/etc/passwd",
    ],
)
def test_traversal_attempts_are_404(preview: Preview, path: str) -> None:
    status, _, body = preview.get(path)
    assert status == 404
    assert b"root:" not in body and b"id_authority" not in body


def test_a_folder_without_slash_redirects_like_github_pages(preview: Preview) -> None:
    status, headers, _ = preview.get("/zeitumstellung")
    assert status == 301
    assert headers["Location"] == "/zeitumstellung/"


def test_head_sends_the_headers_without_a_body(preview: Preview) -> None:
    status, headers, body = preview.get("/atom.xml", method="HEAD")
    full = preview.get("/atom.xml")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == full[1]["Content-Length"]
    assert headers["ETag"] == full[1]["ETag"]


def test_the_feeds_are_what_build_writes_for_the_preview_address(
    preview: Preview, tmp_path: Path
) -> None:
    config = tmp_path / "feed.yaml"
    text = (preview.site / "feed.yaml").read_text(encoding="utf-8")
    config.write_text(
        re.sub(r'base_url: "[^"]*"', f'base_url: "{preview.url}"', text), encoding="utf-8"
    )
    # the preview publishes the draft too: build the same content with the draft made ready
    content = shutil.copytree(preview.site / "content", tmp_path / "content")
    draft = content / "entwurf.md"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8"
    )
    assert (
        main(
            [
                "build",
                "--content",
                str(content),
                "--config",
                str(config),
                "--out",
                str(tmp_path / "public"),
                "--now",
                FIXED_NOW,
                "--quiet",
            ]
        )
        == 0
    )
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert preview.get(f"/{name}")[2] == (tmp_path / "public" / name).read_bytes(), name


def test_pages_link_into_the_preview_and_load_an_external_reload_script(
    preview: Preview,
) -> None:
    page = preview.text("/")
    assert f'href="{preview.url}zeitumstellung/"' in page
    match = re.search(
        r'<script src="/__feedgen__/reload.js" data-build="(\d+)" defer></script>'
        r"\s*</head>",
        page,
    )
    assert match, page
    assert not INLINE_SCRIPT.search(page)  # the pages' CSP forbids inline script
    status, headers, script = preview.get("/__feedgen__/reload.js")
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"location.reload" in script
    build = preview.text("/__feedgen__/build.js")
    assert f"window.__feedgenPreviewBuild({match.group(1)});" in build


def test_the_preview_shows_a_draft_marked_as_one(preview: Preview) -> None:
    note = '<p class="draft-note" role="note">Entwurf – nicht veröffentlicht</p>'
    assert preview.text("/entwurf/").count(note) == 1
    index = preview.text("/")
    assert index.count(note) == 1
    assert f'<a href="{preview.url}entwurf/">Entwurf</a>' in index
    assert note not in preview.text("/zeitumstellung/")


def test_serve_never_writes_public(preview: Preview) -> None:
    assert not (preview.site / "public").exists()


def test_the_terminal_shows_the_build_summary_without_colour(preview: Preview) -> None:
    output = "".join(preview.stdout)
    assert (
        "3 articles published, 1 draft, 1 scheduled for January 1, 2030, 6:00 AM, 0 errors, "
    ) in output
    assert "\033[" not in output + "".join(preview.stderr)


# --- rebuilding --------------------------------------------------------------------------------


def test_an_edited_article_is_served_rebuilt_within_two_seconds(own_preview: Preview) -> None:
    _, before, body = own_preview.get("/zeitumstellung/")
    assert "In der Nacht wurden die Uhren" in body.decode("utf-8")
    article = own_preview.site / "content" / "2025-10-26-zeitumstellung.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace(
            "In der Nacht wurden die Uhren", "Frisch bearbeitet: In der Nacht wurden die Uhren"
        ),
        encoding="utf-8",
    )
    deadline = time.monotonic() + REBUILD_DEADLINE
    page = wait_for(own_preview, "/zeitumstellung/", lambda b: "Frisch bearbeitet" in b, deadline)
    assert "Frisch bearbeitet: In der Nacht" in page
    assert "Frisch bearbeitet" in own_preview.text("/atom.xml")
    # the old copy's date must not validate the new page, even within the same second
    status, after, body = own_preview.get(
        "/zeitumstellung/", {"If-Modified-Since": before["Last-Modified"]}
    )
    assert status == 200 and "Frisch bearbeitet" in body.decode("utf-8")
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(
        before["Last-Modified"]
    )


def test_a_config_change_is_served_rebuilt(own_preview: Preview) -> None:
    config = own_preview.site / "feed.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            '"Wirtschaft kompakt"', '"Wirtschaft kompakt extra"'
        ),
        encoding="utf-8",
    )
    deadline = time.monotonic() + REBUILD_DEADLINE
    page = wait_for(own_preview, "/", lambda b: "Wirtschaft kompakt extra" in b, deadline)
    assert "Wirtschaft kompakt extra" in page


def test_a_site_template_or_static_file_change_is_served_rebuilt(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    (site / "templates").mkdir()
    (site / "static").mkdir()
    running = start_preview(site)
    try:
        (site / "templates" / "_tags.html").write_text(
            '<p class="tags">Eigene Zeile</p>\n', encoding="utf-8"
        )
        deadline = time.monotonic() + REBUILD_DEADLINE
        page = wait_for(running, "/preise-und-loehne/", lambda b: "Eigene Zeile" in b, deadline)
        assert "Eigene Zeile" in page
        (site / "static" / "humans.txt").write_text("Redaktion\n", encoding="utf-8")
        deadline = time.monotonic() + REBUILD_DEADLINE
        assert (
            wait_for(running, "/humans.txt", lambda b: b == "Redaktion\n", deadline)
            == "Redaktion\n"
        )
        status, _, body = running.get("/gibt-es-nicht/")  # the site's own 404 page
        assert status == 404 and "Seite nicht gefunden" in body.decode("utf-8")
    finally:
        assert running.stop() == 0, running.stderr


def test_a_broken_article_shows_its_error_and_keeps_the_last_good_site(
    own_preview: Preview,
) -> None:
    _, _, good_feed = own_preview.get("/atom.xml")
    broken = own_preview.site / "content" / "2025-11-20-kaputt.txt"
    broken.write_text("date 2025-11-20 Kaputt <script>alert(1)</script>\n", encoding="utf-8")
    deadline = time.monotonic() + REBUILD_DEADLINE
    page = wait_for(own_preview, "/", lambda b: "feedgen-preview-error" in b, deadline)
    assert 'id="feedgen-preview-error" role="alert"' in page
    assert f"{broken}:1: the article has no paragraph after the date line" in page
    assert "<script>alert" not in page and not INLINE_SCRIPT.search(page)
    assert "Shown is the last state without errors." in page
    assert "In der Nacht wurden die Uhren" in own_preview.text("/zeitumstellung/")
    assert own_preview.get("/atom.xml")[2] == good_feed
    assert own_preview.get("/kaputt/")[0] == 404
    assert any(
        f"{broken}:1: the article has no paragraph" in line for line in own_preview.stderr
    ), own_preview.stderr
    broken.write_text("date 2025-11-20 Repariert\nJetzt mit Absatz.\n", encoding="utf-8")
    deadline = time.monotonic() + REBUILD_DEADLINE
    page = wait_for(own_preview, "/", lambda b: "feedgen-preview-error" not in b, deadline)
    assert "feedgen-preview-error" not in page
    assert "Jetzt mit Absatz." in own_preview.text("/kaputt/")


def test_serve_starts_with_a_broken_config_and_recovers(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    config = site / "feed.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("base_url:", "basis_url:"), encoding="utf-8")
    running = start_preview(site)
    try:
        status, _, body = running.get("/")
        assert status == 404
        assert b"There is no state without errors yet." in body
        assert b"unknown key &#39;basis_url&#39;" in body
        config.write_text(good, encoding="utf-8")
        deadline = time.monotonic() + REBUILD_DEADLINE
        page = wait_for(running, "/", lambda b: "Zeitumstellung" in b, deadline)
        assert "Zeitumstellung" in page and "feedgen-preview-error" not in page
    finally:
        assert running.stop() == 0


def test_sigterm_stops_the_server_and_removes_its_folder(tmp_path: Path) -> None:
    running = start_preview(copy_site(tmp_path / "site"), "--verbose")
    assert running.get("/")[0] == 200
    folder = next(
        re.search(r"Preview folder: (\S+)", line).group(1)  # type: ignore[union-attr]
        for line in running.stdout
        if "Preview folder" in line
    )
    assert Path(folder).is_dir()
    assert running.stop() == 0
    assert not Path(folder).exists()
    assert "Preview stopped." in "".join(running.stdout)
    with pytest.raises(OSError):
        running.get("/")


def test_a_port_in_use_is_an_error_naming_the_port(
    preview: Preview, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "serve",
            "--content",
            str(preview.site / "content"),
            "--config",
            str(preview.site / "feed.yaml"),
            "--port",
            str(preview.port),
        ]
    )
    assert code == 1
    assert f"127.0.0.1:{preview.port}: cannot listen" in capsys.readouterr().err


# --- the rules behind it, in-process -----------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "artikel").mkdir(parents=True)
    (site / "artikel" / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    (site / "atom.xml").write_text("<feed/>", encoding="utf-8")
    (tmp_path / "geheim.txt").write_text("geheim", encoding="utf-8")
    (site / "link.txt").symlink_to(tmp_path / "geheim.txt")
    (site / "ordner").symlink_to(tmp_path)
    (site / "innen").symlink_to(site / "atom.xml")
    return site


def test_resolve_site_path_finds_files_and_folders(root: Path) -> None:
    assert resolve_site_path(root, "/atom.xml") == (root / "atom.xml").resolve()
    assert resolve_site_path(root, "/artikel/") == (root / "artikel").resolve()
    assert (
        resolve_site_path(root, "/artikel/index.html")
        == (root / "artikel" / "index.html").resolve()
    )
    assert resolve_site_path(root, "/") == root.resolve()
    assert resolve_site_path(root, "/%61tom.xml") == (root / "atom.xml").resolve()


@pytest.mark.parametrize(
    "path",
    [
        "/link.txt",
        "/ordner/geheim.txt",
        "/ordner/",
        "/innen",
        "/../geheim.txt",
        "/%2e%2e/geheim.txt",
        "/%2E%2e/geheim.txt",
        "/..%2fgeheim.txt",
        "/artikel%2findex.html",
        "/artikel%5cindex.html",
        "/..\\geheim.txt",
        "/.%2e/geheim.txt",
        "/artikel/./index.html",
        "/artikel//index.html",
        "/atom.xml%00.html",
        "/%ff",
        "atom.xml",
        "/gibt-es-nicht",
    ],
)
def test_resolve_site_path_refuses_what_leaves_the_site(root: Path, path: str) -> None:
    assert resolve_site_path(root, path) is None


@pytest.mark.parametrize(
    ("name", "data", "media"),
    [
        (
            "atom.xml",
            b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'/>",
            "application/atom+xml",
        ),
        ("tags/x/feed.xml", b"<!-- c --><feed/>", "application/atom+xml"),
        ("rss.xml", b"<?xml version='1.0'?><rss version='2.0'/>", "application/rss+xml"),
        ("sitemap.xml", b"<?xml version='1.0'?><urlset/>", "application/xml"),
        ("feed.json", b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json"),
        ("daten.json", b'{"a": 1}', "application/json"),
        ("index.html", b"<!DOCTYPE html>", "text/html; charset=utf-8"),
        ("static/style.css", b"body{}", "text/css; charset=utf-8"),
        ("embed.js", b"", "text/javascript; charset=utf-8"),
        ("bild.JPG", b"", "image/jpeg"),
        ("unbekannt.xyz", b"", "application/octet-stream"),
    ],
)
def test_media_type_recognises_feeds_by_their_root_element(
    name: str, data: bytes, media: str
) -> None:
    assert media_type(Path(name), data) == media


def test_is_not_modified_follows_rfc_9110() -> None:
    stamp = 1_760_000_000
    date = formatdate(stamp, usegmt=True)
    assert is_not_modified('"a"', None, '"a"', stamp)
    assert is_not_modified('W/"a"', None, '"a"', stamp)
    assert is_not_modified("*", None, '"a"', stamp)
    assert not is_not_modified('"b"', date, '"a"', stamp)
    assert is_not_modified(None, date, '"a"', stamp)
    assert not is_not_modified(None, formatdate(stamp - 1, usegmt=True), '"a"', stamp)
    assert not is_not_modified(None, "gestern", '"a"', stamp)
    assert not is_not_modified(None, None, '"a"', stamp)


def test_last_modified_moves_on_whenever_the_bytes_change() -> None:
    assert next_last_modified(None, '"a"', 100) == 100
    assert next_last_modified(('"a"', 100), '"a"', 105) == 100  # same bytes, rewritten file
    assert next_last_modified(('"a"', 100), '"b"', 100) == 101  # new bytes in the same second
    assert next_last_modified(('"a"', 100), '"b"', 90) == 101
    assert next_last_modified(('"a"', 100), '"b"', 107) == 107


def test_inject_preview_adds_a_script_tag_and_an_escaped_error_box() -> None:
    html = b"<!DOCTYPE html><HTML><HEAD><title>x</title></HEAD><BODY class='a'><p>x</p></BODY>"
    out = inject_preview(html, 7, ("content/a.txt:1: <script>alert(1)</script>",), True)
    text = out.decode()
    assert '<script src="/__feedgen__/reload.js" data-build="7" defer></script>\n</HEAD>' in text
    assert text.index("<BODY class='a'>") < text.index("feedgen-preview-error") < text.index("<p>x")
    assert "content/a.txt:1: &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not INLINE_SCRIPT.search(text)
    assert inject_preview(b"<p>ohne Kopf</p>", 1, (), True).startswith(b"<script src=")


# --- live reload in a real browser, under the pages' Content-Security-Policy -------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.browser
def test_the_browser_reloads_after_an_edit_and_shows_a_broken_build(own_preview: Preview) -> None:
    import importlib.util

    from conftest import missing_tool, require_tool

    chromium = require_tool("chromium")
    if importlib.util.find_spec("playwright") is None:
        missing_tool("Playwright for Python is not installed (pip install -e '.[test]')")
    problems: list[str] = []
    failures: list[BaseException] = []

    def drive() -> None:
        try:
            drive_browser(own_preview, chromium, problems)
        except BaseException as exc:  # handed to the test's thread below
            failures.append(exc)

    # A thread of its own: the sync API refuses to run where another test session's
    # Playwright (tests/browser/) already runs an event loop.
    worker = threading.Thread(target=drive, name="browser")
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the browser test hung"
    if failures:
        raise failures[0]
    assert problems == []


def drive_browser(preview: Preview, chromium: str, problems: list[str]) -> None:
    """Open an article page, edit it, break the build; the page must follow by itself."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="de-DE").new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(preview.url + "zeitumstellung/")
            assert "Content-Security-Policy" in page.content()  # the page forbids inline script
            page.wait_for_timeout(700)  # the reload script has polled at least once
            article = preview.site / "content" / "2025-10-26-zeitumstellung.txt"
            article.write_text(
                article.read_text(encoding="utf-8").replace(
                    "In der Nacht", "Im Browser neu geladen: In der Nacht"
                ),
                encoding="utf-8",
            )
            page.get_by_text("Im Browser neu geladen").wait_for(timeout=5000)
            broken = preview.site / "content" / "2025-11-20-kaputt.txt"
            broken.write_text("date 2025-11-20 Kaputt\n", encoding="utf-8")
            box = page.wait_for_selector("#feedgen-preview-error", timeout=5000)
            assert box is not None and "kaputt.txt:1:" in box.inner_text()
            assert box.evaluate("e => getComputedStyle(e).position") == "fixed"
            assert "Im Browser neu geladen" in page.inner_text("body")  # the last good site
        finally:
            browser.close()


@pytest.mark.parametrize(
    "argv", [["--port", "70000"], ["--port", "-1"], ["--port", "acht"], ["--now", "gestern"]]
)
def test_bad_serve_options_are_usage_errors(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = copy_site(tmp_path / "site")
    code = main(
        ["serve", "--content", str(site / "content"), "--config", str(site / "feed.yaml"), *argv]
    )
    assert code == 2
    assert argv[0] in capsys.readouterr().err


def test_serve_without_a_content_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = copy_site(tmp_path / "site")
    code = main(
        [
            "serve",
            "--content",
            str(site / "fehlt"),
            "--config",
            str(site / "feed.yaml"),
            "--port",
            "0",
        ]
    )
    assert code == 1
    assert f"{site / 'fehlt'}:1: content folder not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "path",
    ["/" + "a" * 256, "/" + "%C3%A4" * 200 + "/index.html", "/x" * 3000],
    ids=["ascii", "utf-8", "path-max"],
)
def test_a_path_segment_too_long_for_a_file_name_is_404(preview: Preview, path: str) -> None:
    status, _, body = preview.get(path)
    assert status == 404 and b"<html" in body.lower()
    assert not any("Traceback" in line for line in preview.stderr)


def test_the_listen_backlog_takes_a_burst_of_connections() -> None:
    from feedgen_app.commands.serve import PreviewHTTPServer

    assert PreviewHTTPServer.request_queue_size >= 128
