"""The typed, frozen data the pipeline passes along: Site, Author, Article, the compact
ArticleRecord and Tag, and the slugs that name them in URLs. No I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
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


class _Dated:
    """What an Article and its ArticleRecord both derive from their fields: where the article's
    page is, and when the entry last changed."""

    __slots__ = ()
    slug: str
    published: datetime
    updated: datetime | None

    @property
    def path(self) -> str:
        """The article page's path below the site root, e.g. `amazon/`."""
        return f"{self.slug}/"

    @property
    def modified(self) -> datetime:
        """When the entry last changed: `updated` if given, else `published`."""
        return self.updated or self.published


@dataclass(frozen=True)
class Article(_Dated):
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
    image_alt: str | None = None
    """The lead image's alt text (None: a decorative image, `alt=""`)."""
    image_type: str | None = None
    image_length: int | None = None
    correction: str | None = None
    """A correction note (plain text), shown on the page and at the top of the feed content."""
    body_files: tuple[str, ...] = field(default=())
    """Files of the content folder that the body links to or shows (paths below content/):
    the article is read again on every build, since they may have moved or changed."""

    @property
    def minutes(self) -> int:
        """Minutes to read the article (the "3 Min. Lesezeit" note)."""
        return reading_minutes(self.content_html)


WORDS_PER_MINUTE = 200
"""Reading speed for the "3 Min. Lesezeit" note."""
_TAG = re.compile(r"<[^>]*>")


def reading_minutes(html: str) -> int:
    """Minutes to read an HTML fragment's text at WORDS_PER_MINUTE, at least 1."""
    return max(1, round(len(_TAG.sub(" ", html).split()) / WORDS_PER_MINUTE))


@dataclass(frozen=True, slots=True)
class ArticleRecord(_Dated):
    """What the site-wide outputs need of one article, without its body: a few hundred bytes.

    The index, the tag pages, the neighbour links, the embed kit, the output keys and the
    feeds' entry lists are built from records; an article's HTML is loaded only to write its
    own page and the feed documents that carry it. `digest` is the SHA-256 of the whole
    Article: equal digests mean equal articles.
    """

    source: str
    slug: str
    title: str
    published: datetime
    updated: datetime | None
    tags: tuple[str, ...]
    lang: str | None
    summary: str
    entry_id: str
    draft: bool
    minutes: int
    digest: str

    def __reduce__(self) -> tuple[Callable[..., ArticleRecord], tuple[object, ...]]:
        """Pickled (for a worker) with its text as UTF-8 bytes. Pickling a str that is not
        ASCII leaves a UTF-8 copy of it cached in the str, in the process that pickles, for
        as long as the str lives: the records of a build handed to its workers would hold
        their titles and summaries twice (some 50 MB at 100,000 articles)."""
        return _unpickle_record, tuple(
            _text_out(getattr(self, name)) for name in ArticleRecord.__slots__
        )


def _text_out(value: object) -> object:
    if type(value) is str:
        return value.encode("utf-8", "surrogatepass")  # str.encode caches nothing
    if type(value) is tuple:
        return tuple(map(_text_out, value))
    return value


def _text_in(value: object) -> object:
    if type(value) is bytes:
        return value.decode("utf-8", "surrogatepass")
    if type(value) is tuple:
        return tuple(map(_text_in, value))
    return value


def _unpickle_record(*values: object) -> ArticleRecord:
    return ArticleRecord(*map(_text_in, values))  # type: ignore[arg-type]


def make_record(article: Article, digest: str) -> ArticleRecord:
    """The compact record of `article`, whose full form has the SHA-256 `digest`."""
    return ArticleRecord(
        source=article.source,
        slug=article.slug,
        title=article.title,
        published=article.published,
        updated=article.updated,
        tags=article.tags,
        lang=article.lang,
        summary=article.summary,
        entry_id=article.entry_id,
        draft=article.draft,
        minutes=article.minutes,
        digest=digest,
    )


A = TypeVar("A", "Article", "ArticleRecord")

TAGS_DIR = "tags/"
"""Where the tag pages and tag feeds live: `tags/<tag-slug>/`."""

RESERVED_NAMES: tuple[str, ...] = (
    "archive",
    "static",
    "tags",
    "404",
    "sitemap",
    "404.html",
    "index.html",
    "abonnieren.html",
    "embed.html",
    "embed.js",
    "atom.xml",
    "rss.xml",
    "feed.json",
    "robots.txt",
    "sitemap.xml",
    "news-sitemap.xml",
    "site-hash.txt",
)
"""Names at the site's root that the site generates (or will): no article slug may take one,
or the generated file or folder would silently replace the article's page. A module that
adds a root output adds its name here."""


@dataclass(frozen=True)
class Tag:
    """One tag: its URL slug, the name shown, and its articles (newest first)."""

    slug: str
    name: str
    articles: tuple[ArticleRecord, ...]

    @property
    def path(self) -> str:
        """The tag's folder below the site root, e.g. `tags/wirtschaft/`."""
        return f"{TAGS_DIR}{self.slug}/"


_TRANSLIT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)


def slugify(text: str) -> str:
    """`Grüße aus München` -> `gruesse-aus-muenchen`: transliterate, fold to ASCII, hyphenate.
    Article slugs (from file names) and tag slugs (`tags/<tag-slug>/`) are made this way."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).translate(_TRANSLIT))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def sort_articles(articles: Iterable[A]) -> tuple[A, ...]:
    """Newest first by publication date; ties broken by slug (ascending). Articles or
    records."""
    by_slug = sorted(articles, key=lambda a: a.slug)
    return tuple(sorted(by_slug, key=lambda a: a.published, reverse=True))
