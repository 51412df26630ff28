"""What the published formats fix, for every stage that writes or checks them: the XML
namespaces, the JSON Feed version, BCP 47 language tags and the characters XML 1.0 forbids."""

from __future__ import annotations

import re

ARTICLE_SUFFIXES = (".txt", ".md")
"""Article files in the content folder (plain text, Markdown); its other files are media."""

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"
FH_NS = "http://purl.org/syndication/history/1.0"
"""RFC 5005 Feed History: `fh:complete`, `fh:archive`."""
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

_LANGUAGE_TAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?|x(?:-[a-z0-9]{1,8})+"
    r"|en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(?:be-fr|be-nl|ch-de))",
    re.IGNORECASE,
)
"""RFC 5646 `Language-Tag`, well-formed, with a 2-3 letter primary language (the only kind the
IANA registry holds), or private use, or one of the irregular grandfathered tags."""

_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
_C1 = "\x80-\x9f"
XML_FORBIDDEN = re.compile(f"[{_FORBIDDEN}]")
"""Characters XML 1.0 forbids: no feed can hold them."""
C1_CONTROL = re.compile(f"[{_C1}]")
"""XML 1.0 allows C1 controls but discourages them: in text they are Windows-1252 bytes read
as Latin-1 (mojibake), and feed readers (feedparser) turn them into other characters."""
UNFIT_FOR_FEEDS = re.compile(f"[{_FORBIDDEN}{_C1}]")
"""Either of the two."""


def is_language_tag(value: str) -> bool:
    """True when `value` is a well-formed BCP 47 (RFC 5646) tag with a registrable language."""
    return _LANGUAGE_TAG.fullmatch(value) is not None
