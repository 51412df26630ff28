"""A built site (or an output plan) -> findings: each feed document by its format, and the
site-wide rules across them (alternate feeds, self links, entry links that reach pages).

Every check works on bytes, so the same functions check a folder on disk (`check_site`), the
plan a build is about to publish (`check_files`) and any single feed document (`check_feed`,
or by format `atom.check_atom`, `rss.check_rss`, `jsonfeed.check_json`). Findings read
`FILE:LINE: message` when the line is known (XML), else `FILE: message` (JSON, whole-file and
cross-feed findings).

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
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from feedgen_app.checking.atom import check_atom_tree
from feedgen_app.checking.jsonfeed import check_json
from feedgen_app.checking.report import FeedReport, load_source
from feedgen_app.checking.rss import check_rss_tree
from feedgen_app.checking.xmltree import ATOM, parse_json, parse_xml
from feedgen_app.errors import XmlError
from feedgen_app.i18n import _

_ALTERNATE_WORDS = {"atom", "rss", "feed", "json"}


def check_feed(source: Path | bytes, name: str | None = None) -> FeedReport | None:
    """Check any feed document, recognised by content; None when it is not a feed at all."""
    name, data, problem = load_source(source, name)
    if data is None:
        return FeedReport(name, "unknown", (problem or _("{name}: cannot read").format(name=name),))
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
        return FeedReport(
            name,
            "unknown",
            (
                _("{name}:{line}: not well-formed XML: {exc}").format(
                    name=name, line=exc.line, exc=exc
                ),
            ),
        )
    if root.tag == ATOM + "feed":
        return check_atom_tree(root, name)
    if root.tag == "rss":
        return check_rss_tree(root, name)
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
            findings.append(
                _(
                    "{name}: does not carry the same entries as {name2}: missing "
                    "{missing}, extra {extra}"
                ).format(name=other.name, name2=first.name, missing=missing[:5], extra=extra[:5])
            )
        elif other_ids != first_ids:
            findings.append(
                _("{name}: lists the entries in another order than {name2}").format(
                    name=other.name, name2=first.name
                )
            )
        for entry in other.entries:
            if entry.id in first_links and entry.links[:1] != first_links[entry.id]:
                findings.append(
                    _("{name}: entry {id!r} links to {list}, but {name2} to {list2}").format(
                        name=other.name,
                        id=entry.id,
                        list=list(entry.links[:1]),
                        name2=first.name,
                        list2=list(first_links[entry.id]),
                    )
                )
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
    return check_tree(
        set(files), lambda name: check_feed(files[name], prefix + name), feeds, prefix
    )


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
            return [_("{name}: not a feed document").format(name=name)], None
        return list(report.findings), report
    if name.endswith(".json"):
        try:
            json.loads(data)
        except ValueError as exc:
            return [_("{name}: not valid JSON: {exc}").format(name=name, exc=exc)], None
        return [], None
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return [
            _("{name}:{lineno}: not well-formed XML: {ErrorString}").format(
                name=name, lineno=exc.lineno, ErrorString=expat.ErrorString(exc.code)
            )
        ], None
    return [], None


class StreamGate:
    """`gate_document` for a document written in pieces (a month's archive, streamed): fed
    each piece as it is written, it holds no more than one piece, and `close` gives the same
    findings. XML goes through one incremental expat pass. JSON comes in the pieces
    `feedwriter.stream_json` writes: the head up to the value of `items`, one piece per item
    (starting with the `[` or `,` before it), and the end; each item is parsed on its own and
    the head with the end, which together prove the whole document is valid JSON."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.findings: list[str] = []
        self.json = name.endswith(".json")
        self.parser = None if self.json else expat.ParserCreate()
        self.head: bytes | None = None
        self.last: bytes | None = None  # a JSON piece not yet known to be an item
        self.items = 0
        self.lines = 0  # lines before `last`, for a JSON finding's line number

    def feed(self, piece: bytes) -> None:
        """The next piece of the document."""
        if self.findings:
            return
        if self.parser is not None:
            self._parse(piece, False)
        elif self.head is None:
            self.head = piece
            self.lines = piece.count(b"\n")
        else:
            if self.last is not None:
                self._item(self.last)
            self.last = piece

    def close(self) -> list[str]:
        """The findings about the whole document."""
        if self.findings:
            return self.findings
        if self.parser is not None:
            self._parse(b"", True)
            return self.findings
        end = self.last or b""
        if self.items:
            end = b"[" + end
        self.lines = 0
        value = self._json((self.head or b"") + end)
        if not self.findings and (not isinstance(value, dict) or value.get("items") != []):
            self._fail(1, _("the items are not where they belong"))
        return self.findings

    def _parse(self, piece: bytes, final: bool) -> None:
        assert self.parser is not None
        try:
            self.parser.Parse(piece, final)
        except expat.ExpatError as exc:
            self.findings.append(
                _("{name}:{lineno}: not well-formed XML: {ErrorString}").format(
                    name=self.name, lineno=exc.lineno, ErrorString=expat.ErrorString(exc.code)
                )
            )

    def _item(self, piece: bytes) -> None:
        opening = b"," if self.items else b"["
        if not piece.startswith(opening):
            self._fail(1, _("an item does not start with {opening}").format(opening=opening))
            return
        value = self._json(b"[" + piece[1:] + b"]")
        if not self.findings and not (
            isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)
        ):
            self._fail(1, _("an item is not one object"))
        self.items += 1
        self.lines += piece.count(b"\n")

    def _json(self, data: bytes) -> object:
        try:
            return json.loads(data)
        except ValueError as exc:
            line = getattr(exc, "lineno", 1)
            self._fail(line, getattr(exc, "msg", str(exc)))
            return None

    def _fail(self, line: int, problem: str) -> None:
        where = _("line {line}").format(line=self.lines + line)
        self.findings.append(
            _("{name}: not valid JSON: {exc}").format(name=self.name, exc=f"{problem} ({where})")
        )


