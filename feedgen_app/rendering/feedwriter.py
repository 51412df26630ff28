"""Site + articles -> Atom, RSS and JSON Feed bytes, written directly as text.

`write_atom`, `write_rss` and `write_json` return exactly the bytes of `feeds.build_atom`,
`feeds.build_rss` and `feeds.build_json` for the same arguments, without building an lxml tree
per document (feedgen) and without the pure-Python JSON encoder (`json.dumps` with `indent`).
They exist for the many large documents of a build: the monthly archive documents (RFC 5005),
each holding a month's full entries, and the tag feeds.

feedgen stays the writer of the main subscription feeds and the reference for every byte:
this module copies what feedgen 1.0.0 (with the extensions in `feeds`) and lxml's serializer
emit, and tests/test_feedwriter.py compares both on the golden cases and on random articles.
What it copies:

- the XML declaration `<?xml version='1.0' encoding='UTF-8'?>`, two-space indentation of
  element-only content, a newline after the root;
- element and attribute order as feedgen appends them, the extensions' elements after
  feedgen's own (Atom entry links last, `dc:creator` last in an RSS item);
- namespace declarations on the root in feedgen's order: Atom `xmlns:fh` (only when RFC 5005
  or WebSub data is written) before `xmlns`; RSS `dc`, `fh` (same condition), `atom`,
  `content`, then `version="2.0"`;
- lxml's escaping: `&amp; &lt; &gt; &#13;` in text; also `&quot; &#10; &#9;` in attributes;
  everything else (umlauts, emoji, `'`, C1 characters) as UTF-8;
- empty text: `<summary/>` and `<content type="html"/>` in Atom (feedgen sets no text);
  `<x></x>` in RSS (feedgen sets an empty text);
- feedgen's fallbacks: an RSS item with an empty summary carries its content as
  `<description>` and no `content:encoded`; an entry author without a name is left out;
- dates: Atom `isoformat()`, RSS `%a, %d %b %Y %H:%M:%S %z` with English names (feedgen
  switches the process locale to C for that; this module needs no locale);
- refusals: a string lxml refuses (control characters, U+FFFE, U+FFFF: ValueError; lone
  surrogates: UnicodeEncodeError), a naive datetime, a missing required field.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from feedgen_app.formats import ATOM_NS, FH_NS
from feedgen_app.model import Article, Author, Site
from feedgen_app.rendering.feeds import (
    MAIN_FEED,
    FeedPlace,
    feed_content,
    feed_updated,
    json_feed_document,
    json_item,
)
from feedgen_app.rendering.links import SUBSCRIBE_PAGE, media_url, subscribe_title

XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
GENERATOR = "feedgen-app"
_C0_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
"""The control characters lxml refuses (tab, newline and CR it takes)."""
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_encode_string = json.encoder.encode_basestring
"""The C string encoder `json.dumps(ensure_ascii=False)` uses."""

Link = tuple[str, str, str]
"""(href, rel, type) of a feed-level link; an empty type is not written."""


def write_atom(
    site: Site,
    articles: Sequence[Article],
    self_path: str = "atom.xml",
    place: FeedPlace = MAIN_FEED,
) -> bytes:
    """The bytes of `feeds.build_atom(site, articles, self_path, place)`."""
    return b"".join(stream_atom(site, articles, feed_updated(articles), self_path, place))


def stream_atom(
    site: Site,
    articles: Iterable[Article],
    updated: datetime,
    self_path: str = "atom.xml",
    place: FeedPlace = MAIN_FEED,
) -> Iterator[bytes]:
    """`write_atom` in pieces (the head, then each entry's, then the end), taking each article
    as it comes: a month's archive is written without holding its articles or its bytes.
    `updated` is the feed's (`feeds.feed_updated` of the articles)."""
    history = _history_links(site, place, "application/atom+xml")
    has_history = bool(history or place.complete or place.archive)
    out = [XML_DECLARATION, "<feed"]  # the head as text, then UTF-8 pieces
    if has_history:
        out.append(f' xmlns:fh="{FH_NS}"')
    out.append(f' xmlns="{ATOM_NS}"')
    if site.language:
        out.append(f' xml:lang="{_attr(site.language)}"')
    out.append(">\n")
    out += _required_text("  ", "id", place.feed_id or f"tag:{site.id_authority}:feed/")
    out += _required_text("  ", "title", place.title or site.title)
    out.append(f"  <updated>{_iso(updated)}</updated>\n")
    out += _atom_author("  ", site.author)
    out.append(_atom_link("  ", site.url(self_path), "self", "application/atom+xml"))
    out.append(_atom_link("  ", site.url(place.home_path), "alternate", "text/html"))
    out.append(
        _atom_link(
            "  ", site.url(SUBSCRIBE_PAGE), "related", "text/html", title=subscribe_title(site)
        )
    )
    out += [_atom_link("  ", href, rel, media_type) for href, rel, media_type in history]
    out.append(f"  <generator>{GENERATOR}</generator>\n")
    if site.subtitle:
        out.append(f"  <subtitle>{_text(site.subtitle)}</subtitle>\n")
    if place.complete:
        out.append("  <fh:complete/>\n")
    if place.archive:
        out.append("  <fh:archive/>\n")
    yield _checked(_utf8("".join(out)))
    for article in articles:
        pieces: list[bytes] = []
        _atom_entry(site, article, pieces)
        yield _checked(b"".join(pieces))
    yield b"</feed>\n"


def _atom_entry(site: Site, article: Article, pieces: list[bytes]) -> None:
    lang = article.lang if article.lang and article.lang != site.language else None
    out = [f'  <entry xml:lang="{_attr(lang)}">\n' if lang else "  <entry>\n"]
    out += _required_text("    ", "id", article.entry_id)
    out += _required_text("    ", "title", article.title)
    out.append(f"    <updated>{_iso(article.modified)}</updated>\n")
    out += _atom_author("    ", article.author)
    content = feed_content(site, article)
    if content:
        out.append('    <content type="html">')
        pieces += (_utf8("".join(out)), _text_utf8(content))
        out = ["</content>\n"]
    else:
        out.append('    <content type="html"/>\n')
    out.append(
        f"    <summary>{_text(article.summary)}</summary>\n"
        if article.summary
        else "    <summary/>\n"
    )
    out += [f'    <category term="{_attr(tag)}"/>\n' for tag in article.tags]
    out.append(f"    <published>{_iso(article.published)}</published>\n")
    out.append(_atom_link("    ", site.url(article.path), "alternate", "text/html"))
    if article.image:
        out.append(
            _atom_link(
                "    ",
                media_url(site, article.image),
                "enclosure",
                article.image_type or "",
                length=str(article.image_length),
            )
        )
    out.append("  </entry>\n")
    pieces.append(_utf8("".join(out)))


def _atom_author(indent: str, author: Author) -> list[str]:
    """feedgen writes an author only when it has a name, and its email when it has one."""
    if not author.name:
        return []
    out = [f"{indent}<author>\n{indent}  <name>{_text(author.name)}</name>\n"]
    if author.email:
        out.append(f"{indent}  <email>{_text(author.email)}</email>\n")
    out.append(f"{indent}</author>\n")
    return out


def _atom_link(
    indent: str, href: str, rel: str, media_type: str, title: str = "", length: str = ""
) -> str:
    """An Atom `<link>`: href always, the other attributes in feedgen's order when not empty."""
    line = f'{indent}<link href="{_attr(href)}"'
    if rel:
        line += f' rel="{_attr(rel)}"'
    if media_type:
        line += f' type="{_attr(media_type)}"'
    if title:
        line += f' title="{_attr(title)}"'
    if length:
        line += f' length="{_attr(length)}"'
    return line + "/>\n"


def write_rss(
    site: Site,
    articles: Sequence[Article],
    self_path: str = "rss.xml",
    place: FeedPlace = MAIN_FEED,
) -> bytes:
    """The bytes of `feeds.build_rss(site, articles, self_path, place)`."""
    return b"".join(stream_rss(site, articles, feed_updated(articles), self_path, place))


def stream_rss(
    site: Site,
    articles: Iterable[Article],
    updated: datetime,
    self_path: str = "rss.xml",
    place: FeedPlace = MAIN_FEED,
) -> Iterator[bytes]:
    """`write_rss` in pieces, taking each article as it comes (see `stream_atom`)."""
    history = _history_links(site, place, "application/rss+xml")
    has_history = bool(history or place.complete or place.archive)
    title = place.title or site.title
    description = site.subtitle or site.title
    if not (title and description):
        raise ValueError("Required fields not set (title, description)")
    out = [XML_DECLARATION, f'<rss xmlns:dc="{DC_NS}"']
    if has_history:
        out.append(f' xmlns:fh="{FH_NS}"')
    out.append(
        f' xmlns:atom="{ATOM_NS}" xmlns:content="{CONTENT_NS}" version="2.0">\n'
        "  <channel>\n"
        f"    <title>{_text(title)}</title>\n"
        f"    <link>{_text(site.url(place.home_path))}</link>\n"
        f"    <description>{_text(description)}</description>\n"
        f'    <atom:link href="{_attr(site.url(self_path))}" rel="self"'
        ' type="application/rss+xml"/>\n'
        f"    <docs>{_text(site.url(SUBSCRIBE_PAGE))}</docs>\n"
        f"    <generator>{GENERATOR}</generator>\n"
    )
    if site.language:
        out.append(f"    <language>{_text(site.language)}</language>\n")
    out.append(f"    <lastBuildDate>{_rfc822(updated)}</lastBuildDate>\n")
    for href, rel, media_type in history:
        line = f'    <atom:link href="{_attr(href)}" rel="{_attr(rel)}"'
        if media_type:
            line += f' type="{_attr(media_type)}"'
        out.append(line + "/>\n")
    if place.complete:
        out.append("    <fh:complete/>\n")
    if place.archive:
        out.append("    <fh:archive/>\n")
    yield _checked(_utf8("".join(out)))  # the head as text, then UTF-8 pieces
    for article in articles:
        pieces: list[bytes] = []
        _rss_item(site, article, pieces)
        yield _checked(b"".join(pieces))
    yield b"  </channel>\n</rss>\n"


def _rss_item(site: Site, article: Article, pieces: list[bytes]) -> None:
    out = ["    <item>\n"]
    if article.title:
        out.append(f"      <title>{_text(article.title)}</title>\n")
    out.append(f"      <link>{_text(site.url(article.path))}</link>\n")
    content = feed_content(site, article)
    if article.summary:
        out.append(
            f"      <description>{_text(article.summary)}</description>\n      <content:encoded>"
        )
        pieces += (_utf8("".join(out)), _text_utf8(content))
        out = ["</content:encoded>\n"]
    else:  # feedgen's fallback: the content as the description
        out.append("      <description>")
        pieces += (_utf8("".join(out)), _text_utf8(content))
        out = ["</description>\n"]
    author = article.author
    if author.email:
        credit = f"{author.email} ({author.name})" if author.name else author.email
        out.append(f"      <author>{_text(credit)}</author>\n")
    if article.entry_id:
        out.append(f'      <guid isPermaLink="false">{_text(article.entry_id)}</guid>\n')
    out += [f"      <category>{_text(tag)}</category>\n" for tag in article.tags]
    if article.image:
        if article.image_type is None:  # what lxml says to feedgen's enclosure
            raise TypeError("Argument must be bytes or unicode, got 'NoneType'")
        out.append(
            f'      <enclosure url="{_attr(media_url(site, article.image))}" '
            f'length="{_attr(str(article.image_length))}" '
            f'type="{_attr(article.image_type)}"/>\n'
        )
    out.append(f"      <pubDate>{_rfc822(article.published)}</pubDate>\n")
    if not author.email:
        out.append(f"      <dc:creator>{_text(author.name)}</dc:creator>\n")
    out.append("    </item>\n")
    pieces.append(_utf8("".join(out)))


def _history_links(site: Site, place: FeedPlace, media_type: str) -> list[Link]:
    """WebSub hubs on subscription documents, then the RFC 5005 links (as `feeds` adds them)."""
    links: list[Link] = [(hub, "hub", "") for hub in ([] if place.archive else site.hubs)]
    for rel, path in (
        ("current", place.current),
        ("prev-archive", place.prev_archive),
        ("next-archive", place.next_archive),
    ):
        if path is not None:
            links.append((site.url(path), rel, media_type))
    return links


def _required_text(indent: str, tag: str, value: str) -> list[str]:
    """A text element feedgen requires (feed and entry `id` and `title`)."""
    if not value:
        raise ValueError(f"Required fields not set ({tag})")
    return [f"{indent}<{tag}>{_text(value)}</{tag}>\n"]


def _text(value: str) -> str:
    """Escape text content as lxml does."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;") if "\r" in value else value


def _text_utf8(value: str) -> bytes:
    """`_text(value)` as UTF-8, for long texts: bytes.replace is several times faster than
    str.replace on text beyond Latin-1 („“, –, emoji)."""
    data = _utf8(value).replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
    return data.replace(b"\r", b"&#13;") if b"\r" in data else data


def _attr(value: str) -> str:
    """Escape an attribute value (written in double quotes) as lxml does."""
    value = (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    if "\r" in value or "\n" in value or "\t" in value:
        value = value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")
    return value


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")  # a lone surrogate fails here, as in lxml


def _checked(document: bytes) -> bytes:
    """A piece of the document (whole characters); refused, as lxml refuses the strings it is
    given, if it holds a character XML 1.0 forbids: a C0 control (one byte in UTF-8) or
    U+FFFE, U+FFFF (EF BF BE, EF BF BF)."""
    bad = len(document.translate(None, _C0_CONTROLS)) != len(document)
    at = document.find(b"\xef")  # one byte: memchr; EF leads only U+F000 to U+FFFF, rare
    while not bad and at >= 0:
        bad = document[at + 1 : at + 3] in (b"\xbf\xbe", b"\xbf\xbf")
        at = document.find(b"\xef", at + 3)
    if bad:
        raise ValueError(
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes "
            "or control characters"
        )
    return document


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Datetime object has no timezone info")
    return moment


def _iso(moment: datetime) -> str:
    """An Atom date (RFC 3339), as feedgen writes it."""
    return _aware(moment).isoformat()


def _rfc822(moment: datetime) -> str:
    """An RSS date (RFC 822): `%a, %d %b %Y %H:%M:%S %z` with the C locale's English names."""
    numbers = _aware(moment).strftime("%d %Y %H:%M:%S %z")  # no names: locale-independent
    return f"{_DAYS[moment.weekday()]}, {numbers[:2]} {_MONTHS[moment.month - 1]} {numbers[3:]}"


def write_json(
    site: Site,
    articles: Sequence[Article],
    self_path: str = "feed.json",
    place: FeedPlace = MAIN_FEED,
) -> bytes:
    """The bytes of `feeds.build_json(site, articles, self_path, place)`."""
    return b"".join(stream_json(site, articles, None, self_path, place))


JSON_ITEMS_END = b"\n  ]\n}\n"
"""How a JSON Feed written by `stream_json` ends after its last item (`[]\n}\n` when it has
none)."""


def stream_json(
    site: Site,
    articles: Iterable[Article],
    updated: datetime | None = None,
    self_path: str = "feed.json",
    place: FeedPlace = MAIN_FEED,
) -> Iterator[bytes]:
    """`write_json` in pieces, taking each article as it comes (see `stream_atom`): the head,
    up to and without the value of `items` (its last key); each item, starting with the `[`
    or `,` before it; then the end (`JSON_ITEMS_END`, or `[]` and the end with no item).
    `checking.site.StreamGate` checks a JSON document in these pieces. `updated` is not
    used (a JSON Feed has no date of its own): the three stream writers are called alike."""
    out: list[str] = []
    _dump_json(json_feed_document(site, [], self_path, place), "\n", out)
    head = "".join(out)
    empty = '"items": []\n}'
    if not head.endswith(empty):
        raise ValueError(f"JSON Feed items are not the last key: {head[-40:]!r}")
    yield head[: -len("[]\n}")].encode("utf-8")
    separator = "[\n    "
    for article in articles:
        out = [separator]
        _dump_json(json_item(site, article), "\n    ", out)
        yield "".join(out).encode("utf-8")
        separator = ",\n    "
    yield JSON_ITEMS_END if separator[0] == "," else b"[]\n}\n"


def _dump_json(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` as `json.dumps(value, ensure_ascii=False, indent=2)` writes it (keys must
    be str); `newline` is the line break plus the indentation of the line `value` starts on.
    Strings, most of the values, are written in place rather than through a call."""
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, dict):
        _dump_object(value, newline, out)
    elif isinstance(value, list | tuple):
        _dump_array(value, newline, out)
    elif value is None or isinstance(value, bool | int | float):
        out.append(json.dumps(value))
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _dump_object(value: dict[Any, Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    inner = newline + "  "
    separator = "{" + inner
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"keys must be str, not {type(key).__name__}")
        if type(item) is str:
            out += (separator, _encode_string(key), ": ", _encode_string(item))
        else:
            out += (separator, _encode_string(key), ": ")
            _dump_json(item, inner, out)
        separator = "," + inner
    out += (newline, "}")


def _dump_array(value: list[Any] | tuple[Any, ...], newline: str, out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + "  "
    separator = "[" + inner
    for item in value:
        if type(item) is str:
            out += (separator, _encode_string(item))
        else:
            out.append(separator)
            _dump_json(item, inner, out)
        separator = "," + inner
    out += (newline, "]")
