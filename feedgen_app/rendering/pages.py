"""Site + article records -> HTML pages (Jinja2, autoescaped), the subscribe page, the embed
kit and the 404 page. Pages that list articles need only their records; an article's own page
loads the article.

Templates come from the package or, for a site with its own template folder (`theme`), from
that folder first: a file there replaces the packaged template of the same name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from feedgen_app.errors import ContentError
from feedgen_app.i18n import GERMAN, _, language_of_tag, library_reason, translation
from feedgen_app.model import TAGS_DIR, Article, ArticleRecord, Site, Tag, slugify
from feedgen_app.reading.dates import format_date, format_datetime
from feedgen_app.reading.sitefolders import list_site_files
from feedgen_app.rendering.links import SUBSCRIBE_PAGE, media_url
from feedgen_app.rendering.render import Loader, Rendered, Renderer, simple

EMBED_PAGE = "embed.html"
"""The no-JavaScript headline list for an `<iframe>`."""
EMBED_SCRIPT = "embed.js"
"""The widget script other sites include; its URL is public and never moves."""
EMBED_LIMIT = 5
"""Headlines on the iframe page (the script's default too)."""
NOT_FOUND_PAGE = "404.html"
"""The page GitHub Pages answers every unknown address with (status 404)."""
NOT_FOUND_LIMIT = 5
"""The newest headlines the 404 page offers."""
STATIC_FILES = {
    "static/style.css": "style.css",
    "static/abonnieren.js": "abonnieren.js",
    EMBED_SCRIPT: "embed.js",
}
"""Output path -> file in feedgen_app/static/, copied as they are."""
FEED_READERS = (
    ("Feedly", "https://feedly.com/i/subscription/feed/{url}"),
    ("Inoreader", "https://www.inoreader.com/?add_feed={url}"),
    ("NewsBlur", "https://www.newsblur.com/?url={url}"),
    ("The Old Reader", "https://theoldreader.com/feeds/subscribe?url={url}"),
)
"""Web feed readers that subscribe from a link; `{url}` is the percent-encoded feed URL."""
KeyFunction = Callable[..., str]
"""Makes an output's key from its inputs (`plan.OutputKeys.key`)."""
PlannedPages = dict[str, tuple[str, Renderer]]
STREAM_PIECES = 500
"""A streamed page is written in pieces of this many template fragments."""

_PACKAGED = PackageLoader("feedgen_app", "templates")
_ENVIRONMENTS: dict[Path | None, Environment] = {}
"""One Jinja2 environment per template folder (None: the packaged templates only)."""


@lru_cache(maxsize=4096)
def tag_path(name: str) -> str:
    """`tags/<tag-slug>/` of a tag's spelling (memoised: every teaser shows its tags)."""
    return f"{TAGS_DIR}{slugify(name)}/"


def template_environment(theme: Path | None = None) -> Environment:
    """The environment for a site's template folder `theme` (its files replace the packaged
    templates of the same name) or, for None, for the packaged templates alone.

    Each is made once per process and compiles a template once (`auto_reload=False`); `serve`
    calls `forget_templates` before each preview build, so an edited template is read again.
    """
    environment = _ENVIRONMENTS.get(theme)
    if environment is not None:
        return environment
    loader: BaseLoader = _PACKAGED
    if theme is not None:
        loader = ChoiceLoader([FileSystemLoader(theme), _PACKAGED])
    environment = Environment(
        extensions=["jinja2.ext.i18n"],
        loader=loader,
        auto_reload=False,
        cache_size=-1,
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["date_de"] = page_date
    environment.filters["datetime_de"] = page_datetime
    # `_("...")` in a template: the site's language (feed.yaml `language:`), never LANG.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        page_gettext, page_ngettext, newstyle=True
    )
    environment.filters["tag_path"] = tag_path
    environment.globals["media_url"] = media_url
    # `tojson` (the JSON-LD block): sorted keys for deterministic bytes and umlauts as they
    # are; it still writes <, >, & and ' as \u escapes, so the data can hold neither `</script>`
    # nor `<!--`.
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    _ENVIRONMENTS[theme] = environment
    return environment


def forget_templates() -> None:
    """Compile the templates again on next use (`serve`, after a template was edited)."""
    for environment in _ENVIRONMENTS.values():
        environment.cache.clear()  # type: ignore[union-attr]


_THEME_SIGNATURES: dict[Path, object] = {}
"""The signature of each template folder as its environment last compiled it."""


def check_theme(theme: Path | None, signature: object = None) -> None:
    """Compile every template (`*.html`) of a site's template folder before anything is
    rendered; ContentError `templates/x.html:LINE: message` for each that does not compile.

    `signature` stands for the folder's files (their paths and hashes): when it differs from
    the last build's in this process, the compiled templates are dropped and read again.
    """
    if theme is None:
        return
    environment = template_environment(theme)
    if _THEME_SIGNATURES.get(theme) != signature:
        environment.cache.clear()  # type: ignore[union-attr]
        _THEME_SIGNATURES[theme] = signature
    problems: list[str] = []
    for path in list_site_files(theme):
        if path.suffix != ".html":
            continue
        try:
            environment.get_template(path.relative_to(theme).as_posix())
        except (TemplateError, UnicodeDecodeError) as exc:
            problems += template_problem(exc, path.relative_to(theme).as_posix(), theme).problems
    if problems:
        raise ContentError(*problems)


def template_problem(
    exc: TemplateError | UnicodeDecodeError, template: str, theme: Path | None
) -> ContentError:
    """A template that does not compile or fails while it renders (an undefined name, a
    missing template) as a ContentError naming the template's file and line."""
    if isinstance(exc, TemplateSyntaxError):
        where = f"{_shown(exc.filename, theme) if exc.filename else template}:{exc.lineno}"
        return ContentError(
            _("{where}: template syntax error: {reason}").format(
                where=where, reason=library_reason(exc.message or exc)
            )
        )
    own = theme / template if theme is not None else None
    where = f"{own if own is not None and own.is_file() else template}:1"
    trace = exc.__traceback__
    while trace is not None:  # Jinja2 maps a template's frames to its file and line
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html") and Path(filename).is_file():
            where = f"{_shown(filename, theme)}:{trace.tb_lineno}"
        trace = trace.tb_next
    if isinstance(exc, UnicodeDecodeError):
        line = exc.object.count(b"\n", 0, exc.start) + 1
        where = f"{where.rpartition(':')[0]}:{line}"
        message = _(
            "not UTF-8 text: byte 0x{object:02x} is not valid UTF-8; save the template as UTF-8"
        ).format(object=exc.object[exc.start])
    elif isinstance(exc, TemplateNotFound):
        message = _(
            "template {name!r} not found, neither in the site's templates nor among feedgen-app's"
        ).format(name=exc.name)
    else:
        message = _("template error: {reason}").format(reason=library_reason(exc.message or exc))
    return ContentError(f"{where}: {message}")


def _shown(filename: str, theme: Path | None) -> str:
    """A template file's path (as Jinja2 names it: relative to the working folder, or
    absolute) the way the site's folder was given, e.g. `templates/article.html`; packaged
    templates keep their full path."""
    if theme is not None:
        try:
            relative = Path(filename).resolve().relative_to(theme.resolve())
        except (OSError, ValueError):
            return filename
        return (theme / relative).as_posix()
    return filename


def page_lang(site: Site) -> str:
    """The `<html lang>` of the site's pages: the primary subtag, e.g. `de`."""
    return site.language.split("-")[0]


def content_security_policy(site: Site) -> str:
    """The pages' CSP: scripts and styles only from files of the site, never inline."""
    parts = urlsplit(site.base_url)
    own = f"'self' {parts.scheme}://{parts.netloc}"
    return "; ".join(
        (
            f"default-src {own}",
            f"script-src {own}",
            f"style-src {own}",
            f"img-src {own} https: data:",
            f"media-src {own} https:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def format_when(value: datetime, site: Site) -> str:
    """`8. Oktober 2025, 06:30 Uhr` (an `en*` site: `October 8, 2025, 6:30 AM`) in the site's
    timezone; just the day when the time is 00:00.

    A date given without a time means 00:00, so a page would otherwise claim "00:00 Uhr".
    """
    local = value.astimezone(site.tz)
    language = language_of_tag(site.language)
    if (local.hour, local.minute) == (0, 0):
        return format_date(local, language)
    return format_datetime(local, language)


def page_language(context: Context) -> str:
    """The language of the page being rendered: its site's (`de` without a site)."""
    site = context.get("site")
    return language_of_tag(site.language) if isinstance(site, Site) else GERMAN


@pass_context
def page_gettext(context: Context, message: str) -> str:
    """A template's `_()`: the message in the site's language."""
    return translation(page_language(context)).gettext(message)


@pass_context
def page_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translation(page_language(context)).ngettext(singular, plural, n)


@pass_context
def page_date(context: Context, value: datetime) -> str:
    """The `date_de` filter: `8. Oktober 2025`, or `October 8, 2025` on an `en*` site."""
    return format_date(value, page_language(context))


@pass_context
def page_datetime(context: Context, value: datetime) -> str:
    """The `datetime_de` filter: with the time, in the site's language."""
    return format_datetime(value, page_language(context))


def reading_minutes(article: Article | ArticleRecord) -> int:
    """The article's reading time in minutes (the templates' `minutes(article)`)."""
    return article.minutes


def og_locale(site: Site) -> str:
    """OpenGraph's `og:locale` from the site's language: `de-DE` -> `de_DE`."""
    return site.language.replace("-", "_")


def news_article(site: Site, article: Article) -> dict[str, Any]:
    """The article as schema.org `NewsArticle` data (the page's JSON-LD block).

    The site's own author (the default of every article, usually the newsroom) is an
    Organization; an author an article names itself is a Person.
    """
    url = site.url(article.path)
    kind = "Organization" if article.author == site.author else "Person"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "inLanguage": article.lang or site.language,
        "author": [{"@type": kind, "name": article.author.name}],
        "publisher": {"@type": "Organization", "name": site.title, "url": site.url()},
    }
    if article.image:
        data["image"] = [media_url(site, article.image)]
    if article.tags:
        data["keywords"] = list(article.tags)
    return data


def page_context(site: Site, context: dict[str, Any]) -> dict[str, Any]:
    """What every page needs (site, lang, CSP, helpers) plus `context`."""
    return dict(
        site=site,
        lang=page_lang(site),
        csp=content_security_policy(site),
        subscribe_url=site.url(SUBSCRIBE_PAGE),
        og_locale=og_locale(site),
        when=lambda value: format_when(value, site),
        minutes=reading_minutes,
        news_article=lambda article: news_article(site, article),
        **context,
    )


def render_page(template: str, site: Site, theme: Path | None = None, **context: Any) -> bytes:
    """Render one template with what every page needs (site, lang, CSP, helpers)."""
    try:
        page = template_environment(theme).get_template(template)
        return page.render(page_context(site, context)).encode("utf-8")
    except (TemplateError, UnicodeDecodeError) as exc:
        raise template_problem(exc, template, theme) from None


def stream_page(
    template: str, site: Site, theme: Path | None = None, **context: Any
) -> Iterator[bytes]:
    """`render_page` in pieces, for pages that list every article (bounded memory)."""
    pieces: list[str] = []
    try:
        page = template_environment(theme).get_template(template)
        for piece in page.generate(page_context(site, context)):
            pieces.append(piece)
            if len(pieces) >= STREAM_PIECES:
                yield "".join(pieces).encode("utf-8")
                pieces.clear()
    except (TemplateError, UnicodeDecodeError) as exc:
        raise template_problem(exc, template, theme) from None
    yield "".join(pieces).encode("utf-8")


class TeaserSource(Protocol):
    """Teasers rendered before (by an earlier build, or with the articles' own pages)."""

    def fetch(self, records: Sequence[ArticleRecord]) -> Mapping[str, str]:
        """source -> the teaser HTML of each of `records` that is known and current."""
        ...

    def add(self, record: ArticleRecord, html: str) -> None:
        """A teaser that had to be rendered here, for the next list that shows it."""
        ...


TEASER_TEMPLATE = "_teaser.html"
TEASER_CHUNK = 250
"""Teasers fetched at once while a list page is rendered (its memory stays bounded)."""


def render_teaser(site: Site, record: ArticleRecord, theme: Path | None = None) -> str:
    """One article as the index and tag pages show it (`_teaser.html`)."""
    try:
        template = template_environment(theme).get_template(TEASER_TEMPLATE)
        return template.render(page_context(site, {"article": record}))
    except (TemplateError, UnicodeDecodeError) as exc:
        raise template_problem(exc, TEASER_TEMPLATE, theme) from None


def teaser_function(
    site: Site,
    theme: Path | None,
    articles: Sequence[ArticleRecord],
    source: TeaserSource | None,
) -> Callable[[ArticleRecord], Markup]:
    """`teaser(article)` for a list page's template: the teaser from `source` when it has it
    (fetched TEASER_CHUNK at a time, in the list's order), else rendered (and given to
    `source`). The same bytes either way: a teaser's key covers all it shows."""
    position = {record.source: number for number, record in enumerate(articles)}
    known: dict[str, Mapping[str, str]] = {"chunk": {}}

    def show(record: ArticleRecord) -> Markup:
        html = known["chunk"].get(record.source)
        if html is None and source is not None and record.source in position:
            start = position[record.source]
            known["chunk"] = source.fetch(articles[start : start + TEASER_CHUNK])
            html = known["chunk"].get(record.source)
        if html is None:
            html = render_teaser(site, record, theme)
            if source is not None:
                source.add(record, html)
        return Markup(html)  # rendered by the autoescaping templates themselves

    return show


def render_index(
    site: Site,
    articles: Sequence[ArticleRecord],
    theme: Path | None = None,
    teasers: TeaserSource | None = None,
) -> Iterator[bytes]:
    """The article list, newest first, with autodiscovery links to the three feeds."""
    show = teaser_function(site, theme, articles, teasers)
    return stream_page("index.html", site, theme, articles=articles, teaser=show)


def render_article(
    site: Site,
    article: Article,
    *,
    older: ArticleRecord | None = None,
    newer: ArticleRecord | None = None,
    theme: Path | None = None,
) -> bytes:
    """One article's page, the target of its feed entries' links, with links to its
    neighbours; its head carries the canonical URL, OpenGraph and JSON-LD `NewsArticle`."""
    return render_page("article.html", site, theme, article=article, older=older, newer=newer)


def _drawn_in_call(articles: list[Article]) -> Rendered:
    raise NotImplementedError("an ArticlePage renders in its own __call__")


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticlePage(Renderer):
    """One article's page, loading the article when it runs. A plan holds one per article:
    one object with its neighbours, no function object and argument tuple besides (a
    quarter of the memory of a `Renderer` over a partial)."""

    draw: Callable[[list[Article]], Rendered] = _drawn_in_call
    site: Site
    older: ArticleRecord | None = None
    newer: ArticleRecord | None = None
    theme: Path | None = None

    def __call__(self) -> bytes:
        assert self.load is not None
        article = self.load(self.records)[0]
        return render_article(
            self.site, article, older=self.older, newer=self.newer, theme=self.theme
        )


def article_renderer(
    site: Site,
    record: ArticleRecord,
    load: Loader,
    older: ArticleRecord | None,
    newer: ArticleRecord | None,
    theme: Path | None = None,
) -> Renderer:
    """Render one article's page, loading the article when it runs."""
    return ArticlePage(
        records=(record,), load=load, site=site, older=older, newer=newer, theme=theme
    )


def plan_articles(
    site: Site,
    ordered: Sequence[ArticleRecord],
    load: Loader,
    key: KeyFunction = lambda *_, **__: "",
    theme: Path | None = None,
) -> PlannedPages:
    """Every article page, unrendered, keyed by its article and its neighbours' links."""
    pages: PlannedPages = {}
    for index, article in enumerate(ordered):
        older = ordered[index + 1] if index + 1 < len(ordered) else None
        newer = ordered[index - 1] if index > 0 else None
        pages[f"{article.path}index.html"] = (
            key("article", neighbour(older), neighbour(newer), articles=(article,)),
            article_renderer(site, article, load, older, newer, theme),
        )
    return pages


def teaser(article: ArticleRecord) -> tuple[object, ...]:
    """What the index shows of an article (everything `index.html`, `_tags.html` and
    `_draft.html` read)."""
    return (
        article.path,
        article.title,
        article.published,
        article.lang,
        article.summary,
        article.tags,
        article.minutes,
        article.draft,
    )


def record_fields(article: ArticleRecord) -> tuple[object, ...]:
    """Everything a template can show of a record (all but the digest of the whole article):
    a list page's key, so that an edit of an article's body does not render it again."""
    return tuple(getattr(article, name) for name in article.__slots__ if name != "digest")


def neighbour(article: ArticleRecord | None) -> tuple[str, str] | None:
    """What an article page shows of a neighbour: its path and title."""
    return None if article is None else (article.path, article.title)


def render_subscribe(site: Site, theme: Path | None = None) -> bytes:
    """The subscribe page: feed URLs with copy buttons, what a feed is, reader links, embedding."""
    feeds = [
        ("atom", "Atom", site.url("atom.xml")),
        ("rss", "RSS", site.url("rss.xml")),
        ("json", "JSON Feed", site.url("feed.json")),
    ]
    readers = [
        (name, pattern.format(url=quote(site.url("atom.xml"), safe="")))
        for name, pattern in FEED_READERS
    ]
    return render_page(
        "abonnieren.html",
        site,
        theme,
        feeds=feeds,
        readers=readers,
        embed_script=site.url(EMBED_SCRIPT),
        embed_page=site.url(EMBED_PAGE),
    )


def render_embed(site: Site, ordered: Sequence[ArticleRecord], theme: Path | None = None) -> bytes:
    """The newest EMBED_LIMIT headlines as a small page for an `<iframe>`, no JavaScript."""
    return render_page("embed.html", site, theme, articles=ordered[:EMBED_LIMIT])


def render_not_found(
    site: Site, ordered: Sequence[ArticleRecord], has_tags: bool, theme: Path | None = None
) -> bytes:
    """`404.html`: in German, a link home and the newest NOT_FOUND_LIMIT headlines. GitHub
    Pages answers any unknown address with it, so every link in it is absolute."""
    return render_page(
        NOT_FOUND_PAGE, site, theme, articles=ordered[:NOT_FOUND_LIMIT], has_tags=has_tags
    )


def read_static_files() -> dict[str, bytes]:
    """The stylesheet and scripts shipped in feedgen_app/static/, by output path."""
    static = package_files("feedgen_app").joinpath("static")
    return {path: static.joinpath(name).read_bytes() for path, name in STATIC_FILES.items()}


def plan_pages(
    site: Site,
    ordered: Sequence[ArticleRecord],
    load: Loader,
    key: KeyFunction = lambda *_, **__: "",
    theme: Path | None = None,
    has_tags: bool = False,
    teasers: TeaserSource | None = None,
    shown: Callable[[ArticleRecord], object] = teaser,
) -> PlannedPages:
    """The site around the feeds, unrendered and keyed (see `plan.plan_outputs`): index,
    article pages, subscribe page, embed kit, 404 page, assets. `theme` is the site's
    template folder (its content is in the keys' salt); `shown` gives what the index shows
    of an article as key input (`plan.OutputKeys.shown`)."""
    static = read_static_files()
    newest = [
        (article.path, article.title, article.published) for article in ordered[:NOT_FOUND_LIMIT]
    ]
    return {
        "index.html": (
            key("index", map(shown, ordered)),
            simple(partial(render_index, site, ordered, theme, teasers)),
        ),
        **plan_articles(site, ordered, load, key, theme),
        SUBSCRIBE_PAGE: (key("subscribe"), simple(partial(render_subscribe, site, theme))),
        EMBED_PAGE: (
            key("embed", [record_fields(a) for a in ordered[:EMBED_LIMIT]]),
            simple(partial(render_embed, site, ordered, theme)),
        ),
        NOT_FOUND_PAGE: (
            key("404", newest, has_tags),
            simple(partial(render_not_found, site, ordered, has_tags, theme)),
        ),
        **{
            path: (
                key("static", path, hashlib.sha256(data).hexdigest()),
                simple(partial(bytes, data)),
            )
            for path, data in static.items()
        },
    }


def render_tag_page(
    site: Site, tag: Tag, theme: Path | None = None, teasers: TeaserSource | None = None
) -> Iterator[bytes]:
    """A tag's page under `tags/<tag-slug>/`: its articles, newest first, and its feeds."""
    show = teaser_function(site, theme, tag.articles, teasers)
    return stream_page("tag.html", site, theme, tag=tag, articles=tag.articles, teaser=show)


def render_tag_index(site: Site, tags: Sequence[Tag], theme: Path | None = None) -> bytes:
    """`tags/`: every tag with its number of articles, linking the tag pages."""
    return render_page("tags.html", site, theme, tags=tags)
