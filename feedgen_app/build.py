"""Site + published articles -> the output plan: every file of the site as path -> bytes."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen_app.feeds import build_atom, build_json, build_rss
from feedgen_app.model import Article, Site, sort_articles
from feedgen_app.pages import render_article, render_index


def plan_site(site: Site, articles: Sequence[Article]) -> dict[str, bytes]:
    """All output files for `articles` (already filtered to what is published)."""
    ordered = sort_articles(list(articles))
    newest = ordered[: site.feed_limit]
    files = {
        "atom.xml": build_atom(site, newest),
        "rss.xml": build_rss(site, newest),
        "feed.json": build_json(site, newest),
        "index.html": render_index(site, ordered),
    }
    for article in ordered:
        files[f"{article.path}index.html"] = render_article(site, article)
    return files
