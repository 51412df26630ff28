"""Atom documents against RFC 4287's rules: cardinality, dates, IRIs, links, text constructs,
people and languages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from feedgen_app.checking.report import (
    ABSOLUTE_IRI,
    Entry,
    FeedReport,
    is_rfc3339,
    load_xml,
    show_tag,
    where,
)
from feedgen_app.checking.xmltree import ATOM, Node
from feedgen_app.formats import XHTML_NS, XML_NS, is_language_tag
from feedgen_app.i18n import _

_XML_LANG = XML_NS + " lang"


def check_atom(source: Path | bytes, name: str | None = None) -> FeedReport:
    """Check an Atom document against RFC 4287's rules."""
    label, root = load_xml(source, name, "atom")
    return root if isinstance(root, FeedReport) else check_atom_tree(root, label)


def check_atom_tree(root: Node, name: str) -> FeedReport:
    if root.tag != ATOM + "feed":
        return FeedReport(
            name,
            "atom",
            (
                _("{where}: the root element is {tag}, expected Atom <feed>").format(
                    where=where(name, root), tag=show_tag(root.tag)
                ),
            ),
        )
    findings = _check_xml_langs(root, name)
    if _XML_LANG not in root.attrs:
        findings.append(
            _(
                '{where}: <feed> has no xml:lang; expected the site language, e.g. xml:lang="de-DE"'
            ).format(where=where(name, root))
        )
    findings += _check_atom_common(
        root,
        name,
        "feed",
        ("id", "title", "updated"),
        ("generator", "icon", "logo", "rights", "subtitle"),
    )
    self_links = [link for link in root.findall(ATOM + "link") if link.attrs.get("rel") == "self"]
    if not self_links:
        findings.append(
            _('{where}: <feed> has no <link rel="self">; expected the feed\'s own URL').format(
                where=where(name, root)
            )
        )
    feed_has_author = bool(root.findall(ATOM + "author"))
    entries = []
    ids: dict[str, int] = {}
    for node in root.findall(ATOM + "entry"):
        findings += _check_atom_common(
            node,
            name,
            "entry",
            ("id", "title", "updated"),
            ("content", "published", "rights", "source", "summary"),
        )
        if not feed_has_author and not node.findall(ATOM + "author"):
            findings.append(
                _(
                    "{where}: <entry> has no <author> and neither has the feed; RFC "
                    "4287 requires one of them"
                ).format(where=where(name, node))
            )
        links = [
            link.attrs.get("href", "")
            for link in node.findall(ATOM + "link")
            if link.attrs.get("rel", "alternate") == "alternate"
        ]
        if node.find(ATOM + "content") is None and not links:
            findings.append(
                _(
                    '{where}: <entry> has neither <content> nor a <link rel="alternate">; '
                    "RFC 4287 requires one"
                ).format(where=where(name, node))
            )
        id_node = node.find(ATOM + "id")
        entry_id = id_node.text.strip() if id_node is not None else ""
        if entry_id and entry_id in ids:
            findings.append(
                _(
                    "{where}: entry id {entry_id!r} is already used by the entry "
                    "on line {ids}; ids must be unique"
                ).format(where=where(name, node), entry_id=entry_id, ids=ids[entry_id])
            )
        ids.setdefault(entry_id, node.line)
        entries.append(Entry(entry_id, tuple(links)))
    self_url = self_links[0].attrs.get("href") if self_links else None
    return FeedReport(name, "atom", tuple(findings), tuple(entries), self_url)


def _check_atom_common(
    node: Node, name: str, what: str, required: Sequence[str], optional: Sequence[str]
) -> list[str]:
    """The rules <feed> and <entry> share: cardinality, dates, IRIs, links, text, people."""
    findings = []
    for local in required:
        count = len(node.findall(ATOM + local))
        if count != 1:
            findings.append(
                _("{where}: <{what}> must have exactly one <{local}> (found {count})").format(
                    where=where(name, node), what=what, local=local, count=count
                )
            )
    for local in optional:
        if len(node.findall(ATOM + local)) > 1:
            findings.append(
                _("{where}: <{what}> must not have more than one <{local}>").format(
                    where=where(name, node), what=what, local=local
                )
            )
    for child in node.children:
        findings += _check_atom_child(child, name)
    findings += _check_atom_links(node, name, what)
    return findings


