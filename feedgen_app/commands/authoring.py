"""Authoring: creating a new article file (`new`) and the status of every article (`list`)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from feedgen_app.errors import ContentError
from feedgen_app.i18n import N_, _, os_reason
from feedgen_app.model import Article, Site, slugify
from feedgen_app.reading.dates import parse_date

if TYPE_CHECKING:
    from feedgen_app.reading.content import ContentReport

FORMATS = ("txt", "md")
NEW_SLUG_LENGTH = 80
"""`new` cuts a slug derived from a long title to this many characters (at a hyphen)."""
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})-")

STATUS_PUBLISHED = "published"
STATUS_SCHEDULED = "scheduled"
STATUS_DRAFT = "draft"
STATUS_BROKEN = "broken"
STATUS_NAMES = {
    STATUS_PUBLISHED: N_("published"),
    STATUS_SCHEDULED: N_("scheduled"),
    STATUS_DRAFT: N_("draft"),
    STATUS_BROKEN: N_("broken"),
}
"""How `list` names each status (translated where it is shown)."""

TXT_SKELETON = """\
date {date} {title}
{headers}
Hier steht der Vorspann: ein, zwei Sätze mit dem Wichtigsten. Er wird die Zusammenfassung im Feed.
Zwischenüberschrift
Hier geht der Text weiter. Jede Zeile ist ein Absatz.
"""

MD_SKELETON = """\
---
title: {title}
date: {date}
{keys}---
Hier steht der Vorspann: ein, zwei Sätze mit dem Wichtigsten. Er wird die Zusammenfassung im Feed.

## Zwischenüberschrift

