"""Site + published article records -> the output plan: every generated file of the site as
a keyed renderer, so that a build renders only the files whose inputs changed.

The plan is made from compact records (model.ArticleRecord); a renderer that shows articles'
bodies (an article page, a feed document) loads just those articles when it runs, through the
`load` function it was planned with, so no step holds every article's HTML at once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from feedgen_app.errors import ContentError
from feedgen_app.i18n import _
from feedgen_app.model import (
    TAGS_DIR,
    Article,
    ArticleRecord,
    Site,
    Tag,
    slugify,
    sort_articles,
)
from feedgen_app.rendering.discovery import plan_discovery
from feedgen_app.rendering.feeds import FeedPlace, build_atom, build_json, build_rss, feed_updated
from feedgen_app.rendering.feedwriter import (
    stream_atom,
    stream_json,
    stream_rss,
    write_atom,
    write_json,
    write_rss,
)
from feedgen_app.rendering.pages import (
    TeaserSource,
    plan_pages,
    render_tag_index,
    render_tag_page,
    teaser,
)
from feedgen_app.rendering.render import Loader, Rendered, Renderer, StreamedRenderer, simple

FeedBuilder = Callable[..., bytes]
FEED_FORMATS: tuple[tuple[FeedBuilder, str, str], ...] = (
    (build_atom, "atom.xml", "archive/{month}.xml"),
    (build_rss, "rss.xml", "archive/{month}.rss.xml"),
    (build_json, "feed.json", "archive/{month}.json"),
)
"""Each format's builder, subscription document and monthly archive document (RFC 5005)."""
DIRECT_WRITERS: dict[FeedBuilder, FeedBuilder] = {
    build_atom: write_atom,
    build_rss: write_rss,
    build_json: write_json,
}
"""The same bytes without feedgen's element trees (feedwriter), for the archive and tag
documents, which hold most entries; the subscription feeds stay with feedgen."""
STREAM_WRITERS: dict[FeedBuilder, Callable[..., Iterator[bytes]]] = {
    build_atom: stream_atom,
    build_rss: stream_rss,
    build_json: stream_json,
}
"""The same bytes in pieces, for the monthly archive documents: a month may hold thousands
of articles, and its documents are written a chunk of articles at a time."""

Outputs = dict[str, tuple[str, Renderer]]
"""Output path -> (key: SHA-256 hex over everything its bytes depend on, how to render it)."""


def plan_site(
    site: Site,
    articles: Sequence[Article],
    media: Mapping[str, bytes] | None = None,
    now: datetime | None = None,
) -> dict[str, bytes]:
    """All output files for `articles` (already filtered to what is published) as of `now`,
    rendered in memory, plus the media files from the content folder (output path -> bytes).
    For tests and small sites; `pipeline` streams instead."""
    outputs = plan_outputs(site, records_of(articles), memory_loader(articles), now=now)
    files = {name: join_rendered(render()) for name, (_, render) in outputs.items()}
    return add_media(files, media or {})


def records_of(articles: Iterable[Article]) -> list[ArticleRecord]:
    """Records of in-memory articles (their digest: SHA-256 of their repr)."""
    from feedgen_app.model import make_record

    return [
        make_record(a, hashlib.sha256(repr(a).encode("utf-8", "surrogatepass")).hexdigest())
        for a in articles
    ]


def memory_loader(articles: Iterable[Article]) -> Loader:
    """A loader over articles held in memory."""
    by_source = {a.source: a for a in articles}
    return lambda records: [by_source[r.source] for r in records]


def join_rendered(data: Rendered) -> bytes:
    """A rendered file's bytes, joined if it came in pieces."""
    return data if isinstance(data, bytes) else b"".join(data)


def plan_outputs(
    site: Site,
    records: Sequence[ArticleRecord],
    load: Loader,
    salt: str = "",
    now: datetime | None = None,
    theme: Path | None = None,
    teasers: TeaserSource | None = None,
    keys: OutputKeys | None = None,
) -> Outputs:
    """Every generated output file, not yet rendered, each with its key (`salt` names what
    else they depend on: package code, templates, versions). Equal keys mean equal bytes.

    `now` selects the news sitemap's entries (default: the newest article's date); `theme` is
    the site's template folder, whose content the caller puts into `salt`; `keys` the key
    maker to use (one with that salt), when the caller keys other things alike."""
    ordered = sort_articles(records)
    keys = keys or OutputKeys(site, salt)
    tags = collect_tags(ordered)
    outputs = plan_feeds(site, ordered, load, keys)
    # index, article pages (each links its neighbours), subscribe page, embed kit, 404, assets
    outputs.update(
        plan_pages(
            site,
            ordered,
            load,
            keys.key,
            theme,
            has_tags=bool(tags),
            teasers=teasers,
            shown=keys.shown,
        )
    )
    outputs.update(plan_tags(site, ordered, load, keys, theme, tags, teasers))
    # sitemap.xml, news-sitemap.xml, robots.txt
    if now is None and ordered:
        now = ordered[0].published
    outputs.update(plan_discovery(site, ordered, tags, now, keys.key))
    return outputs


