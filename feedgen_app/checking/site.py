"""A built site (or an output plan) -> findings: Atom, RSS 2.0 and JSON Feed rules and site links.

Every check works on bytes, so the same functions check a folder on disk (`check_site`), the
plan a build is about to publish (`check_files`) and any single feed document (`check_atom`,
`check_rss`, `check_json`, `check_feed`). Findings read `FILE:LINE: message` when the line is
known (XML), else `FILE: message` (JSON, whole-file and cross-feed findings).

Feeds are found by content, not by name: every `*.xml` whose root is an Atom `<feed>` or an
`<rss>`, and every `*.json` whose `version` is a JSON Feed URL, anywhere in the site (archive and
tag feeds included). Feeds in one folder whose names differ only by the words `atom`, `rss`,
`feed`, `json` (e.g. `atom.xml`, `rss.xml`, `feed.json`) are alternates of each other and must
carry the same entries in the same order.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from feedgen_app.errors import XmlError
from feedgen_app.formats import ATOM_NS, JSON_FEED_VERSION, XHTML_NS, XML_NS, is_language_tag
from feedgen_app.reading.files import read_regular_file

_A = ATOM_NS + " "
MAX_XML_DEPTH = 256
"""Deepest element nesting a checked XML document may have (feeds need about ten levels)."""
_XML_LANG = XML_NS + " lang"

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC822 = re.compile(
    rf"(?:(?P<day>{'|'.join(_DAYS)}), )?\d{{1,2}} (?:{'|'.join(_MONTHS)}) \d{{4}} "
    r"\d{2}:\d{2}(?::\d{2})? (?:UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[+-]\d{4})"
)
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_HTTP_URL = re.compile(r"https?://[^\s/?#<>\"]+[^\s<>\"]*")
_ALTERNATE_WORDS = {"atom", "rss", "feed", "json"}

JSON_FEED_KEYS = {
    "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url",
    "icon", "favicon", "author", "authors", "language", "expired", "hubs", "items",
}
JSON_ITEM_KEYS = {
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
    "banner_image", "date_published", "date_modified", "author", "authors", "tags", "language",
    "attachments",
}


@dataclass(frozen=True)
class Entry:
    """One entry of a feed as the cross-feed checks see it: its ID and its links to pages."""

    id: str
    links: tuple[str, ...]


@dataclass(frozen=True)
class FeedReport:
    """What checking one feed document found. `kind` is `atom`, `rss`, `json` or `unknown`."""

    name: str
    kind: str
    findings: tuple[str, ...]
    entries: tuple[Entry, ...] = ()
    self_url: str | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass
class Node:
    """A parsed XML element: `{namespace} local` tag, attributes, children, text and its line."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def find(self, tag: str) -> Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def iter(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.iter()


def parse_xml(data: bytes) -> Node:
    """Parse `data` with expat into Nodes (namespaces resolved); refuse any DTD and nesting
    deeper than MAX_XML_DEPTH.

    Feeds never need a DOCTYPE, and refusing it rules out entity expansion bombs; the depth
    bound keeps a hostile document (e.g. a live site for `check --against`) from exhausting
    the stack of every function that walks the tree.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[Node] = []
    roots: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_XML_DEPTH:
            raise XmlError(parser.CurrentLineNumber, f"elements nested more than "
                           f"{MAX_XML_DEPTH} deep; a feed never needs that many")
        node = Node(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def doctype(*args: object) -> None:
        raise XmlError(parser.CurrentLineNumber, "a DOCTYPE is not allowed in a feed")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError(exc.lineno, expat.errors.messages[exc.code]) from None
    return roots[0]


def parse_json(data: bytes) -> Any:
    """`data` as UTF-8 JSON; json.JSONDecodeError also for nesting deeper than Python's stack
    allows (a hostile document must give a finding, not a RecursionError)."""
    text = data.decode("utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def is_rfc3339(value: str) -> bool:
    """True for an RFC 3339 date-time (uppercase T and Z, as RFC 4287 section 3.3 asks)."""
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_rfc822(value: str) -> bool:
    """True for an RFC 822 date with English names, a 4-digit year and a matching weekday."""
    match = _RFC822.fullmatch(value)
    if not match:
        return False
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return match.group("day") is None or _DAYS[moment.weekday()] == match.group("day")


def _load(source: Path | bytes, name: str | None) -> tuple[str, bytes | None, str | None]:
    if isinstance(source, bytes):
        return name or "<feed>", source, None
    label = name or str(source)
    try:
        return label, read_regular_file(source), None
    except OSError as exc:
        return label, None, f"{label}: cannot read the file: {exc.strerror}"


def _load_xml(source: Path | bytes, name: str | None, kind: str) -> tuple[str, Node | FeedReport]:
    """Read and parse an XML feed: its label and root, or the report saying why it failed."""
    label, data, problem = _load(source, name)
    if data is None:
        return label, FeedReport(label, kind, (problem or f"{label}: cannot read",))
    try:
        return label, parse_xml(data)
    except XmlError as exc:
        return label, FeedReport(label, kind, (f"{label}:{exc.line}: not well-formed XML: {exc}",))


def _where(name: str, node: Node) -> str:
    return f"{name}:{node.line}"


def check_atom(source: Path | bytes, name: str | None = None) -> FeedReport:
    """Check an Atom document against RFC 4287's rules."""
    label, root = _load_xml(source, name, "atom")
    return root if isinstance(root, FeedReport) else _check_atom_tree(root, label)


