"""JSON Feed 1.1 documents: the version, known keys, ids, dates, URLs, authors, attachments."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from feedgen_app.checking.report import HTTP_URL, Entry, FeedReport, is_rfc3339, load_source
from feedgen_app.checking.xmltree import parse_json
from feedgen_app.formats import JSON_FEED_VERSION, is_language_tag
from feedgen_app.i18n import _

JSON_FEED_KEYS = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "author",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}


JSON_ITEM_KEYS = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "author",
    "authors",
    "tags",
    "language",
    "attachments",
}


def check_json(source: Path | bytes, name: str | None = None) -> FeedReport:
    """Check a JSON Feed 1.1 document."""
    name, data, problem = load_source(source, name)
    if data is None:
        return FeedReport(name, "json", (problem or _("{name}: cannot read").format(name=name),))
    try:
        document = parse_json(data)
    except UnicodeDecodeError as exc:
        return FeedReport(
            name,
            "json",
            (_("{name}: not UTF-8 at byte offset {start}").format(name=name, start=exc.start),),
        )
    except json.JSONDecodeError as exc:
        return FeedReport(
            name,
            "json",
            (
                _("{name}:{lineno}: not valid JSON: {msg}").format(
                    name=name, lineno=exc.lineno, msg=exc.msg
                ),
            ),
        )
    if not isinstance(document, dict):
        return FeedReport(name, "json", (_("{name}: expected a JSON object").format(name=name),))
    findings = _check_json_feed(document, name)
    items = document.get("items")
    entries = []
    ids: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            findings.append(
                _("{name}: items[{index}] must be an object").format(name=name, index=index)
            )
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
        findings.append(
            _("{name}: version is {get!r}, expected {JSON_FEED_VERSION!r}").format(
                name=name, get=document.get("version"), JSON_FEED_VERSION=JSON_FEED_VERSION
            )
        )
    if not isinstance(document.get("title"), str) or not str(document["title"]).strip():
        findings.append(_("{name}: title is missing or not text").format(name=name))
    if not isinstance(document.get("items"), list):
        findings.append(_("{name}: items is missing or not a list").format(name=name))
    if "feed_url" not in document:
        findings.append(
            _("{name}: feed_url is missing; expected the feed's own URL").format(name=name)
        )
    findings += _check_json_common(
        document, name, JSON_FEED_KEYS, ("home_page_url", "feed_url", "next_url", "icon", "favicon")
    )
    if "expired" in document and not isinstance(document["expired"], bool):
        findings.append(_("{name}: expired must be true or false").format(name=name))
    hubs = document.get("hubs", [])
    if not isinstance(hubs, list) or not all(
        isinstance(h, dict) and isinstance(h.get("type"), str) and isinstance(h.get("url"), str)
        for h in hubs
    ):
        findings.append(
            _("{name}: hubs must be a list of objects with type and url").format(name=name)
        )
    return findings


def _check_json_item(item: dict[str, object], where: str, ids: set[str]) -> list[str]:
    findings = []
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        findings.append(
            _("{where}: id is missing or not text; expected the entry's permanent ID").format(
                where=where
            )
        )
    elif entry_id in ids:
        findings.append(
            _("{where}: id {entry_id!r} is used by an earlier item; ids must be unique").format(
                where=where, entry_id=entry_id
            )
        )
    else:
        ids.add(entry_id)
    if not isinstance(item.get("content_html"), str) and not isinstance(
        item.get("content_text"), str
    ):
        findings.append(_("{where}: needs content_html or content_text").format(where=where))
    for key in ("title", "summary", "content_html", "content_text"):
        if key in item and not isinstance(item[key], str):
            findings.append(_("{where}: {key} must be text").format(where=where, key=key))
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if key in item and not (isinstance(value, str) and is_rfc3339(value)):
            findings.append(
                _(
                    "{where}: {key} {value!r} is not an RFC 3339 date-time; expected "
                    "e.g. 2025-10-08T06:30:00+02:00"
                ).format(where=where, key=key, value=value)
            )
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        findings.append(_("{where}: tags must be a list of text").format(where=where))
    attachments = item.get("attachments", [])
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict)
        and isinstance(a.get("url"), str)
        and isinstance(a.get("mime_type"), str)
        for a in attachments
    ):
        findings.append(
            _("{where}: attachments must be a list of objects with url and mime_type").format(
                where=where
            )
        )
    findings += _check_json_common(
        item, where, JSON_ITEM_KEYS, ("url", "external_url", "image", "banner_image")
    )
    return findings


def _check_json_common(
    obj: dict[str, object], where: str, known: set[str], url_keys: Sequence[str]
) -> list[str]:
    findings = []
    for key in obj:
        if key not in known and not key.startswith("_"):
            findings.append(
                _("{where}: unknown key {key!r}; JSON Feed extensions start with _").format(
                    where=where, key=key
                )
            )
    for key in url_keys:
        value = obj.get(key)
        if key in obj and not (isinstance(value, str) and HTTP_URL.fullmatch(value)):
            findings.append(
                _("{where}: {key} {value!r} is not an absolute http(s) URL").format(
                    where=where, key=key, value=value
                )
            )
    language = obj.get("language")
    if "language" in obj and not (isinstance(language, str) and is_language_tag(language)):
        findings.append(
            _(
                "{where}: language {language!r} is not a valid BCP 47 language "
                "tag; expected e.g. de-DE"
            ).format(where=where, language=language)
        )
    authors = obj.get("authors", [])
    if not isinstance(authors, list) or not all(
        isinstance(a, dict) and any(isinstance(a.get(k), str) for k in ("name", "url", "avatar"))
        for a in authors
    ):
        findings.append(
            _("{where}: authors must be a list of objects with a name, url or avatar").format(
                where=where
            )
        )
    return findings
