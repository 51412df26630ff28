"""A new build vs the previously published site: entry IDs that vanished, renamed or deleted.

Both sites are read through their feeds, as a reader sees them: `feed.json` and every page its
`next_url` chain reaches (the monthly archives), or, for a site without JSON Feed, `atom.xml`
and its `prev-archive` chain. The previous site is a folder or a live URL.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from feedgen_app import __version__
from feedgen_app.checking.xmltree import ATOM, Node, parse_json, parse_xml
from feedgen_app.errors import PreviousSiteError, XmlError
from feedgen_app.i18n import _, os_reason
from feedgen_app.reading.files import read_regular_file

MAX_DOCUMENTS = 5000
"""Feed documents read per site at most (a month per document: four centuries)."""
TIMEOUT = 30.0
MAX_FETCH_BYTES = 64 * 2**20
"""Largest feed document read from a live site (a hostile one could send without end)."""


@dataclass(frozen=True)
class PublishedEntry:
    """One entry as a site's feeds show it."""

    id: str
    title: str
    published: datetime | None
    url: str


@dataclass(frozen=True)
class ComparisonReport:
    """What comparing a new build with the published site found."""

    problems: tuple[str, ...]
    """Published IDs that vanished while a look-alike entry appeared under a new ID."""
    deleted: tuple[PublishedEntry, ...]
    """Published entries that are gone (deliberately, one hopes): reported, not failed."""
    previous: int
    """Entries found in the published site (0: nothing published yet)."""


Fetch = Callable[[str], bytes | None]
"""Reads one document by location; None when it does not exist."""


def compare_published(
    new_site: Path,
    previous: str,
    sources: Mapping[str, str] | None = None,
    accepted: Iterable[str] = (),
) -> ComparisonReport:
    """Compare the built site in `new_site` with the published one (folder or http(s) URL).

    `sources` maps new entry IDs to their article files, for messages; `accepted` lists IDs
    the user deleted on purpose (never reported as renamed).
    """
    new_entries = read_site_entries(str(new_site), read_local_file)
    old_entries = read_site_entries(previous, fetch_url if is_url(previous) else read_local_file)
    return compare_entries(
        old_entries, new_entries, sources or {}, set(accepted), where=f"{new_site}/feed.json"
    )


def compare_entries(
    old: Mapping[str, PublishedEntry],
    new: Mapping[str, PublishedEntry],
    sources: Mapping[str, str],
    accepted: set[str],
    where: str,
) -> ComparisonReport:
    """Vanished IDs whose title or publication date reappears under a new ID are problems."""
    appeared = [new[i] for i in sorted(new) if i not in old]
    claimed: set[str] = set()
    problems, deleted = [], []
    vanished = sorted((old[i] for i in old if i not in new), key=_newest_first)
    for entry in vanished:
        match = None if entry.id in accepted else find_lookalike(entry, appeared, claimed)
        if match is None:
            deleted.append(entry)
            continue
        claimed.add(match.id)
        problems.append(rename_advice(entry, match, sources.get(match.id), where))
    return ComparisonReport(tuple(problems), tuple(deleted), len(old))


def find_lookalike(
    entry: PublishedEntry, candidates: Iterable[PublishedEntry], claimed: set[str]
) -> PublishedEntry | None:
    """The first unclaimed new entry with the same title, else with the same date."""
    pool = [c for c in candidates if c.id not in claimed]
    same_title = [c for c in pool if _norm(c.title) == _norm(entry.title)]
    if same_title:
        return same_title[0]
    if entry.published is None:
        return None
    same_date = [c for c in pool if c.published == entry.published]
    return same_date[0] if same_date else None


def rename_advice(old: PublishedEntry, new: PublishedEntry, source: str | None, where: str) -> str:
    """The message for a published entry that would reappear under a new ID."""
    same_title = _norm(old.title) == _norm(new.title)
    place = f"{source}:1" if source else where
    article = source or _("the article of {url}").format(url=new.url)
    plain = source is not None and source.endswith(".txt")
    how = (
        _("a line `id {id}` right after its date line").format(id=old.id)
        if plain
        else _("`id: {id}` to its front matter").format(id=old.id)
        + (
            ""
            if source
            else _(" (plain text: a line `id {id}` right after the date line)").format(id=old.id)
        )
    )
    message = (
        _(
            "{place}: entry {id!r} („{title}“) has the same title as the "
            "published entry {id2!r} („{title2}“), whose ID is gone: readers "
            "would show it again as new. Add {how} in {article} to keep the "
            "published ID; if it really is another article, pass --deleted {id2}"
        )
        if same_title
        else _(
            "{place}: entry {id!r} („{title}“) has the same date as the "
            "published entry {id2!r} („{title2}“), whose ID is gone: readers "
            "would show it again as new. Add {how} in {article} to keep the "
            "published ID; if it really is another article, pass --deleted {id2}"
        )
    )
    return message.format(
        place=place,
        id=new.id,
        title=new.title,
        id2=old.id,
        title2=old.title,
        how=how,
        article=article,
    )


def read_site_entries(location: str, fetch: Fetch) -> dict[str, PublishedEntry]:
    """Every entry the site's feeds reach, by ID (the first occurrence wins)."""
    base = location if location.endswith("/") else location + "/"
    first = fetch(base + "feed.json")
    if first is not None:
        return _follow(base, base + "feed.json", first, fetch, _json_page)
    first = fetch(base + "atom.xml")
    if first is not None:
        return _follow(base, base + "atom.xml", first, fetch, _atom_page)
    return {}


