"""Site + published articles -> the output plan: every file of the site as path -> bytes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from feedgen_app.content import slugify
from feedgen_app.errors import ContentError
from feedgen_app.feeds import FeedPlace, build_atom, build_json, build_rss
from feedgen_app.model import TAGS_DIR, Article, Site, Tag, sort_articles
from feedgen_app.pages import plan_pages, render_tag_index, render_tag_page

FeedBuilder = Callable[..., bytes]
FEED_FORMATS: tuple[tuple[FeedBuilder, str, str], ...] = (
    (build_atom, "atom.xml", "archive/{month}.xml"),
    (build_rss, "rss.xml", "archive/{month}.rss.xml"),
    (build_json, "feed.json", "archive/{month}.json"),
)
"""Each format's builder, subscription document and monthly archive document (RFC 5005)."""


def plan_site(site: Site, articles: Sequence[Article],
              media: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """All output files for `articles` (already filtered to what is published), plus the
    media files from the content folder (output path -> bytes)."""
    ordered = sort_articles(list(articles))
    files = plan_feeds(site, ordered)
    # index, article pages (each links its neighbours), subscribe page, embed kit, assets
    files.update(plan_pages(site, ordered))
    files.update(plan_tags(site, ordered))
    return add_media(files, media or {})


def plan_feeds(site: Site, ordered: Sequence[Article]) -> dict[str, bytes]:
    """The subscription feeds (newest `feed_limit` entries) and, when the whole history does
    not fit, one archive document per month and format (RFC 5005 section 4)."""
    newest = ordered[: site.feed_limit]
    months = group_by_month(site, ordered)
    complete = len(ordered) <= site.feed_limit
    files = {}
    for builder, current, pattern in FEED_FORMATS:
        if complete:
            files[current] = builder(site, newest, current, FeedPlace(complete=True))
            continue
        newest_month = pattern.format(month=months[-1][0])
        files[current] = builder(site, newest, current, FeedPlace(prev_archive=newest_month))
        for index, (month, entries) in enumerate(months):
            path = pattern.format(month=month)
            place = FeedPlace(
                archive=True, current=current,
                prev_archive=pattern.format(month=months[index - 1][0]) if index else None,
                next_archive=(pattern.format(month=months[index + 1][0])
                              if index + 1 < len(months) else None),
            )
            files[path] = builder(site, entries, path, place)
    return files


def group_by_month(site: Site, ordered: Sequence[Article]) -> list[tuple[str, tuple[Article, ...]]]:
    """(`YYYY-MM` in the site's timezone, its articles newest first), oldest month first."""
    months: dict[str, list[Article]] = {}
    for article in ordered:
        months.setdefault(article.published.astimezone(site.tz).strftime("%Y-%m"),
                          []).append(article)
    return [(month, tuple(months[month])) for month in sorted(months)]


def collect_tags(ordered: Sequence[Article]) -> list[Tag]:
    """Every tag by slug; spellings that share a slug are one tag, shown in the most used one."""
    spellings: dict[str, Counter[str]] = {}
    tagged: dict[str, list[Article]] = {}
    for article in ordered:
        for slug in dict.fromkeys(slugify(name) for name in article.tags):
            tagged.setdefault(slug, []).append(article)
        for name in article.tags:
            spellings.setdefault(slugify(name), Counter())[name] += 1
    tags = []
    for slug in sorted(tagged):
        name = min(spellings[slug], key=lambda n: (-spellings[slug][n], n))
        tags.append(Tag(slug=slug, name=name, articles=tuple(tagged[slug])))
    return tags


def plan_tags(site: Site, ordered: Sequence[Article]) -> dict[str, bytes]:
    """Per tag: Atom, RSS and JSON feeds and a page under `tags/<tag-slug>/`; and `tags/`."""
    tags = collect_tags(ordered)
    if not tags:
        return {}
    files = {f"{TAGS_DIR}index.html": render_tag_index(site, tags)}
    for tag in tags:
        place = FeedPlace(title=f"{site.title} – {tag.name}",
                          feed_id=f"tag:{site.id_authority}:feed/{tag.path}",
                          home_path=tag.path, complete=len(tag.articles) <= site.feed_limit)
        newest = tag.articles[: site.feed_limit]
        for builder, current, _ in FEED_FORMATS:
            files[tag.path + current] = builder(site, newest, tag.path + current, place)
        files[f"{tag.path}index.html"] = render_tag_page(site, tag)
    return files


def add_media(files: dict[str, bytes], media: Mapping[str, bytes]) -> dict[str, bytes]:
    """Copy the content folder's media files in; none may replace a generated file."""
    clashes = [f"{path}:1: the media file {path} in the content folder would replace the "
               f"generated file of the same path; rename or move it" for path in media
               if path in files]
    if clashes:
        raise ContentError(*clashes)
    return {**files, **media}


def subscription_feeds(site: Site, ordered: Sequence[Article]) -> list[str]:
    """The URLs of every subscription feed (main and tag feeds), as WebSub publishes them."""
    paths = [current for _, current, _ in FEED_FORMATS]
    for tag in collect_tags(ordered):
        paths += [tag.path + current for _, current, _ in FEED_FORMATS]
    return [site.url(path) for path in paths]


def summarize_build(site: Site, published: Sequence[Article], scheduled: Sequence[Article],
                    now: datetime, site_hash: str) -> dict[str, object]:
    """What a scheduled run needs to know, as JSON-ready data: counts, the waiting articles with
    their due times (ISO 8601 with offset, soonest first), the next due time, the content hash."""
    waiting = [{"slug": a.slug, "title": a.title, "source": a.source,
                "due": a.published.isoformat()} for a in scheduled]
    return {
        "generator": "feedgen-app",
        "now": now.isoformat(),
        "base_url": site.base_url,
        "site_hash": site_hash,
        "published": len(published),
        "scheduled": waiting,
        "next_due": waiting[0]["due"] if waiting else None,
    }
