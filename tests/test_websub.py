"""WebSub: hub links in every subscription feed, and `ping` against a fake hub on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sitekit import ATOM, BASE_URL, atom, atom_link, build, json_feed, make_site, write

from feedgen_app.commands.cli import main
from feedgen_app.commands.websub import ping_hubs, publish_body
from feedgen_app.errors import ConfigError
from feedgen_app.reading.config import load_site


class FakeHub:
    """An HTTP server on 127.0.0.1 that records requests and answers `status` with `body`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status, self.body = 204, b""
        self.headers: dict[str, str] = {}
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                hub.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(hub.status)
                for name, value in hub.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(hub.body)))
                self.end_headers()
                self.wfile.write(hub.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    fake = FakeHub()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    thread.join()


def site_with_hubs(tmp_path: Path, *hubs: str) -> Path:
    listed = "".join(f"  - {h}\n" for h in hubs)
    root = make_site(tmp_path, feed_limit=1, extra=f"hubs:\n{listed}")
    write(root, "2025-09-01-a.md", "---\ntitle: A\ndate: 2025-09-01\ntags: [Wirtschaft]\n---\nT.\n")
    write(root, "2025-10-01-b.txt", "date 2025-10-01 B\n\nText.\n")
    return root


def ping(root: Path, *extra: str) -> int:
    return main(
        [
            "ping",
            "--content",
            str(root / "content"),
            "--config",
            str(root / "feed.yaml"),
            "--now",
            "2026-01-01",
            *extra,
        ]
    )


def test_the_publish_body_is_exactly_the_form_websub_hubs_expect() -> None:
    assert publish_body("https://example.org/news/atom.xml?x=1&y=ä") == (
        b"hub.mode=publish&hub.url=https%3A%2F%2Fexample.org%2Fnews%2Fatom.xml%3Fx%3D1%26y%3D%C3%A4"
    )


def test_ping_posts_one_form_per_hub_and_subscription_feed(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_hubs(tmp_path, hub.url)
    assert ping(root) == 0
    feeds = [
        "atom.xml",
        "rss.xml",
        "feed.json",
        "tags/wirtschaft/atom.xml",
        "tags/wirtschaft/rss.xml",
        "tags/wirtschaft/feed.json",
    ]
    assert [r["body"] for r in hub.requests] == [
        b"hub.mode=publish&hub.url="
        + (BASE_URL + f).replace(":", "%3A").replace("/", "%2F").encode()
        for f in feeds
    ]
    first = hub.requests[0]
    assert first["path"] == "/hub"
    assert first["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert first["headers"]["User-Agent"].startswith("feedgen-app/")
    assert "6 hub notifications sent" in capsys.readouterr().out


def test_a_refusing_hub_fails_ping_with_its_answer(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.status, hub.body = 400, b"hub.url is not on an allowed domain\nmore detail"
    root = site_with_hubs(tmp_path, hub.url)
    assert ping(root) == 1
    err = capsys.readouterr().err
    assert (
        f"{root / 'feed.yaml'}:1: hub {hub.url} for {BASE_URL}atom.xml: HTTP 400: the hub "
        "refused the request: hub.url is not on an allowed domain"
    ) in err
    assert "error: 6 of 6 hub notifications failed; the site itself is published" in err


def test_a_redirecting_hub_is_reported_not_followed(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.status, hub.headers = 302, {"Location": "http://127.0.0.1:1/elsewhere"}
    results = ping_hubs([hub.url], [BASE_URL + "atom.xml"])
    assert [r.error for r in results] == [
        "HTTP 302: the hub redirects; put its new URL into `hubs:`"
    ]
    assert len(hub.requests) == 1


def test_an_unreachable_hub_is_reported_and_other_hubs_still_get_pinged(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    root = site_with_hubs(tmp_path, dead, hub.url)
    assert ping(root) == 1
    captured = capsys.readouterr()
    assert f"hub {dead} for {BASE_URL}atom.xml: cannot reach the hub: " in captured.err
    assert "the connection was refused" in captured.err  # ECONNREFUSED, in our words
    assert len(hub.requests) == 6
    assert f"{hub.url}: accepted {BASE_URL}atom.xml (HTTP 204)" in captured.out


def test_a_hub_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections into the backlog, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        results = ping_hubs([url], [BASE_URL + "atom.xml"], timeout=0.2)
    assert [r.error for r in results] == ["no answer within 0.2 s"]


def test_without_hubs_ping_does_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path)
    write(root, "a.txt", "date 2025-10-01 A\n\nText.\n")
    assert ping(root) == 0
    assert "no `hubs:` configured; nothing to ping" in capsys.readouterr().out


def test_hubs_are_announced_in_subscription_feeds_but_not_in_archives(tmp_path: Path) -> None:
    root = site_with_hubs(tmp_path, "https://hub.example/", "https://hub2.example/")
    assert build(root) == 0
    public = root / "public"
    feed = atom(public / "atom.xml")
    assert [
        link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "hub"
    ] == ["https://hub.example/", "https://hub2.example/"]
    assert atom_link(atom(public / "rss.xml").find("channel"), "hub") == "https://hub.example/"
    assert json_feed(public / "feed.json")["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example/"},
        {"type": "WebSub", "url": "https://hub2.example/"},
    ]
    assert (
        atom_link(atom(public / "tags" / "wirtschaft" / "atom.xml"), "hub")
        == "https://hub.example/"
    )
    archive = atom(public / "archive" / "2025-10.xml")
    assert atom_link(archive, "hub") is None
    assert "hubs" not in json_feed(public / "archive" / "2025-10.json")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "https://hub.example/",
            "'hubs' must be a list of WebSub hub URLs; write one hub as [https://hub.example/]",
        ),
        (
            "{url: x}",
            "'hubs' must be a list of WebSub hub URLs, e.g. "
            "[https://pubsubhubbub.appspot.com/] (got a mapping)",
        ),
        ("[ftp://hub.example/]", "'hubs': 'ftp://hub.example/' is not an absolute http(s) URL"),
        ("[https://a.example/, https://a.example/]", "'hubs' lists a hub twice"),
    ],
)
def test_bad_hubs_are_config_errors_naming_the_line(
    tmp_path: Path, value: str, message: str
) -> None:
    root = make_site(tmp_path, extra=f"hubs: {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_site(root / "feed.yaml")
    assert caught.value.problems == (f"{root / 'feed.yaml'}:6: {message}",)


def test_ping_help_documents_the_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ping", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "hub.mode=publish, hub.url=FEED" in help_text and "--timeout SECONDS" in help_text