class OutputKeys:
    """Keys of output files: SHA-256 over the salt, the site and the inputs given (articles
    by the digest in their record)."""

    def __init__(self, site: Site, salt: str) -> None:
        self.site = site
        self.salt = salt
        self.base = hashlib.sha256(f"{salt}\0{site!r}\0".encode("utf-8", "surrogatepass"))
        self._shown: dict[str, bytes] = {}

    def __reduce__(self) -> tuple[type[OutputKeys], tuple[Site, str]]:
        """Handed to a worker as what makes it (a hash object does not pickle)."""
        return OutputKeys, (self.site, self.salt)

    def key(self, *parts: object, articles: Sequence[ArticleRecord] = ()) -> str:
        """A list or iterator among `parts` is hashed item by item, so that a key over every
        article's teaser never builds one string, or one list, of them all. Bytes (from
        `shown`) are hashed as they are, anything else by its repr."""
        digest = self.base.copy()
        for part in parts:
            if isinstance(part, list | Iterator):
                digest.update(b"[")
                for item in part:
                    digest.update(_key_bytes(item))
                    digest.update(b",")
                digest.update(b"]")
            else:
                digest.update(_key_bytes(part))
            digest.update(b"\0")
        for article in articles:
            digest.update(article.digest.encode("ascii"))
        return digest.hexdigest()

    def teaser_key(self, record: ArticleRecord) -> str:
        """The key of an article's teaser, as the index stores it."""
        return self.key("teaser", self.shown(record))

    def shown(self, record: ArticleRecord) -> bytes:
        """What a list page shows of an article (`pages.teaser`), as key input: worked out
        once per article, though the index, each of its tags' pages and its stored teaser are
        all keyed by it. Kept as a SHA-256 (32 bytes an article), under the article's digest,
        which fixes every field of its record."""
        found = self._shown.get(record.digest)
        if found is None:
            found = hashlib.sha256(_key_bytes(teaser(record))).digest()
            self._shown[record.digest] = found
        return found


def _key_bytes(part: object) -> bytes:
    if isinstance(part, bytes):
        return part
    return repr(part).encode("utf-8", "surrogatepass")


def feed_renderer(
    builder: FeedBuilder,
    site: Site,
    entries: Sequence[ArticleRecord],
    load: Loader,
    path: str,
    place: FeedPlace,
) -> Renderer:
    """Render one feed document, loading its entries' articles when it runs."""
    return Renderer(partial(_draw_feed, builder, site, path, place), tuple(entries), load)


def _draw_feed(
    builder: FeedBuilder, site: Site, path: str, place: FeedPlace, articles: list[Article]
) -> bytes:
    return builder(site, articles, path, place)


def archive_renderer(
    builder: FeedBuilder,
    site: Site,
    entries: Sequence[ArticleRecord],
    load: Loader,
    path: str,
    place: FeedPlace,
) -> Renderer:
    """Render one month's archive document in pieces, its entries' articles loaded a chunk at
    a time as it is written (the feed's `updated` comes from the records)."""
    options = {"updated": feed_updated(entries), "self_path": path, "place": place}
    draw = partial(_stream_feed, STREAM_WRITERS[builder], site, options)
    return StreamedRenderer(draw, tuple(entries), load)


def _stream_feed(
    writer: Callable[..., Iterator[bytes]],
    site: Site,
    options: dict[str, object],
    articles: Iterator[Article],
) -> Iterator[bytes]:
    return writer(site, articles, **options)


def plan_feeds(
    site: Site, ordered: Sequence[ArticleRecord], load: Loader, keys: OutputKeys | None = None
) -> Outputs:
    """The subscription feeds (newest `feed_limit` entries) and, when the whole history does
    not fit, one archive document per month and format (RFC 5005 section 4)."""
    keys = keys or OutputKeys(site, "")
    newest = ordered[: site.feed_limit]
    months = group_by_month(site, ordered)
    complete = len(ordered) <= site.feed_limit
    files: Outputs = {}

    def add(
        builder: FeedBuilder, path: str, entries: Sequence[ArticleRecord], place: FeedPlace
    ) -> None:
        make = archive_renderer if place.archive else feed_renderer
        files[path] = (
            keys.key(builder.__name__, path, place, articles=entries),
            make(builder, site, entries, load, path, place),
        )

    for builder, current, pattern in FEED_FORMATS:
        if complete:
            add(builder, current, newest, FeedPlace(complete=True))
            continue
        newest_month = pattern.format(month=months[-1][0])
        add(builder, current, newest, FeedPlace(prev_archive=newest_month))
        for index, (month, entries) in enumerate(months):
            path = pattern.format(month=month)
            place = FeedPlace(
                archive=True,
                current=current,
                prev_archive=pattern.format(month=months[index - 1][0]) if index else None,
                next_archive=(
                    pattern.format(month=months[index + 1][0]) if index + 1 < len(months) else None
                ),
            )
            add(builder, path, entries, place)
    return files


