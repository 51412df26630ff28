"""The preview server: builds into a private folder, serves it as GitHub Pages would, rebuilds.

The site is built with `base_url` pointing at the preview address (links stay in the preview;
entry IDs do not depend on it) into a temporary folder, never into `public/`. Requests are answered
from that folder only: no `..`, no encoded slashes or dots, no hidden files, no symlinks. A build
that fails keeps the last good site online and shows its errors on every page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import escape
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from feedgen_app import i18n
from feedgen_app.errors import FeedAppError, ServeError
from feedgen_app.i18n import _, count_problems, os_reason
from feedgen_app.model import Site
from feedgen_app.pipeline import BuildRequest, run_build
from feedgen_app.reading.config import load_site
from feedgen_app.reading.sitefolders import site_folders
from feedgen_app.rendering.pages import forget_templates

PREVIEW_PREFIX = "/__feedgen__/"
DEBOUNCE_SECONDS = 0.15
TEMPLATE_DIRS = tuple(Path(__file__).parent.parent / name for name in ("templates", "static"))
_CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved"})
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsl": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
}
FEED_TYPES = {
    b"feed": "application/atom+xml",
    b"rss": "application/rss+xml",
}

RELOAD_JS = """\
// feedgen-app preview only: reloads the page when the site was rebuilt. Never published.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : null;
  var box = document.getElementById("feedgen-preview-error");
  if (box) {
    var s = box.style;
    s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "2147483647";
    s.maxHeight = "50vh"; s.overflow = "auto"; s.margin = "0"; s.padding = "1em";
    s.background = "#7f1d1d"; s.color = "#ffffff"; s.font = "14px/1.4 monospace";
    s.whiteSpace = "pre-wrap";
  }
  window.__feedgenPreviewBuild = function (current) {
    if (build !== null && String(current) !== build) { window.location.reload(); }
  };
  // A <script src> poll instead of fetch(): it needs only script-src 'self' in the page's CSP.
  function poll() {
    var probe = document.createElement("script");
    probe.src = "/__feedgen__/build.js?t=" + Date.now();
    probe.onload = probe.onerror = function () {
      probe.remove();
      window.setTimeout(poll, 500);
    };
    document.head.appendChild(probe);
  }
  window.setTimeout(poll, 500);
})();
"""


@dataclass(frozen=True)
class BuildOutcome:
    """The result of one preview build: counts for the summary line, or the problems."""

    published: int = 0
    """Published articles, drafts included (the preview shows them, marked)."""
    scheduled: int = 0
    next_due: datetime | None = None
    problems: tuple[str, ...] = ()
    seconds: float = 0.0
    site: Site | None = None
    due_in: float | None = None
    """Seconds until the next scheduled article is due (None: nothing due, or a fixed --now)."""
    drafts: int = 0
    """How many of the published articles are drafts."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PreviewOptions:
    """What `serve` needs: where the site comes from, where to listen, how to tell the time."""

    content_dir: Path
    config: Path
    clock: Callable[[Site], datetime]
    """Decides "now" for each build (cli.current_time: --now or the wall clock)."""
    live_clock: bool = True
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass
class PreviewState:
    """What every request needs to know about the builds so far (guarded by `lock`)."""

    build: int = 0
    problems: tuple[str, ...] = ()
    has_site: bool = False
    served: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Per file: the ETag and Last-Modified of the last answer (see `next_last_modified`)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def build_preview(options: PreviewOptions, out_dir: Path, base_url: str) -> BuildOutcome:
    """Build the site for `base_url` into `out_dir` through the one build pipeline (its build
    index beside `out_dir`); on any error write nothing."""
    started = time.monotonic()  # the build duration: the one use of a monotonic clock
    try:
        site = replace(load_site(options.config), base_url=base_url)
        now = options.clock(site)
        forget_templates()  # a template edited since the last preview build is read again
        folders = site_folders(options.config)
        result = run_build(
            site,
            BuildRequest(
                content=options.content_dir,
                out=out_dir,
                cache_dir=out_dir.parent / "index",
                now=now,
                options={"preview": True},
                templates=folders.templates,
                static=folders.static,
                drafts=True,
            ),
        )
    except FeedAppError as exc:
        return BuildOutcome(problems=exc.problems, seconds=time.monotonic() - started)
    due_in = None
    if result.scheduled and options.live_clock:
        due_in = max((result.scheduled[0][2] - now).total_seconds(), 0.0)
    return BuildOutcome(
        published=result.published_count,
        scheduled=len(result.scheduled),
        next_due=result.next_due,
        site=site,
        seconds=time.monotonic() - started,
        due_in=due_in,
        drafts=result.drafts,
    )