def check_site(site_dir: Path) -> list[str]:
    """Check a built site folder: every feed in it, alternates, and entry links."""
    if not site_dir.is_dir():
        return [
            _("{site_dir}: not a folder; expected a site built by `feedgen-app build`").format(
                site_dir=site_dir
            )
        ]
    names = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    feeds = sorted(n for n in names if _is_feed_candidate(n))

    def report(name: str) -> FeedReport | None:
        return check_feed((site_dir / name).read_bytes(), f"{site_dir}/{name}")

    return check_tree(names, report, feeds, f"{site_dir}/")


def check_tree(
    names: set[str],
    report_of: Callable[[str], FeedReport | None],
    feeds: Sequence[str],
    prefix: str,
) -> list[str]:
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
        findings.append(
            _("{value}: no feed found; expected atom.xml, rss.xml and feed.json").format(
                value=prefix or "./"
            )
        )
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
            findings.append(
                _(
                    "{name}: self link {self_url!r} does not match the file's place "
                    "in the site (…/{name2})"
                ).format(name=report.name, self_url=report.self_url, name2=name)
            )
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
        return _("link {link!r} does not point into the site ({base})").format(link=link, base=base)
    path = unquote(urlsplit(link).path)
    relative = path[len(unquote(urlsplit(base).path)) :]
    candidates = (
        [relative + "index.html"]
        if relative.endswith("/") or not relative
        else [relative, relative + "/index.html"]
    )
    if any(c in names for c in candidates):
        return None
    return _("link {link!r} does not resolve to a page in the site (no {candidates})").format(
        link=link, candidates=candidates[0]
    )


def _is_feed_candidate(name: str) -> bool:
    pure = PurePosixPath(name)
    hidden = any(part.startswith(".") for part in pure.parts)
    return not hidden and pure.suffix in (".xml", ".json")