PageReader = Callable[[bytes, str], tuple[list[PublishedEntry], str | None, str | None]]
"""A document's bytes and name -> its entries, its own URL, the next older document's URL."""


def _follow(
    base: str, name: str, data: bytes, fetch: Fetch, read_page: PageReader
) -> dict[str, PublishedEntry]:
    entries: dict[str, PublishedEntry] = {}
    seen = {name}
    site_url: str | None = None
    while True:
        page, self_url, older = read_page(data, name)
        for entry in page:
            entries.setdefault(entry.id, entry)
        if site_url is None and self_url:
            site_url = self_url.rsplit("/", 1)[0] + "/"
        if older is None or len(seen) >= MAX_DOCUMENTS:
            return entries
        name = _locate(older, site_url, base, name)
        if name in seen:
            return entries
        seen.add(name)
        fetched = fetch(name)
        if fetched is None:
            raise PreviousSiteError(
                _(
                    "{name}:1: the archive document this site's feeds link to is "
                    "missing; the published history is broken"
                ).format(name=name)
            )
        data = fetched


def _locate(url: str, site_url: str | None, base: str, current: str) -> str:
    """Where to read a linked document: its path below the site's URL, read below `base` (a
    folder, or the URL given, which may differ from `base_url`, e.g. a custom domain)."""
    if site_url and url.startswith(site_url):
        return base + url[len(site_url) :]
    if is_url(base):
        target = urljoin(current, url)
        if urlsplit(target)[:2] != urlsplit(base)[:2]:
            raise PreviousSiteError(
                _(
                    "{current}:1: the feed links to {url!r} on another site; only "
                    "the site's own archive documents are read"
                ).format(current=current, url=url)
            )
        return target
    raise PreviousSiteError(
        _(
            "{current}:1: the link {url!r} does not point into the site ({site_url}); "
            "cannot find it in the folder {base}"
        ).format(current=current, url=url, site_url=site_url, base=base)
    )


def _json_page(data: bytes, name: str) -> tuple[list[PublishedEntry], str | None, str | None]:
    try:
        document = parse_json(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PreviousSiteError(
            _("{name}:1: not a JSON Feed: {exc}").format(name=name, exc=exc)
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise PreviousSiteError(_("{name}:1: not a JSON Feed (no items list)").format(name=name))
    entries = []
    for item in document["items"]:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            entries.append(
                PublishedEntry(
                    id=item["id"],
                    title=str(item.get("title", "")),
                    published=_parse_date(item.get("date_published")),
                    url=str(item.get("url", "")),
                )
            )
    feed_url, older = document.get("feed_url"), document.get("next_url")
    return (
        entries,
        feed_url if isinstance(feed_url, str) else None,
        older if isinstance(older, str) else None,
    )


def _atom_page(data: bytes, name: str) -> tuple[list[PublishedEntry], str | None, str | None]:
    try:
        root = parse_xml(data)
    except XmlError as exc:
        raise PreviousSiteError(
            _("{name}:{line}: not well-formed XML: {exc}").format(name=name, line=exc.line, exc=exc)
        ) from None
    if root.tag != ATOM + "feed":
        raise PreviousSiteError(_("{name}:1: not an Atom feed").format(name=name))
    links = {
        link.attrs.get("rel", "alternate"): link.attrs.get("href", "")
        for link in root.findall(ATOM + "link")
    }
    entries = []
    for node in root.findall(ATOM + "entry"):
        entry_links = {
            link.attrs.get("rel", "alternate"): link.attrs.get("href", "")
            for link in node.findall(ATOM + "link")
        }
        entries.append(
            PublishedEntry(
                id=_text(node, "id"),
                title=_text(node, "title"),
                published=_parse_date(_text(node, "published") or None),
                url=entry_links.get("alternate", ""),
            )
        )
    return entries, links.get("self"), links.get("prev-archive")


def _text(node: Node, local: str) -> str:
    child = node.find(ATOM + local)
    return child.text.strip() if child is not None else ""


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _norm(title: str) -> str:
    return " ".join(title.casefold().split())


def _newest_first(entry: PublishedEntry) -> tuple[float, str]:
    return (-(entry.published.timestamp() if entry.published else 0.0), entry.id)


def is_url(location: str) -> bool:
    """True for an http(s) URL (else the location is a folder)."""
    return location.startswith(("http://", "https://"))


def read_local_file(path: str) -> bytes | None:
    """A file's bytes, or None when it does not exist."""
    try:
        return read_regular_file(Path(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PreviousSiteError(
            _("{path}:1: cannot read the file: {strerror}").format(
                path=path, strerror=os_reason(exc)
            )
        ) from None


def fetch_url(url: str) -> bytes | None:
    """GET `url`; None on 404/410 (not published yet); PreviousSiteError on any other failure."""
    request = urllib.request.Request(url, headers={"User-Agent": f"feedgen-app/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = bytes(response.read(MAX_FETCH_BYTES + 1))
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise PreviousSiteError(
            _(
                "{url}:1: the published site answered HTTP {code} {reason}; cannot compare with it"
            ).format(url=url, code=exc.code, reason=exc.reason)
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise PreviousSiteError(
            _("{url}:1: cannot reach the published site: {reason}").format(
                url=url, reason=os_reason(reason)
            )
        ) from None
    if len(data) > MAX_FETCH_BYTES:
        raise PreviousSiteError(
            _(
                "{url}:1: the published document is larger than {value} MiB; a feed page never is"
            ).format(url=url, value=MAX_FETCH_BYTES // 2**20)
        )
    return data