def preview_url(host: str, port: int) -> str:
    """The base URL the preview is reachable at (wildcard hosts map to 127.0.0.1)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses: nobody else on the network can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PreviewServer:
    """Builds, serves, watches, rebuilds; `run()` blocks until `stop()` or KeyboardInterrupt."""

    def __init__(
        self,
        options: PreviewOptions,
        on_build: Callable[[BuildOutcome], None],
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        if not options.content_dir.is_dir():
            raise ServeError(
                _("{content_dir}:1: content folder not found").format(
                    content_dir=options.content_dir
                )
            )
        self.options = options
        self.on_build = on_build
        self.on_log = on_log
        self.state = PreviewState()
        self.changed = threading.Event()
        self.stopping = threading.Event()
        self.httpd = bind_server(options.host, options.port)
        self.httpd.preview = self
        self.url = preview_url(options.host, self.httpd.server_address[1])
        self.workdir = Path(tempfile.mkdtemp(prefix="feedgen-preview-"))
        self.root = self.workdir / "site"
        self.next_due: float | None = None

    def rebuild(self) -> BuildOutcome:
        """One build; on success the new site goes live, on failure the old one stays."""
        outcome = build_preview(self.options, self.root, self.url)
        with self.state.lock:
            self.state.build += 1
            self.state.problems = outcome.problems
            if outcome.ok:
                self.state.has_site = True
        self.next_due = outcome.due_in
        self.on_build(outcome)
        return outcome

    def run(self, on_ready: Callable[[], None] | None = None) -> None:
        """Watch, build once, call `on_ready`, then serve until stopped; rebuild on changes and
        when a scheduled article falls due."""
        observer = watch_inputs(self.options, self.changed)
        builder = threading.Thread(
            target=self.rebuild_on_change, name="feedgen-rebuild", daemon=True
        )
        try:
            observer.start()  # before the first build: a change during it triggers another
            self.rebuild()
            builder.start()
            if on_ready is not None:
                on_ready()
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stopping.set()
            self.changed.set()
            if observer.is_alive():
                observer.stop()
                observer.join(timeout=5)
            if builder.is_alive():
                builder.join(timeout=5)
            self.close()

    def rebuild_on_change(self) -> None:
        while not self.stopping.is_set():
            timeout = None if self.next_due is None else min(self.next_due + 1.0, 3600.0)
            self.changed.wait(timeout)
            if self.stopping.is_set():
                return
            self.changed.clear()
            while self.changed.wait(DEBOUNCE_SECONDS):  # let a burst of saves settle
                self.changed.clear()
            if self.stopping.is_set():
                return
            self.rebuild()

    def stop(self) -> None:
        """Ask `run()` to return (from another thread)."""
        self.httpd.shutdown()

    def close(self) -> None:
        self.httpd.server_close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """The listen backlog: a browser opening a page asks for a burst of files at once, more
    than Python's default of 5 connections waiting to be accepted."""
    preview: PreviewServer


class PreviewHTTPServer6(PreviewHTTPServer):
    address_family = socket.AF_INET6


def bind_server(host: str, port: int) -> PreviewHTTPServer:
    """Listen on `host`:`port` (0: any free port); ServeError if that is impossible."""
    server_class = PreviewHTTPServer6 if ":" in host else PreviewHTTPServer
    try:
        return server_class((host, port), PreviewHandler)
    except OSError as exc:
        hint = _("; try another --port") if port else ""
        raise ServeError(
            _("{host}:{port}: cannot listen: {value}{hint}").format(
                host=host, port=port, value=os_reason(exc), hint=hint
            )
        ) from None


def next_last_modified(previous: tuple[str, int] | None, etag: str, mtime: int) -> int:
    """The Last-Modified (whole seconds) for a file answered with `etag`.

    The same bytes keep the date of the previous answer, even though a rebuild rewrote the file.
    Changed bytes get the file's time, but at least a second past the previous answer's: HTTP
    dates have whole seconds, and two builds within one second must not let an
    If-Modified-Since match a version the browser has not seen (a reload would get a 304).
    """
    if previous is None:
        return mtime
    if previous[0] == etag:
        return previous[1]
    return max(mtime, previous[1] + 1)


