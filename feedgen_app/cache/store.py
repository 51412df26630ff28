"""The build index in `.feedgen-cache/index.sqlite`: what was built from what, by content hash.

One SQLite database (the standard library's `sqlite3`; every update is one transaction, so a
killed build leaves the index as it was before or after, never half-written):

- `meta`: the versions the index was written by (a mismatch empties it), when it was written,
  and the last build (its inputs key, what it published, the stat of every file it wrote);
- `files`: per content file its size, mtime and inode and the SHA-256 of its bytes, so that an
  unchanged file is never read again (a file changed less than `RACY_SECONDS` before the index
  was written is hashed again: mtime granularity);
- `articles`: per article file the parsed article, keyed by the file's SHA-256 and the site
  signature: its compact record (what the index, tag pages, neighbour links and output keys
  need) and, apart, the whole article (loaded only to render its own page and its feeds);
- `outputs`: per output file the key of everything its bytes depend on and their SHA-256, so
  that a rebuild renders only the files whose inputs changed;
- `teasers`: per article the HTML that the index and tag pages show of it, with the key of
  everything it depends on (written as the article's own page is rendered, so that a list
  of 10,000 articles is put together rather than rendered again);
- `published`: the size, mtime and inode of every file and folder the last build left in the
  output folder, flat (`PublishedTree`: one row of the file names, one of the numbers, each
  with a CRC-32: an unchanged build reads them whole, several times faster than a row per
  file), so that an unchanged build is recognised without reading a page.

Nothing in it is trusted blindly: values are plain data (`marshal`, version 2, of strings,
numbers, lists and dicts; never pickle, so loading cannot run code), every record carries a
CRC-32 and every article blob is checked against the SHA-256 in its record; a database that is
unreadable, foreign or corrupt is set aside with a warning and the build runs without it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import marshal
import os
import shutil
import sqlite3
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from feedgen_app import __version__, model
from feedgen_app.errors import StoreError
from feedgen_app.i18n import _, library_reason, os_reason
from feedgen_app.model import Article, ArticleRecord, Site
from feedgen_app.reading.files import read_regular_file

INDEX = "index.sqlite"
SCHEMA = 6
RACY_SECONDS = 2.0
"""A file modified this close to the index's own write time is hashed again."""
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is feedgen-app's build cache; deleting it is safe.\n"
)
MARSHAL_VERSION = 2
"""No back-references (version 3 adds them depending on reference counts): equal values
always give equal bytes, so a blob's SHA-256 is the article's identity."""
ENVIRONMENT_VARIABLES = ("TZ", "LANG", "LC_ALL", "LC_CTYPE", "LC_TIME", "PYTHONHASHSEED")
"""The output must not depend on these; they are part of the keys anyway, so that a build
under another TZ or locale really parses again (and a determinism test cannot pass from the
index)."""

T = TypeVar("T")
Stat = tuple[int, int, int]
"""(size, mtime_ns, inode) of a file."""

_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
    "mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, sha256 TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS articles (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
    "signature TEXT NOT NULL, record BLOB NOT NULL, article BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, key TEXT NOT NULL, "
    "sha256 TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS published (name TEXT PRIMARY KEY, tree BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS teasers (source TEXT PRIMARY KEY, key TEXT NOT NULL, "
    "html BLOB NOT NULL)",
)


def describe_environment() -> dict[str, Any]:
    """What an index must have been written by to be trusted."""
    # feedgen's own version module: importing importlib.metadata would cost 30 times more.
    from feedgen.version import version_str as feedgen_version

    return {
        "schema": SCHEMA,
        "package": __version__,
        "feedgen": feedgen_version,
        "python": list(sys.version_info[:2]),
        "marshal": MARSHAL_VERSION,
        "article_fields": [f.name for f in dataclasses.fields(Article)],
        "record_fields": [f.name for f in dataclasses.fields(ArticleRecord)],
    }


