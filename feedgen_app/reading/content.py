"""content/ -> Articles: reading files, front matter, plain-text blocks, slugs, validation."""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape

from feedgen_app.errors import ContentError, DateFormatError
from feedgen_app.formats import ARTICLE_SUFFIXES, C1_CONTROL, XML_FORBIDDEN, is_language_tag
from feedgen_app.i18n import N_, _, os_reason
from feedgen_app.model import RESERVED_NAMES, A, Article, Author, Site, slugify, sort_articles
from feedgen_app.reading.config import parse_author
from feedgen_app.reading.dates import parse_date, split_date
from feedgen_app.reading.files import describe_mode, list_folder_files, read_regular_file
from feedgen_app.reading.markup import render_body
from feedgen_app.reading.sanitize import first_paragraph_text, sanitize_html
from feedgen_app.reading.yamlkeys import YamlMapping, load_mapping

SITE_ROOT_FILES = (
    "robots.txt",
    "humans.txt",
    "security.txt",
    "ads.txt",
    "app-ads.txt",
    "llms.txt",
    "CNAME",
    "favicon.ico",
)
"""Files that belong at the site root, not among the articles: at the top of the content
folder they are an error that points to the site's static/ folder."""
FRONT_MATTER_KEYS = (
    "title",
    "date",
    "updated",
    "author",
    "tags",
    "summary",
    "slug",
    "lang",
    "draft",
    "image",
    "image_alt",
    "id",
    "correction",
)
PLAIN_HEADER_KEYS = ("updated", "id", "correction", "image", "image_alt", "tags", "draft")
"""Optional plain-text header lines, directly after the date line: `updated 2025-10-09`, ...;
`draft` stands alone."""
_PLAIN_HEADER = re.compile(
    "({})[ \t]+(\\S.*)".format("|".join(k for k in PLAIN_HEADER_KEYS if k != "draft"))
    + r"|(draft)(?:[ \t]+(\S.*))?"
)
IMAGE_KEYS = ("src", "alt")
"""The keys of `image: {src: zins.png, alt: "…"}`."""
_ENTRY_ID = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
}
"""Lead image types by file suffix: a fixed table, so the output does not depend on the OS."""
SUBHEADING_MAX = 100
MAX_TAGS = 50
"""Tags per article: each tag is a page and three feeds, and feed generation grows faster
than linearly with the tags of an entry; 2,000 tags took minutes."""
MAX_TAG_LENGTH = 100
MAX_SLUG_LENGTH = 200
"""A slug is a folder name in the site; file systems allow 255 bytes."""
_SENTENCE_END = re.compile(r"[.!?…:;][\"'“”„«»‘’)\]]*$")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True)
class ContentReport:
    """Everything read from a content folder: the good articles and one line per problem."""

    articles: tuple[Article, ...]
    problems: tuple[str, ...]

    def published(self, now: datetime) -> tuple[Article, ...]:
        """The articles a build at `now` publishes: no drafts, nothing dated after `now`."""
        return tuple(a for a in self.articles if not a.draft and a.published <= now)

    def scheduled(self, now: datetime) -> tuple[Article, ...]:
        """Non-draft articles dated after `now`, soonest first."""
        waiting = [a for a in self.articles if not a.draft and a.published > now]
        return tuple(sorted(waiting, key=lambda a: (a.published, a.slug)))


def read_articles(
    content_dir: Path,
    site: Site,
    progress: Callable[[int, int], None] | None = None,
    prepare: Callable[[list[Path]], Callable[[Path, Site, Path], Article]] | None = None,
) -> ContentReport:
    """Read every article below `content_dir`; collect problems instead of stopping at one.

    `progress(done, total)` is called after each file (the CLI's progress bar). `prepare(paths)`,
    if given, returns the function that reads each file instead of `read_article` (the build
    cache: cached articles, the others parsed up front in parallel).
    """
    if not content_dir.is_dir():
        raise ContentError(
            _("{content_dir}:1: content folder not found").format(content_dir=content_dir)
        )
    articles: list[Article] = []
    problems: list[str] = []
    paths = find_article_files(content_dir)
    read = read_article if prepare is None else prepare(paths)
    for done, path in enumerate(paths, 1):
        try:
            articles.append(read(path, site, content_dir))
        except ContentError as exc:
            problems.extend(exc.problems)
        if progress is not None:
            progress(done, len(paths))
    unique, duplicates = refuse_duplicates(articles, "slug")
    unique, duplicate_ids = refuse_duplicates(unique, "entry_id")
    return ContentReport(
        articles=sort_articles(unique), problems=tuple(problems + duplicates + duplicate_ids)
    )