def _check_atom_tree(root: Node, name: str) -> FeedReport:
    if root.tag != _A + "feed":
        return FeedReport(name, "atom", (f"{_where(name, root)}: the root element is "
                                         f"{_show(root.tag)}, expected Atom <feed>",))
    findings = _check_xml_langs(root, name)
    if _XML_LANG not in root.attrs:
        findings.append(f"{_where(name, root)}: <feed> has no xml:lang; expected the "
                        "site language, e.g. xml:lang=\"de-DE\"")
    findings += _check_atom_common(root, name, "feed", ("id", "title", "updated"),
                                   ("generator", "icon", "logo", "rights", "subtitle"))
    self_links = [link for link in root.findall(_A + "link") if link.attrs.get("rel") == "self"]
    if not self_links:
        findings.append(f"{_where(name, root)}: <feed> has no <link rel=\"self\">; expected "
                        "the feed's own URL")
    feed_has_author = bool(root.findall(_A + "author"))
    entries = []
    ids: dict[str, int] = {}
    for node in root.findall(_A + "entry"):
        findings += _check_atom_common(node, name, "entry", ("id", "title", "updated"),
                                       ("content", "published", "rights", "source", "summary"))
        if not feed_has_author and not node.findall(_A + "author"):
            findings.append(f"{_where(name, node)}: <entry> has no <author> and neither "
                            "has the feed; RFC 4287 requires one of them")
        links = [link.attrs.get("href", "") for link in node.findall(_A + "link")
                 if link.attrs.get("rel", "alternate") == "alternate"]
        if node.find(_A + "content") is None and not links:
            findings.append(f"{_where(name, node)}: <entry> has neither <content> nor a "
                            "<link rel=\"alternate\">; RFC 4287 requires one")
        id_node = node.find(_A + "id")
        entry_id = id_node.text.strip() if id_node is not None else ""
        if entry_id and entry_id in ids:
            findings.append(f"{_where(name, node)}: entry id {entry_id!r} is already used by "
                            f"the entry on line {ids[entry_id]}; ids must be unique")
        ids.setdefault(entry_id, node.line)
        entries.append(Entry(entry_id, tuple(links)))
    self_url = self_links[0].attrs.get("href") if self_links else None
    return FeedReport(name, "atom", tuple(findings), tuple(entries), self_url)