Hier geht der Text weiter, in Markdown: **fett**, *kursiv*, [Links](https://example.org).
"""


@dataclass(frozen=True)
class NewArticle:
    """What `new` is asked to create."""

    title: str
    published: datetime
    has_time: bool
    format: str = "txt"
    tags: tuple[str, ...] = ()
    slug: str | None = None
    draft: bool = True
    """Write a draft (`draft: true`, a `draft` line): never published until that is deleted."""


@dataclass(frozen=True)
class ArticleRow:
    """One line of `list`: an article file and its status at a given time."""

    path: str
    status: str
    slug: str
    title: str
    published: datetime | None
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def due(self) -> datetime | None:
        """When a scheduled article goes out (None for every other status)."""
        return self.published if self.status == STATUS_SCHEDULED else None


def parse_new_date(raw: str | None, today: datetime, site: Site) -> tuple[datetime, bool]:
    """The article date for `new`: `raw` in any accepted form, else today; and whether a time
    of day was given. Raises DateFormatError for a bad `raw`."""
    if raw is None:
        return datetime.combine(today.date(), datetime.min.time(), tzinfo=site.tz), False
    value = parse_date(raw, site.tz)
    has_time = bool(re.search(r"\d:\d", raw))
    return value, has_time


def create_article(content_dir: Path, site: Site, new: NewArticle, report: ContentReport) -> Path:
    """Write a new article file into `content_dir`; return its path.

    Refuses (ContentError) an empty title, a slug that another article already uses, and an
    existing file. The text is parsed before it is written, so the new file always builds.
    """
    slug = check_new_slug(content_dir, new, report)
    day = new.published.astimezone(site.tz)
    path = content_dir / f"{day:%Y-%m-%d}-{slug}.{new.format}"
    text = render_skeleton(new, slug, site)
    from feedgen_app.reading.content import parse_markdown, parse_plain_text

    parse = parse_markdown if new.format == "md" else parse_plain_text
    parse(text, path, site)  # raises ContentError if the skeleton would not build
    try:
        content_dir.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:
        if Path(exc.filename or path) != path:
            raise ContentError(
                _(
                    "{content_dir}:1: the content folder is a file, not a folder; "
                    "pass --content FOLDER"
                ).format(content_dir=content_dir)
            ) from None
        raise ContentError(
            _(
                "{path}:1: the file already exists; feedgen-app new never overwrites "
                "an article (edit it, or choose another title)"
            ).format(path=path)
        ) from None
    except OSError as exc:
        raise ContentError(
            _("{path}:1: cannot write the article: {strerror}").format(
                path=path, strerror=os_reason(exc)
            )
        ) from None
    return path


def check_new_slug(content_dir: Path, new: NewArticle, report: ContentReport) -> str:
    """The slug for `new`; raise ContentError when it is empty, malformed or already used."""
    from feedgen_app.reading.content import check_slug_limits, find_article_files, slug_from_path

    title = new.title.strip()
    where = f"{content_dir}:1"
    if not title:
        raise ContentError(
            _("{where}: the title is empty; give the article a title").format(where=where)
        )
    if "\n" in title or "\r" in title:
        raise ContentError(_("{where}: the title must be one line").format(where=where))
    if any(unicodedata.category(char) == "Cc" for char in title):
        raise ContentError(
            _("{where}: the title contains a control character; type it again").format(where=where)
        )
    if content_dir.exists() and not content_dir.is_dir():
        raise ContentError(
            _("{where}: the content folder is a file, not a folder; pass --content FOLDER").format(
                where=where
            )
        )
    slug = new.slug if new.slug is not None else shorten_slug(slugify(title))
    if not slug:
        raise ContentError(
            _(
                "{where}: the title {title!r} gives no slug (it has no Latin "
                "letters a-z or digits; umlauts become ae, oe, ue); add --slug, "
                "e.g. --slug meldung-des-tages"
            ).format(where=where, title=title)
        )
    if not _SLUG.fullmatch(slug):
        raise ContentError(
            _(
                "{where}: slug {slug!r} must be lowercase letters a-z, digits "
                "and single hyphens, e.g. gruesse-aus-muenchen"
            ).format(where=where, slug=slug)
        )
    problem = check_slug_limits(slug, f"{where}: --slug")
    if problem:
        raise ContentError(problem)
    owners = {a.slug: a.source for a in report.articles}
    for path in find_article_files(content_dir):
        owners.setdefault(slug_from_path(path), str(path))
    if slug in owners:
        raise ContentError(
            _(
                "{owners}:1: slug {slug!r} is already used by this article; choose "
                "another title or pass --slug"
            ).format(owners=owners[slug], slug=slug)
        )
    return slug


def shorten_slug(slug: str) -> str:
    """A slug derived from a title, cut at a hyphen to at most NEW_SLUG_LENGTH characters
    (a long title would otherwise give a file name over the file system's limit)."""
    if len(slug) <= NEW_SLUG_LENGTH:
        return slug
    cut = slug[: NEW_SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return cut if cut else slug[:NEW_SLUG_LENGTH]


def render_skeleton(new: NewArticle, slug: str, site: Site) -> str:
    """The new file's text: the date line or front matter (marking a draft), a lead, a
    subheading, a paragraph."""
    stamp = format_file_date(new.published, new.has_time, site)
    title = new.title.strip()
    if new.format == "txt":
        headers = "draft\n" if new.draft else ""
        headers += f"tags {', '.join(new.tags)}\n" if new.tags else ""
        return TXT_SKELETON.format(date=stamp, title=title, headers=headers)
    keys = "draft: true\n" if new.draft else ""
    keys += f"tags: {json.dumps(list(new.tags), ensure_ascii=False)}\n" if new.tags else ""
    if new.slug is not None and new.slug != slugify(title):
        keys += f"slug: {slug}\n"
    return MD_SKELETON.format(title=json.dumps(title, ensure_ascii=False), date=stamp, keys=keys)


def format_file_date(value: datetime, has_time: bool, site: Site) -> str:
    """`2025-12-09`, or `2025-12-09T06:00` with a time (wall clock in the site's timezone; with
    its offset only when the wall clock time alone would mean another instant, as in the second
    occurrence of the autumn DST hour)."""
    local = value.astimezone(site.tz)
    if not has_time:
        return local.date().isoformat()
    wall = f"{local:%Y-%m-%dT%H:%M}"
    if parse_date(wall, site.tz).timestamp() != local.timestamp():  # same zone: == ignores fold
        return local.isoformat(timespec="minutes")
    return wall


def list_articles(report: ContentReport, content_dir: Path, now: datetime) -> list[ArticleRow]:
    """Every article file with its status at `now`, broken ones included; newest first.

    Rows without a known date (broken files without a `YYYY-MM-DD-` name) come first: they
    need attention.
    """
    from feedgen_app.reading.content import find_article_files, slug_from_path

    rows = [row_from_article(a, now) for a in report.articles]
    listed = {row.path for row in rows}
    errors = group_problems(report.problems, find_article_files(content_dir))
    for path, problems in errors.items():
        if path in listed:
            continue
        rows.append(
            ArticleRow(
                path=path,
                status=STATUS_BROKEN,
                slug=slug_from_path(Path(path)),
                title="",
                published=date_from_name(Path(path), now),
                errors=tuple(problems),
            )
        )
    by_slug = sorted(rows, key=lambda r: (r.slug, r.path))
    dated = sorted(
        (r for r in by_slug if r.published), key=lambda r: r.published or now, reverse=True
    )
    return [r for r in by_slug if r.published is None] + dated


def row_from_article(article: Article, now: datetime) -> ArticleRow:
    """The row of a readable article: Entwurf, geplant or veröffentlicht at `now`."""
    if article.draft:
        status = STATUS_DRAFT
    elif article.published > now:
        status = STATUS_SCHEDULED
    else:
        status = STATUS_PUBLISHED
    return ArticleRow(
        path=article.source,
        status=status,
        slug=article.slug,
        title=article.title,
        published=article.published,
        updated=article.updated,
        tags=article.tags,
    )


def group_problems(problems: Sequence[str], files: Sequence[Path]) -> dict[str, list[str]]:
    """Problems (`PATH:LINE: message`) by the article file they name; problems naming no
    article file are kept under their own path."""
    names = sorted((str(p) for p in files), key=len, reverse=True)
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        owner = next((n for n in names if problem.startswith(n + ":")), None)
        if owner is None:
            owner = problem.split(":", 1)[0]
        grouped.setdefault(owner, []).append(problem)
    return grouped


def date_from_name(path: Path, now: datetime) -> datetime | None:
    """The date in a `YYYY-MM-DD-` file name prefix (midnight in `now`'s zone), if any."""
    match = _DATE_PREFIX.match(path.name)
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo)


def rows_to_json(rows: Sequence[ArticleRow], now: datetime) -> str:
    """The `list --json` document (see docs/writing.md, "list")."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    items = [
        {
            "path": r.path,
            "slug": r.slug,
            "title": r.title,
            "status": r.status,
            "date": iso(r.published),
            "updated": iso(r.updated),
            "due": iso(r.due),
            "tags": list(r.tags),
            "errors": list(r.errors),
        }
        for r in rows
    ]
    return (
        json.dumps({"now": now.isoformat(), "articles": items}, ensure_ascii=False, indent=2) + "\n"
    )
