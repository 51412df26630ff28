"""Asking GitHub to rebuild the site: repository_dispatch / workflow_dispatch over the REST API."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from feedgen_app import __version__
from feedgen_app.errors import TriggerError, UsageError
from feedgen_app.i18n import _, os_reason

if TYPE_CHECKING:
    import urllib.error

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_EVENT = "rebuild"
API_VERSION = "2022-11-28"
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
TIMEOUT_SECONDS = 30.0
_TOKEN = re.compile(r"[\x21-\x7e]+")
"""The characters a GitHub token (and any HTTP bearer credential) is made of."""
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_REMOTE = re.compile(r"github\.com[:/]([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class DispatchRequest:
    """One REST call that starts the publish workflow: method POST, `path`, JSON `body`."""

    path: str
    body: dict[str, object] = field(default_factory=dict)
    kind: str = "repository_dispatch"


def read_token(environ: Mapping[str, str]) -> str:
    """The API token from GITHUB_TOKEN or GH_TOKEN; never taken from the command line."""
    for name in TOKEN_VARIABLES:
        token = environ.get(name, "").strip()
        if token and not _TOKEN.fullmatch(token):
            # never echo the token: say where it is and what is wrong with it, not what it is
            raise TriggerError(
                _(
                    "trigger: the token in {name} contains a space, a line break "
                    "or a character outside printable ASCII; GitHub tokens never "
                    "do: copy it again"
                ).format(name=name)
            )
        if token:
            return token
    raise TriggerError(
        _(
            "trigger: no GitHub token: set GITHUB_TOKEN or GH_TOKEN in the "
            "environment (a fine-grained token with 'Contents: read and write' "
            "on the repository, or 'Actions: read and write' with --workflow)"
        )
    )


def check_repo(repo: str) -> str:
    """`OWNER/NAME`, or a UsageError saying what is wrong."""
    if not _REPO.fullmatch(repo) or any(part in (".", "..") for part in repo.split("/")):
        raise UsageError(
            _("--repo {repo!r} is not OWNER/NAME, e.g. octo-org/nachrichten").format(repo=repo)
        )
    return repo


def find_repo(environ: Mapping[str, str]) -> str | None:
    """The repository to trigger when --repo is not given: $GITHUB_REPOSITORY, else git's origin."""
    if environ.get("GITHUB_REPOSITORY"):
        return environ["GITHUB_REPOSITORY"]
    import subprocess

    try:
        result = subprocess.run(
            ["git", "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = _REMOTE.search(result.stdout.strip())
    return match.group(1) if match else None


def plan_dispatch(
    repo: str,
    event: str = DEFAULT_EVENT,
    workflow: str | None = None,
    ref: str = "main",
    force: bool = False,
) -> DispatchRequest:
    """The request that starts a rebuild: repository_dispatch, or with `workflow` a
    workflow_dispatch of that workflow file on `ref`."""
    owner, name = (quote(part, safe="") for part in check_repo(repo).split("/"))
    if workflow is None:
        body: dict[str, object] = {"event_type": event, "client_payload": {"force": force}}
        return DispatchRequest(f"/repos/{owner}/{name}/dispatches", body)
    inputs = {"force": "true" if force else "false"}
    path = f"/repos/{owner}/{name}/actions/workflows/{quote(workflow, safe='')}/dispatches"
    return DispatchRequest(path, {"ref": ref, "inputs": inputs}, kind="workflow_dispatch")


def check_api_url(api_url: str) -> str:
    """`--api-url`: an absolute http(s) URL without credentials, query or fragment; else a
    UsageError saying what is wrong."""
    parts = urlsplit(api_url)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or parts.username is not None
        or parts.query
        or parts.fragment
        or not _URL_CHARACTERS.fullmatch(api_url)
    ):
        raise UsageError(
            _(
                "--api-url {api_url!r} is not an absolute http(s) URL, e.g. https://github.example.com/api/v3"
            ).format(api_url=api_url)
        )
    return api_url


def send_dispatch(request: DispatchRequest, token: str, api_url: str = DEFAULT_API_URL) -> None:
    """POST `request` to the GitHub API; raise TriggerError with a clear reason unless GitHub
    answers 204 No Content (its only success answer for both dispatch kinds).

    Redirects are never followed (they would carry the token elsewhere, and a redirected
    POST dispatches nothing); every failure message has the token blanked out."""
    # Imported here: urllib.request and http.client cost every other command's start.
    import http.client as http_client
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        """Refuses every redirect: the token must go only to the API URL that was given."""

        def redirect_request(self, *_args: object, **_kwargs: object) -> None:
            return None

    url = check_api_url(api_url).rstrip("/") + request.path
    http = urllib.request.Request(
        url,
        data=json.dumps(request.body).encode("utf-8"),
        method="POST",
        headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {token}",
            "X-GitHub-Api-Version": API_VERSION,
            "Content-Type": "application/json",
            "User-Agent": f"feedgen-app/{__version__}",
        },
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(http, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = read_error_message(exc)
        exc.close()
        message = explain_status(exc.code, detail, request, url)
        if 300 <= exc.code < 400:
            message = _(
                "{url}: HTTP {code}: the API redirects to {get}; redirects are "
                "not followed (the token would go along and nothing would be "
                "dispatched): give the final API address as --api-url"
            ).format(url=url, code=exc.code, get=exc.headers.get("Location", _("another address")))
        raise TriggerError(hide_token(message, token)) from None
    except (urllib.error.URLError, OSError, http_client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        message = _("{url}: cannot reach the GitHub API: {reason}").format(
            url=url, reason=os_reason(reason)
        )
        raise TriggerError(hide_token(message, token)) from None
    if status != 204:
        raise TriggerError(
            hide_token(
                _(
                    "{url}: unexpected answer HTTP {status}; GitHub answers 204 when "
                    "it starts a run: nothing was dispatched"
                ).format(url=url, status=status),
                token,
            )
        )


def read_error_message(exc: urllib.error.HTTPError) -> str:
    """GitHub's `message` from an error body, or "" when there is none."""
    try:
        document = json.loads(exc.read().decode("utf-8", errors="replace") or "{}")
    except (ValueError, OSError):
        return ""
    message = document.get("message", "") if isinstance(document, dict) else ""
    return str(message)[:300]


def explain_status(status: int, detail: str, request: DispatchRequest, url: str) -> str:
    """One line saying what an error status means for a dispatch and what to do about it."""
    said = f" (GitHub: {detail})" if detail else ""
    scope = (
        "'Actions: read and write'"
        if request.kind == "workflow_dispatch"
        else "'Contents: read and write'"
    )
    reasons = {
        401: _(
            "HTTP 401: GitHub rejected the token; it is wrong, expired or revoked: "
            "create a new one and put it in GITHUB_TOKEN or GH_TOKEN"
        ),
        403: _(
            "HTTP 403: the token may not start workflows here; a fine-grained "
            "token needs {scope} on this repository (a classic token: the "
            "'repo' scope), or the API rate limit is exhausted"
        ).format(scope=scope),
        404: _(
            "HTTP 404: repository or workflow not found; check --repo OWNER/NAME and "
            "--workflow, and that the token can see the repository (GitHub says 404 for a "
            "private repository the token may not read)"
        ),
        422: _(
            "HTTP 422: GitHub refused the request; with --workflow the workflow file needs a "
            "workflow_dispatch trigger and --ref must be an existing branch or tag"
        ),
    }
    reason = reasons.get(
        status, _("HTTP {status}: GitHub did not accept the request").format(status=status)
    )
    return f"{url}: {reason}{said}"


def hide_token(message: str, token: str) -> str:
    """`message` with every occurrence of the token blanked out (errors may echo input)."""
    return message.replace(token, "***") if token else message
