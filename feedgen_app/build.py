"""Site + published articles -> the output plan: every file of the site as path -> bytes, or
as keyed renderers, so that a rebuild renders only the files whose inputs changed."""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TypeVar

from feedgen_app.content import slugify
from feedgen_app.errors import ContentError
from feedgen_app.feeds import FeedPlace, build_atom, build_json, build_rss
from feedgen_app.model import TAGS_DIR, Article, KnownOutput, Site, Tag, sort_articles
from feedgen_app.pages import plan_pages, render_tag_index, render_tag_page
from feedgen_app.workers import fork_pool

FeedBuilder = Callable[..., bytes]
V = TypeVar("V")
FEED_FORMATS: tuple[tuple[FeedBuilder, str, str], ...] = (
    (build_atom, "atom.xml", "archive/{month}.xml"),
    (build_rss, "rss.xml", "archive/{month}.rss.xml"),
    (build_json, "feed.json", "archive/{month}.json"),
)
"""Each format's builder, subscription document and monthly archive document (RFC 5005)."""


Renderer = Callable[[], bytes]
Outputs = dict[str, tuple[str, Renderer]]
"""Output path -> (key: SHA-256 hex over everything its bytes depend on, how to render it)."""


def plan_site(site: Site, articles: Sequence[Article],
              media: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """All output files for `articles` (already filtered to what is published), plus the
    media files from the content folder (output path -> bytes)."""
    outputs = plan_outputs(site, articles)
    return add_media({name: render() for name, (_, render) in outputs.items()}, media or {})


def plan_outputs(site: Site, articles: Sequence[Article], salt: str = "") -> Outputs:
    """Every generated output file, not yet rendered, each with its key (`salt` names what
    else they depend on: package code, templates, versions). Equal keys mean equal bytes."""
    ordered = sort_articles(list(articles))
    keys = OutputKeys(site, salt)
    outputs = plan_feeds(site, ordered, keys)
    # index, article pages (each links its neighbours), subscribe page, embed kit, assets
    outputs.update(plan_pages(site, ordered, keys.key))
    outputs.update(plan_tags(site, ordered, keys))
    return outputs


Inspector = Callable[[str, bytes], object]
"""Looks at one freshly rendered output (path, bytes), e.g. checks a feed; see render_changed."""


def render_changed(outputs: Outputs, remembered: Mapping[str, Sequence[str]],
                   current: Mapping[str, str], workers: int = 1,
                   inspect: Inspector | None = None,
                   ) -> tuple[dict[str, bytes | KnownOutput], dict[str, object]]:
    """Render the outputs whose key is not the one `remembered` (path -> [key, SHA-256]) for
    the file the current site (`current`: path -> SHA-256) holds; the others stay unrendered.

    With `workers` > 1 the rendering runs in a forked process pool. `inspect(path, bytes)` runs
    beside each rendering (in the worker); its results are returned by path (None left out).
    """
    files: dict[str, bytes | KnownOutput] = {}
    todo = []
    for name, (key, render) in outputs.items():
        memo = remembered.get(name)
        if memo is not None and memo[0] == key and current.get(name) == memo[1]:
            files[name] = KnownOutput(memo[1], render)
        else:
            files[name] = b""  # keeps the plan's order; rendered below
            todo.append((name, render))
    rendered = render_all(todo, workers, inspect)
    inspected = {}
    for (name, _), (data, seen) in zip(todo, rendered, strict=True):
        files[name] = data
        if seen is not None:
            inspected[name] = seen
    return files, inspected


_JOBS: list[tuple[str, Renderer]] = []
_INSPECT: list[Inspector | None] = [None]
POOL_MIN_OUTPUTS = 400
"""Fewer outputs to render than this are rendered in this process (a pool costs more)."""


def render_all(jobs: Sequence[tuple[str, Renderer]], workers: int,
               inspect: Inspector | None) -> list[tuple[bytes, object]]:
    """(bytes, inspection) for each job, in order; in a forked pool of `workers` for many."""
    if workers <= 1 or len(jobs) < POOL_MIN_OUTPUTS:
        return [_render_one(name, render, inspect) for name, render in jobs]
    # fork: the workers inherit the plan (renderers are closures, not picklable)
    _JOBS[:], _INSPECT[0] = jobs, inspect
    gc.freeze()  # the workers' collector leaves the inherited objects alone (no copy-on-write)
    try:
        feeds = [[i] for i, (name, _) in enumerate(jobs) if not name.endswith(".html")]
        pages = [i for i, (name, _) in enumerate(jobs) if name.endswith(".html")]
        size = max(1, min(200, len(pages) // (workers * 4) or 1))
        chunks = feeds + [pages[i:i + size] for i in range(0, len(pages), size)]
        results: list[tuple[bytes, object] | None] = [None] * len(jobs)
        with fork_pool(workers) as pool:
            for chunk, done in zip(chunks, pool.map(_render_chunk, chunks), strict=True):
                for index, result in zip(chunk, done, strict=True):
                    results[index] = result
        return [result for result in results if result is not None]
    finally:
        gc.unfreeze()
        _JOBS.clear()
        _INSPECT[0] = None


def _render_chunk(indexes: Sequence[int]) -> list[tuple[bytes, object]]:
    return [_render_one(*_JOBS[i], _INSPECT[0]) for i in indexes]


def _render_one(name: str, render: Renderer, inspect: Inspector | None) -> tuple[bytes, object]:
    data = render()
    return data, inspect(name, data) if inspect is not None else None


class OutputKeys:
    """Keys of output files: SHA-256 over the salt, the site and the inputs given."""

    def __init__(self, site: Site, salt: str) -> None:
        self.base = f"{salt}\0{site!r}\0"
        self.records: dict[int, str] = {}

    def record(self, article: Article) -> str:
        """One article's whole record (every field), as a digest."""
        found = self.records.get(id(article))
        if found is None:
            found = self.records[id(article)] = hashlib.sha256(
                repr(article).encode("utf-8", "surrogatepass")).hexdigest()
        return found

    def key(self, *parts: object, articles: Sequence[Article] = ()) -> str:
        digest = hashlib.sha256(self.base.encode("utf-8"))
        digest.update(repr(parts).encode("utf-8", "surrogatepass"))
        for article in articles:
            digest.update(self.record(article).encode("ascii"))
        return digest.hexdigest()


def plan_feeds(site: Site, ordered: Sequence[Article],
               keys: OutputKeys | None = None) -> Outputs:
    """The subscription feeds (newest `feed_limit` entries) and, when the whole history does
    not fit, one archive document per month and format (RFC 5005 section 4)."""
    keys = keys or OutputKeys(site, "")
    newest = ordered[: site.feed_limit]
    months = group_by_month(site, ordered)
    complete = len(ordered) <= site.feed_limit
    files: Outputs = {}

    def add(builder: FeedBuilder, path: str, entries: Sequence[Article],
            place: FeedPlace) -> None:
        files[path] = (keys.key(builder.__name__, path, place, articles=entries),
                       partial(builder, site, entries, path, place))

    for builder, current, pattern in FEED_FORMATS:
        if complete:
            add(builder, current, newest, FeedPlace(complete=True))
            continue
        newest_month = pattern.format(month=months[-1][0])
        add(builder, current, newest, FeedPlace(prev_archive=newest_month))
        for index, (month, entries) in enumerate(months):
            path = pattern.format(month=month)
            place = FeedPlace(
                archive=True, current=current,
                prev_archive=pattern.format(month=months[index - 1][0]) if index else None,
                next_archive=(pattern.format(month=months[index + 1][0])
                              if index + 1 < len(months) else None),
            )
            add(builder, path, entries, place)
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


def plan_tags(site: Site, ordered: Sequence[Article],
              keys: OutputKeys | None = None) -> Outputs:
    """Per tag: Atom, RSS and JSON feeds and a page under `tags/<tag-slug>/`; and `tags/`."""
    keys = keys or OutputKeys(site, "")
    tags = collect_tags(ordered)
    if not tags:
        return {}
    files: Outputs = {f"{TAGS_DIR}index.html": (
        keys.key("tags", [(tag.slug, tag.name, tag.path, len(tag.articles)) for tag in tags]),
        partial(render_tag_index, site, tags))}
    for tag in tags:
        place = FeedPlace(title=f"{site.title} – {tag.name}",
                          feed_id=f"tag:{site.id_authority}:feed/{tag.path}",
                          home_path=tag.path, complete=len(tag.articles) <= site.feed_limit)
        newest = tag.articles[: site.feed_limit]
        for builder, current, _ in FEED_FORMATS:
            path = tag.path + current
            files[path] = (keys.key(builder.__name__, path, place, articles=newest),
                           partial(builder, site, newest, path, place))
        files[f"{tag.path}index.html"] = (
            keys.key("tag", tag.slug, tag.name, tag.path, articles=tag.articles),
            partial(render_tag_page, site, tag))
    return files


def add_media(files: Mapping[str, V], media: Mapping[str, bytes]) -> dict[str, V | bytes]:
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