def hash_package() -> str:
    """SHA-256 over the package's code (the modules of every subpackage), templates and static
    files: an edited module or template is a change of every output."""
    digest = hashlib.sha256()
    pending = [("", Path(__file__).resolve().parent.parent)]
    while pending:
        folder, base = pending.pop()
        for item in sorted(base.iterdir(), key=lambda entry: entry.name):
            name = f"{folder}/{item.name}"
            if item.is_dir():
                if item.name != "__pycache__":
                    pending.append((name, item))
            elif item.name.endswith(".py") or name.split("/")[1] in ("templates", "static"):
                digest.update(f"{name}\0".encode())
                digest.update(hashlib.sha256(item.read_bytes()).digest())
    return digest.hexdigest()


def sign_site(site: Site, content_dir: Path) -> str:
    """Everything besides an article file itself that its parse depends on."""
    environment = [os.environ.get(name) for name in ENVIRONMENT_VARIABLES]
    text = json.dumps(
        [describe_environment(), repr(site), str(content_dir), hash_package(), environment]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Articles and records <-> plain data


def encode_value(value: Any) -> Any:
    """A model value as marshal-safe plain data; TypeError for anything else."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, tuple):
        return ["t", [encode_value(v) for v in value]]
    if isinstance(value, datetime):
        return _encode_datetime(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if getattr(model, name, None) is not type(value):
            raise TypeError(f"cannot store {name}: not a model class")
        return [
            "c",
            name,
            {f.name: encode_value(getattr(value, f.name)) for f in dataclasses.fields(value)},
        ]
    raise TypeError(f"cannot store a {type(value).__name__}")


def _encode_datetime(value: datetime) -> list[Any]:
    if isinstance(value.tzinfo, ZoneInfo):
        return ["z", value.replace(tzinfo=None).isoformat(), value.tzinfo.key, value.fold]
    if value.tzinfo is not None and type(value.tzinfo) is timezone:
        return ["o", value.isoformat()]
    from dateutil.tz import tzoffset, tzutc  # only the date parser makes these (imported then)

    naive = value.replace(tzinfo=None).isoformat()
    if isinstance(value.tzinfo, tzutc):
        return ["U", naive]
    if isinstance(value.tzinfo, tzoffset):
        offset = value.utcoffset()
        assert offset is not None
        return ["u", naive, value.tzinfo.tzname(None), int(offset.total_seconds())]
    raise TypeError(f"cannot store a datetime with tzinfo {value.tzinfo!r}")


def decode_value(data: Any) -> Any:
    """The inverse of encode_value; ValueError for data it never writes."""
    if data is None or isinstance(data, str | bool | int | float):
        return data
    if not isinstance(data, list) or not data:
        raise ValueError(_("unexpected stored value {data!r:.60}").format(data=data))
    tag = data[0]
    if tag == "t":
        return tuple(decode_value(v) for v in data[1])
    if tag == "z":
        return datetime.fromisoformat(data[1]).replace(tzinfo=ZoneInfo(data[2]), fold=data[3])
    if tag == "o":
        parsed = datetime.fromisoformat(data[1])
        offset = parsed.utcoffset()
        assert offset is not None
        return parsed.replace(tzinfo=UTC if offset == timedelta(0) else timezone(offset))
    if tag in ("U", "u"):
        from dateutil.tz import tzoffset, tzutc

        if tag == "U":
            return datetime.fromisoformat(data[1]).replace(tzinfo=tzutc())
        return datetime.fromisoformat(data[1]).replace(tzinfo=tzoffset(data[2], data[3]))
    if tag == "c":
        cls: Any = getattr(model, data[1], None)
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
            raise ValueError(_("unexpected stored class {data!r}").format(data=data[1]))
        return cls(**{key: decode_value(value) for key, value in data[2].items()})
    raise ValueError(_("unexpected stored tag {tag!r}").format(tag=tag))


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(ArticleRecord))


def encode_article(article: Article) -> bytes:
    """An Article as bytes: its field values in declaration order (the meta names them)."""
    return marshal.dumps(
        [encode_value(getattr(article, name)) for name in _ARTICLE_FIELDS], MARSHAL_VERSION
    )


def decode_article(blob: bytes) -> Article:
    """The inverse of `encode_article`; ValueError for anything it never writes."""
    try:
        data = marshal.loads(blob)
    except (EOFError, TypeError) as exc:
        raise ValueError(_("stored article is corrupt ({exc})").format(exc=exc)) from None
    if not isinstance(data, list) or len(data) != len(_ARTICLE_FIELDS):
        raise ValueError(_("stored value is not an article"))
    values: list[Any] = [v if type(v) is str else decode_value(v) for v in data]
    return Article(*values)


def with_crc(body: bytes | bytearray) -> bytes:
    """`body` with its CRC-32 in front: what the index stores of values read without other
    checks (records, teasers, the published tree)."""
    return zlib.crc32(body).to_bytes(4, "big") + body


def without_crc(blob: bytes) -> bytes | None:
    """The body of a `with_crc` blob; None when it is empty or its CRC-32 does not match."""
    body = blob[4:]
    if not body or zlib.crc32(body).to_bytes(4, "big") != blob[:4]:
        return None
    return body


def encode_record(record: ArticleRecord) -> bytes:
    """A record as bytes, with a CRC-32 in front (records are read without other checks)."""
    return with_crc(
        marshal.dumps(
            [encode_value(getattr(record, name)) for name in _RECORD_FIELDS], MARSHAL_VERSION
        )
    )


def decode_record(blob: bytes) -> ArticleRecord:
    """The inverse of `encode_record`; ValueError when the CRC or the shape is wrong.

    Every build with an edit decodes every record, so the common values are decoded here
    directly: text as it is, a tuple of text, a datetime in a named zone."""
    body = without_crc(blob)
    if body is None:
        raise ValueError(_("stored record is corrupt (CRC mismatch)"))
    data = marshal.loads(body)
    if not isinstance(data, list) or len(data) != len(_RECORD_FIELDS):
        raise ValueError(_("stored value is not an article record"))
    values: list[Any] = [v if type(v) is str else _decode_common(v) for v in data]
    return ArticleRecord(*values)


def _decode_common(data: Any) -> Any:
    if type(data) is list and data:
        if data[0] == "z":
            return datetime.fromisoformat(data[1]).replace(tzinfo=_zone(data[2]), fold=data[3])
        if data[0] == "t" and all(type(v) is str for v in data[1]):
            return tuple(map(sys.intern, data[1]))  # tags: a few spellings shared by many
    return decode_value(data)


_ZONES: dict[str, ZoneInfo] = {}


def _zone(key: str) -> ZoneInfo:
    zone = _ZONES.get(key)
    if zone is None:
        zone = _ZONES[key] = ZoneInfo(key)
    return zone


def digest_blob(blob: bytes) -> str:
    """An article blob's SHA-256: the `digest` of its record."""
    return hashlib.sha256(blob).hexdigest()


# ---------------------------------------------------------------------------------------------
# The database


@dataclass
class BuildIndex:
    """An open index; `warnings` collects what went wrong with it (never fatal)."""

    directory: Path
    connection: sqlite3.Connection | None = None
    warnings: list[str] = field(default_factory=list)
    written_ns: int = 0
    """When the index was last written (0: a new or emptied index)."""
    last: dict[str, Any] = field(default_factory=dict)
    """The last build: {"early": {inputs key, output folder, what it published, ...}}."""
    scratch: Path | None = None
    """A temporary folder holding this index, removed when it is closed."""

    @property
    def path(self) -> Path:
        return self.directory / INDEX

    # -- opening ---------------------------------------------------------------------------

    def fail(self, problem: str) -> None:
        """The index cannot be trusted: warn, close it and go on without one."""
        self.warnings.append(
            _(
                "{path}:1: warning: {problem}; building without it (it is written "
                "anew after this build)"
            ).format(path=self.path, problem=problem)
        )
        self.close()
        self.written_ns, self.last = 0, {}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


def open_index(directory: Path) -> BuildIndex:
    """The index in `directory`, created if missing; an untrusted one is set aside (renamed
    to `index.sqlite.bad`) with a warning and a new one started."""
    index = BuildIndex(directory=directory)
    try:
        _open(index)
    except (sqlite3.Error, StoreError, ValueError, OSError) as exc:
        index.fail(_describe(exc))
        set_aside(index)
        try:
            _open(index)
        except (sqlite3.Error, StoreError, ValueError, OSError) as again:
            index.fail(
                _("cannot create the build cache ({describe})").format(describe=_describe(again))
            )
    return index


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return _("cannot read the build cache ({value})").format(value=os_reason(exc))
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return _("not a feedgen-app build cache")
    return (
        _("the build cache is corrupt ({exc})").format(exc=library_reason(exc))
        if not isinstance(exc, StoreError)
        else str(exc)
    )


def set_aside(index: BuildIndex) -> None:
    """Move an untrusted database out of the way (kept for inspection, never read again)."""
    for suffix in ("", "-wal", "-shm"):
        path = index.path.with_name(index.path.name + suffix)
        try:
            if path.is_dir() and not path.is_symlink():
                os.rename(path, path.with_name(path.name + ".bad"))
            elif path.exists():
                os.replace(path, path.with_name(path.name + ".bad"))
        except OSError:
            pass


def _open(index: BuildIndex) -> None:
    index.directory.mkdir(parents=True, exist_ok=True)
    tag = index.directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(CACHEDIR_TAG, encoding="ascii")
    if index.path.exists() and not index.path.is_file():
        raise OSError(21, _("not a regular file"))
    connection = sqlite3.connect(index.path, isolation_level=None, check_same_thread=False)
    index.connection = connection
    # Durable against a killed process (the journal), not against power loss: the site's
    # publishing makes the same promise, and the index can always be rebuilt.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA busy_timeout=30000")
    for statement in _TABLES:
        connection.execute(statement)
    rows = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    environment = json.dumps(describe_environment(), sort_keys=True)
    if rows.get("environment") not in (None, environment):
        written_by = json.loads(rows["environment"]).get("package", "?")
        index.warnings.append(
            _(
                "{path}:1: warning: the build cache was written by another version "
                "(feedgen-app {written_by}, or another feedgen, Python or cache "
                "format); building without it"
            ).format(path=index.path, written_by=written_by)
        )
        _empty(connection)
        rows = {}
    if "environment" not in rows:
        with transaction(connection):
            connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('environment', ?)", (environment,)
            )
        return
    index.written_ns = written_ns(index.path)
    last = json.loads(rows.get("last", "{}"))
    index.last = last if isinstance(last, dict) else {}


