"""What search engines read, from the same records as the feeds: `sitemap.xml` (every page a
reader can reach: the index, the article pages, `tags/` and the tag pages), `news-sitemap.xml`
(Google News: the articles of the last two days) and `robots.txt` (naming both sitemaps).

A site with more pages than one sitemap may hold (50,000 URLs, 50 MB) gets a sitemap index
instead: `sitemap.xml` names the parts `sitemap/1.xml`, `sitemap/2.xml`, ..., which hold the
article pages in publication order from the oldest, so that a new article changes only the
newest part (and the index).

The sitemaps follow the sitemaps.org protocol and Google's news extension; dates are W3C
date-times with the offset, as in the feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
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
SITEMAP_DIR = "sitemap/"
"""Where the parts of a sitemap index live: `sitemap/1.xml`, `sitemap/2.xml`, ... (the oldest
articles first); `sitemap` is a reserved name (model.RESERVED_NAMES)."""
SITEMAP_URLS = 50_000
"""sitemaps.org: at most this many URLs in one sitemap (a site with more gets an index)..."""
SITEMAP_BYTES = 50 * 1024 * 1024
"""... and at most this many bytes (uncompressed)."""
LONGEST_PATH = 506
"""No listed page's path is longer: an article's is its slug (at most 200 characters) and a
slash; a tag page's is `tags/`, the tag's slug and a slash, and a tag of at most 100 characters
has a slug of at most 500 (no character folds to more than five ASCII letters: `㎯` -> `rads2`).
The content reader's limits, written out here so that rendering does not import the reader."""
URL_LINE = len("<url><loc></loc><lastmod>1900-01-01T00:00:00+00:00</lastmod></url>\n")
"""The bytes of one sitemap line besides its URL (years have four digits, offsets whole minutes)."""


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
    yield from tag_pages(tags)


def tag_pages(tags: Sequence[Tag]) -> Iterator[tuple[str, datetime]]:
    """(path, last modified) of `tags/` and each tag page; none without tags."""
    if tags:
        yield TAGS_DIR, max(article.modified for tag in tags for article in tag.articles)
        for tag in tags:
            yield tag.path, max(article.modified for article in tag.articles)


def part_size(site: Site) -> int:
    """How many URLs one sitemap of `site` holds: SITEMAP_URLS, or fewer when that many of the
    longest possible lines would not fit SITEMAP_BYTES (only with a base URL of hundreds of
    characters). It depends on the site only, so the parts' boundaries stay where they are."""
    longest = URL_LINE + len(escape(site.base_url)) + LONGEST_PATH
    return max(1, min(SITEMAP_URLS, (SITEMAP_BYTES - 200) // longest))  # 200: head and tail


def render_sitemap(
    site: Site, ordered: Sequence[ArticleRecord], tags: Sequence[Tag]
) -> Iterator[bytes]:
    """`sitemap.xml` of a site that fits one sitemap, in pieces (a line per page)."""
    return render_urlset(site, sitemap_pages(ordered, tags))


def render_urlset(site: Site, pages: Iterable[tuple[str, datetime | None]]) -> Iterator[bytes]:
    """A `<urlset>` of `pages` (path, last modified), in pieces (a line per page)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, modified in pages:
        lastmod = "" if modified is None else f"<lastmod>{w3c(modified)}</lastmod>"
        lines.append(f"<url><loc>{escape(site.url(path))}</loc>{lastmod}</url>")
        if len(lines) >= SITEMAP_LINES:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines.clear()
    lines.append("</urlset>")
    yield ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_parts(
    ordered: Sequence[ArticleRecord], tags: Sequence[Tag], size: int
) -> list[list[tuple[str, datetime | None]]]:
    """The pages of a sitemap index's parts, `size` to a part: the article pages from the
    oldest, then the index, `tags/` and the tag pages.

    Counting from the oldest article keeps every full part as it is when an article is
    published; only the newest part gains it. The index, `tags/` and the tag pages come last,
    in the newest part (and the next ones, when they do not fit): their `lastmod` moves
    with every new article, which changes the newest part anyway, so they cost no extra file
    (a part of their own would be rendered again at every publication as well)."""
    pages: list[tuple[str, datetime | None]] = [
        (article.path, article.modified) for article in reversed(ordered)
    ]
    pages.append(("", max((article.modified for article in ordered), default=None)))
    pages += tag_pages(tags)
    return [pages[start : start + size] for start in range(0, len(pages), size)]


def render_sitemap_index(site: Site, parts: Sequence[tuple[str, datetime | None]]) -> bytes:
    """`sitemap.xml` as a `<sitemapindex>`: each part (path, newest lastmod inside it)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for path, modified in parts:
        lastmod = "" if modified is None else f"<lastmod>{w3c(modified)}</lastmod>"
        lines.append(f"<sitemap><loc>{escape(site.url(path))}</loc>{lastmod}</sitemap>")
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode("utf-8")


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
    news = [(article.path, article.title, w3c(article.published)) for article in entries]
    newest = ordered[0].path if ordered else ""
    return {
        **plan_sitemap(site, ordered, tags, key),
        NEWS_SITEMAP: (
            key("news-sitemap", news, newest),
            simple(partial(render_news_sitemap, site, ordered, entries)),
        ),
        ROBOTS: (key("robots"), simple(partial(render_robots, site))),
    }


def shown(pages: Iterable[tuple[str, datetime | None]]) -> list[tuple[str, str | None]]:
    """What a sitemap shows of `pages`: each path and lastmod as written (its output key)."""
    return [(path, None if modified is None else w3c(modified)) for path, modified in pages]


def plan_sitemap(
    site: Site, ordered: Sequence[ArticleRecord], tags: Sequence[Tag], key: Callable[..., str]
) -> dict[str, tuple[str, Renderer]]:
    """`sitemap.xml` when every page fits one sitemap; else `sitemap.xml` as the index of the
    parts below SITEMAP_DIR. Each part is keyed by its own pages, so a new article renders
    only the parts it changes (the newest) and the index."""
    size = part_size(site)
    if len(ordered) + 1 + (len(tags) + 1 if tags else 0) <= size:
        return {
            SITEMAP: (
                key("sitemap", shown(sitemap_pages(ordered, tags))),
                simple(partial(render_sitemap, site, ordered, tags)),
            )
        }
    outputs: dict[str, tuple[str, Renderer]] = {}
    index: list[tuple[str, datetime | None]] = []
    for number, part in enumerate(sitemap_parts(ordered, tags, size), start=1):
        name = f"{SITEMAP_DIR}{number}.xml"
        outputs[name] = (
            key("sitemap-part", shown(part)),
            simple(partial(render_urlset, site, part)),
        )
        index.append((name, max((m for _, m in part if m is not None), default=None)))
    outputs[SITEMAP] = (
        key("sitemap-index", shown(index)),
        simple(partial(render_sitemap_index, site, index)),
    )
    return outputs
