"""What every format's checker shares: the FeedReport it returns, how it reads a document (a
file or bytes) and names places in findings, and the value rules of the formats (RFC 3339 and
RFC 822 dates, absolute IRIs, http(s) URLs)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from feedgen_app.checking.xmltree import Node, parse_xml
from feedgen_app.errors import XmlError
from feedgen_app.i18n import _, os_reason
from feedgen_app.reading.files import read_regular_file

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC822 = re.compile(
    rf"(?:(?P<day>{'|'.join(_DAYS)}), )?\d{{1,2}} (?:{'|'.join(_MONTHS)}) \d{{4}} "
    r"\d{2}:\d{2}(?::\d{2})? (?:UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[+-]\d{4})"
)
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
HTTP_URL = re.compile(r"https?://[^\s/?#<>\"]+[^\s<>\"]*")


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


def load_source(source: Path | bytes, name: str | None) -> tuple[str, bytes | None, str | None]:
    """A document to check: its name in findings, its bytes (None if unreadable) and why not."""
    if isinstance(source, bytes):
        return name or "<feed>", source, None
    label = name or str(source)
    try:
        return label, read_regular_file(source), None
    except OSError as exc:
        return (
            label,
            None,
            _("{label}: cannot read the file: {strerror}").format(
                label=label, strerror=os_reason(exc)
            ),
        )


def load_xml(source: Path | bytes, name: str | None, kind: str) -> tuple[str, Node | FeedReport]:
    """Read and parse an XML feed: its label and root, or the report saying why it failed."""
    label, data, problem = load_source(source, name)
    if data is None:
        return label, FeedReport(
            label, kind, (problem or _("{label}: cannot read").format(label=label),)
        )
    try:
        return label, parse_xml(data)
    except XmlError as exc:
        return label, FeedReport(
            label,
            kind,
            (
                _("{label}:{line}: not well-formed XML: {exc}").format(
                    label=label, line=exc.line, exc=exc
                ),
            ),
        )


def where(name: str, node: Node) -> str:
    """`FILE:LINE` of an XML element, for findings."""
    return f"{name}:{node.line}"


def show_tag(tag: str) -> str:
    """A Node's tag as a finding names it: `<feed> (namespace http://...)`."""
    namespace, _, local = tag.rpartition(" ")
    return f"<{local}> (namespace {namespace})" if namespace else f"<{local}>"