def _check_atom_common(node: Node, name: str, what: str, required: Sequence[str],
                       optional: Sequence[str]) -> list[str]:
    """The rules <feed> and <entry> share: cardinality, dates, IRIs, links, text, people."""
    findings = []
    for local in required:
        count = len(node.findall(_A + local))
        if count != 1:
            findings.append(f"{_where(name, node)}: <{what}> must have exactly one <{local}> "
                            f"(found {count})")
    for local in optional:
        if len(node.findall(_A + local)) > 1:
            findings.append(f"{_where(name, node)}: <{what}> must not have more than one "
                            f"<{local}>")
    for child in node.children:
        local = child.tag.removeprefix(_A)
        if local in ("updated", "published") and not is_rfc3339(child.text.strip()):
            findings.append(f"{_where(name, child)}: <{local}> {child.text.strip()!r} is not an "
                            "RFC 3339 date-time; expected e.g. 2025-10-08T06:30:00+02:00")
        elif local in ("id", "icon", "logo") and not _ABSOLUTE_IRI.fullmatch(child.text.strip()):
            findings.append(f"{_where(name, child)}: <{local}> {child.text.strip()!r} is not an "
                            "absolute IRI; expected e.g. tag:example.org,2025:slug")
        elif local in ("title", "subtitle", "summary", "rights"):
            findings += _check_text_construct(child, name, local)
        elif local in ("author", "contributor"):
            findings += _check_person(child, name, local)
        elif local == "category" and not child.attrs.get("term"):
            findings.append(f"{_where(name, child)}: <category> has no term attribute")
        elif local == "content":
            findings += _check_content(child, name)
    findings += _check_atom_links(node, name, what)
    return findings


def _check_atom_links(node: Node, name: str, what: str) -> list[str]:
    findings = []
    alternates: dict[tuple[str, str], int] = {}
    for link in node.findall(_A + "link"):
        href = link.attrs.get("href")
        if not href or not _ABSOLUTE_IRI.fullmatch(href):
            findings.append(f"{_where(name, link)}: <link> href {href!r} is not an absolute "
                            "IRI; expected e.g. https://example.org/slug/")
        if link.attrs.get("rel", "alternate") == "alternate":
            key = (link.attrs.get("type", ""), link.attrs.get("hreflang", ""))
            if key in alternates:
                findings.append(f"{_where(name, link)}: <{what}> has a second <link "
                                f"rel=\"alternate\"> with type {key[0]!r} and hreflang "
                                f"{key[1]!r}; RFC 4287 allows one per type and language")
            alternates[key] = link.line
        if "hreflang" in link.attrs and not is_language_tag(link.attrs["hreflang"]):
            findings.append(f"{_where(name, link)}: hreflang {link.attrs['hreflang']!r} is not "
                            "a BCP 47 language tag")
    return findings


def _check_text_construct(node: Node, name: str, local: str) -> list[str]:
    kind = node.attrs.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        return [f"{_where(name, node)}: <{local}> type {kind!r} must be text, html or xhtml"]
    if kind == "xhtml" and [c.tag for c in node.children] != [XHTML_NS + " div"]:
        return [f"{_where(name, node)}: <{local} type=\"xhtml\"> must hold exactly one "
                "XHTML <div>"]
    if kind != "xhtml" and node.children:
        return [f"{_where(name, node)}: <{local} type=\"{kind}\"> must not contain elements; "
                "escape the markup"]
    return []


def _check_content(node: Node, name: str) -> list[str]:
    kind = node.attrs.get("type", "text")
    if kind in ("text", "html", "xhtml"):
        return _check_text_construct(node, name, "content")
    if "/" not in kind:
        return [f"{_where(name, node)}: <content> type {kind!r} must be text, html, xhtml or "
                "a MIME type"]
    return []


def _check_person(node: Node, name: str, local: str) -> list[str]:
    findings = []
    names = node.findall(_A + "name")
    if len(names) != 1 or not names[0].text.strip():
        findings.append(f"{_where(name, node)}: <{local}> must have exactly one non-empty "
                        "<name>")
    for uri in node.findall(_A + "uri"):
        if not _ABSOLUTE_IRI.fullmatch(uri.text.strip()):
            findings.append(f"{_where(name, uri)}: <uri> {uri.text.strip()!r} is not an "
                            "absolute IRI")
    return findings


def _check_xml_langs(root: Node, name: str) -> list[str]:
    return [
        f"{_where(name, node)}: xml:lang {node.attrs[_XML_LANG]!r} is not a valid BCP 47 "
        "language tag; expected e.g. de-DE or en"
        for node in root.iter()
        if _XML_LANG in node.attrs and not is_language_tag(node.attrs[_XML_LANG])
    ]


def check_rss(source: Path | bytes, name: str | None = None) -> FeedReport:
    """Check an RSS 2.0 document: channel elements, RFC 822 dates, guids, the self link."""
    label, root = _load_xml(source, name, "rss")
    return root if isinstance(root, FeedReport) else _check_rss_tree(root, label)