_DUPLICATE = {
    "slug": N_(
        "{source}:1: slug {value!r} is already used by {first}; give one of them another "
        "file name or `slug:`"
    ),
    "entry_id": N_(
        "{source}:1: entry ID {value!r} is already used by {first}; an `id:` must name "
        "only one article"
    ),
}


def refuse_duplicates(articles: Iterable[A], key: str) -> tuple[list[A], list[str]]:
    """Slugs and entry IDs are unique: keep the first article (or record) of each value of
    `key` (`slug` or `entry_id`), by file path; one problem line for each other one."""
    seen: dict[str, A] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.source):
        value = getattr(article, key)
        first = seen.setdefault(value, article)
        if first is not article:
            problems.append(
                _(_DUPLICATE[key]).format(source=article.source, value=value, first=first.source)
            )
    return list(seen.values()), problems


def walk_content(content_dir: Path) -> Iterator[Path]:
    """Every non-hidden regular file below `content_dir` (hidden folders are not entered),
    unsorted; ContentError listing every entry that breaks the file-system rules:

    - only regular files are read: a FIFO, socket or device is an error (reading one blocks);
    - a symbolic link to a file is followed only when its target is a regular file inside the
      content folder; a link leaving the folder, a dangling link and a link loop are errors;
    - a symbolic link to a folder is never followed (it can loop or leave the folder): error.

    Every reader of the content folder (articles, media, the build cache's hashes) lists it
    here, so each gets the same rules. os.scandir, not Path.rglob: the listing says which
    entries are plain files and folders, so they cost no stat of their own.
    """
    root = content_dir.resolve()
    files, odd, problems = list_folder_files(os.fspath(content_dir))
    found = [Path(name) for name in files]
    for name in odd:
        path = Path(name)
        if path.is_symlink() and path.is_dir():
            problems.append(
                _(
                    "{path}:1: a symbolic link to a folder; folder links are never "
                    "followed (they can loop or leave the content folder): move the "
                    "folder itself into the content folder"
                ).format(path=path)
            )
        else:
            problem = check_content_entry(path, root)
            if problem is None:
                found.append(path)
            else:
                problems.append(problem)
    if problems:
        raise ContentError(*sorted(problems))
    yield from found