def group_by_month(
    site: Site, ordered: Sequence[ArticleRecord]
) -> list[tuple[str, tuple[ArticleRecord, ...]]]:
    """(`YYYY-MM` in the site's timezone, its articles newest first), oldest month first."""
    months: dict[str, list[ArticleRecord]] = {}
    for article in ordered:
        months.setdefault(article.published.astimezone(site.tz).strftime("%Y-%m"), []).append(
            article
        )
    return [(month, tuple(months[month])) for month in sorted(months)]


def collect_tags(ordered: Sequence[ArticleRecord]) -> list[Tag]:
    """Every tag by slug; spellings that share a slug are one tag, shown in the most used one."""
    spellings: dict[str, Counter[str]] = {}
    tagged: dict[str, list[ArticleRecord]] = {}
    slugs: dict[str, str] = {}  # a site has few tag spellings, and many articles share each
    for article in ordered:
        for name in article.tags:
            if name not in slugs:
                slugs[name] = slugify(name)
        for slug in dict.fromkeys(slugs[name] for name in article.tags):
            tagged.setdefault(slug, []).append(article)
        for name in article.tags:
            spellings.setdefault(slugs[name], Counter())[name] += 1
    tags = []
    for slug in sorted(tagged):
        name = min(spellings[slug], key=lambda n: (-spellings[slug][n], n))
        tags.append(Tag(slug=slug, name=name, articles=tuple(tagged[slug])))
    return tags


def plan_tags(
    site: Site,
    ordered: Sequence[ArticleRecord],
    load: Loader,
    keys: OutputKeys | None = None,
    theme: Path | None = None,
    tags: Sequence[Tag] | None = None,
    teasers: TeaserSource | None = None,
) -> Outputs:
    """Per tag: Atom, RSS and JSON feeds and a page under `tags/<tag-slug>/`; and `tags/`."""
    keys = keys or OutputKeys(site, "")
    tags = collect_tags(ordered) if tags is None else tags
    if not tags:
        return {}
    files: Outputs = {
        f"{TAGS_DIR}index.html": (
            keys.key("tags", [(tag.slug, tag.name, tag.path, len(tag.articles)) for tag in tags]),
            simple(partial(render_tag_index, site, tags, theme)),
        )
    }
    for tag in tags:
        place = FeedPlace(
            title=f"{site.title} – {tag.name}",
            feed_id=f"tag:{site.id_authority}:feed/{tag.path}",
            home_path=tag.path,
            complete=len(tag.articles) <= site.feed_limit,
        )
        newest = tag.articles[: site.feed_limit]
        for builder, current, _media_type in FEED_FORMATS:
            path = tag.path + current
            files[path] = (
                keys.key(builder.__name__, path, place, articles=newest),
                feed_renderer(DIRECT_WRITERS[builder], site, newest, load, path, place),
            )
        files[f"{tag.path}index.html"] = (
            # what the page shows of each article, as for the index: an edit of a body
            # alone leaves the page as it is
            keys.key("tag", tag.slug, tag.name, tag.path, map(keys.shown, tag.articles)),
            simple(partial(render_tag_page, site, tag, theme, teasers)),
        )
    return files


def add_media(files: Mapping[str, bytes], media: Mapping[str, bytes]) -> dict[str, bytes]:
    """Copy the content folder's media files in; none may replace a generated file."""
    clashes = [
        _(
            "{path}:1: the media file {path} in the content folder would "
            "replace the generated file of the same path; rename or move "
            "it"
        ).format(path=path)
        for path in media
        if path in files
    ]
    if clashes:
        raise ContentError(*clashes)
    return {**files, **media}


def subscription_feeds(site: Site, ordered: Sequence[ArticleRecord]) -> list[str]:
    """The URLs of every subscription feed (main and tag feeds), as WebSub publishes them."""
    paths = [current for _, current, _ in FEED_FORMATS]
    for tag in collect_tags(ordered):
        paths += [tag.path + current for _, current, _ in FEED_FORMATS]
    return [site.url(path) for path in paths]


def summarize_build(
    site: Site, published: int, scheduled: Sequence[ArticleRecord], now: datetime, site_hash: str
) -> dict[str, object]:
    """What a scheduled run needs to know, as JSON-ready data: counts, the waiting articles with
    their due times (ISO 8601 with offset, soonest first), the next due time, the content hash."""
    waiting = [
        {"slug": a.slug, "title": a.title, "source": a.source, "due": a.published.isoformat()}
        for a in scheduled
    ]
    return {
        "generator": "feedgen-app",
        "now": now.isoformat(),
        "base_url": site.base_url,
        "site_hash": site_hash,
        "published": published,
        "scheduled": waiting,
        "next_due": waiting[0]["due"] if waiting else None,
    }