def _check_rss_tree(root: Node, name: str) -> FeedReport:
    if root.tag != "rss":
        return FeedReport(name, "rss", (f"{_where(name, root)}: the root element is "
                                        f"{_show(root.tag)}, expected <rss>",))
    findings = []
    if root.attrs.get("version") != "2.0":
        findings.append(f"{_where(name, root)}: <rss> version is "
                        f"{root.attrs.get('version')!r}, expected \"2.0\"")
    channels = root.findall("channel")
    if len(channels) != 1:
        findings.append(f"{_where(name, root)}: <rss> must hold exactly one <channel> "
                        f"(found {len(channels)})")
        return FeedReport(name, "rss", tuple(findings))
    channel = channels[0]
    for local in ("title", "link", "description"):
        count = len(channel.findall(local))
        if count != 1:
            findings.append(f"{_where(name, channel)}: <channel> must have exactly one "
                            f"<{local}> (found {count})")
    for local in ("language", "pubDate", "lastBuildDate", "ttl", "generator", "image"):
        if len(channel.findall(local)) > 1:
            findings.append(f"{_where(name, channel)}: <channel> must not have more than one "
                            f"<{local}>")
    findings += _check_rss_elements(channel, name)
    self_links = [link for link in channel.findall(_A + "link")
                  if link.attrs.get("rel") == "self"]
    if not self_links:
        findings.append(f"{_where(name, channel)}: <channel> has no <atom:link rel=\"self\">; "
                        "expected the feed's own URL")
    entries, guids = [], dict[str, int]()
    for item in channel.findall("item"):
        findings += _check_rss_item(item, name, guids)
        guid = item.find("guid")
        link = item.find("link")
        links = (link.text.strip(),) if link is not None else ()
        entries.append(Entry(guid.text.strip() if guid is not None else "", links))
    self_url = self_links[0].attrs.get("href") if self_links else None
    return FeedReport(name, "rss", tuple(findings), tuple(entries), self_url)


def _check_rss_elements(node: Node, name: str) -> list[str]:
    """Dates, URLs and languages of a channel's or an item's direct children."""
    findings = []
    for child in node.children:
        value = child.text.strip()
        if child.tag in ("pubDate", "lastBuildDate") and not is_rfc822(value):
            findings.append(f"{_where(name, child)}: <{child.tag}> {value!r} is not an RFC 822 "
                            "date; expected e.g. Wed, 08 Oct 2025 06:30:00 +0200")
        elif child.tag in ("link", "comments", "docs") and not _HTTP_URL.fullmatch(value):
            findings.append(f"{_where(name, child)}: <{child.tag}> {value!r} is not an absolute "
                            "http(s) URL")
        elif child.tag == "language" and not is_language_tag(value):
            findings.append(f"{_where(name, child)}: <language> {value!r} is not a valid BCP 47 "
                            "language tag; expected e.g. de-DE")
        elif child.tag == "ttl" and not value.isdigit():
            findings.append(f"{_where(name, child)}: <ttl> {value!r} must be whole minutes")
        elif child.tag == _A + "link" and not _HTTP_URL.fullmatch(child.attrs.get("href", "")):
            findings.append(f"{_where(name, child)}: <atom:link> href "
                            f"{child.attrs.get('href')!r} is not an absolute http(s) URL")
    return findings


def _check_rss_item(item: Node, name: str, guids: dict[str, int]) -> list[str]:
    findings = _check_rss_elements(item, name)
    if item.find("title") is None and item.find("description") is None:
        findings.append(f"{_where(name, item)}: <item> needs a <title> or a <description>")
    for local in ("title", "link", "description", "guid", "pubDate"):
        if len(item.findall(local)) > 1:
            findings.append(f"{_where(name, item)}: <item> must not have more than one "
                            f"<{local}>")
    guid = item.find("guid")
    if guid is None:
        findings.append(f"{_where(name, item)}: <item> has no <guid>; expected the entry's "
                        "permanent ID")
        return findings
    value = guid.text.strip()
    if not value:
        findings.append(f"{_where(name, guid)}: <guid> is empty")
    elif value in guids:
        findings.append(f"{_where(name, guid)}: guid {value!r} is already used by the item on "
                        f"line {guids[value]}; guids must be unique")
    guids.setdefault(value, item.line)
    permalink = guid.attrs.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        findings.append(f"{_where(name, guid)}: isPermaLink must be true or false")
    elif permalink == "true" and value and not _HTTP_URL.fullmatch(value):
        findings.append(f"{_where(name, guid)}: guid {value!r} is a permalink but not an "
                        "http(s) URL; set isPermaLink=\"false\"")
    for enclosure in item.findall("enclosure"):
        missing = [a for a in ("url", "length", "type") if not enclosure.attrs.get(a)]
        if missing:
            findings.append(f"{_where(name, enclosure)}: <enclosure> lacks "
                            f"{', '.join(missing)}")
    return findings


