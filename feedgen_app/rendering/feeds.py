"""Site + articles -> Atom, RSS and JSON Feed bytes; the only module that imports feedgen."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from markupsafe import escape

from feedgen_app.formats import ATOM_NS, FH_NS, JSON_FEED_VERSION, XML_NS
from feedgen_app.model import Article, ArticleRecord, Site
from feedgen_app.rendering.links import (
    SUBSCRIBE_PAGE,
    absolutize_urls,
    media_url,
    subscribe_title,
)

XML_LANG = f"{{{XML_NS}}}lang"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The `updated` of a feed with no entries yet: fixed, so that empty builds are deterministic."""
CORRECTION_LABEL = "Korrektur:"


@dataclass(frozen=True)
class FeedPlace:
    """Which logical feed a document belongs to and where it stands in its history (RFC 5005).

    Paths are below the site root and name documents of the same format as the one built.
    The default is the main subscription feed.
    """

    title: str | None = None
    """The feed title; default: the site title."""
    feed_id: str | None = None
    """The feed's ID; default: `tag:<id_authority>:feed/`."""
    home_path: str = ""
    """The HTML page the feed belongs to (its `alternate` link)."""
    complete: bool = False
    """`fh:complete`: this document holds every entry of the feed."""
    archive: bool = False
    """`fh:archive`: an archive document, whose entries do not change any more."""
    current: str | None = None
    """The subscription document (`rel="current"`), for archive documents."""
    prev_archive: str | None = None
    """The next older archive document (`rel="prev-archive"`; JSON Feed: `next_url`)."""
    next_archive: str | None = None
    """The next newer archive document (`rel="next-archive"`)."""


MAIN_FEED = FeedPlace()


class FeedHistoryExtras(BaseExtension):  # type: ignore[misc]
    """Feed-level elements feedgen 1.0.0 cannot write: RFC 5005 `fh:complete`/`fh:archive`,
    and links besides `self` in RSS (as `atom:link`: prev-archive, next-archive, current, hub).

    feedgen calls extensions before it appends the entries, so these land ahead of them, as
    RFC 4287's schema requires for Atom.
    """

    def __init__(self) -> None:
        self.complete = False
        self.archive = False
        self.links: list[dict[str, str]] = []

    def extend_ns(self) -> dict[str, str]:
        return {"fh": FH_NS}

    def extend_atom(self, feed: Any) -> Any:
        self._append(feed, "link")
        return feed

    def extend_rss(self, feed: Any) -> Any:
        self._append(feed.find("channel"), f"{{{ATOM_NS}}}link")
        return feed

    def _append(self, parent: Any, link_tag: str) -> None:
        for link in self.links:
            parent.append(parent.makeelement(link_tag, link))
        if self.complete:
            parent.append(parent.makeelement(f"{{{FH_NS}}}complete", {}))
        if self.archive:
            parent.append(parent.makeelement(f"{{{FH_NS}}}archive", {}))


class AtomEntryExtras(BaseEntryExtension):  # type: ignore[misc]
    """What feedgen 1.0.0 cannot write on an Atom entry: `xml:lang`, and links with attributes.

    feedgen's entry link writer drops `rel`, `type` and `length` (it reads them from the new
    element instead of the link data), so entry links are written here, in the order added.
    """

    def __init__(self) -> None:
        self.lang: str | None = None
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        if self.lang:
            entry.set(XML_LANG, self.lang)
        for link in self.links:
            element = entry.makeelement("link", {})
            for name in ("href", "rel", "type", "hreflang", "title", "length"):
                if link.get(name):
                    element.set(name, link[name])
            entry.append(element)
        return entry


def feed_updated(articles: Sequence[Article] | Sequence[ArticleRecord]) -> datetime:
    """The feed's `updated`: the newest entry change, never the build time."""
    return max((a.modified for a in articles), default=EPOCH)


def build_atom(
    site: Site,
    articles: Sequence[Article],
    self_path: str = "atom.xml",
    place: FeedPlace = MAIN_FEED,
) -> bytes:
    """Atom 1.0 (RFC 4287) for `articles`, in the order given."""
    fg = _generator(site, articles, place)
    fg.link(href=site.url(self_path), rel="self", type="application/atom+xml")
    fg.link(href=site.url(place.home_path), rel="alternate", type="text/html")
    fg.link(
        href=site.url(SUBSCRIBE_PAGE),
        rel="related",
        type="text/html",
        title=subscribe_title(site),
    )
    for article in articles:
        fe = _entry(fg, site, article)
        fe.summary(article.summary)
        fe.content(feed_content(site, article), type="html")
        fe.atom.links.append(
            {"href": site.url(article.path), "rel": "alternate", "type": "text/html"}
        )
        if article.image:
            fe.atom.links.append(
                {
                    "href": media_url(site, article.image),
                    "rel": "enclosure",
                    "type": article.image_type or "",
                    "length": str(article.image_length),
                }
            )
        if article.lang and article.lang != site.language:
            fe.atom.lang = article.lang
    _add_history(fg, site, place, "application/atom+xml", rss=False)
    return bytes(fg.atom_str(pretty=True))


