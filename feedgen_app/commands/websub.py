"""WebSub publishing: telling each configured hub that the site's feeds changed.

A publish request is a form-encoded POST of `hub.mode=publish` and `hub.url=<feed URL>`, one per
hub and feed; the hub answers 2xx when it accepted it and then fetches the feed itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from feedgen_app import __version__
from feedgen_app.i18n import _, os_reason

if TYPE_CHECKING:
    import urllib.error

TIMEOUT = 10.0
"""Seconds to wait for one hub answer."""
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class PingResult:
    """One publish request: which hub, which feed, and what went wrong (None: accepted)."""

    hub: str
    feed: str
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


Post = Callable[[str, bytes, float], tuple[int, bytes]]
"""POSTs a form body to a URL within a timeout; returns the status and the response body."""


def publish_body(feed_url: str) -> bytes:
    """The form body announcing that `feed_url` changed."""
    return urlencode([("hub.mode", "publish"), ("hub.url", feed_url)]).encode("ascii")


def ping_hubs(
    hubs: Sequence[str],
    feed_urls: Sequence[str],
    timeout: float = TIMEOUT,
    post: Post | None = None,
) -> list[PingResult]:
    """Send one publish request per hub and feed; collect every outcome, never raise."""
    send = post or post_form
    results = []
    for hub in hubs:
        for feed in feed_urls:
            results.append(ping_hub(hub, feed, timeout, send))
    return results


def ping_hub(hub: str, feed: str, timeout: float, post: Post) -> PingResult:
    """One publish request, its failure described for a person reading a CI log."""
    import urllib.error  # here: urllib.request and http.client cost the other commands' start

    try:
        status, body = post(hub, publish_body(feed), timeout)
    except urllib.error.HTTPError as exc:
        status, body = exc.code, _read_error_body(exc)
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return PingResult(
                hub, feed, None, _("no answer within {timeout:g} s").format(timeout=timeout)
            )
        return PingResult(
            hub, feed, None, _("cannot reach the hub: {reason}").format(reason=os_reason(reason))
        )
    if 200 <= status < 300:
        return PingResult(hub, feed, status)
    detail = body.decode("utf-8", "replace").strip().splitlines()
    said = f": {detail[0][:200]}" if detail else ""
    if 300 <= status < 400:
        return PingResult(
            hub,
            feed,
            status,
            _("HTTP {status}: the hub redirects; put its new URL into `hubs:`{said}").format(
                status=status, said=said
            ),
        )
    return PingResult(
        hub,
        feed,
        status,
        _("HTTP {status}: the hub refused the request{said}").format(status=status, said=said),
    )


def _read_error_body(exc: urllib.error.HTTPError) -> bytes:
    try:
        return bytes(exc.read())
    except OSError:
        return b""


def post_form(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    """POST `body` as a form to `url`; HTTP errors raise urllib's HTTPError. A redirected
    POST would lose its body: the redirect is reported instead of followed."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: object, **_kwargs: object) -> None:
            return None

    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": FORM_TYPE,
            "User-Agent": f"feedgen-app/{__version__}",
        },
    )
    with urllib.request.build_opener(NoRedirect()).open(request, timeout=timeout) as response:
        return int(response.status), bytes(response.read())
