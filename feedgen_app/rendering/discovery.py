"""What search engines read, from the same records as the feeds: `sitemap.xml` (every page a
reader can reach: the index, the article pages, `tags/` and the tag pages), `news-sitemap.xml`
(Google News: the articles of the last two days) and `robots.txt` (naming both sitemaps).

The sitemaps follow the sitemaps.org protocol and Google's news extension; dates are W3C
date-times with the offset, as in the feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial
from xml.sax.saxutils import escape

from feedgen_app.model import TAGS_DIR, ArticleRecord, Site, Tag
from feedgen_app.rendering.render import Renderer, simple

SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "news-sitemap.xml"
ROBOTS = "robots.txt"
SITEMAPS = (SITEMAP, NEWS_SITEMAP)
"""XML outputs that are not feeds: the build checks them for well-formedness only."""
NEWS_WINDOW = timedelta(days=2)
"""Google News wants the articles published in the last two days, ..."""
NEWS_LIMIT = 1000
"""... at most 1,000 of them in one news sitemap."""
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_LINES = 2000
"""The sitemap is written in pieces of this many `<url>` lines."""


def w3c(value: datetime) -> str:
    """A W3C date-time with its offset, to the second: `2025-10-08T06:30:00+02:00`."""
    return value.isoformat(timespec="seconds")


def news_entries(
    ordered: Sequence[ArticleRecord], now: datetime | None
) -> tuple[ArticleRecord, ...]:
    """The published articles (newest first) of the last NEWS_WINDOW before `now`, at most
    NEWS_LIMIT; none without a `now`."""
    if now is None:
        return ()
    since = now - NEWS_WINDOW
    recent = []
    for article in ordered:
        if article.published <= since:
            break
        if article.published <= now:
            recent.append(article)
            if len(recent) == NEWS_LIMIT:
                break
    return tuple(recent)


def news_expiry(ordered: Sequence[ArticleRecord], now: datetime) -> datetime | None:
    """When the news sitemap of a build at `now` next changes without any new article: the
    moment its oldest entry leaves the window (None when it lists none)."""
    entries = news_entries(ordered, now)
    return entries[-1].published + NEWS_WINDOW if entries else None


def news_language(site: Site) -> str:
    """`news:language`: ISO 639 (`de` from `de-DE`); Chinese keeps its script (`zh-cn`)."""
    language = site.language.lower()
    return language if language in ("zh-cn", "zh-tw") else language.split("-")[0]


def sitemap_pages(
    ordered: Sequence[ArticleRecord], tags: Sequence[Tag]
) -> Iterator[tuple[str, datetime | None]]:
    """(path, last modified) of every page the sitemap lists: the index (changed when its
    newest entry changed), each article, `tags/` and each tag page."""
    yield "", max((article.modified for article in ordered), default=None)
    for article in ordered:
        yield article.path, article.modified
    if tags:
        yield TAGS_DIR, max(article.modified for tag in tags for article in tag.articles)
        for tag in tags:
            yield tag.path, max(article.modified for article in tag.articles)


def render_sitemap(
    site: Site, ordered: Sequence[ArticleRecord], tags: Sequence[Tag]
) -> Iterator[bytes]:
    """`sitemap.xml`, in pieces (a line per page)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, modified in sitemap_pages(ordered, tags):
        lastmod = "" if modified is None else f"<lastmod>{w3c(modified)}</lastmod>"
        lines.append(f"<url><loc>{escape(site.url(path))}</loc>{lastmod}</url>")
        if len(lines) >= SITEMAP_LINES:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines.clear()
    lines.append("</urlset>")
    yield ("\n".join(lines) + "\n").encode("utf-8")


def render_news_sitemap(
    site: Site, ordered: Sequence[ArticleRecord], entries: Sequence[ArticleRecord]
) -> bytes:
    """`news-sitemap.xml`: each of `entries` with its news metadata.

    Without entries it lists the newest article without news metadata (Google: an article
    older than two days is removed, or keeps its URL without `<news:news>`), or the index
    when there is no article: the sitemaps.org schema requires at least one `<url>`, and the
    file stays at its address for search engines that were given it.
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">',
    ]
    name, language = escape(site.title), escape(news_language(site))
    for article in entries:
        lines += [
            f"<url><loc>{escape(site.url(article.path))}</loc>",
            "<news:news>",
            f"<news:publication><news:name>{name}</news:name>"
            f"<news:language>{language}</news:language></news:publication>",
            f"<news:publication_date>{w3c(article.published)}</news:publication_date>",
            f"<news:title>{escape(article.title)}</news:title>",
            "</news:news></url>",
        ]
    if not entries:
        path = ordered[0].path if ordered else ""
        lines.append(f"<url><loc>{escape(site.url(path))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_robots(site: Site) -> bytes:
    """`robots.txt`: everything may be crawled; the sitemaps' absolute URLs."""
    return (
        "# Written by feedgen-app; a robots.txt in the site's static/ folder replaces it.\n"
        "# Crawlers read robots.txt only at the root of a host (https://example.org/robots.txt).\n"
        "User-agent: *\n"
        "Disallow:\n"
        "\n"
        f"Sitemap: {site.url(SITEMAP)}\n"
        f"Sitemap: {site.url(NEWS_SITEMAP)}\n"
    ).encode()


def plan_discovery(
    site: Site,
    ordered: Sequence[ArticleRecord],
    tags: Sequence[Tag],
    now: datetime | None,
    key: Callable[..., str],
) -> dict[str, tuple[str, Renderer]]:
    """The sitemaps and robots.txt, unrendered and keyed (`key`: `plan.OutputKeys.key`).
    The news sitemap's key holds the entries that `now` selects: it changes as they age."""
    entries = news_entries(ordered, now)
    pages = [
        (path, None if modified is None else w3c(modified))
        for path, modified in sitemap_pages(ordered, tags)
    ]
    news = [(article.path, article.title, w3c(article.published)) for article in entries]
    newest = ordered[0].path if ordered else ""
    return {
        SITEMAP: (key("sitemap", pages), simple(partial(render_sitemap, site, ordered, tags))),
        NEWS_SITEMAP: (
            key("news-sitemap", news, newest),
            simple(partial(render_news_sitemap, site, ordered, entries)),
        ),
        ROBOTS: (key("robots"), simple(partial(render_robots, site))),
    }