def check_content_entry(path: Path, root: Path) -> str | None:
    """None when `path` may be read (see `walk_content`), else the problem naming it."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve(strict=True)
            if not target.is_relative_to(root):
                return _(
                    "{path}:1: a symbolic link to {target}, outside the content folder; "
                    "links are followed only within it (nothing outside is published): "
                    "copy the file into the content folder"
                ).format(path=path, target=target)
            info = target.stat()
    except FileNotFoundError:
        return _(
            "{path}:1: a dangling symbolic link (its target {readlink!r} "
            "does not exist): fix or remove the link"
        ).format(path=path, readlink=os.readlink(path))
    except RuntimeError:
        return _(
            "{path}:1: a symbolic link that loops (it leads back to itself): remove it"
        ).format(path=path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _(
                "{path}:1: a symbolic link that loops (it leads back to itself): remove it"
            ).format(path=path)
        return _("{path}:1: cannot read the file: {strerror}").format(
            path=path, strerror=os_reason(exc)
        )
    if not stat.S_ISREG(info.st_mode):
        return _(
            "{path}:1: {describe_mode}, not a regular file; only regular "
            "files are read from the content folder: remove it or rename "
            "it to start with `.`"
        ).format(path=path, describe_mode=describe_mode(info.st_mode))
    return None


def find_article_files(content_dir: Path) -> list[Path]:
    """Article files (.txt, .md) below `content_dir`, hidden ones skipped, in a stable order."""
    found = [path for path in walk_content(content_dir) if path.suffix in ARTICLE_SUFFIXES]
    return sorted(found, key=lambda path: path.parts)


def read_article(path: Path, site: Site, content_dir: Path | None = None) -> Article:
    """Read one article file (format by suffix); raise ContentError naming file and line.

    A lead image is looked up beside the article; its output path is its path below
    `content_dir` (default: the article's folder).
    """
    if content_dir is not None and (problem := site_root_problem(path, content_dir)):
        raise ContentError(problem)
    text = decode_text(path)
    if not text.strip():
        raise ContentError(_("{path}:1: the file is empty; expected an article").format(path=path))
    if path.suffix == ".md":
        article = parse_markdown(text, path, site, content_dir)
    else:
        article = parse_plain_text(text, path, site)
    if not article.slug:
        raise ContentError(
            _(
                "{path}:1: the file name {name!r} gives an empty slug (the article's "
                "URL path): a slug is made of the Latin letters a-z and digits "
                "(umlauts become ae, oe, ue; other scripts are not transliterated) "
                "and the name has none; rename the file, e.g. 2025-10-08-moskau.txt"
            ).format(path=path, name=path.name)
            + (", or set `slug:` in the front matter" if path.suffix == ".md" else "")
        )
    problem = check_slug_limits(article.slug, f"{path}:{key_line(text, 'slug')}")
    if problem:
        raise ContentError(problem)
    if article.image is None:
        return article
    return locate_image(article, path, content_dir or path.parent, key_line(text, "image"))


def site_root_problem(path: Path, content_dir: Path) -> str | None:
    """The error for a site-root file (`robots.txt`, `CNAME`, ...) at the top of the content
    folder, which holds articles and their media only; None for any other file."""
    if path.name not in SITE_ROOT_FILES or path.parent != content_dir:
        return None
    return _(
        "{path}:1: {name} is a file for the site root, not an article "
        "or its media: move it into the static/ folder beside feed.yaml, "
        "which is copied to the site root as it is"
    ).format(path=path, name=path.name)


def locate_image(article: Article, path: Path, content_dir: Path, line: int) -> Article:
    """Resolve `image` beside the article: its output path, media type and length in bytes."""
    raw = article.image or ""
    where = f"{path}:{line}"
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|/", raw):
        raise ContentError(
            _(
                "{where}: image {raw!r} must be a file path relative to the article, "
                "e.g. `{stem}.jpg` beside it"
            ).format(where=where, raw=raw, stem=path.stem)
        )
    file = path.parent / raw
    try:
        relative = file.resolve().relative_to(content_dir.resolve())
    except ValueError:
        raise ContentError(
            _("{where}: image {raw!r} is outside the content folder {content_dir}").format(
                where=where, raw=raw, content_dir=content_dir
            )
        ) from None
    media_type = IMAGE_TYPES.get(file.suffix.lower())
    if media_type is None:
        raise ContentError(
            _("{where}: image {raw!r} is not an image file (known: {names})").format(
                where=where, raw=raw, names=", ".join(sorted(IMAGE_TYPES))
            )
        )
    if not file.is_file():
        raise ContentError(
            _(
                "{where}: image {raw!r} not found: expected the file {file} beside the article"
            ).format(where=where, raw=raw, file=file)
        )
    if any(part.startswith(".") for part in relative.parts):
        raise ContentError(
            _(
                "{where}: image {raw!r} is hidden (a name starting with `.`) "
                "and would not be published"
            ).format(where=where, raw=raw)
        )
    return replace(
        article, image=relative.as_posix(), image_type=media_type, image_length=file.stat().st_size
    )


def key_line(text: str, key: str) -> int:
    """The 1-based line of the first `key:` (front matter) or `key ` (plain text) line."""
    for number, line in enumerate(text.split("\n"), 1):
        if re.match(rf"\s*{key}(:|[ \t])", line):
            return number
    return 1


def decode_text(path: Path) -> str:
    """UTF-8 (with or without BOM), CRLF folded to LF, Unicode normalised to NFC (so a title,
    tag or ID typed on macOS, which may write NFD, is the same text as everywhere else);
    refuse other encodings and bad characters."""
    try:
        data = read_regular_file(path)
    except OSError as exc:
        raise ContentError(
            _("{path}:1: cannot read the file: {strerror}").format(
                path=path, strerror=os_reason(exc)
            )
        ) from None
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line = data.count(b"\n", 0, offset) + 1
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            kind = _("UTF-16 text, not UTF-8")
        elif b"\x00" in data[:8192]:
            kind = _("a binary file, not UTF-8 text")
        else:
            kind = _("not UTF-8 text")
        raise ContentError(
            _(
                "{path}:{line}: {kind}: byte 0x{data:02x} at byte offset {offset} "
                "is not valid UTF-8; expected UTF-8 text: save the file as UTF-8"
            ).format(path=path, line=line, kind=kind, data=data[offset], offset=offset)
        ) from None
    if text.startswith("\ufeff"):
        raise ContentError(
            _(
                "{path}:1: the file starts with two byte order marks (BOM); save "
                "it as UTF-8 once more, or delete the invisible character at "
                "the very start of the first line"
            ).format(path=path)
        )
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    bad = XML_FORBIDDEN.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        kind = (
            _("a binary file")
            if bad.group() == "\x00"
            else _("a control character")
            if bad.group() < "\x20"
            else _("a non-character")
        )
        raise ContentError(
            _(
                "{path}:{line}: {kind}: U+{ord:04X} at column {column} cannot "
                "appear in a feed (XML 1.0 forbids it); remove it"
            ).format(path=path, line=line, kind=kind, ord=ord(bad.group()), column=column)
        )
    bad = C1_CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ContentError(
            _(
                "{path}:{line}: a C1 control character: U+{ord:04X} at column "
                "{column}, usually Windows-1252 text decoded wrongly; feed readers "
                "garble it (XML 1.0 discourages it); expected the real character, "
                "e.g. € or „"
            ).format(path=path, line=line, ord=ord(bad.group()), column=column)
        )
    return text


def parse_plain_text(text: str, path: Path, site: Site) -> Article:
    """The seed's format: `date <DATE> <Title>`, then one block per non-empty line."""
    lines = text.split("\n")
    number, first = next((i, line) for i, line in enumerate(lines, 1) if line.strip())
    words = first.strip().split(maxsplit=1)
    if words[0] != "date" or len(words) < 2:
        raise ContentError(
            _(
                "{path}:{number}: expected the first line to be `date <DATE> "
                "<Title>`, e.g. `date 2025-10-08 Titel der Meldung`"
            ).format(path=path, number=number)
        )
    try:
        raw_date, title = split_date(words[1])
        published = parse_date(raw_date, site.tz)
    except DateFormatError as exc:
        raise ContentError(f"{path}:{number}: {exc}") from None
    if not title:
        raise ContentError(
            _("{path}:{number}: the title after the date {raw_date!r} is missing").format(
                path=path, number=number, raw_date=raw_date
            )
        )
    headers, body_start = read_plain_headers(lines, number, path)
    extras = _plain_header_fields(headers, path, site)
    blocks = [line.strip() for line in lines[body_start:] if line.strip()]
    paragraphs = [b for b in blocks if not is_subheading(b)]
    if not paragraphs:
        raise ContentError(
            _(
                "{path}:{number}: the article has no paragraph after the date "
                "line; its first paragraph is the lead"
            ).format(path=path, number=number)
        )
    html = "\n".join(
        f"<h2>{escape(b)}</h2>" if is_subheading(b) else f"<p>{escape(b)}</p>" for b in blocks
    )
    extras.setdefault("entry_id", entry_id(site, slug_from_path(path)))
    return Article(
        source=str(path),
        slug=slug_from_path(path),
        title=title,
        published=published,
        author=site.author,
        summary=paragraphs[0],
        content_html=html + "\n",
        **extras,
    )


def read_plain_headers(
    lines: list[str], start: int, path: Path
) -> tuple[dict[str, tuple[int, str]], int]:
    """Header lines right after the date line (`updated <DATE>`, `id <ID>`, `correction
    <text>`, `image <file>`, `image_alt <text>`, `tags <a>, <b>`, `draft`): key -> (line
    number, value), and the index of the first body line. The first line that is no header
    line ends them."""
    headers: dict[str, tuple[int, str]] = {}
    index = start
    while index < len(lines):
        match = _PLAIN_HEADER.fullmatch(lines[index].strip())
        if match is None:
            break
        key, value = (match[1], match[2]) if match[1] else (match[3], match[4] or "")
        if key in headers:
            raise ContentError(
                _("{path}:{value}: `{key}` is given twice (first on line {headers})").format(
                    path=path, value=index + 1, key=key, headers=headers[key][0]
                )
            )
        headers[key] = (index + 1, value.strip())
        index += 1
    return headers, index


def _plain_header_fields(
    headers: dict[str, tuple[int, str]], path: Path, site: Site
) -> dict[str, Any]:
    """The Article fields a plain-text article's header lines give; ContentError listing every
    problem of them."""
    fields: dict[str, Any] = {}
    problems = _plain_values(headers, path, site, fields)
    problems += _plain_marks(headers, path, fields)
    if problems:
        raise ContentError(*problems)
    return fields


def _plain_values(
    headers: dict[str, tuple[int, str]], path: Path, site: Site, fields: dict[str, Any]
) -> list[str]:
    """`updated`, `id`, `tags` and `image` into `fields`; the problems of their values."""
    problems: list[str] = []
    if "updated" in headers:
        line, raw = headers["updated"]
        try:
            fields["updated"] = parse_date(raw, site.tz)
        except DateFormatError as exc:
            problems.append(f"{path}:{line}: 'updated': {exc}")
    if "id" in headers:
        line, raw = headers["id"]
        problems += check_entry_id(raw, f"{path}:{line}")
        fields["entry_id"] = raw
    if "tags" in headers:
        line, raw = headers["tags"]
        fields["tags"] = tuple(t.strip() for t in raw.split(",") if t.strip())
        problems += check_tags(fields["tags"], f"{path}:{line}")
    if "image" in headers:
        fields["image"] = headers["image"][1]
    return problems


def _plain_marks(
    headers: dict[str, tuple[int, str]], path: Path, fields: dict[str, Any]
) -> list[str]:
    """`image_alt`, `draft` and `correction` into `fields`; a problem for each that lacks the
    line it depends on (or, for `draft`, has a value)."""
    problems: list[str] = []
    if "image_alt" in headers:
        line, fields["image_alt"] = headers["image_alt"]
        if "image" not in headers:
            problems.append(
                _(
                    "{path}:{line}: `image_alt` describes the lead image, but there "
                    "is no `image <file>` line"
                ).format(path=path, line=line)
            )
    if "draft" in headers:
        line, value = headers["draft"]
        fields["draft"] = True
        if value:
            problems.append(
                _(
                    "{path}:{line}: `draft` stands alone on its line (got `draft "
                    "{value}`); delete the line to publish the article"
                ).format(path=path, line=line, value=value)
            )
    if "correction" in headers:
        line, fields["correction"] = headers["correction"]
        if "updated" not in headers:
            problems.append(
                _(
                    "{path}:{line}: a correction needs an `updated <DATE>` line (when "
                    "it was corrected), so readers see the entry changed"
                ).format(path=path, line=line)
            )
    return problems


def check_entry_id(value: str, where: str) -> list[str]:
    """An `id` must be an absolute URI without spaces, e.g. `tag:example.org,2025:alter-slug`."""
    if _ENTRY_ID.fullmatch(value):
        return []
    return [
        _(
            "{where}: 'id' must be an absolute URI such as tag:example.org,2025:alter-slug "
            "(the entry's published ID; got {value!r})"
        ).format(where=where, value=value)
    ]


def check_tags(tags: Sequence[str], where: str) -> list[str]:
    """Every tag needs letters or digits (its page lives at `tags/<tag-slug>/`); at most
    MAX_TAGS tags of at most MAX_TAG_LENGTH characters each."""
    if len(tags) > MAX_TAGS:
        return [
            _(
                "{where}: {count} tags; an article may have at most {MAX_TAGS} "
                "(each tag gets its own page and feeds)"
            ).format(where=where, count=len(tags), MAX_TAGS=MAX_TAGS)
        ]
    problems = []
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            problems.append(
                _(
                    "{where}: tag {tag!r}... is {count} characters long; a tag may "
                    "have at most {MAX_TAG_LENGTH}"
                ).format(where=where, tag=tag[:40], count=len(tag), MAX_TAG_LENGTH=MAX_TAG_LENGTH)
            )
        elif not slugify(tag):
            problems.append(
                _(
                    "{where}: tag {tag!r} has no letters or digits of a-z, 0-9 (umlauts "
                    "become ae, oe, ue) for its URL tags/<tag-slug>/"
                ).format(where=where, tag=tag)
            )
    return problems


def check_slug_limits(slug: str, where: str) -> str | None:
    """A slug must not name a generated path (RESERVED_NAMES) and must fit in a file name."""
    if slug in RESERVED_NAMES:
        return _(
            "{where}: slug {slug!r} is reserved: the site's own {slug!r} "
            "would replace the article's page (reserved: {names}); rename "
            "the file or set another slug"
        ).format(where=where, slug=slug, names=", ".join(RESERVED_NAMES))
    if len(slug) > MAX_SLUG_LENGTH:
        return _(
            "{where}: slug {slug!r}... is {count} characters long; a slug "
            "may have at most {MAX_SLUG_LENGTH} (it is a folder name in the "
            "site)"
        ).format(where=where, slug=slug[:40], count=len(slug), MAX_SLUG_LENGTH=MAX_SLUG_LENGTH)
    return None


def is_subheading(block: str) -> bool:
    """A short line that does not end in sentence punctuation."""
    return len(block) <= SUBHEADING_MAX and not _SENTENCE_END.search(block)


def parse_markdown(text: str, path: Path, site: Site, content_dir: Path | None = None) -> Article:
    """YAML front matter between `---` lines, then GitHub Flavored Markdown whose relative
    links and images name files below `content_dir` (default: the article's folder)."""
    meta, end = read_front_matter(text, path)
    fields = _front_matter_fields(meta.values, meta.lines, meta.scalars, path, site)
    body, problems = render_body(
        "\n".join(text.split("\n")[end + 1 :]),
        path,
        end + 2,
        content_dir or path.parent,
        urlsplit(site.base_url).path,
        article_page,
    )
    if problems:
        raise ContentError(*problems)
    html = sanitize_html(body.html)
    summary = fields.pop("summary", None) or first_paragraph_text(html)
    return Article(
        source=str(path), summary=summary, content_html=html, body_files=body.files, **fields
    )


def read_front_matter(text: str, path: Path) -> tuple[YamlMapping, int]:
    """The front matter of a Markdown article and the index of its closing `---` line."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ContentError(
            _(
                "{path}:1: expected front matter: a `---` line, `key: value` "
                "lines (title, date, ...) and a closing `---` line"
            ).format(path=path)
        )
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        raise ContentError(
            _(
                "{path}:1: the front matter is not closed; add a `---` line after "
                "the last `key: value` line"
            ).format(path=path)
        )
    try:
        return load_mapping("\n".join(lines[1:end]), str(path), first_line=2), end
    except ValueError as exc:
        raise ContentError(str(exc)) from None


def article_page(file: Path) -> str | None:
    """The page path (`slug/`) of the article file `file` (a body link to it leads there);
    None for any other file. A broken article's slug is its file name's: its own problems
    are reported when it is read."""
    if file.suffix not in ARTICLE_SUFFIXES:
        return None
    slug = None
    if file.suffix == ".md":
        try:
            given = read_front_matter(decode_text(file), file)[0].values.get("slug")
        except ContentError:
            given = None
        if isinstance(given, str) and _SLUG.fullmatch(given.strip()):
            slug = given.strip()
    return f"{slug or slug_from_path(file)}/"


def _front_matter_fields(
    values: dict[str, Any], lines: dict[str, int], scalars: dict[str, str], path: Path, site: Site
) -> dict[str, Any]:
    """The Article fields the front matter gives; ContentError listing every problem of it."""

    def at(key: str) -> str:
        return f"{path}:{lines.get(key, 1)}"

    def text_value(key: str) -> str | None:
        return _text_value(values, key, at, problems)

    problems = _check_front_matter_keys(values, at, path)
    title = text_value("title")
    published = _date_value("date", values, scalars, at, site, problems)
    updated = _date_value("updated", values, scalars, at, site, problems)
    author = _author_value(values, at, site, problems)
    tags = _tags_value(values, at, problems)
    draft = values.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(
            _("{where}: 'draft' must be true or false (got {draft!r})").format(
                where=at("draft"), draft=draft
            )
        )
    lang = text_value("lang")
    if lang is not None and not is_language_tag(lang):
        problems.append(
            _("{where}: 'lang' must be a BCP 47 tag such as en or de-AT").format(where=at("lang"))
        )
    slug = _slug_value(text_value("slug"), at, problems)
    summary = text_value("summary")
    image, image_alt = _image_values(values, at, problems)
    given_id, correction = text_value("id"), text_value("correction")
    if given_id is not None:
        problems += check_entry_id(given_id, at("id"))
    if correction is not None and updated is None:
        problems.append(
            _(
                "{where}: a correction needs an `updated:` date (when it was "
                "corrected), so readers see the entry changed"
            ).format(where=at("correction"))
        )
    problems += check_tags(tags, at("tags"))
    if problems:
        raise ContentError(*problems)
    assert title is not None and published is not None
    slug = slug or slug_from_path(path)
    return dict(
        slug=slug,
        title=title,
        published=published,
        updated=updated,
        author=author,
        tags=tuple(t.strip() for t in tags),
        draft=draft,
        lang=lang,
        image=image,
        image_alt=image_alt,
        summary=summary,
        entry_id=given_id or entry_id(site, slug),
        correction=correction,
    )


def _check_front_matter_keys(
    values: dict[str, Any], at: Callable[[str], str], path: Path
) -> list[str]:
    """Every key known; `title` and `date` there and not empty."""
    problems = [
        _("{where}: unknown front matter key {key!r} (known keys: {names})").format(
            where=at(key), key=key, names=", ".join(FRONT_MATTER_KEYS)
        )
        for key in values
        if key not in FRONT_MATTER_KEYS
    ]
    for key, expected in (
        ("title", "the article's title"),
        ("date", "a date such as 2025-10-08T06:30"),
    ):
        if key not in values:
            problems.append(
                _("{path}:1: required front matter key {key!r} is missing").format(
                    path=path, key=key
                )
            )
        elif values[key] is None:
            problems.append(
                _("{where}: {key!r} is empty; expected {expected}").format(
                    where=at(key), key=key, expected=expected
                )
            )
    return problems


def _text_value(
    values: dict[str, Any], key: str, at: Callable[[str], str], problems: list[str]
) -> str | None:
    """A key's text, stripped; None when it is absent, or (a problem) not non-empty text."""
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(
            _("{where}: {key!r} must be non-empty text (got {value!r})").format(
                where=at(key), key=key, value=value
            )
        )
        return None
    return value.strip()


def _author_value(
    values: dict[str, Any], at: Callable[[str], str], site: Site, problems: list[str]
) -> Author:
    """`author:` (a name, or name and email), else the site's author."""
    if "author" not in values:
        return site.author
    parsed, problem = parse_author(values["author"], at("author"))
    problems += [problem] if problem else []
    return parsed or site.author


def _tags_value(values: dict[str, Any], at: Callable[[str], str], problems: list[str]) -> list[str]:
    """`tags:`, a list of names ([] and a problem for anything else)."""
    tags = values.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problems.append(
            _("{where}: 'tags' must be a list of names, e.g. [Wirtschaft, KI]").format(
                where=at("tags")
            )
        )
        return []
    return tags


def _slug_value(slug: str | None, at: Callable[[str], str], problems: list[str]) -> str | None:
    """A `slug:` given: one path segment of a-z, digits and single hyphens."""
    if slug is not None and ("/" in slug or "\\" in slug or slug.startswith(".")):
        problems.append(
            _(
                "{where}: slug {slug!r} would put the page outside its own folder "
                "of the site; expected one path segment of lowercase letters "
                "a-z, digits and single hyphens, e.g. amazon-mischt-auf"
            ).format(where=at("slug"), slug=slug)
        )
    elif slug is not None and not _SLUG.fullmatch(slug):
        problems.append(
            _(
                "{where}: slug {slug!r} must be lowercase letters a-z, digits "
                "and single hyphens, e.g. amazon-mischt-auf"
            ).format(where=at("slug"), slug=slug)
        )
    return slug


def _image_values(
    values: dict[str, Any], at: Callable[[str], str], problems: list[str]
) -> tuple[str | None, str | None]:
    """The lead image's file and alt text: `image: zins.png` with `image_alt: "…"`, or
    `image: {src: zins.png, alt: "…"}`."""
    raw: Any = values.get("image")
    alt: Any = values.get("image_alt")
    if isinstance(raw, dict):
        for key in raw:
            if key not in IMAGE_KEYS:
                problems.append(
                    _("{where}: unknown key {key!r} in `image:` (known keys: {names})").format(
                        where=at("image"), key=key, names=", ".join(IMAGE_KEYS)
                    )
                )
        if "alt" in raw and "image_alt" in values:
            problems.append(
                _(
                    "{where}: the alt text is given twice, as `image: {{alt: …}}` "
                    "and as `image_alt:`; keep one"
                ).format(where=at("image_alt"))
            )
        if "src" not in raw:
            problems.append(
                _(
                    "{where}: `image:` needs `src:`, the image file, e.g. image: "
                    '{{src: zins.png, alt: "Leitzins seit 2020"}}'
                ).format(where=at("image"))
            )
        raw, alt = raw.get("src"), raw.get("alt", alt)
    elif alt is not None and raw is None:
        problems.append(
            _("{where}: `image_alt` describes the lead image, but there is no `image:`").format(
                where=at("image_alt")
            )
        )
    results = []
    for key, value in (("image", raw), ("image_alt", alt)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(
                _("{where}: {key!r} must be non-empty text (got {value!r})").format(
                    where=at(key if key in values else "image"), key=key, value=value
                )
            )
            value = None
        results.append(value.strip() if isinstance(value, str) else None)
    return results[0], results[1]


def _date_value(
    key: str,
    values: dict[str, Any],
    scalars: dict[str, str],
    at: Any,
    site: Site,
    problems: list[str],
) -> datetime | None:
    if values.get(key) is None:
        return None
    raw = scalars.get(key)
    if raw is None:
        problems.append(
            _("{where}: {key!r} must be a date such as 2025-10-08T06:30").format(
                where=at(key), key=key
            )
        )
        return None
    try:
        return parse_date(raw, site.tz)
    except DateFormatError as exc:
        problems.append(f"{at(key)}: {key!r}: {exc}")
        return None


def slug_from_path(path: Path) -> str:
    """The file name without extension and without a leading `YYYY-MM-DD-`, slugified (after
    NFC normalisation: an NFD name, as macOS writes them, gives the same slug)."""
    return slugify(_DATE_PREFIX.sub("", path.stem, count=1))


def entry_id(site: Site, slug: str) -> str:
    """The entry's permanent ID: `tag:<id_authority>:<slug>` (RFC 4151)."""
    return f"tag:{site.id_authority}:{slug}"