def written_ns(path: Path) -> int:
    """When the index was last written, by the file system's clock (its files' mtimes; the
    build reads no clock of its own for this)."""
    stamps = []
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            stamps.append(os.stat(f"{path}{suffix}").st_mtime_ns)
    return max(stamps, default=0)


def _empty(connection: sqlite3.Connection) -> None:
    """Drop every table and create this format's (another format's tables may differ)."""
    with transaction(connection):
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in tables.fetchall():
            connection.execute(f'DROP TABLE "{table}"')
        for statement in _TABLES:
            connection.execute(statement)


@dataclass
class _Transaction:
    connection: sqlite3.Connection

    def __enter__(self) -> sqlite3.Connection:
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, kind: object, _value: object, _traceback: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")


def transaction(connection: sqlite3.Connection) -> _Transaction:
    """One atomic update: committed when the block ends, rolled back on an exception."""
    return _Transaction(connection)


def safely(index: BuildIndex, what: str, default: T, query: Callable[[sqlite3.Connection], T]) -> T:
    """`query(connection)`, or `default` when the index is closed; a database error is a
    StoreError (the build sets the index aside and starts again without it)."""
    if index.connection is None:
        return default
    try:
        return query(index.connection)
    except sqlite3.Error as exc:
        raise StoreError(
            _("the build cache is corrupt ({what}: {exc})").format(what=what, exc=exc)
        ) from None