def check_json(source: Path | bytes, name: str | None = None) -> FeedReport:
    """Check a JSON Feed 1.1 document."""
    name, data, problem = _load(source, name)
    if data is None:
        return FeedReport(name, "json", (problem or f"{name}: cannot read",))
    try:
        document = parse_json(data)
    except UnicodeDecodeError as exc:
        return FeedReport(name, "json", (f"{name}: not UTF-8 at byte offset {exc.start}",))
    except json.JSONDecodeError as exc:
        return FeedReport(name, "json", (f"{name}:{exc.lineno}: not valid JSON: {exc.msg}",))
    if not isinstance(document, dict):
        return FeedReport(name, "json", (f"{name}: expected a JSON object",))
    findings = _check_json_feed(document, name)
    items = document.get("items")
    entries = []
    ids: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            findings.append(f"{name}: items[{index}] must be an object")
            continue
        findings += _check_json_item(item, f"{name}: items[{index}]", ids)
        url = item.get("url")
        entries.append(Entry(str(item.get("id", "")), (url,) if isinstance(url, str) else ()))
    feed_url = document.get("feed_url")
    self_url = feed_url if isinstance(feed_url, str) else None
    return FeedReport(name, "json", tuple(findings), tuple(entries), self_url)


def _check_json_feed(document: dict[str, object], name: str) -> list[str]:
    findings = []
    if document.get("version") != JSON_FEED_VERSION:
        findings.append(f"{name}: version is {document.get('version')!r}, expected "
                        f"{JSON_FEED_VERSION!r}")
    if not isinstance(document.get("title"), str) or not str(document["title"]).strip():
        findings.append(f"{name}: title is missing or not text")
    if not isinstance(document.get("items"), list):
        findings.append(f"{name}: items is missing or not a list")
    if "feed_url" not in document:
        findings.append(f"{name}: feed_url is missing; expected the feed's own URL")
    findings += _check_json_common(document, name, JSON_FEED_KEYS,
                                   ("home_page_url", "feed_url", "next_url", "icon", "favicon"))
    if "expired" in document and not isinstance(document["expired"], bool):
        findings.append(f"{name}: expired must be true or false")
    hubs = document.get("hubs", [])
    if not isinstance(hubs, list) or not all(
        isinstance(h, dict) and isinstance(h.get("type"), str) and isinstance(h.get("url"), str)
        for h in hubs
    ):
        findings.append(f"{name}: hubs must be a list of objects with type and url")
    return findings


def _check_json_item(item: dict[str, object], where: str, ids: set[str]) -> list[str]:
    findings = []
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        findings.append(f"{where}: id is missing or not text; expected the entry's permanent ID")
    elif entry_id in ids:
        findings.append(f"{where}: id {entry_id!r} is used by an earlier item; ids must be "
                        "unique")
    else:
        ids.add(entry_id)
    if not isinstance(item.get("content_html"), str) and not isinstance(
        item.get("content_text"), str
    ):
        findings.append(f"{where}: needs content_html or content_text")
    for key in ("title", "summary", "content_html", "content_text"):
        if key in item and not isinstance(item[key], str):
            findings.append(f"{where}: {key} must be text")
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if key in item and not (isinstance(value, str) and is_rfc3339(value)):
            findings.append(f"{where}: {key} {value!r} is not an RFC 3339 date-time; expected "
                            "e.g. 2025-10-08T06:30:00+02:00")
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        findings.append(f"{where}: tags must be a list of text")
    attachments = item.get("attachments", [])
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and isinstance(a.get("url"), str)
        and isinstance(a.get("mime_type"), str) for a in attachments
    ):
        findings.append(f"{where}: attachments must be a list of objects with url and "
                        "mime_type")
    findings += _check_json_common(item, where, JSON_ITEM_KEYS,
                                   ("url", "external_url", "image", "banner_image"))
    return findings