def _check_atom_child(child: Node, name: str) -> list[str]:
    """The rules for one child of <feed> or <entry>, by its element."""
    local = child.tag.removeprefix(ATOM)
    value = child.text.strip()
    if local in ("updated", "published") and not is_rfc3339(value):
        return [
            _(
                "{where}: <{local}> {value!r} is not an RFC 3339 date-time; "
                "expected e.g. 2025-10-08T06:30:00+02:00"
            ).format(where=where(name, child), local=local, value=value)
        ]
    if local in ("id", "icon", "logo") and not ABSOLUTE_IRI.fullmatch(value):
        return [
            _(
                "{where}: <{local}> {value!r} is not an absolute IRI; expected "
                "e.g. tag:example.org,2025:slug"
            ).format(where=where(name, child), local=local, value=value)
        ]
    if local in ("title", "subtitle", "summary", "rights"):
        return _check_text_construct(child, name, local)
    if local in ("author", "contributor"):
        return _check_person(child, name, local)
    if local == "category" and not child.attrs.get("term"):
        return [_("{where}: <category> has no term attribute").format(where=where(name, child))]
    if local == "content":
        return _check_content(child, name)
    return []


def _check_atom_links(node: Node, name: str, what: str) -> list[str]:
    findings = []
    alternates: dict[tuple[str, str], int] = {}
    for link in node.findall(ATOM + "link"):
        href = link.attrs.get("href")
        if not href or not ABSOLUTE_IRI.fullmatch(href):
            findings.append(
                _(
                    "{where}: <link> href {href!r} is not an absolute IRI; expected "
                    "e.g. https://example.org/slug/"
                ).format(where=where(name, link), href=href)
            )
        if link.attrs.get("rel", "alternate") == "alternate":
            key = (link.attrs.get("type", ""), link.attrs.get("hreflang", ""))
            if key in alternates:
                findings.append(
                    _(
                        '{where}: <{what}> has a second <link rel="alternate"> with type '
                        "{key!r} and hreflang {key2!r}; RFC 4287 allows one per type "
                        "and language"
                    ).format(where=where(name, link), what=what, key=key[0], key2=key[1])
                )
            alternates[key] = link.line
        if "hreflang" in link.attrs and not is_language_tag(link.attrs["hreflang"]):
            findings.append(
                _("{where}: hreflang {attrs!r} is not a BCP 47 language tag").format(
                    where=where(name, link), attrs=link.attrs["hreflang"]
                )
            )
    return findings


def _check_text_construct(node: Node, name: str, local: str) -> list[str]:
    kind = node.attrs.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        return [
            _("{where}: <{local}> type {kind!r} must be text, html or xhtml").format(
                where=where(name, node), local=local, kind=kind
            )
        ]
    if kind == "xhtml" and [c.tag for c in node.children] != [XHTML_NS + " div"]:
        return [
            _('{where}: <{local} type="xhtml"> must hold exactly one XHTML <div>').format(
                where=where(name, node), local=local
            )
        ]
    if kind != "xhtml" and node.children:
        return [
            _(
                '{where}: <{local} type="{kind}"> must not contain elements; escape the markup'
            ).format(where=where(name, node), local=local, kind=kind)
        ]
    return []


def _check_content(node: Node, name: str) -> list[str]:
    kind = node.attrs.get("type", "text")
    if kind in ("text", "html", "xhtml"):
        return _check_text_construct(node, name, "content")
    if "/" not in kind:
        return [
            _("{where}: <content> type {kind!r} must be text, html, xhtml or a MIME type").format(
                where=where(name, node), kind=kind
            )
        ]
    return []


def _check_person(node: Node, name: str, local: str) -> list[str]:
    findings = []
    names = node.findall(ATOM + "name")
    if len(names) != 1 or not names[0].text.strip():
        findings.append(
            _("{where}: <{local}> must have exactly one non-empty <name>").format(
                where=where(name, node), local=local
            )
        )
    for uri in node.findall(ATOM + "uri"):
        if not ABSOLUTE_IRI.fullmatch(uri.text.strip()):
            findings.append(
                _("{where}: <uri> {strip!r} is not an absolute IRI").format(
                    where=where(name, uri), strip=uri.text.strip()
                )
            )
    return findings


def _check_xml_langs(root: Node, name: str) -> list[str]:
    return [
        _(
            "{where}: xml:lang {attrs!r} is not a valid BCP 47 language tag; "
            "expected e.g. de-DE or en"
        ).format(where=where(name, node), attrs=node.attrs[_XML_LANG])
        for node in root.iter()
        if _XML_LANG in node.attrs and not is_language_tag(node.attrs[_XML_LANG])
    ]