# ---------------------------------------------------------------------------------------------
# Content files


def stat_key(path: str | Path) -> Stat:
    info = os.stat(path)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def read_file_stats(index: BuildIndex) -> dict[str, tuple[int, int, int, str]]:
    """path -> (size, mtime_ns, inode, SHA-256) of every content file hashed before."""
    return safely(
        index,
        "reading file hashes",
        {},
        lambda connection: {
            row[0]: row[1:]
            for row in connection.execute("SELECT path, size, mtime_ns, inode, sha256 FROM files")
        },
    )


def hash_files(
    index: BuildIndex, paths: Iterable[str], known: Mapping[str, tuple[int, int, int, str]]
) -> tuple[dict[str, str], dict[str, tuple[int, int, int, str]], dict[str, str]]:
    """SHA-256 of every file in `paths` (from `known` when its stat is unchanged and not
    racy); the rows to remember; and the files that could not be read (path -> the
    `FILE:1: …` problem saying why)."""
    hashes: dict[str, str] = {}
    changed: dict[str, tuple[int, int, int, str]] = {}
    unreadable: dict[str, str] = {}
    racy_from = index.written_ns - int(RACY_SECONDS * 1e9)
    for path in paths:
        key = path
        try:
            size, mtime_ns, inode = stat_key(path)
            row = known.get(key)
            if row is not None and row[:3] == (size, mtime_ns, inode) and mtime_ns < racy_from:
                hashes[key] = row[3]
                continue
            digest = hashlib.sha256(read_regular_file(path)).hexdigest()
        except OSError as exc:
            unreadable[key] = _("{path}:1: cannot read the file: {value}").format(
                path=path, value=os_reason(exc)
            )
            continue
        hashes[key] = digest
        if row != (size, mtime_ns, inode, digest):
            changed[key] = (size, mtime_ns, inode, digest)
    return hashes, changed, unreadable