class ChangeHandler(FileSystemEventHandler):
    """Sets `changed` when a relevant file below `root` changes (hidden files ignored)."""

    def __init__(self, root: Path, changed: threading.Event, only: str | None = None) -> None:
        self.root = root.resolve()
        self.changed = changed
        self.only = only

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGE_EVENTS:
            return  # opened / closed-without-writing: the build itself reads the files
        for raw in (event.src_path, event.dest_path):
            if raw and self.is_relevant(Path(raw if isinstance(raw, str) else raw.decode())):
                self.changed.set()
                return

    def is_relevant(self, path: Path) -> bool:
        try:
            parts = path.resolve().relative_to(self.root).parts
        except ValueError:
            return False
        if any(part.startswith(".") or part.endswith("~") for part in parts):
            return False
        return self.only is None or parts == (self.only,)


def watch_inputs(options: PreviewOptions, changed: threading.Event) -> BaseObserver:
    """A watchdog observer for the content folder, the config file, the packaged templates
    and static files, and the site's own templates/ and static/ folders (those that exist
    when `serve` starts)."""
    observer = Observer()
    observer.schedule(
        ChangeHandler(options.content_dir, changed), str(options.content_dir), recursive=True
    )
    config_dir = options.config.absolute().parent
    if config_dir.is_dir():
        observer.schedule(
            ChangeHandler(config_dir, changed, only=options.config.name),
            str(config_dir),
            recursive=False,
        )
    folders = site_folders(options.config)
    for folder in (*TEMPLATE_DIRS, folders.templates, folders.static):
        if folder is not None and folder.is_dir():
            observer.schedule(ChangeHandler(folder, changed), str(folder), recursive=True)
    return observer


NAME_MAX = 255
"""The longest file name, in bytes, on the file systems a site is built on."""


def resolve_site_path(root: Path, url_path: str) -> Path | None:
    """The file or folder below `root` that `url_path` names, or None when it names nothing
    or tries to leave `root` (`..`, `%2e%2e`, `%2f`, `\\`, hidden names, symlinks)."""
    lowered = url_path.lower()
    if (
        not url_path.startswith("/")
        or "\\" in url_path
        or any(code in lowered for code in ("%2f", "%5c", "%00"))
    ):
        return None
    try:
        decoded = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = decoded.split("/")[1:]
    if parts and parts[-1] == "":
        parts.pop()
    for part in parts:
        if not part or part.startswith(".") or "\x00" in part or "\\" in part:
            return None
        if len(part.encode("utf-8", "surrogateescape")) > NAME_MAX:
            return None  # no file has such a name (and the file system would refuse to look)
    candidate = root
    try:
        for part in parts:
            candidate = candidate / part
            if candidate.is_symlink():
                return None
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root.resolve()) else None


def media_type(path: Path, data: bytes) -> str:
    """The Content-Type for a site file; feeds are recognised by their root element."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        match = _FIRST_TAG.search(data[:2048])
        if match:
            name = match.group(1).split(b":")[-1]
            return FEED_TYPES.get(name, MEDIA_TYPES[".xml"])
    if suffix == ".json" and b"jsonfeed.org/version/" in data[:2048]:
        return "application/feed+json"
    return MEDIA_TYPES.get(suffix, "application/octet-stream")


def inject_preview(html: bytes, build: int, problems: tuple[str, ...], has_site: bool) -> bytes:
    """Add the reload script (an external same-origin file, so a CSP without inline script
    allows it) and, after a failed build, a box with the errors."""
    text = html.decode("utf-8", errors="replace")
    tag = f'<script src="{PREVIEW_PREFIX}reload.js" data-build="{build}" defer></script>\n'
    head_end = re.search(r"</head\s*>", text, re.IGNORECASE)
    at = head_end.start() if head_end else 0
    text = text[:at] + tag + text[at:]
    if problems:
        box = render_error_box(problems, has_site)
        body = re.search(r"<body\b[^>]*>", text, re.IGNORECASE)
        at = body.end() if body else len(text)
        text = text[:at] + box + text[at:]
    return text.encode("utf-8")


def render_error_box(problems: tuple[str, ...], has_site: bool) -> str:
    """The box on every preview page after a failed build, in the messages' language."""
    kept = (
        _("Shown is the last state without errors.")
        if has_site
        else _("There is no state without errors yet.")
    )
    lines = "\n".join(str(escape(p)) for p in problems)
    failed = _("Preview: the last build failed ({problems}).").format(
        problems=count_problems(len(problems))
    )
    return (
        f'\n<div id="feedgen-preview-error" role="alert" lang="{i18n.language()}"><p><strong>'
        f"{escape(failed)}</strong> {escape(kept)}</p><pre>{lines}</pre></div>\n"
    )