def _check_json_common(obj: dict[str, object], where: str, known: set[str],
                       url_keys: Sequence[str]) -> list[str]:
    findings = []
    for key in obj:
        if key not in known and not key.startswith("_"):
            findings.append(f"{where}: unknown key {key!r}; JSON Feed extensions start with _")
    for key in url_keys:
        value = obj.get(key)
        if key in obj and not (isinstance(value, str) and _HTTP_URL.fullmatch(value)):
            findings.append(f"{where}: {key} {value!r} is not an absolute http(s) URL")
    language = obj.get("language")
    if "language" in obj and not (isinstance(language, str) and is_language_tag(language)):
        findings.append(f"{where}: language {language!r} is not a valid BCP 47 language tag; "
                        "expected e.g. de-DE")
    authors = obj.get("authors", [])
    if not isinstance(authors, list) or not all(
        isinstance(a, dict) and any(isinstance(a.get(k), str) for k in ("name", "url", "avatar"))
        for a in authors
    ):
        findings.append(f"{where}: authors must be a list of objects with a name, url or avatar")
    return findings


def check_feed(source: Path | bytes, name: str | None = None) -> FeedReport | None:
    """Check any feed document, recognised by content; None when it is not a feed at all."""
    name, data, problem = _load(source, name)
    if data is None:
        return FeedReport(name, "unknown", (problem or f"{name}: cannot read",))
    if name.endswith(".json"):
        try:
            document = parse_json(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return check_json(data, name)
        version = document.get("version") if isinstance(document, dict) else None
        if isinstance(version, str) and version.startswith("https://jsonfeed.org/version/"):
            return check_json(data, name)
        return None
    try:
        root = parse_xml(data)
    except XmlError as exc:
        return FeedReport(name, "unknown",
                          (f"{name}:{exc.line}: not well-formed XML: {exc}",))
    if root.tag == _A + "feed":
        return _check_atom_tree(root, name)
    if root.tag == "rss":
        return _check_rss_tree(root, name)
    return None


def check_same_entries(reports: Sequence[FeedReport]) -> list[str]:
    """Alternate feeds must carry the same entries (by ID), in the same order, with one link."""
    findings = []
    first = reports[0]
    first_ids = [e.id for e in first.entries]
    first_links = {e.id: e.links[:1] for e in first.entries}
    first_set = set(first_ids)
    for other in reports[1:]:
        other_ids = [e.id for e in other.entries]
        other_set = set(other_ids)
        missing = [i for i in first_ids if i not in other_set]
        extra = [i for i in other_ids if i not in first_set]
        if missing or extra:
            findings.append(f"{other.name}: does not carry the same entries as {first.name}: "
                            f"missing {missing[:5]}, extra {extra[:5]}")
        elif other_ids != first_ids:
            findings.append(f"{other.name}: lists the entries in another order than "
                            f"{first.name}")
        for entry in other.entries:
            if entry.id in first_links and entry.links[:1] != first_links[entry.id]:
                findings.append(f"{other.name}: entry {entry.id!r} links to "
                                f"{list(entry.links[:1])}, but {first.name} to "
                                f"{list(first_links[entry.id])}")
    return findings


def group_alternates(names: Iterable[str]) -> list[list[str]]:
    """Alternate feeds: same folder, same name apart from the words atom, rss, feed, json."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name in sorted(names):
        pure = PurePosixPath(name)
        words = re.split(r"[._-]", pure.name.lower())
        key = "-".join(w for w in words[:-1] if w not in _ALTERNATE_WORDS)
        groups.setdefault((str(pure.parent), key), []).append(name)
    return [group for group in groups.values() if len(group) > 1]


def check_files(files: Mapping[str, bytes], prefix: str = "") -> list[str]:
    """Check an output plan held in memory (relative path -> bytes); findings name `prefix` +
    path. Every feed document in full, then the site rules across them."""
    feeds = sorted(name for name in files if _is_feed_candidate(name))
    return check_tree(set(files), lambda name: check_feed(files[name], prefix + name), feeds,
                      prefix)


def gate_document(name: str, data: bytes, full: bool) -> tuple[list[str], FeedReport | None]:
    """The build's check of one freshly rendered document (`name` as findings should say it).

    The build validates its data before serialising (the content reader and the config do),
    so after serialising it only has to prove the bytes are what a reader will parse: every
    XML document well-formed (one expat pass, no tree), every JSON document valid JSON. With
    `full` (the subscription documents, which feed readers poll) the document is checked in
    full, as `feedgen-app check` does, and its report returned for the site rules."""
    if full:
        report = check_feed(data, name)
        if report is None:
            return [f"{name}: not a feed document"], None
        return list(report.findings), report
    if name.endswith(".json"):
        try:
            json.loads(data)
        except ValueError as exc:
            return [f"{name}: not valid JSON: {exc}"], None
        return [], None
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return [f"{name}:{exc.lineno}: not well-formed XML: {expat.ErrorString(exc.code)}"], None
    return [], None


def check_site(site_dir: Path) -> list[str]:
    """Check a built site folder: every feed in it, alternates, and entry links."""
    if not site_dir.is_dir():
        return [f"{site_dir}: not a folder; expected a site built by `feedgen-app build`"]
    names = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    feeds = sorted(n for n in names if _is_feed_candidate(n))

    def report(name: str) -> FeedReport | None:
        return check_feed((site_dir / name).read_bytes(), f"{site_dir}/{name}")

    return check_tree(names, report, feeds, f"{site_dir}/")


def check_tree(names: set[str], report_of: Callable[[str], FeedReport | None],
               feeds: Sequence[str], prefix: str) -> list[str]:
    """The site rules over a set of file names and the reports of the feed documents among
    them (`report_of(name)`: None for a file that is not a feed)."""
    reports: dict[str, FeedReport] = {}
    findings: list[str] = []
    for name in feeds:
        report = report_of(name)
        if report is not None:
            reports[name] = report
            findings += report.findings
    if not any(r.kind in ("atom", "rss", "json") for r in reports.values()):
        findings.append(f"{prefix or './'}: no feed found; expected atom.xml, rss.xml and "
                        "feed.json")
        return findings
    for group in group_alternates(n for n, r in reports.items() if r.kind != "unknown"):
        findings += check_same_entries([reports[n] for n in group])
    findings += _check_links(reports, names)
    return findings


def _check_links(reports: Mapping[str, FeedReport], names: set[str]) -> list[str]:
    """Each self link must be the file's own URL; each entry link must reach a page."""
    findings, bases = [], Counter[str]()
    for name, report in reports.items():
        if report.self_url is None:
            continue
        if report.self_url.endswith("/" + name):
            bases[report.self_url[: -len(name)]] += 1
        else:
            findings.append(f"{report.name}: self link {report.self_url!r} does not match the "
                            f"file's place in the site (…/{name})")
    if not bases:
        return findings
    base = bases.most_common(1)[0][0]
    for report in reports.values():
        for entry in report.entries:
            for link in entry.links:
                problem = _resolve_link(link, base, names)
                if problem:
                    findings.append(f"{report.name}: entry {entry.id!r}: {problem}")
    return findings


def _resolve_link(link: str, base: str, names: set[str]) -> str | None:
    if not link.startswith(base):
        return f"link {link!r} does not point into the site ({base})"
    path = unquote(urlsplit(link).path)
    relative = path[len(unquote(urlsplit(base).path)):]
    candidates = [relative + "index.html"] if relative.endswith("/") or not relative else [
        relative, relative + "/index.html"]
    if any(c in names for c in candidates):
        return None
    return f"link {link!r} does not resolve to a page in the site (no {candidates[0]})"


def _is_feed_candidate(name: str) -> bool:
    pure = PurePosixPath(name)
    hidden = any(part.startswith(".") for part in pure.parts)
    return not hidden and pure.suffix in (".xml", ".json")


def _show(tag: str) -> str:
    namespace, _, local = tag.rpartition(" ")
    return f"<{local}> (namespace {namespace})" if namespace else f"<{local}>"