# ---------------------------------------------------------------------------------------------
# Articles


def read_article_keys(index: BuildIndex) -> dict[str, tuple[str, str]]:
    """source -> (file SHA-256, site signature) of every stored article."""
    return safely(
        index,
        "reading articles",
        {},
        lambda connection: {
            row[0]: (row[1], row[2])
            for row in connection.execute("SELECT source, sha256, signature FROM articles")
        },
    )


def read_records(index: BuildIndex, sources: Iterable[str]) -> dict[str, ArticleRecord]:
    """The stored records of `sources`; a record that fails its check is left out (and
    warned about): its article is parsed again."""
    wanted = set(sources)
    if not wanted:
        return {}

    def query(connection: sqlite3.Connection) -> dict[str, ArticleRecord]:
        records = {}
        for source, blob in connection.execute("SELECT source, record FROM articles"):
            if source not in wanted:
                continue
            try:
                records[source] = decode_record(blob)
            except (ValueError, TypeError, EOFError) as exc:
                index.warnings.append(
                    _(
                        "{path}:1: warning: the stored record of {source} is corrupt "
                        "({exc}); parsing the article again"
                    ).format(path=index.path, source=source, exc=exc)
                )
        return records

    return safely(index, "reading article records", {}, query)


def write_articles(
    index: BuildIndex, rows: Sequence[tuple[str, str, str, ArticleRecord, bytes]]
) -> None:
    """Remember parsed articles: (source, file SHA-256, signature, record, article blob)."""

    def update(connection: sqlite3.Connection) -> None:
        with transaction(connection):
            connection.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                [
                    (source, sha, signature, encode_record(record), blob)
                    for source, sha, signature, record, blob in rows
                ],
            )

    safely(index, "storing articles", None, update)


