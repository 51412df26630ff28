"""RSS 2.0 documents: channel elements, RFC 822 dates, guids, enclosures and the self link."""

from __future__ import annotations

from pathlib import Path

from feedgen_app.checking.report import (
    HTTP_URL,
    Entry,
    FeedReport,
    is_rfc822,
    load_xml,
    show_tag,
    where,
)
from feedgen_app.checking.xmltree import ATOM, Node
from feedgen_app.formats import is_language_tag
from feedgen_app.i18n import _


def check_rss(source: Path | bytes, name: str | None = None) -> FeedReport:
    """Check an RSS 2.0 document: channel elements, RFC 822 dates, guids, the self link."""
    label, root = load_xml(source, name, "rss")
    return root if isinstance(root, FeedReport) else check_rss_tree(root, label)


def check_rss_tree(root: Node, name: str) -> FeedReport:
    if root.tag != "rss":
        return FeedReport(
            name,
            "rss",
            (
                _("{where}: the root element is {tag}, expected <rss>").format(
                    where=where(name, root), tag=show_tag(root.tag)
                ),
            ),
        )
    findings = []
    if root.attrs.get("version") != "2.0":
        findings.append(
            _('{where}: <rss> version is {get!r}, expected "2.0"').format(
                where=where(name, root), get=root.attrs.get("version")
            )
        )
    channels = root.findall("channel")
    if len(channels) != 1:
        findings.append(
            _("{where}: <rss> must hold exactly one <channel> (found {count})").format(
                where=where(name, root), count=len(channels)
            )
        )
        return FeedReport(name, "rss", tuple(findings))
    channel = channels[0]
    for local in ("title", "link", "description"):
        count = len(channel.findall(local))
        if count != 1:
            findings.append(
                _("{where}: <channel> must have exactly one <{local}> (found {count})").format(
                    where=where(name, channel), local=local, count=count
                )
            )
    for local in ("language", "pubDate", "lastBuildDate", "ttl", "generator", "image"):
        if len(channel.findall(local)) > 1:
            findings.append(
                _("{where}: <channel> must not have more than one <{local}>").format(
                    where=where(name, channel), local=local
                )
            )
    findings += _check_rss_elements(channel, name)
    self_links = [
        link for link in channel.findall(ATOM + "link") if link.attrs.get("rel") == "self"
    ]
    if not self_links:
        findings.append(
            _(
                '{where}: <channel> has no <atom:link rel="self">; expected the feed\'s own URL'
            ).format(where=where(name, channel))
        )
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
            findings.append(
                _(
                    "{where}: <{tag}> {value!r} is not an RFC 822 date; expected "
                    "e.g. Wed, 08 Oct 2025 06:30:00 +0200"
                ).format(where=where(name, child), tag=child.tag, value=value)
            )
        elif child.tag in ("link", "comments", "docs") and not HTTP_URL.fullmatch(value):
            findings.append(
                _("{where}: <{tag}> {value!r} is not an absolute http(s) URL").format(
                    where=where(name, child), tag=child.tag, value=value
                )
            )
        elif child.tag == "language" and not is_language_tag(value):
            findings.append(
                _(
                    "{where}: <language> {value!r} is not a valid BCP 47 language "
                    "tag; expected e.g. de-DE"
                ).format(where=where(name, child), value=value)
            )
        elif child.tag == "ttl" and not value.isdigit():
            findings.append(
                _("{where}: <ttl> {value!r} must be whole minutes").format(
                    where=where(name, child), value=value
                )
            )
        elif child.tag == ATOM + "link" and not HTTP_URL.fullmatch(child.attrs.get("href", "")):
            findings.append(
                _("{where}: <atom:link> href {get!r} is not an absolute http(s) URL").format(
                    where=where(name, child), get=child.attrs.get("href")
                )
            )
    return findings


def _check_rss_item(item: Node, name: str, guids: dict[str, int]) -> list[str]:
    findings = _check_rss_elements(item, name)
    if item.find("title") is None and item.find("description") is None:
        findings.append(
            _("{where}: <item> needs a <title> or a <description>").format(where=where(name, item))
        )
    for local in ("title", "link", "description", "guid", "pubDate"):
        if len(item.findall(local)) > 1:
            findings.append(
                _("{where}: <item> must not have more than one <{local}>").format(
                    where=where(name, item), local=local
                )
            )
    guid = item.find("guid")
    if guid is None:
        findings.append(
            _("{where}: <item> has no <guid>; expected the entry's permanent ID").format(
                where=where(name, item)
            )
        )
        return findings
    findings += _check_guid(guid, item, name, guids)
    for enclosure in item.findall("enclosure"):
        missing = [a for a in ("url", "length", "type") if not enclosure.attrs.get(a)]
        if missing:
            findings.append(
                _("{where}: <enclosure> lacks {names}").format(
                    where=where(name, enclosure), names=", ".join(missing)
                )
            )
    return findings


def _check_guid(guid: Node, item: Node, name: str, guids: dict[str, int]) -> list[str]:
    """An item's guid: not empty, unique in the feed (`guids`: guid -> line), and an http(s)
    URL unless isPermaLink="false"."""
    findings = []
    value = guid.text.strip()
    if not value:
        findings.append(_("{where}: <guid> is empty").format(where=where(name, guid)))
    elif value in guids:
        findings.append(
            _(
                "{where}: guid {value!r} is already used by the item on line "
                "{guids}; guids must be unique"
            ).format(where=where(name, guid), value=value, guids=guids[value])
        )
    guids.setdefault(value, item.line)
    permalink = guid.attrs.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        findings.append(
            _("{where}: isPermaLink must be true or false").format(where=where(name, guid))
        )
    elif permalink == "true" and value and not HTTP_URL.fullmatch(value):
        findings.append(
            _(
                "{where}: guid {value!r} is a permalink but not an http(s) URL; "
                'set isPermaLink="false"'
            ).format(where=where(name, guid), value=value)
        )
    return findings
