"""Site + articles -> HTML pages (Jinja2, autoescaped)."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from feedgen_app.dates import format_date_de, format_datetime_de
from feedgen_app.model import Article, Site

_ENV = Environment(
    loader=PackageLoader("feedgen_app", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["date_de"] = format_date_de
_ENV.filters["datetime_de"] = format_datetime_de


def page_lang(site: Site) -> str:
    """The `<html lang>` of the site's pages: the primary subtag, e.g. `de`."""
    return site.language.split("-")[0]


def render_index(site: Site, articles: Sequence[Article]) -> bytes:
    """The article list, newest first, with autodiscovery links to the three feeds."""
    html = _ENV.get_template("index.html").render(
        site=site, articles=articles, lang=page_lang(site)
    )
    return html.encode("utf-8")


def render_article(site: Site, article: Article) -> bytes:
    """One article's page, the target of its feed entries' links."""
    html = _ENV.get_template("article.html").render(
        site=site, article=article, lang=page_lang(site)
    )
    return html.encode("utf-8")