def forget_articles(index: BuildIndex, sources: Iterable[str]) -> None:
    """Drop the stored articles of files that are gone."""

    def update(connection: sqlite3.Connection) -> None:
        with transaction(connection):
            connection.executemany(
                "DELETE FROM articles WHERE source = ?", [(source,) for source in sources]
            )

    safely(index, "forgetting articles", None, update)


LOADED_AT_ONCE = 500
"""Whole articles an ArticleLoader keeps at most for one job (a batch of pages and their
neighbours, the feeds of a tag)."""


READER_CACHE_KB = 256
"""The page cache of a connection that reads articles or teasers by source."""


class IndexReader:
    """Reads rows of the index by article source, through a read-only connection of its own,
    opened on first use in the process that uses it (a forked worker never shares its
    parent's)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def __getstate__(self) -> dict[str, Any]:
        """Handed to a worker with a job: without the connection (it opens its own)."""
        return {**self.__dict__, "_connection": None, "_pid": 0}

    def rows(self, query: str, sources: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of `query` (`... WHERE source IN ({})`) for `sources`, 500 at a time."""
        if self.path is None:
            return
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            # lookups by key, each row once: a small page cache (the default is 2 MB a
            # connection, and every process of a build opens two of these)
            self._connection.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
            self._pid = os.getpid()
        for start in range(0, len(sources), 500):
            part = sources[start : start + 500]
            yield from self._connection.execute(query.format(",".join("?" * len(part))), part)


