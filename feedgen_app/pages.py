"""Site + article records -> HTML pages (Jinja2, autoescaped), the subscribe page and the
embed kit. Pages that list articles need only their records; an article's own page loads the
article."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import partial
from importlib.resources import files as package_files
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from feedgen_app.content import slugify
from feedgen_app.dates import format_date_de, format_datetime_de
from feedgen_app.feeds import SUBSCRIBE_PAGE, media_url
from feedgen_app.model import TAGS_DIR, Article, ArticleRecord, Site, Tag
from feedgen_app.render import Loader, Renderer, simple

EMBED_PAGE = "embed.html"
"""The no-JavaScript headline list for an `<iframe>`."""
EMBED_SCRIPT = "embed.js"
"""The widget script other sites include; its URL is public and never moves."""
EMBED_LIMIT = 5
"""Headlines on the iframe page (the script's default too)."""
STATIC_FILES = {"static/style.css": "style.css", "static/abonnieren.js": "abonnieren.js",
                EMBED_SCRIPT: "embed.js"}
"""Output path -> file in feedgen_app/static/, copied as they are."""
FEED_READERS = (
    ("Feedly", "https://feedly.com/i/subscription/feed/{url}"),
    ("Inoreader", "https://www.inoreader.com/?add_feed={url}"),
    ("NewsBlur", "https://www.newsblur.com/?url={url}"),
    ("The Old Reader", "https://theoldreader.com/feeds/subscribe?url={url}"),
)
"""Web feed readers that subscribe from a link; `{url}` is the percent-encoded feed URL."""
KeyFunction = Callable[..., str]
"""Makes an output's key from its inputs (`build.OutputKeys.key`)."""
PlannedPages = dict[str, tuple[str, Renderer]]
STREAM_PIECES = 2000
"""A streamed page is written in pieces of this many template fragments."""

_ENV = Environment(
    loader=PackageLoader("feedgen_app", "templates"),
    # Templates are compiled once per process; `serve` makes its own environment that reloads.
    auto_reload=False,
    cache_size=-1,
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["date_de"] = format_date_de
_ENV.filters["datetime_de"] = format_datetime_de
_ENV.filters["tag_path"] = lambda name: f"{TAGS_DIR}{slugify(name)}/"
_ENV.globals["media_url"] = media_url


def forget_templates() -> None:
    """Compile the templates again on next use (`serve`, after a template was edited)."""
    _ENV.cache.clear()  # type: ignore[union-attr]


def page_lang(site: Site) -> str:
    """The `<html lang>` of the site's pages: the primary subtag, e.g. `de`."""
    return site.language.split("-")[0]


def content_security_policy(site: Site) -> str:
    """The pages' CSP: scripts and styles only from files of the site, never inline."""
    parts = urlsplit(site.base_url)
    own = f"'self' {parts.scheme}://{parts.netloc}"
    return "; ".join((
        f"default-src {own}",
        f"script-src {own}",
        f"style-src {own}",
        f"img-src {own} https: data:",
        f"media-src {own} https:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ))


def format_when_de(value: datetime, site: Site) -> str:
    """`8. Oktober 2025, 06:30 Uhr` in the site's timezone; just the day when the time is 00:00.

    A date given without a time means 00:00, so a page would otherwise claim "00:00 Uhr".
    """
    local = value.astimezone(site.tz)
    if (local.hour, local.minute) == (0, 0):
        return format_date_de(local)
    return format_datetime_de(local)


def reading_minutes(article: Article | ArticleRecord) -> int:
    """The article's reading time in minutes (the templates' `minutes(article)`)."""
    return article.minutes


def page_context(site: Site, context: dict[str, Any]) -> dict[str, Any]:
    """What every page needs (site, lang, CSP, helpers) plus `context`."""
    return dict(site=site, lang=page_lang(site), csp=content_security_policy(site),
                subscribe_url=site.url(SUBSCRIBE_PAGE),
                when=lambda value: format_when_de(value, site),
                minutes=reading_minutes, **context)


def render_page(template: str, site: Site, **context: Any) -> bytes:
    """Render one template with what every page needs (site, lang, CSP, helpers)."""
    return _ENV.get_template(template).render(page_context(site, context)).encode("utf-8")


def stream_page(template: str, site: Site, **context: Any) -> Iterator[bytes]:
    """`render_page` in pieces, for pages that list every article (bounded memory)."""
    pieces: list[str] = []
    for piece in _ENV.get_template(template).generate(page_context(site, context)):
        pieces.append(piece)
        if len(pieces) >= STREAM_PIECES:
            yield "".join(pieces).encode("utf-8")
            pieces.clear()
    yield "".join(pieces).encode("utf-8")


def render_index(site: Site, articles: Sequence[ArticleRecord]) -> Iterator[bytes]:
    """The article list, newest first, with autodiscovery links to the three feeds."""
    return stream_page("index.html", site, articles=articles)


def render_article(site: Site, article: Article, *, older: ArticleRecord | None = None,
                   newer: ArticleRecord | None = None) -> bytes:
    """One article's page, the target of its feed entries' links, with links to its neighbours."""
    return render_page("article.html", site, article=article, older=older, newer=newer)


def article_renderer(site: Site, record: ArticleRecord, load: Loader,
                     older: ArticleRecord | None, newer: ArticleRecord | None) -> Renderer:
    """Render one article's page, loading the article when it runs."""
    return Renderer(partial(_draw_article, site, older, newer), (record,), load)


def _draw_article(site: Site, older: ArticleRecord | None, newer: ArticleRecord | None,
                  articles: list[Article]) -> bytes:
    return render_article(site, articles[0], older=older, newer=newer)


def plan_articles(site: Site, ordered: Sequence[ArticleRecord], load: Loader,
                  key: KeyFunction = lambda *_, **__: "") -> PlannedPages:
    """Every article page, unrendered, keyed by its article and its neighbours' links."""
    pages: PlannedPages = {}
    for index, article in enumerate(ordered):
        older = ordered[index + 1] if index + 1 < len(ordered) else None
        newer = ordered[index - 1] if index > 0 else None
        pages[f"{article.path}index.html"] = (
            key("article", neighbour(older), neighbour(newer), articles=(article,)),
            article_renderer(site, article, load, older, newer))
    return pages


def teaser(article: ArticleRecord) -> tuple[object, ...]:
    """What the index shows of an article (everything `index.html`, `_tags.html` and
    `_draft.html` read)."""
    return (article.path, article.title, article.published, article.lang, article.summary,
            article.tags, article.minutes, article.draft)


def neighbour(article: ArticleRecord | None) -> tuple[str, str] | None:
    """What an article page shows of a neighbour: its path and title."""
    return None if article is None else (article.path, article.title)


def render_subscribe(site: Site) -> bytes:
    """The subscribe page: feed URLs with copy buttons, what a feed is, reader links, embedding."""
    feeds = [("atom", "Atom", site.url("atom.xml")), ("rss", "RSS", site.url("rss.xml")),
             ("json", "JSON Feed", site.url("feed.json"))]
    readers = [(name, pattern.format(url=quote(site.url("atom.xml"), safe="")))
               for name, pattern in FEED_READERS]
    return render_page("abonnieren.html", site, feeds=feeds, readers=readers,
                       embed_script=site.url(EMBED_SCRIPT), embed_page=site.url(EMBED_PAGE))


def render_embed(site: Site, ordered: Sequence[ArticleRecord]) -> bytes:
    """The newest EMBED_LIMIT headlines as a small page for an `<iframe>`, no JavaScript."""
    return render_page("embed.html", site, articles=ordered[:EMBED_LIMIT])


def read_static_files() -> dict[str, bytes]:
    """The stylesheet and scripts shipped in feedgen_app/static/, by output path."""
    static = package_files("feedgen_app").joinpath("static")
    return {path: static.joinpath(name).read_bytes() for path, name in STATIC_FILES.items()}


def plan_pages(site: Site, ordered: Sequence[ArticleRecord], load: Loader,
               key: KeyFunction = lambda *_, **__: "") -> PlannedPages:
    """The site around the feeds, unrendered and keyed (see `build.plan_outputs`): index,
    article pages, subscribe page, embed kit, assets."""
    static = read_static_files()
    return {
        "index.html": (key("index", [teaser(article) for article in ordered]),
                       simple(partial(render_index, site, ordered))),
        **plan_articles(site, ordered, load, key),
        SUBSCRIBE_PAGE: (key("subscribe"), simple(partial(render_subscribe, site))),
        EMBED_PAGE: (key("embed", articles=ordered[:EMBED_LIMIT]),
                     simple(partial(render_embed, site, ordered))),
        **{path: (key("static", path, hashlib.sha256(data).hexdigest()),
                  simple(partial(bytes, data))) for path, data in static.items()},
    }


def render_tag_page(site: Site, tag: Tag) -> Iterator[bytes]:
    """A tag's page under `tags/<tag-slug>/`: its articles, newest first, and its feeds."""
    return stream_page("tag.html", site, tag=tag, articles=tag.articles)


def render_tag_index(site: Site, tags: Sequence[Tag]) -> bytes:
    """`tags/`: every tag with its number of articles, linking the tag pages."""
    return render_page("tags.html", site, tags=tags)
