"""`feedgen-app trigger` against a fake GitHub API on 127.0.0.1: the exact request, every error."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from feedgen_app import __version__
from feedgen_app.commands.cli import main
from feedgen_app.commands.trigger import find_repo

TOKEN = "ghp_SECRETtoken1234567890"


@dataclass
class FakeGitHub:
    """Records every request; answers with `status` and a JSON body that echoes the token."""

    url: str = ""
    status: int = 204
    requests: list[dict[str, object]] = field(default_factory=list)


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append(
                {
                    "method": "POST",
                    "path": self.path,
                    # header names are case-insensitive: compare them lowered
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(self.rfile.read(length) or b"null"),
                }
            )
            auth = self.headers.get("Authorization", "")
            # GitHub's real messages never echo the token; this fake does, to prove it is hidden.
            body = (
                b""
                if fake.status == 204
                else json.dumps(
                    {"message": f"Nope for {auth}", "documentation_url": "https://docs"}
                ).encode()
            )
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # not a git checkout: no repository is guessed from a remote


def trigger(github: FakeGitHub, *args: str) -> int:
    return main(["trigger", "--api-url", github.url, *args])


def test_repository_dispatch_sends_the_exact_request(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert trigger(github, "--repo", "octo-org/nachrichten") == 0
    [request] = github.requests
    assert request["method"] == "POST"
    assert request["path"] == "/repos/octo-org/nachrichten/dispatches"
    headers = request["headers"]
    assert isinstance(headers, dict)
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == f"feedgen-app/{__version__}"
    assert request["body"] == {"event_type": "rebuild", "client_payload": {"force": False}}
    out, err = capsys.readouterr()
    assert out == "rebuild requested: event 'rebuild' in octo-org/nachrichten\n"
    assert TOKEN not in out + err


def test_event_and_force_go_into_the_repository_dispatch_body(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert trigger(github, "--repo", "o/r", "--event", "morning", "--force") == 0
    assert github.requests[0]["body"] == {
        "event_type": "morning",
        "client_payload": {"force": True},
    }


def test_workflow_dispatch_names_the_workflow_ref_and_inputs(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)  # GH_TOKEN works when GITHUB_TOKEN is not set
    code = trigger(
        github,
        "--repo",
        "octo-org/nachrichten",
        "--workflow",
        "publish.yml",
        "--ref",
        "release",
        "--force",
    )
    assert code == 0
    [request] = github.requests
    assert request["path"] == "/repos/octo-org/nachrichten/actions/workflows/publish.yml/dispatches"
    assert request["body"] == {"ref": "release", "inputs": {"force": "true"}}
    headers = request["headers"]
    assert isinstance(headers, dict)
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert "workflow publish.yml on release" in capsys.readouterr().out


def test_github_token_wins_over_gh_token(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GH_TOKEN", "other")
    assert trigger(github, "--repo", "o/r") == 0
    headers = github.requests[0]["headers"]
    assert isinstance(headers, dict)
    assert headers["authorization"] == f"Bearer {TOKEN}"


def test_repository_comes_from_github_repository(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo-org/aus-env")
    assert trigger(github) == 0
    assert github.requests[0]["path"] == "/repos/octo-org/aus-env/dispatches"


def test_repository_comes_from_the_git_remote(tmp_path: Path) -> None:
    for url in (
        "git@github.com:octo-org/nachrichten.git",
        "https://github.com/octo-org/nachrichten",
    ):
        repo = tmp_path / url.replace("/", "_").replace(":", "_")
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", url], check=True)
        import os

        cwd = os.getcwd()
        os.chdir(repo)
        try:
            assert find_repo({}) == "octo-org/nachrichten"
        finally:
            os.chdir(cwd)


def test_no_token_is_an_error_and_sends_nothing(
    github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert trigger(github, "--repo", "o/r") == 1
    err = capsys.readouterr().err
    assert "no GitHub token: set GITHUB_TOKEN or GH_TOKEN" in err
    assert github.requests == []


def test_the_token_cannot_be_given_on_the_command_line(
    github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert trigger(github, "--repo", "o/r", "--token", TOKEN) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert github.requests == []


@pytest.mark.parametrize("repo", ["octo-org", "a/b/c", "octo org/x", "../x", "o/.."])
def test_a_malformed_repo_is_a_usage_error(
    github: FakeGitHub,
    repo: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert trigger(github, "--repo", repo) == 2
    assert "is not OWNER/NAME" in capsys.readouterr().err
    assert github.requests == []


def test_no_repository_anywhere_is_a_usage_error(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert trigger(github) == 2
    assert "pass --repo OWNER/NAME" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "HTTP 401: GitHub rejected the token; it is wrong, expired or revoked"),
        (
            403,
            "HTTP 403: the token may not start workflows here; a fine-grained token needs "
            "'Contents: read and write'",
        ),
        (404, "HTTP 404: repository or workflow not found; check --repo OWNER/NAME"),
        (422, "HTTP 422: GitHub refused the request"),
        (500, "HTTP 500: GitHub did not accept the request"),
    ],
)
def test_each_error_status_has_its_message_and_hides_the_token(
    github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
    expected: str,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    github.status = status
    assert trigger(github, "--repo", "o/r") == 1
    out, err = capsys.readouterr()
    assert f"{github.url}/repos/o/r/dispatches: {expected}" in err
    assert "(GitHub: Nope for Bearer ***)" in err  # GitHub's message, with the token blanked
    assert TOKEN not in out + err
    assert out == ""


def test_403_for_a_workflow_names_the_actions_permission(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    github.status = 403
    assert trigger(github, "--repo", "o/r", "--workflow", "publish.yml") == 1
    assert "'Actions: read and write'" in capsys.readouterr().err


def test_an_unreachable_api_is_a_network_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = main(["trigger", "--repo", "o/r", "--api-url", f"http://127.0.0.1:{port}"])
    assert code == 1
    out, err = capsys.readouterr()
    assert f"http://127.0.0.1:{port}/repos/o/r/dispatches: cannot reach the GitHub API" in err
    assert TOKEN not in out + err


def test_help_says_where_the_token_comes_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trigger", "--help"]) == 0
    out = capsys.readouterr().out
    assert "GITHUB_TOKEN or GH_TOKEN, never from the command line" in out
    for option in ("--repo", "--event", "--workflow", "--ref", "--force", "--api-url"):
        assert option in out
