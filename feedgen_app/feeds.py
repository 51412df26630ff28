"""Site + articles -> Atom, RSS and JSON Feed bytes; the only module that imports feedgen."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator

from feedgen_app.model import Article, Site

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The `updated` of a feed with no entries yet: fixed, so that empty builds are deterministic."""


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


def feed_updated(articles: Sequence[Article]) -> datetime:
    """The feed's `updated`: the newest entry change, never the build time."""
    return max((a.modified for a in articles), default=EPOCH)


def build_atom(site: Site, articles: Sequence[Article], self_path: str = "atom.xml") -> bytes:
    """Atom 1.0 (RFC 4287) for `articles`, in the order given."""
    fg = _generator(site, articles)
    fg.link(href=site.url(self_path), rel="self", type="application/atom+xml")
    fg.link(href=site.url(), rel="alternate", type="text/html")
    for article in articles:
        fe = _entry(fg, site, article)
        fe.summary(article.summary)
        fe.content(article.content_html, type="html")
        fe.atom.links.append(
            {"href": site.url(article.path), "rel": "alternate", "type": "text/html"}
        )
        if article.lang and article.lang != site.language:
            fe.atom.lang = article.lang
    return bytes(fg.atom_str(pretty=True))


def build_rss(site: Site, articles: Sequence[Article], self_path: str = "rss.xml") -> bytes:
    """RSS 2.0 with content:encoded, dc:creator and an atom:link to itself."""
    fg = _generator(site, articles)
    fg.load_extension("dc", atom=False, rss=True)
    fg.description(site.subtitle or site.title)
    fg.link(href=site.url(self_path), rel="self", type="application/rss+xml")
    # feedgen takes the channel <link> from the last link added: the site, not the feed.
    fg.link(href=site.url(), rel="alternate", type="text/html")
    for article in articles:
        fe = _entry(fg, site, article)
        fe.description(article.summary)
        fe.content(article.content_html)
        fe.link(href=site.url(article.path))
        fe.guid(article.entry_id, permalink=False)
        if not article.author.email:
            fe.dc.dc_creator(article.author.name)
    return bytes(fg.rss_str(pretty=True))


def _generator(site: Site, articles: Sequence[Article]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(f"tag:{site.id_authority}:feed/")
    fg.title(site.title)
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


def build_json(site: Site, articles: Sequence[Article], self_path: str = "feed.json") -> bytes:
    """JSON Feed 1.1, pretty-printed, keys in a fixed order."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": site.title,
        "home_page_url": site.url(),
        "feed_url": site.url(self_path),
    }
    if site.subtitle:
        feed["description"] = site.subtitle
    feed["language"] = site.language
    feed["authors"] = [{"name": site.author.name}]
    feed["items"] = [_json_item(site, a) for a in articles]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(site: Site, article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article.entry_id,
        "url": site.url(article.path),
        "title": article.title,
        "summary": article.summary,
        "content_html": article.content_html,
        "date_published": article.published.isoformat(),
    }
    if article.updated:
        item["date_modified"] = article.updated.isoformat()
    item["authors"] = [{"name": article.author.name}]
    if article.tags:
        item["tags"] = list(article.tags)
    if article.lang and article.lang != site.language:
        item["language"] = article.lang
    return item
