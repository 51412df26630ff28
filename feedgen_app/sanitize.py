"""Article HTML -> safe HTML: the nh3 allowlist that every page and feed body passes through."""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = frozenset({
    # text formatting
    "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small",
    "mark", "abbr", "cite", "q", "code", "kbd", "samp", "var", "pre", "span", "time",
    # links, lists, headings, images
    "a", "ul", "ol", "li", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "img", "figure", "figcaption", "picture", "source",
    # tables and quotes
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    "blockquote",
})
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "source": {"srcset", "type", "media"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "time": {"datetime"},
    "abbr": {"title"},
    "code": {"class"},
    "th": {"colspan", "rowspan", "scope", "abbr"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Absolute URLs must use one of these; relative URLs stay. No `javascript:`, no `data:`."""


def sanitize_html(html: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes; drop script/style with content.

    Event handlers (`onerror=`, ...), `style` attributes, comments, forms, iframes and
    `javascript:` URLs are removed; the text inside removed harmless tags is kept.
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object",
                            "embed", "textarea", "select", "svg", "math"},
        strip_comments=True,
        link_rel=None,
    )


_FIRST_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.DOTALL)


def first_paragraph_text(safe_html: str) -> str:
    """The plain text of the first paragraph of sanitized HTML ("" if there is none).

    Read from the sanitized HTML, so text inside dropped elements (a `<script>`) never
    reaches a summary.
    """
    match = _FIRST_PARAGRAPH.search(safe_html)
    if match is None:
        return ""
    return " ".join(unescape(nh3.clean(match.group(1), tags=set())).split())
