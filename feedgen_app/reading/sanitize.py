"""Article HTML -> safe HTML: the nh3 allowlist that every page and feed body passes through."""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = frozenset(
    {
        # text formatting
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "cite",
        "q",
        "code",
        "kbd",
        "samp",
        "var",
        "pre",
        "span",
        "time",
        # links, lists, headings, images
        "a",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "img",
        "figure",
        "figcaption",
        "picture",
        "source",
        # tables and quotes
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "colgroup",
        "col",
        "blockquote",
        # the footnotes at the end of a Markdown body
        "section",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang", "id"},
    "img": {"src", "alt", "width", "height", "loading"},
    "source": {"srcset", "type", "media"},
    "ol": {"start", "reversed"},
    "li": {"value", "id"},
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
ALLOWED_CLASSES = {
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
}
"""Classes the Markdown renderer writes (table column alignment, footnotes), by element:
stylable, and nothing else (`code` keeps any class: `language-…`)."""
FOOTNOTE_ID = re.compile(r"fn\d+|fnref\d+(?::\d+)?")
"""The only `id` values kept: the footnotes' and their references' (`fn1`, `fnref1:2`). Other
ids could take over the page's own anchors (`#inhalt`)."""
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Absolute URLs must use one of these; relative URLs stay. No `javascript:`, no `data:`."""


def sanitize_html(html: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes; drop script/style with content.

    Event handlers (`onerror=`, ...), `style` attributes, comments, forms, iframes and
    `javascript:` URLs are removed; the text inside removed harmless tags is kept. Classes
    and ids are kept only where the Markdown renderer writes them (ALLOWED_CLASSES,
    FOOTNOTE_ID).
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        attribute_filter=_keep_footnote_ids,
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={
            "script",
            "style",
            "template",
            "noscript",
            "iframe",
            "object",
            "embed",
            "textarea",
            "select",
            "svg",
            "math",
        },
        strip_comments=True,
        link_rel=None,
    )


def _keep_footnote_ids(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not FOOTNOTE_ID.fullmatch(value):
        return None
    return value


_FIRST_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)


def first_paragraph_text(safe_html: str) -> str:
    """The plain text of the first paragraph with text in sanitized HTML ("" if there is
    none): a paragraph holding only an image is skipped, footnote references are left out
    (a summary has no footnotes to point to).

    Read from the sanitized HTML, so text inside dropped elements (a `<script>`) never
    reaches a summary.
    """
    for match in _FIRST_PARAGRAPH.finditer(safe_html):
        text = _FOOTNOTE_REF.sub("", match.group(1))
        words = unescape(nh3.clean(text, tags=set())).split()
        if words:
            return " ".join(words)
    return ""