def not_found_page() -> bytes:
    """The preview's 404 page, in the messages' language."""
    title = escape(_("Not found"))
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.language()}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>404 – {title}</h1>\n"
        f"<p>{escape(_('This page does not exist in the preview.'))}</p>\n</body>\n</html>\n"
    ).encode()


def is_not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, mtime: int
) -> bool:
    """RFC 9110 conditional GET: If-None-Match wins; else If-Modified-Since."""
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and mtime <= since.timestamp()


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the preview site and its `/__feedgen__/` endpoints."""

    server: PreviewHTTPServer
    server_version = "feedgen-app-preview"

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def log_message(self, format: str, *args: object) -> None:
        on_log = self.server.preview.on_log
        if on_log is not None:
            on_log(f"{self.address_string()} {format % args}")

    def respond(self, head: bool) -> None:
        url_path = urlsplit(self.path).path
        try:
            if url_path.startswith(PREVIEW_PREFIX):
                self.respond_internal(url_path[len(PREVIEW_PREFIX) :], head)
            else:
                self.respond_site(url_path, head)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def respond_internal(self, name: str, head: bool) -> None:
        state = self.server.preview.state
        if name == "reload.js":
            self.send_body(RELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
        elif name == "build.js":
            body = f"window.__feedgenPreviewBuild && window.__feedgenPreviewBuild({state.build});\n"
            self.send_body(body.encode(), "text/javascript; charset=utf-8", head)
        else:
            self.send_not_found(head)

    def respond_site(self, url_path: str, head: bool) -> None:
        root = self.server.preview.root
        found = resolve_site_path(root, url_path)
        if found is not None and found.is_dir():
            if not url_path.endswith("/"):
                self.send_redirect(url_path + "/")
                return
            found = resolve_site_path(root, url_path + "index.html")
        if found is None or not found.is_file():
            self.send_not_found(head)
            return
        try:
            data = found.read_bytes()
            mtime = int(found.stat().st_mtime)
        except OSError:  # replaced by a rebuild between the checks
            self.send_not_found(head)
            return
        self.send_file(found, data, mtime, HTTPStatus.OK, head)

    def send_file(
        self, path: Path, data: bytes, mtime: int, status: HTTPStatus, head: bool
    ) -> None:
        content_type = media_type(path, data)
        state = self.server.preview.state
        if content_type.startswith("text/html"):
            with state.lock:
                build, problems, has_site = state.build, state.problems, state.has_site
            data = inject_preview(data, build, problems, has_site)
        etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
        with state.lock:
            mtime = next_last_modified(state.served.get(str(path)), etag, mtime)
            state.served[str(path)] = (etag, mtime)
        validators = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if status == HTTPStatus.OK and is_not_modified(
            self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), etag, mtime
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_common_headers(validators)
            self.end_headers()
            return
        self.send_body(data, content_type, head, status, validators)

    def send_body(
        self,
        data: bytes,
        content_type: str,
        head: bool,
        status: HTTPStatus = HTTPStatus.OK,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_common_headers(extra or {})
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def send_common_headers(self, extra: dict[str, str]) -> None:
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")

    def send_not_found(self, head: bool) -> None:
        page = self.server.preview.root / "404.html"
        data = page.read_bytes() if page.is_file() and not page.is_symlink() else not_found_page()
        state = self.server.preview.state
        with state.lock:
            build, problems, has_site = state.build, state.problems, state.has_site
        body = inject_preview(data, build, problems, has_site)
        self.send_body(body, MEDIA_TYPES[".html"], head, HTTPStatus.NOT_FOUND)

    def send_redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_common_headers({})
        self.end_headers()
