"""A Markdown body -> HTML: GitHub Flavored Markdown (tables, strikethrough, autolinks,
footnotes), with the body's relative links and images resolved against the article's folder.

A relative URL in the body names a file of the content folder, as `image:` does: in
`content/2025/meldung.md`, `grafik.png` is `content/2025/grafik.png`, published at
`<base_url>2025/grafik.png`. It is rewritten to the site-root-relative URL of that file
(`/<base path>2025/grafik.png`), which the article page and the feeds (`links.absolutize_urls`,
against the article's URL) both resolve to the published file. A link to another article file
(`other.md`) becomes that article's page URL. A relative URL that names no file, leaves the
content folder or names a hidden file is an error naming the file and the line of the link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from feedgen_app.i18n import _, os_reason

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

TABLE_ALIGN_CLASSES = {"left": "align-left", "center": "align-center", "right": "align-right"}
"""A table column's alignment -> the class its cells get. Not a `style` attribute: the pages'
Content-Security-Policy ignores inline styles, and the sanitizer drops them."""


def scheme_linkify() -> Any:
    """linkify-it with a cheap look first: with bare domains off, every link it can find has a
    `:` (`https:`, `mailto:`) or an `@` (an e-mail address), and most text has neither; its
    full regular expression costs about a millisecond an article otherwise."""
    from linkify_it import LinkifyIt

    class SchemeLinkify(LinkifyIt):  # type: ignore[misc]
        def test(self, text: str) -> bool:
            if ":" not in text and "@" not in text:
                return False
            return bool(super().test(text))

    return SchemeLinkify()


def make_markdown() -> MarkdownIt:
    """CommonMark plus the GitHub Flavored Markdown extensions: tables, strikethrough,
    autolinks and footnotes (`[^1]`).

    Autolinks are URLs with `http://`, `https://` or `mailto:` and e-mail addresses; a bare
    domain (`Amazon.com`, `www.example.org`) stays text, so company names and abbreviations in
    news text do not turn into links.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    # no `ftp://` (the sanitizer drops it) and no `//host` links
    md.linkify = scheme_linkify().set({"fuzzy_link": False}).add("ftp:", None).add("//", None)
    footnote_plugin(md, inline=False)  # GFM has `[^1]` footnotes, not Pandoc's `^[inline]`
    return md


@cache
def markdown() -> MarkdownIt:
    """The one Markdown parser, made on first use (the command line starts without it)."""
    return make_markdown()


@dataclass(frozen=True)
class Body:
    """A rendered Markdown body: its HTML (not yet sanitized) and the content files it
    links to or shows (paths below the content folder, in order of first use)."""

    html: str
    files: tuple[str, ...]


PageOf = Callable[[Path], str | None]
"""An article file -> its page's path below the site root (`slug/`); None for other files."""


def render_body(
    text: str, path: Path, first_line: int, content_dir: Path, site_path: str, page_of: PageOf
) -> tuple[Body, list[str]]:
    """Render the Markdown `text` of `path` (its first line is line `first_line` of the file,
    counted from 1).

    Relative link and image URLs are resolved against `path`'s folder (see the module
    docstring); `site_path` is the path of the site root (`/nachrichten/`). Returns the body
    and one `FILE:LINE: message` per broken link.
    """
    env: dict[str, object] = {}
    md = markdown()
    tokens = md.parse(text, env)
    align_table_cells(tokens)
    resolver = _Resolver(path, content_dir, site_path, page_of)
    for token, line in _links(tokens):
        resolver.rewrite(token, first_line + line)
    html = md.renderer.render(tokens, md.options, env)
    return Body(html=html, files=tuple(dict.fromkeys(resolver.files))), resolver.problems


def align_table_cells(tokens: Iterable[Token]) -> None:
    """`style="text-align:right"` on table cells -> `class="align-right"`."""
    for token in tokens:
        if token.type not in ("th_open", "td_open"):
            continue
        style = str(token.attrs.pop("style", ""))
        align = style.removeprefix("text-align:")
        if align in TABLE_ALIGN_CLASSES:
            token.attrSet("class", TABLE_ALIGN_CLASSES[align])


def _links(tokens: Sequence[Token]) -> Iterable[tuple[Token, int]]:
    """Every link and image token with its 0-based line in the text."""
    for block in tokens:
        if block.type != "inline" or not block.children or block.map is None:
            continue
        line = block.map[0]
        for token in block.children:
            if token.type in ("link_open", "image"):
                yield token, line
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type in ("html_inline", "text"):
                line += token.content.count("\n")


class _Resolver:
    """Rewrites the relative URLs of one article's body; collects the files and problems."""

    def __init__(self, path: Path, content_dir: Path, site_path: str, page_of: PageOf) -> None:
        self.path = path
        self.content_dir = content_dir
        self.content_root = content_dir.resolve()
        self.site_path = site_path
        self.page_of = page_of
        self.files: list[str] = []
        self.problems: list[str] = []

    def rewrite(self, token: Token, line: int) -> None:
        name = "src" if token.type == "image" else "href"
        url = str(token.attrGet(name) or "")
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. an unclosed `[` in the host: not a file path either
            return
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return  # a URL (https:, mailto:), `//host`, a fragment or query alone, a site path
        problem, resolved = self.resolve(unquote(parts.path), token.type == "image")
        if problem:
            message = (
                _("{path}:{line}: image {url!r} {problem}")
                if token.type == "image"
                else _("{path}:{line}: link {url!r} {problem}")
            )
            self.problems.append(
                message.format(path=self.path, line=line, url=unquote(url), problem=problem)
            )
            return
        token.attrSet(name, urlunsplit(("", "", resolved, parts.query, parts.fragment)))

    def resolve(self, relative: str, image: bool) -> tuple[str, str]:
        """(problem, "") or ("", the URL path of the file `relative` names)."""
        if "\x00" in relative:  # `%00`: no file has that name
            return _("not found: a file name cannot contain a NUL character (%00)"), ""
        file = self.path.parent / relative
        try:
            below = file.resolve().relative_to(self.content_root)
            kind = "file" if file.is_file() else "folder" if file.is_dir() else None
        except ValueError:
            return (
                _(
                    "leaves the content folder {content_dir}; name a file inside "
                    "it (relative to the article's folder), or give a full URL (https://…)"
                ).format(content_dir=self.content_dir)
            ), ""
        except OSError as exc:
            return _("cannot be read: {strerror}").format(strerror=os_reason(exc)), ""
        if any(part.startswith(".") for part in below.parts):
            return _("names a hidden file (a name starting with `.`), which is not published"), ""
        if kind == "folder":
            return (
                _("is a folder; name a file in it, or an article file (meldung.md) for its page")
            ), ""
        if kind is None:
            return (
                _(
                    "not found: expected the file {file} (links and images in the "
                    "text are relative to the article's folder {parent})"
                ).format(file=file, parent=self.path.parent)
            ), ""
        page = self.page_of(file)
        if page is not None and image:
            return _("is an article, not an image file"), ""
        self.files.append(below.as_posix())
        return "", self.site_path + quote(page if page is not None else below.as_posix())