def build_rss(
    site: Site,
    articles: Sequence[Article],
    self_path: str = "rss.xml",
    place: FeedPlace = MAIN_FEED,
) -> bytes:
    """RSS 2.0 with content:encoded, dc:creator and an atom:link to itself."""
    fg = _generator(site, articles, place)
    fg.load_extension("dc", atom=False, rss=True)
    fg.description(site.subtitle or site.title)
    # <docs> is for someone who opens the raw feed: point it at the page that explains it.
    fg.docs(site.url(SUBSCRIBE_PAGE))
    fg.link(href=site.url(self_path), rel="self", type="application/rss+xml")
    # feedgen takes the channel <link> from the last link added: the site, not the feed.
    fg.link(href=site.url(place.home_path), rel="alternate", type="text/html")
    for article in articles:
        fe = _entry(fg, site, article)
        fe.description(article.summary)
        fe.content(feed_content(site, article))
        fe.link(href=site.url(article.path))
        if article.image:
            fe.enclosure(media_url(site, article.image), article.image_length, article.image_type)
        fe.guid(article.entry_id, permalink=False)
        if not article.author.email:
            fe.dc.dc_creator(article.author.name)
    _add_history(fg, site, place, "application/rss+xml", rss=True)
    return bytes(fg.rss_str(pretty=True))


def _add_history(
    fg: FeedGenerator, site: Site, place: FeedPlace, media_type: str, rss: bool
) -> None:
    """RFC 5005 state and links, and WebSub hubs on subscription documents."""
    links = [{"href": hub, "rel": "hub"} for hub in ([] if place.archive else site.hubs)]
    for rel, path in (
        ("current", place.current),
        ("prev-archive", place.prev_archive),
        ("next-archive", place.next_archive),
    ):
        if path is not None:
            links.append({"href": site.url(path), "rel": rel, "type": media_type})
    if not (links or place.complete or place.archive):
        return
    fg.register_extension("history", FeedHistoryExtras, None, atom=True, rss=True)
    fg.history.complete, fg.history.archive = place.complete, place.archive
    fg.history.links = links
    if not rss:  # Atom writes feed-level links itself (hub before the RFC 5005 ones)
        fg.history.links = []
        for link in links:
            fg.link(**link)


def feed_content(site: Site, article: Article) -> str:
    """The entry's HTML for feeds: the correction note first, every URL absolute."""
    body = article.content_html
    if article.correction:
        body = f"<p><strong>{CORRECTION_LABEL}</strong> {escape(article.correction)}</p>\n" + body
    return absolutize_urls(body, site.url(article.path))


def _generator(
    site: Site, articles: Sequence[Article], place: FeedPlace = MAIN_FEED
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(place.feed_id or f"tag:{site.id_authority}:feed/")
    fg.title(place.title or site.title)
    if site.subtitle:
        fg.subtitle(site.subtitle)
    fg.language(site.language)
    fg.author(_author(site.author))
    fg.generator("feedgen-app")
    fg.updated(feed_updated(articles))
    return fg


def _entry(fg: FeedGenerator, site: Site, article: Article) -> Any:
    fe = fg.add_entry(order="append")
    fe.register_extension("atom", AtomEntryExtras, atom=True, rss=False)
    fe.id(article.entry_id)
    fe.title(article.title)
    fe.published(article.published)
    fe.updated(article.modified)
    fe.author(_author(article.author))
    for tag in article.tags:
        fe.category(term=tag)
    return fe


def _author(author: Any) -> dict[str, str]:
    data = {"name": author.name}
    if author.email:
        data["email"] = author.email
    return data


def build_json(
    site: Site,
    articles: Sequence[Article],
    self_path: str = "feed.json",
    place: FeedPlace = MAIN_FEED,
) -> bytes:
    """JSON Feed 1.1, pretty-printed, keys in a fixed order.

    JSON Feed has no archives: `next_url` pages through the older archive documents (RFC
    5005's `prev-archive`); each page's `feed_url` is its own URL, like Atom's `self` link.
    """
    document = json_feed_document(site, articles, self_path, place)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_feed_document(
    site: Site, articles: Sequence[Article], self_path: str, place: FeedPlace
) -> dict[str, Any]:
    """The JSON Feed document as data, keys in their published order (`build_json` and
    `feedwriter.write_json` serialise it)."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": place.title or site.title,
        "home_page_url": site.url(place.home_path),
        "feed_url": site.url(self_path),
    }
    if place.prev_archive:
        feed["next_url"] = site.url(place.prev_archive)
    if site.subtitle:
        feed["description"] = site.subtitle
    feed["language"] = site.language
    feed["authors"] = [{"name": site.author.name}]
    if site.hubs and not place.archive:
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in site.hubs]
    feed["items"] = [json_item(site, a) for a in articles]
    return feed


def json_item(site: Site, article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article.entry_id,
        "url": site.url(article.path),
        "title": article.title,
        "summary": article.summary,
        "content_html": feed_content(site, article),
    }
    if article.image:
        item["image"] = media_url(site, article.image)
    item["date_published"] = article.published.isoformat()
    if article.updated:
        item["date_modified"] = article.updated.isoformat()
    item["authors"] = [{"name": article.author.name}]
    if article.tags:
        item["tags"] = list(article.tags)
    if article.lang and article.lang != site.language:
        item["language"] = article.lang
    return item
