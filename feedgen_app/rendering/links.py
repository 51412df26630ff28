"""URLs in the output: the subscribe page's and media files' addresses, and article HTML with
its relative link and image URLs made absolute (for feeds)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin

from feedgen_app.i18n import language_of_tag, translation
from feedgen_app.model import Site

SUBSCRIBE_PAGE = "abonnieren.html"
"""The HTML page the feeds point people to (Atom `link rel="related"`, RSS `<docs>`)."""

URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "q": ("cite",),
    "blockquote": ("cite",),
    "ins": ("cite",),
    "del": ("cite",),
}
"""The attributes holding a URL (or, for `srcset`, a list of URLs), by element."""
_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s"'>/=]+)(?P<eq>\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
)

_URL_ATTRIBUTE_NAME = re.compile(
    "(?:" + "|".join(sorted({n for names in URL_ATTRIBUTES.values() for n in names})) + r")\s*=",
    re.IGNORECASE,
)
"""Any URL attribute name followed by `=`: without one, `absolutize_urls` changes nothing."""


def media_url(site: Site, path: str) -> str:
    """The absolute URL of a media file below the site root (names percent-encoded)."""
    return site.url(quote(path))


def absolutize_urls(body: str, base_url: str) -> str:
    """Resolve every relative URL in `body`'s link and media attributes against `base_url`.

    Only those attribute values change; every other byte of the HTML stays as it was, so a
    feed's content differs from the page only where a reader would otherwise lose the link.
    """
    if "=" not in body or not _URL_ATTRIBUTE_NAME.search(body):
        return body  # no attribute that could hold a URL: nothing to resolve (the common case)
    finder = _StartTagFinder()
    finder.feed(body)
    finder.close()
    line_starts = [0] + [m.end() for m in re.finditer("\n", body)]
    pieces, done = [], 0
    for (line, column), tag, text in finder.tags:
        start = line_starts[line - 1] + column
        if body.startswith(text, start):
            pieces += [body[done:start], _rewrite_tag(tag, text, base_url)]
            done = start + len(text)
    return "".join(pieces) + body[done:]


class _StartTagFinder(HTMLParser):
    """Collects the position and raw text of every start tag that can carry a URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[tuple[int, int], str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text()
        if tag in URL_ATTRIBUTES and text:
            self.tags.append((self.getpos(), tag, text))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _rewrite_tag(tag: str, text: str, base_url: str) -> str:
    names = URL_ATTRIBUTES[tag]

    def rewrite(match: re.Match[str]) -> str:
        name = match["name"].lower()
        if name not in names:
            return match.group()
        quoted = match["value"]
        raw = html.unescape(quoted[1:-1] if quoted[0] in "\"'" else quoted)
        value = _join_srcset(raw, base_url) if name == "srcset" else _join(raw, base_url)
        if value == raw:
            return match.group()
        return f'{match["name"]}{match["eq"]}"{html.escape(value, quote=True)}"'

    head = len(tag) + 1  # "<tag": never an attribute
    return text[:head] + _ATTRIBUTE.sub(rewrite, text[head:])


def _join(url: str, base_url: str) -> str:
    stripped = url.strip()
    if not stripped:
        return url
    return urljoin(base_url, stripped)


def _join_srcset(srcset: str, base_url: str) -> str:
    candidates = []
    for candidate in srcset.split(","):
        parts = candidate.split()
        if parts:
            parts[0] = _join(parts[0], base_url)
        candidates.append(" ".join(parts))
    return ", ".join(candidates)


def subscribe_title(site: Site) -> str:
    """The title of the feeds' link to the subscribe page, in the site's language
    (`Abonnieren`, `Subscribe`)."""
    return translation(language_of_tag(site.language)).gettext("Subscribe")
