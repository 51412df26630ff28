"""The typed, frozen data the pipeline passes along: Site, Author, Article. No I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Author:
    """A person credited for an article or the whole site."""

    name: str
    email: str | None = None


@dataclass(frozen=True)
class Site:
    """The site configuration, read from feed.yaml and validated."""

    title: str
    base_url: str
    author: Author
    id_authority: str
    subtitle: str = ""
    language: str = "de-DE"
    timezone: str = "Europe/Berlin"
    feed_limit: int = 50
    hubs: tuple[str, ...] = field(default=())
    """WebSub hub URLs: announced in every subscription feed and notified by `ping`."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def url(self, path: str = "") -> str:
        """The absolute URL of `path`, relative to the published root."""
        return self.base_url + path.lstrip("/")


@dataclass(frozen=True)
class Article:
    """One dated article, read and validated; the unit every builder consumes."""

    source: str
    slug: str
    title: str
    published: datetime
    author: Author
    summary: str
    content_html: str
    entry_id: str
    updated: datetime | None = None
    tags: tuple[str, ...] = field(default=())
    lang: str | None = None
    draft: bool = False
    image: str | None = None
    """The lead image's path below the site root (media files keep their content/ path)."""
    image_type: str | None = None
    image_length: int | None = None
    correction: str | None = None
    """A correction note (plain text), shown on the page and at the top of the feed content."""

    @property
    def path(self) -> str:
        """The article page's path below the site root, e.g. `amazon/`."""
        return f"{self.slug}/"

    @property
    def modified(self) -> datetime:
        """When the entry last changed: `updated` if given, else `published`."""
        return self.updated or self.published


TAGS_DIR = "tags/"
"""Where the tag pages and tag feeds live: `tags/<tag-slug>/`."""

RESERVED_NAMES: tuple[str, ...] = (
    "archive", "static", "tags", "404", "sitemap",
    "404.html", "index.html", "abonnieren.html", "embed.html", "embed.js", "atom.xml",
    "rss.xml", "feed.json", "robots.txt", "sitemap.xml", "news-sitemap.xml", "site-hash.txt",
)
"""Names at the site's root that the site generates (or will): no article slug may take one,
or the generated file or folder would silently replace the article's page. A module that
adds a root output adds its name here."""


@dataclass(frozen=True)
class Tag:
    """One tag: its URL slug, the name shown, and its articles (newest first)."""

    slug: str
    name: str
    articles: tuple[Article, ...]

    @property
    def path(self) -> str:
        """The tag's folder below the site root, e.g. `tags/wirtschaft/`."""
        return f"{TAGS_DIR}{self.slug}/"


def sort_articles(articles: tuple[Article, ...] | list[Article]) -> tuple[Article, ...]:
    """Newest first by publication date; ties broken by slug (ascending)."""
    by_slug = sorted(articles, key=lambda a: a.slug)
    return tuple(sorted(by_slug, key=lambda a: a.published, reverse=True))


@dataclass(frozen=True)
class KnownOutput:
    """An output file whose bytes are known by their SHA-256 (equal to a file of the current
    site) and are rendered only when that file cannot be reused."""

    digest: str
    render: Callable[[], bytes]