class ArticleLoader(IndexReader):
    """Loads whole articles by source from the index, for the outputs that show their body,
    and checks each blob against the record's digest. Called with records, it returns their
    articles (a `rendering.render.Loader`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.kept: dict[str, Article] = {}
        """What `keep` loaded for the current job; each of its files takes its articles
        from here."""

    def __getstate__(self) -> dict[str, Any]:
        """Handed to a worker with a job: the path only (it opens its own connection)."""
        return {**super().__getstate__(), "kept": {}}

    def __call__(self, records: Sequence[ArticleRecord]) -> list[Article]:
        """The articles of `records`, in order: those kept, the others from the index (and
        not kept, so that a month's archive, streamed in chunks, holds one chunk at a time)."""
        missing = list({r.source: r for r in records if r.source not in self.kept}.values())
        found = self._query(missing) if missing else {}
        return [self.kept.get(r.source) or found[r.source] for r in records]

    def keep(self, records: Sequence[ArticleRecord]) -> None:
        """Load the articles a job's files show in one go (each once) and keep them for its
        files, in place of the previous job's; more than LOADED_AT_ONCE are not kept."""
        self.kept = {}
        if len(records) <= LOADED_AT_ONCE:
            self.kept = self._query(records)

    def _query(self, records: Sequence[ArticleRecord]) -> dict[str, Article]:
        found: dict[str, Article] = {}
        digests = {r.source: r.digest for r in records}
        sources = list(digests)
        query = "SELECT source, article FROM articles WHERE source IN ({})"
        try:
            for source, blob in self.rows(query, sources):
                if digest_blob(blob) != digests[source]:
                    raise StoreError(
                        _(
                            "the build cache is corrupt (the stored article {source} does "
                            "not match its record)"
                        ).format(source=source)
                    )
                found[source] = decode_article(blob)
        except (sqlite3.Error, ValueError) as exc:
            raise StoreError(
                _("the build cache is corrupt (loading articles: {exc})").format(exc=exc)
            ) from None
        lost = [s for s in sources if s not in found]
        if lost:
            raise StoreError(
                _("the build cache is corrupt (the stored article {lost} is missing)").format(
                    lost=lost[0]
                )
            )
        return found


class TeaserStore(IndexReader):
    """The teasers the index knows (see the `teasers` table), for the list pages: each counts
    only under its key (`key_of(record)`), and its CRC-32 is checked. Teasers a list had to
    render are kept in `added` for the build to record. No index (`path` None): none known."""

    def __init__(self, path: Path | None, key_of: Callable[[ArticleRecord], str]) -> None:
        super().__init__(path)
        self.key_of = key_of
        self.added: list[tuple[str, str, bytes]] = []

    def __getstate__(self) -> dict[str, Any]:
        """Handed to a worker with a job: `key_of` must pickle (no lambda); nothing added."""
        return {**super().__getstate__(), "added": []}

    def fetch(self, records: Sequence[ArticleRecord]) -> dict[str, str]:
        """source -> teaser HTML of each of `records` stored under its current key."""
        keys = {r.source: self.key_of(r) for r in records}
        query = "SELECT source, key, html FROM teasers WHERE source IN ({})"
        found: dict[str, str] = {}
        try:
            for source, key, blob in self.rows(query, list(keys)):
                if key == keys[source]:
                    found[source] = _checked_text(blob)
        except (sqlite3.Error, ValueError) as exc:
            raise StoreError(
                _("the build cache is corrupt (loading teasers: {exc})").format(exc=exc)
            ) from None
        return found

    def add(self, record: ArticleRecord, html: str) -> None:
        self.added.append(teaser_row(record, self.key_of(record), html))

    def take_added(self) -> list[tuple[str, str, bytes]]:
        """The teasers added since the last call (then forgotten here)."""
        added, self.added = self.added, []
        return added


def teaser_row(record: ArticleRecord, key: str, html: str) -> tuple[str, str, bytes]:
    """A row of the `teasers` table: the HTML with a CRC-32 in front."""
    return (record.source, key, with_crc(html.encode("utf-8")))


def _checked_text(blob: bytes) -> str:
    body = without_crc(blob)
    if body is None:
        raise ValueError(_("a stored teaser is corrupt (CRC mismatch)"))
    return body.decode("utf-8")


def record_teasers(index: BuildIndex, rows: Sequence[tuple[str, str, bytes]]) -> None:
    """Remember rendered teasers (rows from `teaser_row`), for the list pages."""

    def update(connection: sqlite3.Connection) -> None:
        with transaction(connection):
            connection.executemany("INSERT OR REPLACE INTO teasers VALUES (?, ?, ?)", rows)

    if rows:
        safely(index, "recording teasers", None, update)


# ---------------------------------------------------------------------------------------------
# Outputs and the last build


def read_outputs(index: BuildIndex) -> dict[str, tuple[str, str]]:
    """path -> (key, SHA-256) of every output the last build wrote."""
    return safely(
        index,
        "reading the output memo",
        {},
        lambda connection: {
            row[0]: (row[1], row[2])
            for row in connection.execute("SELECT path, key, sha256 FROM outputs")
        },
    )


@dataclass
class PublishedTree:
    """The stat of every file and folder a build published, kept flat: the file names in
    one list, and the numbers in three arrays (sizes, mtimes in ns, inodes): first one per
    file, in the order of `names`, then one per folder, in the order `folders` gives them.
    An object per file would cost some 30 MB more at the end of a build of 100,000 articles.
    """

    names: Sequence[str]
    sizes: array[int] = field(default_factory=lambda: array("q"))
    mtimes: array[int] = field(default_factory=lambda: array("q"))
    inodes: array[int] = field(default_factory=lambda: array("Q"))

    def add(self, size: int, mtime_ns: int, inode: int) -> None:
        self.sizes.append(size)
        self.mtimes.append(mtime_ns)
        self.inodes.append(inode)

    def __len__(self) -> int:
        """How many files and folders: `names` holds the files only."""
        return len(self.sizes)


def tree_folders(names: Iterable[str]) -> Iterator[str]:
    """The folders holding `names` ("" for the output folder itself, first), each once when
    the names come sorted (a folder's files are then next to each other): the order in which
    `PublishedTree` keeps their numbers, worked out again, rather than stored, when read.
    (`pipeline._parents` gives one name's folders; this walks a whole sorted list lazily,
    with no set of the folders seen.)"""
    yield ""
    before = ""
    for name in names:
        folder = name.rpartition("/")[0]
        step = folder
        while step and not (before == step or before.startswith(step + "/")):
            yield step
            step = step.rpartition("/")[0]
        before = folder


_TREE_ROWS = ("last-names", "last-numbers")


def read_published(index: BuildIndex) -> PublishedTree | None:
    """What `record_build` kept of the files the last build published; None when it kept
    nothing."""

    def query(connection: sqlite3.Connection) -> PublishedTree | None:
        rows = dict(
            connection.execute(
                "SELECT name, tree FROM published WHERE name IN (?, ?)", _TREE_ROWS
            ).fetchall()
        )
        if len(rows) != len(_TREE_ROWS):
            return None
        names, numbers = (without_crc(rows[name]) for name in _TREE_ROWS)
        if names is None or numbers is None:  # a tree is never empty: it holds the manifest
            raise StoreError(_("the build cache is corrupt (the published files: CRC mismatch)"))
        if len(numbers) % 24:
            raise StoreError(_("the build cache is corrupt (the published files)"))
        count = len(numbers) // 24
        tree = PublishedTree(names.decode("utf-8", "surrogateescape").split("\0"))
        for column, start in ((tree.sizes, 0), (tree.mtimes, 8), (tree.inodes, 16)):
            column.frombytes(numbers[start * count : (start + 8) * count])
            if sys.byteorder == "big":
                column.byteswap()  # stored little-endian
        return tree

    return safely(index, "reading the published files", None, query)


def _encode_tree(tree: PublishedTree) -> list[tuple[str, bytes]]:
    numbers = bytearray()
    for column in (tree.sizes, tree.mtimes, tree.inodes):
        if sys.byteorder == "big":
            column = array(column.typecode, column)
            column.byteswap()
        numbers += column
    names = "\0".join(tree.names).encode("utf-8", "surrogateescape")
    return [(_TREE_ROWS[0], with_crc(names)), (_TREE_ROWS[1], with_crc(numbers))]


def record_build(
    index: BuildIndex,
    outputs: Mapping[str, tuple[str, str]],
    published: PublishedTree | None,
    last: Mapping[str, Any],
) -> None:
    """Remember in one transaction: each output's key and SHA-256, the stat of what was
    published, and the last build."""

    def update(connection: sqlite3.Connection) -> None:
        with transaction(connection):
            connection.execute("DELETE FROM published")
            if published is not None:
                connection.executemany(
                    "INSERT INTO published VALUES (?, ?)", _encode_tree(published)
                )
            connection.execute(
                "DELETE FROM teasers WHERE source NOT IN (SELECT source FROM articles)"
            )
            connection.execute("DELETE FROM outputs")
            connection.executemany(  # rows handed over as they are made, no list of them all
                "INSERT INTO outputs VALUES (?, ?, ?)",
                ((path, key, sha) for path, (key, sha) in outputs.items()),
            )
            _write_meta(connection, last)
        index.last = dict(last)

    safely(index, "recording the build", None, update)


def record_files(
    index: BuildIndex, files: Mapping[str, tuple[int, int, int, str]], gone: Iterable[str] = ()
) -> None:
    """Remember in one transaction the content files hashed, and forget those gone."""

    def update(connection: sqlite3.Connection) -> None:
        with transaction(connection):
            connection.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                ((path, *row) for path, row in files.items()),
            )
            connection.executemany("DELETE FROM files WHERE path = ?", [(path,) for path in gone])

    safely(index, "recording file hashes", None, update)


def _write_meta(connection: sqlite3.Connection, last: Mapping[str, Any]) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO meta VALUES ('last', ?)", (json.dumps(last, sort_keys=True),)
    )
